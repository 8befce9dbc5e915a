import { AuditChainReportSchema, AuditVerifyQuerySchema } from '@xinfang/shared'
import { auditChainOf, requireAuditHead, verifyAuditChain } from '../domain/audit/audit-log'
import type { AppDeps } from '../http/context'
import { createResource, defineRoute } from '../http/route'

export function staffAuditRoutes(deps: AppDeps) {
  const resource = createResource(deps)

  defineRoute(
    resource,
    {
      method: 'get',
      path: '/staff/audit/verify',
      summary: '校验审计日志链是否完整',
      description:
        '逐条以审计密钥校验链接：任何一条被修改或删除，都会从该条起报告链断裂（problem：rewritten、deleted）。' +
        '可带 head（日志中 auditHead 的值，即最近发布的链头）：链比它短（truncated）或与它不符（rewritten）也会报告；' +
        '本进程发布过的最新链头总会一并核对。',
      tags: ['staff', 'audit'],
      policy: ['admin', 'supervisor'],
      query: AuditVerifyQuerySchema,
      responses: { 200: { description: '校验结果', schema: AuditChainReportSchema } },
    },
    async (c, { query }) => {
      const chain = auditChainOf(deps.database)
      const heads = [
        chain.latestHead(),
        query.head === undefined ? undefined : requireAuditHead(chain.key, query.head, 'query.head'),
      ]
      c.header('cache-control', 'no-store')
      return c.json(
        await verifyAuditChain(deps.database.db, chain.key, { heads: heads.filter((head) => head !== undefined) }),
        200,
      )
    },
  )

  return resource
}
