import { cleanup } from '@testing-library/react'
import { afterEach } from 'vitest'

// Testing Library unmounts after each test only when test globals are on; they are off here, so do it explicitly.
afterEach(() => cleanup())

// Taro's H5 storage is localStorage: the session, consent and drafts of one test must not leak into the next.
afterEach(() => localStorage.clear())
