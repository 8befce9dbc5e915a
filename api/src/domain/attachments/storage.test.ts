import { lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { isStorageUnavailable } from '../../lib/storage-errors'
import { createLocalAttachmentStorage } from './storage'

let root: string
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'xinfang-attachments-'))
})
afterEach(() => {
  rmSync(root, { recursive: true, force: true })
})

const KEY = 'AbCdEfGhIjKlMnOpQrStUv'

test('a stored attachment reads back under its key, and is gone once deleted', async () => {
  const storage = createLocalAttachmentStorage(root)
  await storage.put(KEY, new Uint8Array([1, 2, 3]))
  expect(await storage.get(KEY)).toEqual(new Uint8Array([1, 2, 3]))
  await storage.delete(KEY)
  expect(await storage.get(KEY)).toBeNull()
})

test('an attachment the disk has no room for fails as storage unavailable and leaves no part-written file', async () => {
  const storage = createLocalAttachmentStorage(root)
  // The temporary file is a link to /dev/full, where every write fails with ENOSPC, as on a full disk.
  const folder = join(root, KEY.slice(0, 2))
  mkdirSync(folder, { recursive: true })
  symlinkSync('/dev/full', join(folder, `${KEY}.tmp`))

  const error = await storage.put(KEY, new Uint8Array(64 * 1024)).then(
    () => undefined,
    (reason: unknown) => reason,
  )
  expect(isStorageUnavailable(error)).toBe(true)
  expect(() => lstatSync(join(folder, `${KEY}.tmp`))).toThrow(/ENOENT/)
  expect(readdirSync(folder)).toEqual([])
  expect(await storage.get(KEY)).toBeNull()
})
