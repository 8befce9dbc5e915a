import { LibsqlError } from '@libsql/client'
import { expect, test } from 'vitest'
import { isStorageUnavailable } from './storage-errors'

const errno = (code: string) => Object.assign(new Error(`${code}: write`), { code })

test('SQLite errors that clear by themselves count as the store being unavailable, with their extended codes', () => {
  expect(isStorageUnavailable(new LibsqlError('database is locked', 'SQLITE_BUSY'))).toBe(true)
  expect(isStorageUnavailable(new LibsqlError('database or disk is full', 'SQLITE_FULL'))).toBe(true)
  expect(isStorageUnavailable(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' }))).toBe(true)
})

test('a storage error is found behind the errors that wrap it', () => {
  const full = new LibsqlError('database or disk is full', 'SQLITE_FULL')
  const closed = new LibsqlError('rolled back', 'TRANSACTION_CLOSED', undefined, undefined, full)
  expect(isStorageUnavailable(new Error('Failed query: insert', { cause: closed }))).toBe(true)
})

test('a file the service cannot write for lack of space or a read-only disk counts as the store being unavailable', () => {
  for (const code of ['ENOSPC', 'EDQUOT', 'EFBIG', 'EROFS', 'EIO']) expect(isStorageUnavailable(errno(code))).toBe(true)
})

test('errors that retrying will not fix do not', () => {
  expect(isStorageUnavailable(new LibsqlError('UNIQUE constraint failed', 'SQLITE_CONSTRAINT'))).toBe(false)
  expect(isStorageUnavailable(new LibsqlError('The transaction is closed', 'TRANSACTION_CLOSED'))).toBe(false)
  expect(isStorageUnavailable(errno('ENOENT'))).toBe(false)
  expect(isStorageUnavailable(errno('EACCES'))).toBe(false)
  // A code that merely starts like a known one is not it.
  expect(isStorageUnavailable(Object.assign(new Error('x'), { code: 'SQLITE_BUSYNESS' }))).toBe(false)
  expect(isStorageUnavailable('SQLITE_FULL')).toBe(false)
})
