import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  PetitionDetailSchema,
  PetitionListSchema,
  StaffQueueSchema,
  TrackResultSchema,
} from '@xinfang/shared'
import { REPO_ROOT, type RunningApi, startApi } from '../support/api-server'
import {
  type Citizen,
  call,
  createCitizenWithProfile,
  expectStatus,
  inPool,
  listCategories,
  signInCitizen,
  staffToken,
} from './api-client'
import { type CeilingServer, startHttpCeiling } from './http-ceiling'
import type { LoadResult } from './load'
import { currentLoadAverage, describeMachine } from './machine'
import {
  type BookingResult,
  type LimiterProbe,
  measureBookings,
  measureCitizenDetail,
  measureCitizenList,
  measureHttpCeiling,
  measureStaffQueue,
  measureSubmissions,
  measureTrack,
  type PhaseLimits,
  probeTrackLimiter,
  type Reader,
  type SubmissionResult,
  TRACK_LIMIT_PER_ADDRESS,
  TRACK_LIMIT_PER_NUMBER,
  type TrackResult,
  type TrackSample,
} from './phases'
import { type ExplainedQuery, explainReadsInChild } from './query-plans'
import {
  formatBytes,
  formatMs,
  formatNumber,
  formatRate,
  renderMarkdown,
  renderText,
  type TableRow,
  verdict,
} from './report'
import { BOUND_CITIZENS, queryCodeOf, trackingNoOf } from './seed-plan'
import { type SeedResult, seedPetitionsTo } from './seed-petitions'
import { openStorageCeiling, type StorageCeilingResult } from './storage-ceiling'
import { measureWeappSize, type WeappSize } from './weapp-size'

/*
 * `npm run bench`: the real API on an embedded libSQL file, measured against baselines taken in the same run on
 * the same machine — a trivial Hono route (the HTTP ceiling) and a raw libSQL loop doing exactly one
 * submission's writes (the storage ceiling) — then reads at 10 thousand and 1 million petitions, the booking
 * rush with its seat invariant, and the mini-program's main package. Method: docs/decisions/007-benchmarks.md.
 *
 * `--quick` runs every phase shortened, growing to 100 thousand instead of 1 million: for working on the bench.
 */

const IS_QUICK = process.argv.includes('--quick')

const SETTINGS = IS_QUICK
  ? {
      concurrency: 50,
      warmupMs: 500,
      ceilingMs: 2000,
      blockCeilingMs: 1500,
      storageMs: 2000,
      submissionMs: 3000,
      submissionCitizens: 300,
      submissionCap: 1500,
      bookingMs: 3000,
      bookingSessions: 3,
      bookingSeats: 20,
      bookingCitizens: 300,
      readMs: 2000,
      readers: 50,
      trackSamples: 1500,
      levels: [10_000, 100_000],
      seedWorkers: 2,
      chunkRows: 10_000,
      hardLimitMs: 300_000,
    }
  : {
      concurrency: 50,
      warmupMs: 1000,
      ceilingMs: 5000,
      blockCeilingMs: 4000,
      storageMs: 5000,
      submissionMs: 8000,
      submissionCitizens: 1200,
      submissionCap: 6000,
      bookingMs: 8000,
      bookingSessions: 8,
      bookingSeats: 20,
      bookingCitizens: 1000,
      readMs: 5000,
      readers: 200,
      trackSamples: 3000,
      levels: [10_000, 1_000_000],
      seedWorkers: 2,
      chunkRows: 10_000,
      hardLimitMs: 570_000,
    }

/** Time kept back for measuring the last level once its seed is done: a seed that would eat it is abandoned. */
const LAST_LEVEL_RESERVE_MS = 60_000
const OUTPUT_DIR = fileURLToPath(new URL('../bench-output/', import.meta.url))

const started = performance.now()
const startedAt = new Date()
const liveChildren = new Set<number>()

function elapsed(): string {
  return `${Math.round((performance.now() - started) / 1000)
    .toString()
    .padStart(4)} s`
}

