import { ERROR_CODES, problemTypeOf } from '@xinfang/shared'
import { ApiError } from '../services/http'

/**
 * The reception booking pages. They live in the `packages/reception` subpackage (app.config.ts), loaded only when
 * first opened; the 接访预约 tab itself is in the main package, as every tab page must be.
 */
export const RECEPTION_PAGES = {
  /** `?id=` a session: its slots, with 预约 / 加入候补 per slot. */
  session: '/packages/reception/pages/session/index',
  /** `?sessionId=&slotId=` (and `&waitlist=1` to join the waiting list instead): the booking form. */
  book: '/packages/reception/pages/book/index',
  /** `?bookingId=` or `?entryId=`: what the form achieved. */
  result: '/packages/reception/pages/result/index',
  /** 我的预约: bookings and places on waiting lists. */
  bookings: '/packages/reception/pages/bookings/index',
  /** `?id=` one booking: QR code and check-in code, 取消预约. */
  booking: '/packages/reception/pages/booking/index',
} as const

/** A reception page opened without the id it needs (a broken or cut-off link): the words of a 404, and a way back. */
export function missingParameterError(): ApiError {
  return new ApiError(
    {
      type: problemTypeOf('NOT_FOUND'),
      title: ERROR_CODES.NOT_FOUND.title,
      status: 404,
      code: 'NOT_FOUND',
      detail: '链接不完整，请返回接访安排重新选择。',
    },
    'http',
  )
}
