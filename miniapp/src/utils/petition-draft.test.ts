import type { PetitionCreate } from '@xinfang/shared'
import { expect, test } from 'vitest'
import type { KeyValueStorage } from '../services/storage'
import {
  bodiesToRecover,
  emptyPetitionDraft,
  findReceipt,
  loadPetitionDraft,
  newIdempotencyKey,
  PETITION_DRAFT_TTL_MS,
  type PetitionDraft,
  type PetitionReceipt,
  savePetitionDraft,
  saveReceipt,
  withBodyRefused,
  withBodySent,
  withNewKey,
} from './petition-draft'

/** Storage as the device keeps it: values go through a JSON round trip, like wx.setStorageSync. */
function memoryStorage(initial: Record<string, unknown> = {}) {
  const values = new Map(Object.entries(initial).map(([key, value]) => [key, JSON.stringify(value)]))
  const storage: KeyValueStorage & { values: Map<string, string> } = {
    values,
    get: (key) => {
      const stored = values.get(key)
      return stored === undefined ? '' : JSON.parse(stored)
    },
    set: (key, value) => {
      values.set(key, JSON.stringify(value))
    },
    remove: (key) => {
      values.delete(key)
    },
  }
  return storage
}

const NOW = Date.parse('2026-11-22T10:00:00+08:00')

function typedDraft(overrides: Partial<PetitionDraft> = {}): PetitionDraft {
  const draft = emptyPetitionDraft('citizen_1', NOW, 'petition-key-1')
  return {
    ...draft,
    step: 'content',
    values: {
      ...draft.values,
      kind: 'complaint',
      categoryId: 'cat_labor',
      title: '拖欠工资',
      content: '三个月没发工资',
    },
    ...overrides,
  }
}

const BODY_A: PetitionCreate = {
  kind: 'complaint',
  categoryId: 'cat_labor',
  title: '拖欠工资',
  content: '三个月没有发工资了',
}
const BODY_B: PetitionCreate = { ...BODY_A, title: '公司拖欠工资' }

test('a draft saved on the device comes back whole for the same person, key included', () => {
  const storage = memoryStorage()
  const draft = typedDraft({ attachments: [{ id: 'att_1', mime: 'image/jpeg', size: 1000, name: '收据.jpg' }] })

  expect(savePetitionDraft(draft, storage)).toBe(true)

  expect(loadPetitionDraft('citizen_1', NOW + 1000, storage)).toEqual(draft)
})

test('another account’s draft on a shared phone is removed unread', () => {
  const storage = memoryStorage()
  savePetitionDraft(typedDraft(), storage)

  expect(loadPetitionDraft('citizen_2', NOW, storage)).toBeNull()
  expect(storage.values.size).toBe(0)
})

test('an abandoned draft expires', () => {
  const storage = memoryStorage()
  savePetitionDraft(typedDraft(), storage)

  expect(loadPetitionDraft('citizen_1', NOW + PETITION_DRAFT_TTL_MS + 1, storage)).toBeNull()
})

test('something unreadable in storage is no draft at all', () => {
  const storage = memoryStorage({ 'xinfang.petitionDraft': { userId: 'citizen_1', values: 'corrupt' } })

  expect(loadPetitionDraft('citizen_1', NOW, storage)).toBeNull()
})

test('an empty draft is not kept, and a full storage does not break the form', () => {
  const storage = memoryStorage()
  savePetitionDraft(typedDraft(), storage)
  savePetitionDraft(emptyPetitionDraft('citizen_1', NOW), storage)
  expect(storage.values.size).toBe(0)

  const full: KeyValueStorage = {
    get: () => '',
    set: () => {
      throw new Error('setStorageSync:fail exceed storage max size 10Mb')
    },
    remove: () => {},
  }
  expect(savePetitionDraft(typedDraft(), full)).toBe(false)
})

test('idempotency keys are visible ASCII the API accepts, and differ from draft to draft', () => {
  const keys = new Set(Array.from({ length: 200 }, () => newIdempotencyKey(NOW)))

  expect(keys.size).toBe(200)
  for (const key of keys) expect(key).toMatch(/^petition-[0-9a-z]+-[0-9a-z]{12}$/)
  expect(newIdempotencyKey(NOW, () => 0.5)).toBe(`petition-${NOW.toString(36)}-iiiiiiiiiiii`)
})

test('a body is remembered from the moment it is sent until the API refuses it, and sending it twice records it once', () => {
  const sent = withBodySent(withBodySent(typedDraft(), BODY_A), BODY_A)
  expect(sent.unansweredBodies).toEqual([BODY_A])
  expect(sent.idempotencyKey).toBe('petition-key-1')

  expect(withBodyRefused(sent, BODY_A).unansweredBodies).toEqual([])
})

test('after a 422 the earlier unanswered bodies are tried, latest first, never the one just refused', () => {
  const third: PetitionCreate = { ...BODY_A, title: '公司拖欠我三个月工资' }
  const draft = withBodySent(withBodySent(withBodySent(typedDraft(), BODY_A), BODY_B), third)

  expect(bodiesToRecover(draft, third)).toEqual([BODY_B, BODY_A])
})

test('a key spent on unknown content is replaced, and its unanswered bodies forgotten', () => {
  const draft = withNewKey(withBodySent(typedDraft(), BODY_A), NOW)

  expect(draft.idempotencyKey).not.toBe('petition-key-1')
  expect(draft.unansweredBodies).toEqual([])
  expect(draft.values.title).toBe('拖欠工资')
})

function receipt(petitionId: string, userId = 'citizen_1'): PetitionReceipt {
  return {
    userId,
    petitionId,
    trackingNo: `XF-2026-${petitionId}`,
    queryCode: 'QC234567',
    kind: 'complaint',
    submittedAt: '2026-11-22T10:00:00.000+08:00',
    decideBy: '2026-12-07T23:59:59.999+08:00',
    areLaterEditsMissing: false,
  }
}

test('receipts keep the query code on the device for the account that submitted, the latest twenty', () => {
  const storage = memoryStorage()
  for (let number = 1; number <= 21; number++) saveReceipt(receipt(`p${number}`), storage)

  expect(findReceipt('p21', 'citizen_1', storage)?.queryCode).toBe('QC234567')
  expect(findReceipt('p21', 'citizen_2', storage)).toBeUndefined()
  expect(findReceipt('p1', 'citizen_1', storage)).toBeUndefined()
  expect(findReceipt('p2', 'citizen_1', storage)).toBeDefined()
})