function log(message: string): void {
  process.stdout.write(`[${elapsed()}] ${message}\n`)
}

/** Children this run started, killed by pid when the run is interrupted or overruns its limit. */
function killChildren(): void {
  for (const pid of liveChildren) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  liveChildren.clear()
}

process.on('exit', killChildren)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    process.stderr.write(`\nbench interrupted (${signal}); stopping the servers it started\n`)
    killChildren()
    process.exit(130)
  })
}
setTimeout(() => {
  process.stderr.write(`\nbench exceeded its ${SETTINGS.hardLimitMs / 1000} s limit; stopping the servers it started\n`)
  killChildren()
  process.exit(2)
}, SETTINGS.hardLimitMs).unref()

async function withApi(dataDir: string): Promise<RunningApi> {
  const api = await startApi({ dataDir, startTimeoutMs: 60_000 })
  liveChildren.add(api.pid)
  return api
}

async function stopApi(api: RunningApi): Promise<void> {
  await api.stop()
  liveChildren.delete(api.pid)
}

function limits(durationMs: number, maxRequests = 1_000_000, warmupMs = SETTINGS.warmupMs): PhaseLimits {
  return { concurrency: SETTINGS.concurrency, warmupMs, durationMs, maxRequests }
}

function describeLoad(name: string, result: LoadResult): string {
  const statuses = Object.entries(result.statuses)
    .map(([status, count]) => `${status}×${count}`)
    .join(' ')
  return `${name}: ${formatRate(result.perSecond)}, p50 ${formatMs(result.latencyMs.p50)}, p99 ${formatMs(result.latencyMs.p99)} (${statuses}; stopped by ${result.stoppedBy})`
}

/** Shuffled sample of up to `size` indexes below `total` (Floyd's algorithm: no array of `total` entries). */
function sampleIndexes(total: number, size: number): number[] {
  const chosen = new Set<number>()
  for (let j = Math.max(0, total - size); j < total; j++) {
    const candidate = Math.floor(Math.random() * (j + 1))
    chosen.add(chosen.has(candidate) ? j : candidate)
  }
  return [...chosen].sort(() => Math.random() - 0.5)
}

interface LevelResult {
  petitions: number
  seed: SeedResult | null
  httpCeiling: LoadResult
  list: LoadResult
  detail: LoadResult
  track: TrackResult
  queue: LoadResult
  limiter: LimiterProbe | null
  queries: ExplainedQuery[]
  loadAverage: number
}

