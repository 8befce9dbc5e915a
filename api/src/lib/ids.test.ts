import { expect, test } from 'vitest'
import { newId } from './ids'

test('ids are UUIDv7 strings', () => {
  expect(newId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
})

test('ids made in the same millisecond, or after the clock steps back, still sort in creation order', () => {
  const at = Date.UTC(2026, 10, 23)
  const ids = [newId(at + 5), ...Array.from({ length: 5000 }, () => newId(at + 5)), newId(at), newId(at + 6)]
  expect([...ids].sort()).toEqual(ids)
  expect(new Set(ids).size).toBe(ids.length)
})
