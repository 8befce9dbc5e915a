import { demoKeyringPath, keyringFromFile, readKeyringFile } from '@xinfang/api/domain/privacy/keyring'
import { type ExplainRequest, explainReads, staffActorOf } from './query-plans'

/*
 * Child process of the bench (query-plans.ts, explainReadsInChild): explains and times the statements behind
 * the measured reads on stopped servers' files, sends them back over IPC and exits, closing the file for good.
 */

function isExplainRequest(value: unknown): value is ExplainRequest {
  return (
    typeof value === 'object' &&
    value !== null &&
    'dataDirs' in value &&
    Array.isArray(value.dataDirs) &&
    'sample' in value &&
    typeof value.sample === 'object' &&
    value.sample !== null &&
    'repeat' in value &&
    typeof value.repeat === 'number'
  )
}

process.once('message', (message: unknown) => {
  void (async () => {
    if (!isExplainRequest(message)) throw new Error('expected an explain request')
    const { dataDirs, sample, repeat } = message
    const [firstDir] = dataDirs
    if (firstDir === undefined) throw new Error('no database to explain')
    const keyring = keyringFromFile(readKeyringFile(demoKeyringPath(firstDir)), 'demo-file')
    const staff = await staffActorOf(firstDir, sample.staffUsername)
    const queries = await explainReads(dataDirs, keyring, { ...sample, staff }, repeat)
    process.send?.(queries, () => process.exit(0))
  })().catch((error: unknown) => {
    process.stderr.write(`explain failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    process.exit(1)
  })
})