async function main(): Promise<number> {
  const machine = describeMachine(REPO_ROOT)
  const workDir = mkdtempSync(join(tmpdir(), 'xinfang-bench-'))
  const dataDir = join(workDir, 'api')
  const notes: string[] = []
  process.stdout.write(
    `Xinfang benchmark${IS_QUICK ? ' (quick)' : ''} — ${machine.cpuModel} × ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, load average ${machine.loadAverageAtStart.toFixed(1)}\n` +
      `work files in ${workDir}\n`,
  )

  let weapp: WeappSize | { error: string }
  try {
    weapp = measureWeappSize()
    log(`weapp main package: ${formatBytes(weapp.mainPackageBytes)} of ${formatBytes(weapp.limitBytes)}`)
  } catch (error) {
    weapp = { error: error instanceof Error ? error.message : String(error) }
    log(`weapp size not measured: ${weapp.error}`)
  }

  let ceiling: CeilingServer | undefined
  let api: RunningApi | undefined
  try {
    // ---- Baselines -------------------------------------------------------------------------------------------
    ceiling = await startHttpCeiling(SETTINGS.hardLimitMs)
    liveChildren.add(ceiling.pid)
    const httpCeiling = await measureHttpCeiling(ceiling.baseUrl, limits(SETTINGS.ceilingMs))
    log(describeLoad('HTTP ceiling', httpCeiling))

    const storage = await openStorageCeiling(workDir)
    await storage.measure(SETTINGS.warmupMs, 1_000_000)
    const storageBefore = await storage.measure(SETTINGS.storageMs, 1_000_000)
    log(`storage ceiling: ${formatRate(storageBefore.perSecond, 'submissions/s')}, p99 ${formatMs(storageBefore.latencyMs.p99)}`)

    // ---- Writes ----------------------------------------------------------------------------------------------
    api = await withApi(dataDir)
    const setupStarted = performance.now()
    const citizens: Citizen[] = await inPool(SETTINGS.concurrency, SETTINGS.submissionCitizens, (i) =>
      createCitizenWithProfile(api?.baseUrl ?? '', `bench-s-${i}`, i),
    )
    const categories = await listCategories(api.baseUrl)
    notes.push(
      `Setup (not measured): ${citizens.length} citizens signed in with real-name profiles in ${formatNumber((performance.now() - setupStarted) / 1000)} s.`,
    )
    api.output.length = 0
    const submissions: SubmissionResult = await measureSubmissions(
      api.baseUrl,
      citizens,
      categories,
      5,
      limits(SETTINGS.submissionMs, SETTINGS.submissionCap),
    )
    log(describeLoad('submission', submissions))
    const storageAfter = await storage.measure(SETTINGS.storageMs, 1_000_000)
    storage.close()
    log(`storage ceiling again: ${formatRate(storageAfter.perSecond, 'submissions/s')}`)
    const storageCeiling = (storageBefore.perSecond + storageAfter.perSecond) / 2

    api.output.length = 0
    const bookings: BookingResult = await measureBookings(
      api.baseUrl,
      await staffToken(api.baseUrl, 'demo-admin'),
      citizens.slice(0, SETTINGS.bookingCitizens),
      SETTINGS.bookingSessions,
      SETTINGS.bookingSeats,
      limits(SETTINGS.bookingMs, 1_000_000, 0),
    )
    log(`${describeLoad('booking rush', bookings)}; seat invariant ${bookings.invariantHolds ? 'holds' : 'BROKEN'}`)
    await stopApi(api)
    api = undefined

    // ---- Reads as the table grows ----------------------------------------------------------------------------
    const readerCount = Math.min(SETTINGS.readers, citizens.length)
    const seeds: SeedResult[] = []
    const levels: LevelResult[] = []
    for (const [index, level] of SETTINGS.levels.entries()) {
      const isLast = index === SETTINGS.levels.length - 1
      log(`seeding to ${level.toLocaleString('en-US')} petitions…`)
      const seed = await seedPetitionsTo({
        dataDir,
        target: level,
        tag: String.fromCharCode(97 + index),
        workers: SETTINGS.seedWorkers,
        chunkRows: SETTINGS.chunkRows,
        deadline: started + SETTINGS.hardLimitMs - (isLast ? LAST_LEVEL_RESERVE_MS : 2 * LAST_LEVEL_RESERVE_MS),
      })
      if (seed) {
        seeds.push(seed)
        log(
          `seeded ${seed.added.toLocaleString('en-US')} petitions (${seed.citizens.toLocaleString('en-US')} citizens) in ${formatNumber(seed.elapsedMs / 1000)} s; file ${formatBytes(seed.databaseBytes)}`,
        )
      }
      api = await withApi(dataDir)
      const baseUrl = api.baseUrl

      // The readers are citizens who submitted through the API: real rows, and the same people at every level.
      const readers: Reader[] = (
        await inPool(20, readerCount, async (i): Promise<Reader> => {
          const citizen = await signInCitizen(baseUrl, `bench-s-${i}`)
          const list = PetitionListSchema.parse(
            await expectStatus(await call(baseUrl, '/api/v1/petitions', { token: citizen.token }), 200, 'own list'),
          )
          return { ...citizen, petitionIds: list.items.map((item) => item.id) }
        })
      ).filter((reader) => reader.petitionIds.length > 0)
      const firstReader = readers[0]
      const firstPetition = firstReader?.petitionIds[0]
      if (!firstReader || !firstPetition) throw new Error('no reader has a petition: did the submission phase fail?')

      // Tracking numbers drawn from every row whose query code the bench knows, so lookups span the whole table.
      const known = submissions.created.length + seeds.reduce((sum, s) => sum + s.added, 0)
      const samples: TrackSample[] = sampleIndexes(known, SETTINGS.trackSamples).map((k) => {
        if (k < submissions.created.length) {
          const created = submissions.created[k]
          if (created) return created
        }
        let rest = k - submissions.created.length
        for (const s of seeds) {
          if (rest < s.added) return { trackingNo: trackingNoOf(s.plan, rest), queryCode: queryCodeOf(s.plan, rest).code }
          rest -= s.added
        }
        throw new Error(`sample ${k} is outside the known rows`)
      })
      const intake = await staffToken(baseUrl, 'demo-intake')

      // Every read answers what the contract says before it is timed.
      const firstSample = samples[0]
      if (!firstSample) throw new Error('no tracking numbers to look up')
      PetitionDetailSchema.parse(
        await expectStatus(
          await call(baseUrl, `/api/v1/petitions/${firstPetition}`, { token: firstReader.token }),
          200,
          'own petition',
        ),
      )
      TrackResultSchema.parse(
        await expectStatus(
          await call(
            baseUrl,
            `/api/v1/track?trackingNo=${encodeURIComponent(firstSample.trackingNo)}&queryCode=${firstSample.queryCode}`,
          ),
          200,
          `track ${firstSample.trackingNo}`,
        ),
      )
      StaffQueueSchema.parse(
        await expectStatus(await call(baseUrl, '/api/v1/staff/petitions', { token: intake }), 200, 'staff queue'),
      )

      const label = `@${formatNumber(level / 1000)}k`
      const blockCeiling = await measureHttpCeiling(ceiling.baseUrl, limits(SETTINGS.blockCeilingMs))
      log(describeLoad(`HTTP ceiling ${label}`, blockCeiling))
      api.output.length = 0
      const list = await measureCitizenList(baseUrl, readers, limits(SETTINGS.readMs))
      log(describeLoad(`citizen list ${label}`, list))
      const detail = await measureCitizenDetail(baseUrl, readers, limits(SETTINGS.readMs))
      log(describeLoad(`citizen detail ${label}`, detail))
      api.output.length = 0
      // Each level starts a fresh server (fresh limiter windows) and uses its own range of source addresses.
      const track = await measureTrack(baseUrl, samples, index * 100_000, limits(SETTINGS.readMs))
      log(`${describeLoad(`track ${label}`, track)}; ${track.trackingNumbers} numbers from ${track.addresses} addresses`)
      const queue = await measureStaffQueue(baseUrl, intake, limits(SETTINGS.readMs))
      log(describeLoad(`staff queue ${label}`, queue))
      const limiter = index === 0 ? await probeTrackLimiter(baseUrl, samples.slice(-50), index * 100_000 + 90_000) : null
      const loadAverage = currentLoadAverage()
      await stopApi(api)
      api = undefined

      const queries = await explainReadsInChild({
        dataDir,
        sample: {
          citizenId: firstReader.id,
          petitionId: firstPetition,
          trackingNo: firstSample.trackingNo,
          queryCode: firstSample.queryCode,
          staffUsername: 'demo-intake',
        },
        repeat: 15,
      })
      levels.push({
        petitions: level,
        seed,
        httpCeiling: blockCeiling,
        list,
        detail,
        track,
        queue,
        limiter,
        queries,
        loadAverage,
      })
    }

    // ---- Report ----------------------------------------------------------------------------------------------
    return report({
      machine,
      weapp,
      httpCeiling,
      storage: { before: storageBefore, after: storageAfter, mean: storageCeiling },
      submissions,
      bookings,
      levels,
      notes,
    })
  } finally {
    if (api) await stopApi(api)
    if (ceiling) {
      await ceiling.stop()
      liveChildren.delete(ceiling.pid)
    }
    rmSync(workDir, { recursive: true, force: true })
  }
}

