import { maskProfile, type StaffBooking, toShanghaiIso } from '@xinfang/shared'
import type { Db } from '../../db/client'
import { AppError } from '../app-error'
import { loadPlainProfile } from '../identity/citizen-profile'
import { visibleLinkedPetitionId } from '../petitions/petition-visibility'
import { decryptField } from '../privacy/field-crypto'
import type { Keyring } from '../privacy/keyring'
import { type BookingRow, type BookingWithContext, bookingMatterAad, findBooking } from './booking-view'
import type { Reader, SlotRow } from './session-view'
import { isInScope, type StaffScope } from './staff-scope'

/**
 * A booking as the session's staff see it: the matter in full, because screening and receiving the visit is their
 * job; the person masked (`张*`, `110105********002X`), enough to match the ID card shown at the door. The petition
 * the citizen linked is named only to staff who may see it: a report linked to a visit at the unit it accuses
 * stays hidden from that unit (Art. 30 ¶3).
 */
export async function toStaffBooking(
  db: Db,
  keyring: Keyring,
  viewer: StaffScope,
  booking: BookingRow,
  slot: SlotRow,
): Promise<StaffBooking> {
  const profile = await loadPlainProfile(db, keyring, booking.citizenId)
  const masked = profile ? maskProfile(profile) : null
  return {
    id: booking.id,
    status: booking.status,
    sessionId: booking.sessionId,
    slot: { id: slot.id, startsAt: toShanghaiIso(slot.startsAt), endsAt: toShanghaiIso(slot.endsAt) },
    citizen: { realName: masked?.realName ?? '', idNumber: masked?.idNumber ?? '', phone: masked?.phone ?? '' },
    attendees: booking.attendees,
    matter: await decryptField(keyring, booking.matterEnc, bookingMatterAad(booking.id)),
    petitionId: await visibleLinkedPetitionId(db, viewer, booking.petitionId),
    statusReason: booking.statusReason,
    checkedInAt: booking.checkedInAt === null ? null : toShanghaiIso(booking.checkedInAt),
    createdAt: toShanghaiIso(booking.createdAt),
  }
}

/** A booking of a session the staff member may run; any other is reported absent. */
export async function findBookingInScope(
  db: Reader,
  scope: StaffScope,
  bookingId: string,
): Promise<BookingWithContext> {
  const found = await findBooking(db, bookingId)
  if (!found || !isInScope(scope, found.session.unitId)) throw new AppError('NOT_FOUND', { detail: '找不到该预约' })
  return found
}
