import { contentAad } from '@xinfang/api/domain/petitions/submit-petition'
import { encryptField } from '@xinfang/api/domain/privacy/field-crypto'
import { demoKeyringPath, keyringFromFile, readKeyringFile } from '@xinfang/api/domain/privacy/keyring'
import { EVENT_SHAPE, PETITION_SHAPE, type SeedPlan, seededRow } from './seed-plan'

/*
 * A child process of the bulk seeder: makes rows [from, to) of the plan, encrypts each petition's content with the
 * API's keyring and `encryptField` (bound to the row's id, as submit-petition.ts does), and sends them back as
 * JSON arrays in column order, ready for one `INSERT … SELECT … FROM json_each(?)`. It writes nothing itself:
 * the parent is the single writer. Exits when the parent disconnects.
 */

export interface InitMessage {
  type: 'init'
  dataDir: string
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
  rows: number
  petitions: string
  events: string
}

const ENCRYPT_BATCH = 500

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isInit(value: unknown): value is InitMessage {
  return isRecord(value) && value.type === 'init' && typeof value.dataDir === 'string' && Array.isArray(value.citizenIds)
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

async function main(): Promise<void> {
  const send = process.send?.bind(process)
  if (!send) throw new Error('seed-worker.ts runs as a child process of the bench (IPC channel required)')
  process.on('disconnect', () => process.exit(0))

  let state: { plan: SeedPlan; citizenIds: string[]; keyring: ReturnType<typeof keyringFromFile> } | undefined
  // One chunk at a time, in the order asked: a queue, since IPC delivers the next request while one is encrypting.
  let queue = Promise.resolve()

  process.on('message', (message: unknown) => {
    if (isInit(message)) {
      state = {
        plan: message.plan,
        citizenIds: message.citizenIds,
        keyring: keyringFromFile(readKeyringFile(demoKeyringPath(message.dataDir)), 'demo-file'),
      }
      send({ type: 'ready' })
      return
    }
    if (!isChunkRequest(message)) return
    queue = queue.then(async () => {
      if (!state) throw new Error('chunk requested before init')
      const { plan, citizenIds, keyring } = state
      const petitions: unknown[][] = []
      const events: unknown[][] = []
      for (let start = message.from; start < message.to; start += ENCRYPT_BATCH) {
        const end = Math.min(message.to, start + ENCRYPT_BATCH)
        const rows = Array.from({ length: end - start }, (_, offset) => seededRow(plan, citizenIds, start + offset))
        const encrypted = await Promise.all(
          rows.map((row) => encryptField(keyring, row.content, contentAad(row.petition.id))),
        )
        rows.forEach((row, offset) => {
          const contentEnc = encrypted[offset]
          if (contentEnc === undefined) throw new Error(`no ciphertext for row ${start + offset}`)
          petitions.push(PETITION_SHAPE.argsOf({ ...row.petition, contentEnc }))
          events.push(EVENT_SHAPE.argsOf(row.event))
        })
      }
      const reply: ChunkReply = {
        type: 'chunk',
        index: message.index,
        rows: message.to - message.from,
        petitions: JSON.stringify(petitions),
        events: JSON.stringify(events),
      }
      send(reply)
    })
    queue.catch((error: unknown) => {
      process.stderr.write(`seed worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
      process.exit(1)
    })
  })
}

void main()
