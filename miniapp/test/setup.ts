import { cleanup } from '@testing-library/react'
import { afterEach, beforeAll, expect } from 'vitest'
import { forgetRequests, requestsStillOpen, trackRequestsInFlight } from './requests-in-flight'
import { setRouterParams } from './taro-h5'

beforeAll(() => trackRequestsInFlight())

afterEach(() => {
  // Testing Library unmounts after each test only when test globals are on; they are off here, so do it explicitly.
  cleanup()
  // A request belongs to the page or hook that started it, and unmounting aborts it (hooks/use-remote.ts).
  const open = requestsStillOpen()
  forgetRequests()
  expect(open, 'requests still open after the test unmounted everything').toEqual([])
})

// Taro's H5 storage is localStorage: the session, consent and drafts of one test must not leak into the next.
afterEach(() => localStorage.clear())

// Router params set by one page test must not reach the next page.
afterEach(() => setRouterParams(null))
