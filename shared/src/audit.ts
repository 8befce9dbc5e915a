import { z } from 'zod'

/** `GET /api/v1/staff/audit/verify`: whether the hash chain of the audit log is intact. */
export const AuditChainReportSchema = z.discriminatedUnion('isIntact', [
  z.object({ isIntact: z.literal(true), entries: z.number().int().min(0) }),
  z.object({ isIntact: z.literal(false), entries: z.number().int().min(0), brokenAtSeq: z.number().int().min(1) }),
])
export type AuditChainReport = z.infer<typeof AuditChainReportSchema>
