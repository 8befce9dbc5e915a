import {
  PetitionIdParamsSchema,
  RatingCreateSchema,
  RatingSchema,
  ReviewRequestCreatedSchema,
  ReviewRequestCreateSchema,
} from '@xinfang/shared'
import { rateBooking } from '../domain/reviews/rate-booking'
import { ratePetition } from '../domain/reviews/rate-petition'
import { requestReview } from '../domain/reviews/request-review'
import type { AppDeps } from '../http/context'
import { createResource, defineRoute } from '../http/route'

export function reviewRoutes(deps: AppDeps) {
  const resource = createResource(deps)

  defineRoute(
    resource,
    {
      method: 'post',
      path: '/petitions/:id/ratings',
      summary: '评价答复（满意 / 基本满意 / 不满意），每个答复阶段一次',
      tags: ['petitions'],
      policy: 'citizen',
      params: PetitionIdParamsSchema,
      body: RatingCreateSchema,
      responses: { 201: { description: '已评价', schema: RatingSchema } },
    },
    async (c, { principal, params, body }) =>
      c.json(await ratePetition(deps, principal.id, params.id, body, deps.now()), 201),
  )

  defineRoute(
    resource,
    {
      method: 'post',
      path: '/bookings/:id/ratings',
      summary: '评价领导接访（接访结束后 30 日内，一次）',
      tags: ['receptions'],
      policy: 'citizen',
      params: PetitionIdParamsSchema,
      body: RatingCreateSchema,
      responses: { 201: { description: '已评价', schema: RatingSchema } },
    },
    async (c, { principal, params, body }) =>
      c.json(await rateBooking(deps.database, principal.id, params.id, body, deps.now()), 201),
  )

  defineRoute(
    resource,
    {
      method: 'post',
      path: '/petitions/:id/review-requests',
      summary: '申请复查（答复后 30 日内）或复核（复查答复后 30 日内）',
      tags: ['petitions'],
      policy: 'citizen',
      params: PetitionIdParamsSchema,
      body: ReviewRequestCreateSchema,
      responses: { 201: { description: '已提出申请', schema: ReviewRequestCreatedSchema } },
    },
    async (c, { principal, params, body }) =>
      c.json(await requestReview(deps, principal.id, params.id, body.reason, deps.now()), 201),
  )

  return resource
}
