import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { contentAad } from '@xinfang/api/domain/petitions/submit-petition'
import { encryptField, fieldAad } from '@xinfang/api/domain/privacy/field-crypto'
import { demoKeyringPath, type Keyring, keyringFromFile, readKeyringFile } from '@xinfang/api/domain/privacy/keyring'
import { BOUND_CITIZENS, createRowMaker, EVENT_SHAPE, PETITION_SHAPE, RATING_SHAPE, type SeedPlan } from './seed-plan'

/*
 * A child process of the bulk seeder: makes rows [from, to) of the plan and writes them as three JSON files
 * (petitions, events, ratings; arrays in column order) for the parent, the single writer, to insert with one
 * `INSERT … SELECT … FROM json_each(?)` each. Exits when the parent disconnects.
 *
 * Content is encrypted with the server's keyring and the API's own `encryptField`. Rows the benchmark may read
 * back (those of the first BOUND_CITIZENS citizens of a seed, among whom the readers are chosen) are bound to
 * their own id, exactly as submit-petition.ts does. Every other row carries one of a few real envelopes of its
 * own text bound to a pool id: the same bytes and size on disk, but ~50 µs of WebCrypto per row saved, which at
 * a million rows is most of a two-core machine's minute. No measured request decrypts those rows.
 */

const ENVELOPES_PER_TEXT = 8
const ENCRYPT_BATCH = 500

export interface InitMessage {
  type: 'init'
  dataDir: string
  /** Where chunk files go (tmpfs when there is one); the parent deletes each after inserting it. */
  chunkDir: string
  plan: SeedPlan
  citizenIds: string[]
}

export interface ChunkRequest {
  type: 'chunk'
  index: number
  from: number
  to: number
}

export interface ChunkReply {
  type: 'chunk'
  index: number
  petitionsFile: string
  eventsFile: string
  ratingsFile: string
  boundRows: number
  ratings: number
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isInit(value: unknown): value is InitMessage {
  return (
    isRecord(value) &&
    value.type === 'init' &&
    typeof value.dataDir === 'string' &&
    typeof value.chunkDir === 'string' &&
    isRecord(value.plan) &&
    Array.isArray(value.citizenIds)
  )
}

function isChunkRequest(value: unknown): value is ChunkRequest {
  return (
    isRecord(value) &&
    value.type === 'chunk' &&
    typeof value.index === 'number' &&
    typeof value.from === 'number' &&
    typeof value.to === 'number'
  )
}

interface WorkerState {
  init: InitMessage
  makeRow: ReturnType<typeof createRowMaker>
  keyring: Keyring
  pool: Map<string, Promise<string[]>>
}

function pooledEnvelopes(state: WorkerState, text: string): Promise<string[]> {
  let envelopes = state.pool.get(text)
  if (!envelopes) {
    const index = state.pool.size
    envelopes = Promise.all(
      Array.from({ length: ENVELOPES_PER_TEXT }, (_, j) =>
        encryptField(state.keyring, text, fieldAad('petitions', 'content', `bench-pool-${index}-${j}`)),
      ),
    )
    state.pool.set(text, envelopes)
  }
  return envelopes
}

async function makeChunk(state: WorkerState, request: ChunkRequest): Promise<ChunkReply> {
  const { plan, chunkDir } = state.init
  const petitions: unknown[][] = []
  const events: unknown[][] = []
  const ratings: unknown[][] = []
  let boundRows = 0
  for (let start = request.from; start < request.to; start += ENCRYPT_BATCH) {
    const end = Math.min(request.to, start + ENCRYPT_BATCH)
    const rows = Array.from({ length: end - start }, (_, offset) => ({
      g: start + offset,
      ...state.makeRow(start + offset),
    }))
    const contents = await Promise.all(
      rows.map(async (row) => {
        if (row.g % plan.citizenCount < BOUND_CITIZENS) {
          boundRows++
          return encryptField(state.keyring, row.content, contentAad(row.petition.id))
        }
        const envelopes = await pooledEnvelopes(state, row.content)
        const envelope = envelopes[row.g % envelopes.length]
        if (envelope === undefined) throw new Error('empty envelope pool')
        return envelope
      }),
    )
    rows.forEach((row, offset) => {
      const contentEnc = contents[offset]
      if (contentEnc === undefined) throw new Error(`no ciphertext for row ${row.g}`)
      petitions.push(PETITION_SHAPE.argsOf({ ...row.petition, contentEnc }))
      events.push(EVENT_SHAPE.argsOf(row.event))
      for (const rating of row.ratings) ratings.push(RATING_SHAPE.argsOf(rating))
    })
  }
  const petitionsFile = join(chunkDir, `petitions-${request.index}.json`)
  const eventsFile = join(chunkDir, `events-${request.index}.json`)
  const ratingsFile = join(chunkDir, `ratings-${request.index}.json`)
  writeFileSync(petitionsFile, JSON.stringify(petitions))
  writeFileSync(eventsFile, JSON.stringify(events))
  writeFileSync(ratingsFile, JSON.stringify(ratings))
  return {
    type: 'chunk',
    index: request.index,
    petitionsFile,
    eventsFile,
    ratingsFile,
    boundRows,
    ratings: ratings.length,
  }
}

function main(): void {
  const send = process.send?.bind(process)
  if (!send) throw new Error('seed-worker.ts runs as a child process of the bench (IPC channel required)')
  process.on('disconnect', () => process.exit(0))
  let state: WorkerState | undefined
  // One chunk at a time, in the order asked: IPC delivers the next request while one is being made.
  let queue = Promise.resolve()
  process.on('message', (message: unknown) => {
    if (isInit(message)) {
      state = {
        init: message,
        makeRow: createRowMaker(message.plan, message.citizenIds),
        keyring: keyringFromFile(readKeyringFile(demoKeyringPath(message.dataDir)), 'demo-file'),
        pool: new Map(),
      }
      send({ type: 'ready' })
      return
    }
    if (!isChunkRequest(message)) return
    queue = queue
      .then(async () => {
        if (!state) throw new Error('chunk requested before init')
        send(await makeChunk(state, message))
      })
      .catch((error: unknown) => {
        process.stderr.write(
          `seed worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
        )
        process.exit(1)
      })
  })
}

main()
