import { join } from 'node:path'
import {
  KEYRING_FILE_NAME,
  KeyringError,
  keyringFileToEnv,
  readKeyringFile,
  rotateKeyringFile,
} from './domain/privacy/keyring'

/*
 * Operations on a keys.json (the demo file `<data dir>/secrets/keys.json` or the one in XINFANG_SECRETS_DIR):
 *
 *   pnpm --filter @xinfang/api keys rotate <dir>   a new personal-data key becomes current; older ones still decrypt
 *   pnpm --filter @xinfang/api keys env <dir>      prints the same keys as environment variables, for a deployment
 *                                                  that sets XINFANG_DATA_KEYS and the others instead of a file
 *
 * Restart the API after a rotation. Values encrypted before it stay readable with the older keys, which remain in the
 * file; everything written from then on uses the new key.
 */

function main(argv: string[]): number {
  const [command, directory] = argv
  if ((command !== 'rotate' && command !== 'env') || directory === undefined) {
    process.stderr.write('usage: keys rotate <secrets directory> | keys env <secrets directory>\n')
    return 1
  }
  const path = join(directory, KEYRING_FILE_NAME)
  if (command === 'rotate') {
    const file = rotateKeyringFile(path)
    process.stdout.write(`rotated: new writes use key ${file.currentDataKeyId}; restart the API to use it\n`)
    return 0
  }
  for (const [name, value] of Object.entries(keyringFileToEnv(readKeyringFile(path)))) {
    process.stdout.write(`${name}=${value}\n`)
  }
  return 0
}

try {
  process.exit(main(process.argv.slice(2)))
} catch (error) {
  process.stderr.write(`${error instanceof KeyringError || !(error instanceof Error) ? String(error) : error.stack}\n`)
  process.exit(1)
}
