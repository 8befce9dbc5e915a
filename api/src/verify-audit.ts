import { readFileSync } from 'node:fs'
import { openDatabase } from './db/client'
import { type AuditHead, parseAuditHead, verifyAuditChain } from './domain/audit/audit-log'
import { KeyringError, loadKeyring } from './domain/privacy/keyring'
import { ConfigError, loadConfig } from './env'

/*
 * Checks the audit chain of the configured database against the heads the service published in its JSON log:
 *
 *   pnpm --filter @xinfang/api audit:verify /var/log/xinfang/*.log     (or the log on stdin)
 *
 * Every head found is checked, not only the newest: a database restored from an older copy and written to since
 * has a chain that matches its own latest head but differs from an earlier one. Exit status 0 when intact, 2 when
 * not, 1 when it cannot run. docs/decisions/014-audit-chain-anchoring.md.
 */

async function main(): Promise<number> {
  const config = loadConfig()
  const keyring = loadKeyring({ mode: config.mode, dataDir: config.dataDir, keys: config.keys })
  const files = process.argv.slice(2)
  const text = files.length === 0 ? readFileSync(0, 'utf8') : files.map((file) => readFileSync(file, 'utf8')).join('\n')
  const heads: AuditHead[] = []
  let foreignHeads = 0
  for (const line of text.split('\n')) {
    if (!line.includes('"auditHead"')) continue
    let token: unknown
    try {
      token = (JSON.parse(line) as { auditHead?: unknown }).auditHead
    } catch {
      continue
    }
    const head = typeof token === 'string' ? parseAuditHead(keyring.auditKey, token) : null
    if (head) heads.push(head)
    else foreignHeads++
  }
  const database = openDatabase({ url: config.databaseUrl, authToken: config.databaseAuthToken })
  try {
    const report = await verifyAuditChain(database.db, keyring.auditKey, { heads })
    process.stdout.write(`${JSON.stringify({ ...report, headsChecked: heads.length, foreignHeads })}\n`)
    return report.isIntact ? 0 : 2
  } finally {
    database.close()
  }
}

main().then(
  (status) => process.exit(status),
  (error: unknown) => {
    const isExpected = error instanceof ConfigError || error instanceof KeyringError
    process.stderr.write(
      `${isExpected || !(error instanceof Error) ? String(error) : (error.stack ?? error.message)}\n`,
    )
    process.exit(1)
  },
)
