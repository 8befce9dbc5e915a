import { mkdir, open, readFile, rename, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'

/** Where attachment bytes live. Local files by default; an object store can implement the same three calls. */
export interface AttachmentStorage {
  put(key: string, bytes: Uint8Array): Promise<void>
  get(key: string): Promise<Uint8Array | null>
  delete(key: string): Promise<void>
}

/**
 * Files under a directory that nothing serves (`data/attachments`, not the web root), named by random keys, in
 * two-character fan-out folders. Written to a temporary name, fsynced, then renamed: a crash never leaves a
 * half-written file under a real key.
 */
export function createLocalAttachmentStorage(root: string): AttachmentStorage {
  const pathOf = (key: string) => {
    if (!/^[A-Za-z0-9_-]{16,}$/.test(key)) throw new Error('invalid storage key')
    return join(root, key.slice(0, 2), key)
  }
  return {
    async put(key, bytes) {
      const path = pathOf(key)
      await mkdir(dirname(path), { recursive: true })
      const temporary = `${path}.tmp`
      const handle = await open(temporary, 'w', 0o600)
      try {
        try {
          await handle.writeFile(bytes)
          await handle.sync()
        } finally {
          await handle.close()
        }
        await rename(temporary, path)
      } catch (error) {
        // On a full disk the part-written file holds the very space the next upload needs; the write's own
        // error is the one to report, not a failure to clean up after it.
        await rm(temporary, { force: true }).catch(() => undefined)
        throw error
      }
    },
    async get(key) {
      try {
        return new Uint8Array(await readFile(pathOf(key)))
      } catch (error) {
        if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return null
        throw error
      }
    },
    async delete(key) {
      await rm(pathOf(key), { force: true })
    },
  }
}
