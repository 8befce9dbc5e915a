import {
  type Rating,
  type RatingCreate,
  RatingSchema,
  ReviewRequestCreatedSchema,
  type ReviewRequestCreateSchema,
} from '@xinfang/shared'
import type { z } from 'zod'
import { http } from './api'
import type { CallOptions } from './http'

export type ReviewRequestCreate = z.infer<typeof ReviewRequestCreateSchema>
export type ReviewRequestCreated = z.infer<typeof ReviewRequestCreatedSchema>

/**
 * Rates the petition's latest reply (满意 / 基本满意 / 不满意): `POST /api/v1/petitions/:id/ratings`. Not retried on a
 * lost answer: a rating is once per reply stage, so sending it again is harmless — the API answers 409
 * ALREADY_RATED, which the page explains — but it is the person's tap that sends it.
 */
export function ratePetition(
  petitionId: string,
  input: RatingCreate,
  { client = http, signal }: CallOptions = {},
): Promise<Rating> {
  return client.request({
    signal,
    method: 'POST',
    path: `/api/v1/petitions/${encodeURIComponent(petitionId)}/ratings`,
    body: input,
    schema: RatingSchema,
    authenticated: true,
  })
}

/**
 * Asks for 复查 (after the reply) or 复核 (after the 复查 reply): `POST /api/v1/petitions/:id/review-requests`.
 * Answered with the unit that will decide and its deadline. Not retried either: once the request is stored the
 * petition has moved on, and a second one is refused with 409 INVALID_TRANSITION, never filed twice.
 */
export function requestReview(
  petitionId: string,
  input: ReviewRequestCreate,
  { client = http, signal }: CallOptions = {},
): Promise<ReviewRequestCreated> {
  return client.request({
    signal,
    method: 'POST',
    path: `/api/v1/petitions/${encodeURIComponent(petitionId)}/review-requests`,
    body: input,
    schema: ReviewRequestCreatedSchema,
    authenticated: true,
  })
}
