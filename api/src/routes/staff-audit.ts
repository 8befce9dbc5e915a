import { AuditChainReportSchema } from '@xinfang/shared'
import { verifyAuditChain } from '../domain/audit/audit-log'
import type { AppDeps } from '../http/context'
import { createResource, defineRoute } from '../http/route'

export function staffAuditRoutes(deps: AppDeps) {
  const resource = createResource(deps)

  defineRoute(
    resource,
    {
      method: 'get',
      path: '/staff/audit/verify',
      summary: '校验审计日志哈希链是否完整',
      description: '逐条重算哈希；任何一条被修改或删除，都会从该条起报告链断裂。',
      tags: ['staff', 'audit'],
      policy: ['admin', 'supervisor'],
      responses: { 200: { description: '校验结果', schema: AuditChainReportSchema } },
    },
    async (c) => {
      c.header('cache-control', 'no-store')
      return c.json(await verifyAuditChain(deps.database.db), 200)
    },
  )

  return resource
}
