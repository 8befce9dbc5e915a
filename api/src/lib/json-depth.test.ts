import { expect, test } from 'vitest'
import { exceedsJsonDepth } from './json-depth'

const arrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`
const objects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`

test('nesting up to the limit passes and one level more does not, for arrays and objects alike', () => {
  expect(exceedsJsonDepth(arrays(32), 32)).toBe(false)
  expect(exceedsJsonDepth(arrays(33), 32)).toBe(true)
  expect(exceedsJsonDepth(objects(32), 32)).toBe(false)
  expect(exceedsJsonDepth(objects(33), 32)).toBe(true)
  expect(exceedsJsonDepth(`{"a":[{"b":[${arrays(29)}]}]}`, 32)).toBe(true)
})

test('siblings do not add up: depth is how deep, not how many', () => {
  expect(exceedsJsonDepth(`[${Array.from({ length: 1000 }, () => arrays(30)).join(',')}]`, 32)).toBe(false)
})

test('brackets inside strings, escaped quotes included, are text and are not counted', () => {
  expect(exceedsJsonDepth(JSON.stringify({ text: '['.repeat(100) }), 32)).toBe(false)
  expect(exceedsJsonDepth(JSON.stringify({ text: `\\"${'{'.repeat(100)}` }), 32)).toBe(false)
  expect(exceedsJsonDepth(JSON.stringify({ text: 'ends with a backslash \\', nested: [[1]] }), 32)).toBe(false)
  // A quote closed by an escaped backslash leaves the string: the brackets after it count.
  expect(exceedsJsonDepth(`["\\\\",${arrays(32)}]`, 32)).toBe(true)
})

test('an unterminated megabyte of opening brackets is caught without reading past the limit', () => {
  expect(exceedsJsonDepth('['.repeat(1024 * 1024), 32)).toBe(true)
})

test('text that is not JSON at all is left to the parser', () => {
  expect(exceedsJsonDepth('', 32)).toBe(false)
  expect(exceedsJsonDepth('not json', 32)).toBe(false)
  expect(exceedsJsonDepth(']]]]', 32)).toBe(false)
})
