import { z } from 'zod'

/**
 * `GET /api/v1/staff/audit/verify`: whether the audit chain is intact. `problem` says how it broke: an entry
 * altered (`rewritten`), a sequence number missing (`deleted`), or the chain shorter than a head published earlier
 * (`truncated`). `anchoredSeq`: the highest published head the chain was checked against, when one was given.
 */
export const AUDIT_CHAIN_PROBLEMS = ['rewritten', 'deleted', 'truncated'] as const

export const AuditChainReportSchema = z.discriminatedUnion('isIntact', [
  z.object({
    isIntact: z.literal(true),
    entries: z.number().int().min(0),
    anchoredSeq: z.number().int().min(1).optional(),
  }),
  z.object({
    isIntact: z.literal(false),
    entries: z.number().int().min(0),
    brokenAtSeq: z.number().int().min(1),
    problem: z.enum(AUDIT_CHAIN_PROBLEMS).optional(),
  }),
])
export type AuditChainReport = z.infer<typeof AuditChainReportSchema>

/** `head`: a chain head as the service's log published it (`auditHead`, `<seq>.<mac>.<signature>`). */
export const AuditVerifyQuerySchema = z.strictObject({
  head: z.string().max(200).optional(),
})