interface Results {
  machine: ReturnType<typeof describeMachine>
  weapp: WeappSize | { error: string }
  httpCeiling: LoadResult
  storage: { before: StorageCeilingResult; after: StorageCeilingResult; mean: number }
  submissions: SubmissionResult
  bookings: BookingResult
  levels: LevelResult[]
  notes: string[]
}

const SUBMISSION_GOAL = 0.6
const GROWTH_GOAL = 1.5

function report(results: Results): number {
  const { machine, weapp, httpCeiling, storage, submissions, bookings, levels, notes } = results
  const rows: TableRow[] = []
  const row = (partial: Partial<TableRow> & Pick<TableRow, 'measure' | 'result'>): void => {
    rows.push({ p50: '', p99: '', against: '', ratio: '', goal: '', ...partial })
  }
  const latency = (result: LoadResult) => ({ p50: formatMs(result.latencyMs.p50), p99: formatMs(result.latencyMs.p99) })

  row({ measure: 'HTTP ceiling: trivial Hono route', result: formatRate(httpCeiling.perSecond), ...latency(httpCeiling) })
  row({
    measure: `Storage ceiling: ${storage.before.statementsPerSubmission} writes/commit, synchronous=FULL`,
    result: formatRate(storage.mean, 'commits/s'),
    p50: formatMs(storage.before.latencyMs.p50),
    p99: formatMs(storage.before.latencyMs.p99),
    against: `before/after ${formatNumber(storage.before.perSecond)}/${formatNumber(storage.after.perSecond)}`,
  })
  const submissionRatio = submissions.perSecond / storage.mean
  row({
    measure: 'Petition submission (POST /petitions)',
    result: formatRate(submissions.perSecond),
    ...latency(submissions),
    against: 'storage ceiling',
    ratio: formatNumber(submissionRatio),
    goal: `≥ ${SUBMISSION_GOAL} ${verdict(submissionRatio >= SUBMISSION_GOAL)}`,
  })
  const seatsTaken = bookings.sessions.reduce((sum, check) => sum + check.confirmedInDatabase, 0)
  const seatsOffered = bookings.sessions.reduce((sum, check) => sum + check.seats, 0)
  row({
    measure: `Booking rush: ${bookings.citizensPerSession} citizens per ${bookings.seatsPerSession} seats`,
    result: formatRate(bookings.perSecond),
    ...latency(bookings),
    against: 'HTTP ceiling',
    ratio: formatNumber(bookings.perSecond / httpCeiling.perSecond),
    goal: `${seatsTaken}/${seatsOffered} seats, none oversold ${verdict(bookings.invariantHolds)}`,
  })

  const reads = [
    ['Citizen list (GET /petitions)', 'list'],
    ['Citizen detail (GET /petitions/:id)', 'detail'],
    ['Track (GET /track)', 'track'],
    ['Staff queue (GET /staff/petitions)', 'queue'],
  ] as const
  const first = levels[0]
  const growth: Record<string, { throughputRatio: number; normalizedRatio: number; p99Ratio: number }> = {}
  for (const level of levels) {
    const label = `${formatNumber(level.petitions / 1000)}k`
    for (const [name, key] of reads) {
      const result = level[key]
      const base = first?.[key]
      const isFirst = level === first || !first || !base
      if (isFirst) {
        row({
          measure: `${name} @ ${label}`,
          result: formatRate(result.perSecond),
          ...latency(result),
          against: 'HTTP ceiling',
          ratio: formatNumber(result.perSecond / level.httpCeiling.perSecond),
        })
        continue
      }
      // Cost per request at the larger size over the smaller, each against the HTTP ceiling of its own block, so
      // that a machine that got busier in between does not pass for a query that got slower.
      const normalizedRatio =
        base.perSecond / first.httpCeiling.perSecond / (result.perSecond / level.httpCeiling.perSecond)
      growth[`${key}@${label}`] = {
        throughputRatio: base.perSecond / result.perSecond,
        normalizedRatio,
        p99Ratio: result.latencyMs.p99 / base.latencyMs.p99,
      }
      row({
        measure: `${name} @ ${label}`,
        result: formatRate(result.perSecond),
        ...latency(result),
        against: `same @ ${formatNumber(first.petitions / 1000)}k (p99 ×${formatNumber(result.latencyMs.p99 / base.latencyMs.p99)})`,
        ratio: `${formatNumber(normalizedRatio)}×`,
        goal: `≤ ${GROWTH_GOAL}× ${verdict(normalizedRatio <= GROWTH_GOAL)}`,
      })
    }
  }
  if ('mainPackageBytes' in weapp) {
    row({
      measure: 'Mini-program main package (weapp)',
      result: formatBytes(weapp.mainPackageBytes),
      against: `WeChat limit ${formatBytes(weapp.limitBytes)}`,
      ratio: formatNumber(weapp.mainPackageBytes / weapp.limitBytes),
      goal: `< 1 ${verdict(weapp.mainPackageBytes < weapp.limitBytes)}`,
    })
  } else {
    row({ measure: 'Mini-program main package (weapp)', result: 'not measured', goal: weapp.error })
  }

  // Notes: what the table cannot say in a cell.
  const refusals = Object.entries(bookings.refusalCodes)
    .map(([code, count]) => `${code} ×${count}`)
    .join(', ')
  notes.push(
    `Booking: ${bookings.sessions.length} sessions of ${bookings.seatsPerSession} seats; ${bookings.requests} requests answered ${Object.entries(
      bookings.statuses,
    )
      .map(([status, count]) => `${status}×${count}`)
      .join(' ')}; refusals ${refusals || 'none'}. Per session: accepted = confirmed in the database = capacity − remaining ≤ capacity.`,
  )
  const firstLevel = levels[0]
  if (firstLevel) {
    const { track, limiter } = firstLevel
    notes.push(
      `Track is rate-limited to ${TRACK_LIMIT_PER_NUMBER}/h per tracking number and ${TRACK_LIMIT_PER_ADDRESS}/min per address; the bench stays inside both (${track.trackingNumbers} numbers, ${track.addresses} loopback source addresses 127.x.y.z), so the figure is the lookup's cost. 429s during the measurement: ${track.statuses['429'] ?? 0}.` +
        (limiter
          ? ` From one address: ${limiter.oneAddress.ok} answered, then ${limiter.oneAddress.limited} of ${limiter.oneAddress.requests} refused with 429; one number from many addresses: ${limiter.oneNumber.ok} answered, ${limiter.oneNumber.limited} refused. A load generator on a single address would measure the limiter (~${Math.round(100 * (1 - TRACK_LIMIT_PER_ADDRESS / Math.max(track.requests, 1)))} % 429s here).`
          : ''),
    )
  }
  const lastLevel = levels[levels.length - 1]
  const growingQueries: string[] = []
  if (firstLevel && lastLevel && lastLevel !== firstLevel) {
    for (const query of lastLevel.queries) {
      const before = firstLevel.queries.find((q) => q.read === query.read && q.step === query.step)
      if (!before) continue
      const isGrowing = query.medianMs > GROWTH_GOAL * before.medianMs && query.medianMs - before.medianMs > 0.2
      if (isGrowing || query.warnings.length > 0) {
        growingQueries.push(
          `${query.read} #${query.step}: ${formatMs(before.medianMs)} @ ${formatNumber(firstLevel.petitions / 1000)}k → ${formatMs(query.medianMs)} @ ${formatNumber(lastLevel.petitions / 1000)}k${isGrowing ? ' (grows with the table)' : ''}; plan: ${query.plan.join(' / ')}`,
        )
      }
    }
    notes.push(
      growingQueries.length === 0
        ? 'Every statement behind the measured reads is index-driven (EXPLAIN QUERY PLAN; statement times flat from the first level to the last).'
        : `Statements that grow with the table or scan (EXPLAIN QUERY PLAN on the file, each run on its own):\n  - ${growingQueries.join('\n  - ')}`,
    )
  }
  for (const level of levels) {
    if (level.seed) {
      notes.push(
        `Seed to ${level.petitions.toLocaleString('en-US')}: ${level.seed.added.toLocaleString('en-US')} petitions + first timeline events and ${level.seed.citizens.toLocaleString('en-US')} citizens in ${formatNumber(level.seed.elapsedMs / 1000)} s (writer busy ${formatNumber(level.seed.insertMs / 1000)} s, of it ${formatNumber(level.seed.insertCpuMs / 1000)} s CPU); ${level.seed.boundRows.toLocaleString('en-US')} rows (those of the first ${BOUND_CITIZENS} seeded citizens) encrypted bound to their own id, the rest with pooled real envelopes; database ${formatBytes(level.seed.databaseBytes)}.`,
      )
    }
  }
  const loadAtEnd = currentLoadAverage()
  notes.push(
    `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}; 1-min load average ${machine.loadAverageAtStart.toFixed(1)} at start, ${levels.map((level) => level.loadAverage.toFixed(1)).join(' / ')} after each read block, ${loadAtEnd.toFixed(1)} at the end (above ${machine.cores}: other work shared the CPUs). HTTP ceiling per block: ${[httpCeiling, ...levels.map((level) => level.httpCeiling)].map((result) => formatNumber(result.perSecond)).join(' / ')} req/s.`,
  )

  const durationMs = performance.now() - started
  const title = `Xinfang benchmark, ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, commit ${machine.commit ?? 'unknown'}${machine.hasLocalChanges ? ' + local changes' : ''}, ${SETTINGS.concurrency} concurrent clients, ${formatNumber(durationMs / 1000)} s`
  const text = renderText(rows)
  const markdown = `${renderMarkdown(rows)}\n\n${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}; ${startedAt.toISOString().slice(0, 10)}, commit ${machine.commit ?? 'unknown'}; \`npm run bench\` (docs/decisions/007-benchmarks.md).`
  process.stdout.write(`\n${title}\n\n${text}\n\n${notes.map((note) => `• ${note}`).join('\n')}\n`)

  mkdirSync(OUTPUT_DIR, { recursive: true })
  const stamp = startedAt.toISOString().replace(/[:]/g, '').replace(/\.\d+Z$/, 'Z')
  const jsonFile = join(OUTPUT_DIR, `bench-${stamp}.json`)
  writeFileSync(
    jsonFile,
    `${JSON.stringify(
      {
        startedAt: startedAt.toISOString(),
        durationMs,
        isQuick: IS_QUICK,
        settings: SETTINGS,
        machine: { ...machine, loadAverageAtEnd: loadAtEnd },
        table: rows,
        markdown,
        notes,
        goals: {
          submissionRatio: { value: submissions.perSecond / storage.mean, goal: SUBMISSION_GOAL },
          growth: Object.fromEntries(Object.entries(growth).map(([key, value]) => [key, { ...value, goal: GROWTH_GOAL }])),
          seatInvariantHolds: bookings.invariantHolds,
        },
        results: {
          weapp,
          httpCeiling,
          storageCeiling: storage,
          submissions: { ...submissions, created: submissions.created.length },
          bookings,
          levels: levels.map((level) => ({
            ...level,
            seed: level.seed && {
              ...level.seed,
              plan: { ...level.seed.plan, queryCodes: level.seed.plan.queryCodes.length },
            },
          })),
        },
      },
      null,
      2,
    )}\n`,
  )
  writeFileSync(join(OUTPUT_DIR, `bench-${stamp}.md`), `${title}\n\n${markdown}\n`)
  process.stdout.write(`\nwritten: ${jsonFile} (and .md)\n`)
  // A benchmark below its goals still reports; an oversold seat is a correctness failure.
  return bookings.invariantHolds ? 0 : 1
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    killChildren()
    process.exitCode = 1
  },
)
