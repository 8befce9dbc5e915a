import {
  type Booking,
  type BookingCreate,
  type BookingList,
  BookingListSchema,
  BookingSchema,
  type ReceptionSessionDetail,
  ReceptionSessionDetailSchema,
  type WaitlistEntry,
  type WaitlistEntryList,
  WaitlistEntryListSchema,
  WaitlistEntrySchema,
} from '@xinfang/shared'
import { http } from './api'
import type { CallOptions } from './http'

/**
 * Leader reception bookings (领导接访预约) for the citizen, ../shared/API.md "Leader reception (citizen)". The list of
 * sessions itself is `listReceptions` in services/receptions.ts.
 */

/** One session, published or cancelled (a link to a cancelled one still explains): `GET /api/v1/receptions/:id`. */
export function fetchReception(
  id: string,
  { client = http, signal }: CallOptions = {},
): Promise<ReceptionSessionDetail> {
  return client.get(`/api/v1/receptions/${encodeURIComponent(id)}`, ReceptionSessionDetailSchema, { signal })
}

/**
 * Books seats in one slot: `POST /api/v1/receptions/:id/bookings`. The Idempotency-Key belongs to the booking form's
 * draft and is the same on every attempt, so a retry after a lost answer replays the booking instead of being
 * refused with BOOKING_EXISTS (docs/decisions/005-idempotent-writes.md).
 */
export function createBooking(
  sessionId: string,
  body: BookingCreate,
  idempotencyKey: string,
  { client = http, signal }: CallOptions = {},
): Promise<Booking> {
  return client.request({
    signal,
    method: 'POST',
    path: `/api/v1/receptions/${encodeURIComponent(sessionId)}/bookings`,
    body,
    idempotencyKey,
    schema: BookingSchema,
    authenticated: true,
  })
}

/** Joins the waiting list (候补) of a full slot: `POST /api/v1/receptions/:id/waitlist`, with the draft's key. */
export function joinWaitlist(
  sessionId: string,
  body: BookingCreate,
  idempotencyKey: string,
  { client = http, signal }: CallOptions = {},
): Promise<WaitlistEntry> {
  return client.request({
    signal,
    method: 'POST',
    path: `/api/v1/receptions/${encodeURIComponent(sessionId)}/waitlist`,
    body,
    idempotencyKey,
    schema: WaitlistEntrySchema,
    authenticated: true,
  })
}

/** 我的预约, newest first: `GET /api/v1/bookings`. */
export function listBookings(
  query: { cursor?: string; limit?: number } = {},
  { client = http, signal }: CallOptions = {},
): Promise<BookingList> {
  return client.request({ signal, path: '/api/v1/bookings', query, schema: BookingListSchema, authenticated: true })
}

/** One of the caller's bookings, with its check-in code while it holds a seat: `GET /api/v1/bookings/:id`. */
export function fetchBooking(id: string, { client = http, signal }: CallOptions = {}): Promise<Booking> {
  return client.request({
    signal,
    path: `/api/v1/bookings/${encodeURIComponent(id)}`,
    schema: BookingSchema,
    authenticated: true,
  })
}

/**
 * Cancels a booking before its cut-off: `POST /api/v1/bookings/:id/cancel`, answered with the booking as it now is.
 * Safe to send again — the API frees the seat once and answers a repeat with the same cancelled booking — but, having
 * no key, it is not retried by the client: the person sees the status and may tap again.
 */
export function cancelBooking(id: string, { client = http, signal }: CallOptions = {}): Promise<Booking> {
  return client.request({
    signal,
    method: 'POST',
    path: `/api/v1/bookings/${encodeURIComponent(id)}/cancel`,
    schema: BookingSchema,
    authenticated: true,
  })
}

/** The caller's places on waiting lists, newest first: `GET /api/v1/waitlist`. */
export function listWaitlist(
  query: { cursor?: string; limit?: number } = {},
  { client = http, signal }: CallOptions = {},
): Promise<WaitlistEntryList> {
  return client.request({
    signal,
    path: '/api/v1/waitlist',
    query,
    schema: WaitlistEntryListSchema,
    authenticated: true,
  })
}

/** Leaves a waiting list: `POST /api/v1/waitlist/:id/leave`, answered with the entry as it now is. */
export function leaveWaitlist(id: string, { client = http, signal }: CallOptions = {}): Promise<WaitlistEntry> {
  return client.request({
    signal,
    method: 'POST',
    path: `/api/v1/waitlist/${encodeURIComponent(id)}/leave`,
    schema: WaitlistEntrySchema,
    authenticated: true,
  })
}
