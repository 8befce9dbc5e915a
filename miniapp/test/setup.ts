import { cleanup } from '@testing-library/react'
import { afterEach } from 'vitest'
import { setRouterParams } from './taro-h5'

// Testing Library unmounts after each test only when test globals are on; they are off here, so do it explicitly.
afterEach(() => cleanup())

// Taro's H5 storage is localStorage: the session, consent and drafts of one test must not leak into the next.
afterEach(() => localStorage.clear())

// Router params set by one page test must not reach the next page.
afterEach(() => setRouterParams(null))
