import {
  type Attachment,
  AttachmentSchema,
  CategoryListSchema,
  type PetitionCreate,
  type PetitionCreated,
  PetitionCreatedSchema,
  type PetitionDetail,
  PetitionDetailSchema,
  PetitionListSchema,
  type TrackResult,
  TrackResultSchema,
  UnitListSchema,
} from '@xinfang/shared'
import type { z } from 'zod'
import { http } from './api'
import type { CallOptions } from './http'

export type CategoryList = z.infer<typeof CategoryListSchema>
export type UnitList = z.infer<typeof UnitListSchema>
export type PetitionList = z.infer<typeof PetitionListSchema>

/** 信访事项分类, public reference data: `GET /api/v1/categories`. */
export function listCategories({ client = http, signal }: CallOptions = {}): Promise<CategoryList> {
  return client.get('/api/v1/categories', CategoryListSchema, { signal })
}

/** Units (单位), public reference data: `GET /api/v1/units`. */
export function listUnits({ client = http, signal }: CallOptions = {}): Promise<UnitList> {
  return client.get('/api/v1/units', UnitListSchema, { signal })
}

/**
 * One photo or PDF for a petition: `POST /api/v1/attachments`, multipart field `file`. The API identifies the type by
 * content (JPEG, PNG, PDF) and refuses anything else with 415, anything over ATTACHMENT_MAX_BYTES with 413.
 */
export function uploadAttachment(
  file: { filePath: string; fileName?: string },
  { client = http, signal }: CallOptions = {},
): Promise<Attachment> {
  return client.upload({
    signal,
    path: '/api/v1/attachments',
    filePath: file.filePath,
    name: 'file',
    fileName: file.fileName,
    schema: AttachmentSchema,
    authenticated: true,
  })
}

/**
 * Submits a petition: `POST /api/v1/petitions`. The Idempotency-Key belongs to the draft and is the same on every
 * attempt (the client's own retries and the person's), so a retry after a lost answer replays the first petition
 * instead of filing a second one (docs/decisions/005-idempotent-writes.md).
 */
export function submitPetition(
  input: PetitionCreate,
  idempotencyKey: string,
  { client = http, signal }: CallOptions = {},
): Promise<PetitionCreated> {
  return client.request({
    signal,
    method: 'POST',
    path: '/api/v1/petitions',
    body: input,
    idempotencyKey,
    schema: PetitionCreatedSchema,
    authenticated: true,
  })
}

/** 我的信访, newest first: `GET /api/v1/petitions`. */
export function listPetitions(
  query: { cursor?: string; limit?: number } = {},
  { client = http, signal }: CallOptions = {},
): Promise<PetitionList> {
  return client.request({ signal, path: '/api/v1/petitions', query, schema: PetitionListSchema, authenticated: true })
}

/** One of the caller's petitions with its timeline and next deadline: `GET /api/v1/petitions/:id`. */
export function fetchPetition(id: string, { client = http, signal }: CallOptions = {}): Promise<PetitionDetail> {
  return client.request({
    signal,
    path: `/api/v1/petitions/${encodeURIComponent(id)}`,
    schema: PetitionDetailSchema,
    authenticated: true,
  })
}

/**
 * Withdraws a petition before its reply: `POST /api/v1/petitions/:id/withdraw`, answered with the new detail.
 * Not retried on a lost answer (no key): the person sees the status on reload and may tap again, which the API
 * refuses harmlessly with 409 once it is withdrawn.
 */
export function withdrawPetition(id: string, { client = http, signal }: CallOptions = {}): Promise<PetitionDetail> {
  return client.request({
    signal,
    method: 'POST',
    path: `/api/v1/petitions/${encodeURIComponent(id)}/withdraw`,
    schema: PetitionDetailSchema,
    authenticated: true,
  })
}

/** Progress by 受理编号 + 查询码, without signing in and without any personal data: `GET /api/v1/track`. */
export function trackPetition(
  query: { trackingNo: string; queryCode: string },
  { client = http, signal }: CallOptions = {},
): Promise<TrackResult> {
  return client.get('/api/v1/track', TrackResultSchema, { query, signal })
}
