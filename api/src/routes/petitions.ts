import {
  AttachmentSchema,
  PetitionCreatedSchema,
  PetitionCreateSchema,
  PetitionDetailSchema,
  PetitionIdParamsSchema,
  PetitionListQuerySchema,
  PetitionListSchema,
  TrackQuerySchema,
  TrackResultSchema,
} from '@xinfang/shared'
import { z } from 'zod'
import { AppError } from '../domain/app-error'
import { readAttachment } from '../domain/attachments/read-attachment'
import { uploadAttachment } from '../domain/attachments/upload-attachment'
import { parseIdempotencyKey, runIdempotently, sealReplaySecrets } from '../domain/idempotency'
import { requireProfile } from '../domain/identity/citizen-profile'
import { getOwnPetition, listOwnPetitions } from '../domain/petitions/petition-views'
import { preparePetitionSubmission } from '../domain/petitions/submit-petition'
import { lookUpTracking } from '../domain/petitions/track-lookup'
import { withdrawPetition } from '../domain/petitions/withdraw-petition'
import { clientAddressOf } from '../http/client-address'
import type { AppDeps } from '../http/context'
import { createResource, defineRoute } from '../http/route'
import { readUploadForm } from '../http/upload-form'

const AttachmentIdParamsSchema = z.object({ id: z.string().min(1).max(64) })

export function petitionRoutes(deps: AppDeps) {
  const resource = createResource(deps)
  const readDeps = { db: deps.database.db, keyring: deps.keyring, deadlines: deps.deadlines }

  defineRoute(
    resource,
    {
      method: 'post',
      path: '/attachments',
      summary: '上传附件（JPEG、PNG、PDF，按文件内容识别，单个不超过 10 MB）',
      description: 'multipart/form-data，字段名 file。图片中的 EXIF/GPS 等元数据会被去除。',
      tags: ['petitions'],
      policy: 'citizen',
      multipart: { field: 'file' },
      responses: { 201: { description: '已保存', schema: AttachmentSchema } },
    },
    async (c, { principal }) => {
      const contentType = c.req.header('content-type') ?? ''
      if (!contentType.toLowerCase().startsWith('multipart/form-data')) {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', { detail: '请以 multipart/form-data 上传，字段名 file' })
      }
      const form = await readUploadForm(c)
      const file = form.get('file')
      if (!(file instanceof File)) {
        throw new AppError('VALIDATION_FAILED', { errors: [{ path: 'body.file', message: '请选择要上传的文件' }] })
      }
      return c.json(await uploadAttachment(deps, principal.id, file, deps.now()), 201)
    },
  )

  defineRoute(
    resource,
    {
      method: 'get',
      path: '/attachments/:id',
      summary: '下载附件（本人或承办单位工作人员）',
      tags: ['petitions'],
      policy: 'authenticated',
      params: AttachmentIdParamsSchema,
      responses: { 200: { description: '文件内容', contentType: 'application/octet-stream' } },
    },
    async (c, { principal, params }) => {
      const file = await readAttachment(deps, principal, params.id)
      return c.body(file.bytes as Uint8Array<ArrayBuffer>, 200, {
        'content-type': file.mime,
        'content-disposition': `attachment; filename="${file.filename}"`,
        'x-content-type-options': 'nosniff',
        'cache-control': 'private, no-store',
      })
    },
  )

  defineRoute(
    resource,
    {
      method: 'post',
      path: '/petitions',
      summary: '提交信访事项',
      description:
        '须带 Idempotency-Key：同一 key 同一内容重放原响应；内容不同 422；处理中 409。须已登记实名信息（否则 403 PROFILE_REQUIRED）。',
      tags: ['petitions'],
      policy: 'citizen',
      body: PetitionCreateSchema,
      responses: { 201: { description: '已提交', schema: PetitionCreatedSchema } },
    },
    async (c, { principal, body }) => {
      const key = parseIdempotencyKey(c.req.header('idempotency-key'))
      const citizenId = principal.id
      await requireProfile(deps.database.db, citizenId)
      const now = deps.now()
      const { register, queryCode } = await preparePetitionSubmission(deps, citizenId, body, now)
      const request = { scope: `citizen:${citizenId}`, operation: 'POST /petitions', key, body }
      // The query code is kept only as a blind index; the replay that recovers a lost answer holds it sealed.
      const secrets = await sealReplaySecrets(deps.keyring, request, { queryCode })
      const result = await runIdempotently(deps.database, request, secrets, now, async (tx) => ({
        status: 201,
        body: await register(tx),
      }))
      deps.afterCommit?.('POST /petitions')
      c.header('cache-control', 'no-store')
      if (result.isReplay) c.header('idempotent-replayed', 'true')
      return c.json(result.body, 201)
    },
  )

  defineRoute(
    resource,
    {
      method: 'get',
      path: '/petitions',
      summary: '我的信访事项',
      tags: ['petitions'],
      policy: 'citizen',
      query: PetitionListQuerySchema,
      responses: { 200: { description: '按提交时间倒序', schema: PetitionListSchema } },
    },
    async (c, { principal, query }) => {
      c.header('cache-control', 'no-store')
      return c.json(await listOwnPetitions(readDeps, principal.id, query, deps.now()), 200)
    },
  )

  defineRoute(
    resource,
    {
      method: 'get',
      path: '/petitions/:id',
      summary: '信访事项详情（时间线与下一期限）',
      tags: ['petitions'],
      policy: 'citizen',
      params: PetitionIdParamsSchema,
      responses: { 200: { description: '详情', schema: PetitionDetailSchema } },
    },
    async (c, { principal, params }) => {
      c.header('cache-control', 'no-store')
      return c.json(await getOwnPetition(readDeps, principal.id, params.id, deps.now()), 200)
    },
  )

  defineRoute(
    resource,
    {
      method: 'post',
      path: '/petitions/:id/withdraw',
      summary: '撤回信访事项（答复前）',
      tags: ['petitions'],
      policy: 'citizen',
      params: PetitionIdParamsSchema,
      responses: { 200: { description: '已撤回，返回最新详情', schema: PetitionDetailSchema } },
    },
    async (c, { principal, params }) => {
      const citizenId = principal.id
      await withdrawPetition(deps.database, citizenId, params.id, deps.now())
      c.header('cache-control', 'no-store')
      return c.json(await getOwnPetition(readDeps, citizenId, params.id, deps.now()), 200)
    },
  )

  defineRoute(
    resource,
    {
      method: 'get',
      path: '/track',
      summary: '凭受理编号和查询码查询进度（无需登录，不含个人信息）',
      tags: ['petitions'],
      policy: 'public',
      query: TrackQuerySchema,
      responses: { 200: { description: '进度', schema: TrackResultSchema } },
    },
    async (c, { query }) => {
      const result = await lookUpTracking({ ...readDeps, limits: deps.limits }, query, {
        address: clientAddressOf(c, deps.config.trustProxy),
        now: deps.now(),
      })
      c.header('cache-control', 'no-store')
      return c.json(result, 200)
    },
  )

  return resource
}
