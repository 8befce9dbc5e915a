import { afterEach, expect } from 'vitest'
import { takeCspViolations } from './browser'

// The server's Content-Security-Policy must allow everything the H5 app does on the pages a test visits.
afterEach(() => {
  expect(takeCspViolations(), 'Content-Security-Policy violations').toEqual([])
})
