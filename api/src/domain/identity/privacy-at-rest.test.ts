import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { idNumberCheckCharacter } from '@xinfang/shared'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { demoLogin, json } from '../../../test/auth-helpers'
import { createTestContext, type TestContext } from '../../../test/test-app'

const PROFILES = 1000
const SURNAMES = ['钱', '冯', '褚', '卫', '蒋', '沈', '韩', '杨', '朱', '秦', '尤', '许', '何', '吕', '施', '孔']
const GIVEN = ['婉清', '子墨', '浩然', '思远', '雨桐', '嘉怡', '俊熙', '梓萱', '宇航', '欣妍', '博文', '诗涵']

/** The i-th citizen: a unique, checksum-valid ID number, a unique phone and a name. */
function citizenNumber(i: number) {
  const birth = `19${String(40 + (i % 60)).padStart(2, '0')}0${1 + (i % 9)}1${i % 10}`
  const body = `330106${birth}${String(i % 1000).padStart(3, '0')}`
  return {
    realName: `${SURNAMES[i % SURNAMES.length]}${GIVEN[Math.floor(i / SURNAMES.length) % GIVEN.length]}`,
    idNumber: `${body}${idNumberCheckCharacter(body)}`,
    phone: `139${String(10_000_000 + i * 7919).slice(-8)}`,
    address: `江城市东湖区新桥街道幸福里 ${i + 1} 号`,
    privacyVersion: '2026-11-01',
  }
}

let context: TestContext

/**
 * The values that occur anywhere in `bytes`, in one pass over them: each position's first four bytes are looked up
 * among the values' first four. Searching the files once per value (4,000 values over megabytes) took long enough
 * on a busy machine to run past the test's time limit.
 */
function valuesFoundIn(bytes: Buffer, values: readonly string[]): string[] {
  const byPrefix = new Map<number, { value: string; needle: Buffer }[]>()
  for (const value of new Set(values)) {
    const needle = Buffer.from(value, 'utf8')
    if (needle.length < 4) throw new Error(`too short to look for: ${value}`)
    const prefix = needle.readUInt32LE(0)
    byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), { value, needle }])
  }
  const found = new Set<string>()
  for (let at = 0; at + 4 <= bytes.length; at++) {
    const candidates = byPrefix.get(bytes.readUInt32LE(at))
    if (!candidates) continue
    for (const { value, needle } of candidates) {
      if (at + needle.length <= bytes.length && bytes.compare(needle, 0, needle.length, at, at + needle.length) === 0) {
        found.add(value)
      }
    }
  }
  return [...found]
}
const people = Array.from({ length: PROFILES }, (_, i) => citizenNumber(i))

beforeAll(async () => {
  context = createTestContext()
  for (const [i, person] of people.entries()) {
    const auth = await demoLogin(context, `privacy-${i}`)
    const response = await json(context, '/api/v1/me/profile', { method: 'PUT', body: person, token: auth.accessToken })
    if (response.status !== 200) throw new Error(`profile ${i}: ${response.status} ${await response.text()}`)
  }
}, 120_000)

afterAll(() => context.close())

test('after 1,000 profiles, neither the database file, its WAL nor the logs hold an ID number, phone or name in plaintext', () => {
  expect(new Set(people.map((p) => p.idNumber)).size).toBe(PROFILES)
  expect(new Set(people.map((p) => p.phone)).size).toBe(PROFILES)
  const dbPath = join(context.dataDir, 'xinfang.db')
  const haystacks = {
    database: readFileSync(dbPath),
    wal: readFileSync(`${dbPath}-wal`),
    logs: Buffer.from(context.logs.map((line) => JSON.stringify(line)).join('\n')),
  }
  // The WAL must actually hold the new pages, or scanning it would prove nothing.
  expect(haystacks.wal.length).toBeGreaterThan(100_000)
  expect(context.logs.length).toBeGreaterThanOrEqual(2 * PROFILES)
  const values = people.flatMap((person) => [person.idNumber, person.phone, person.realName, person.address])
  const leaks = Object.entries(haystacks).flatMap(([where, bytes]) =>
    valuesFoundIn(bytes, values).map((value) => `${where}: ${value}`),
  )
  expect(leaks).toEqual([])
})

test('the same scan finds a value that is written in plaintext', async () => {
  const probe = people[0]?.idNumber ?? ''
  await context.database.client.executeMultiple(
    `CREATE TABLE leak_probe (v TEXT); INSERT INTO leak_probe VALUES ('${probe}');`,
  )
  const wal = readFileSync(join(context.dataDir, 'xinfang.db-wal'))
  expect(valuesFoundIn(wal, [probe, people[1]?.phone ?? ''])).toEqual([probe])
})
