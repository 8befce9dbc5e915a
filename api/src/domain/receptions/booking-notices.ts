import { BOOKING_STATUS_LABELS, type BookingStatus, NO_SHOW_LIMIT, NO_SHOW_WINDOW_DAYS } from '@xinfang/shared'
import type { WriteTx } from '../../db/client'
import { type CitizenNotice, notifyCitizen } from '../notifications/notify-citizen'
import { formatSessionTime, type SessionWithOwners } from './session-view'

/**
 * What citizens are told about their bookings, written in the transaction that makes the change (in-app message
 * plus the outbox row of the WeChat `booking_update` push).
 */
export type BookingNoticeKind =
  | 'booked'
  | 'promoted'
  | 'confirmed'
  | 'rejected'
  | 'session_cancelled'
  | 'waitlist_session_cancelled'
  | 'no_show'
  | 'reminder'

interface NoticeSubject {
  citizenId: string
  /** The booking, or for a waiting-list entry of a cancelled session the entry. */
  subjectId: string
  status: BookingStatus | 'left'
  reason?: string | null
}

/** WeChat subscribe-message `thing` fields take at most 20 characters. */
const thing = (text: string) => (text.length > 20 ? `${text.slice(0, 19)}…` : text)

function describe(owners: SessionWithOwners): { who: string; when: string; where: string } {
  const { session, leader } = owners
  return {
    who: `${leader.name}（${leader.title}）`,
    when: formatSessionTime(session.startsAt),
    where: session.mode === 'video' ? '视频接访' : (session.place ?? '接访地点另行通知'),
  }
}

function texts(kind: BookingNoticeKind, owners: SessionWithOwners, reason: string | null | undefined) {
  const { who, when, where } = describe(owners)
  const visit = `${who}${when}的接访`
  switch (kind) {
    case 'booked':
      return owners.session.requiresConfirmation
        ? { title: '接访预约已提交，待确认', body: `您已预约${visit}（${where}）。工作人员确认后会再通知您。` }
        : { title: '接访预约成功', body: `您已预约${visit}（${where}）。请按时到场，出示签到码签到。` }
    case 'promoted':
      return owners.session.requiresConfirmation
        ? {
            title: '候补成功，待确认',
            body: `有人取消了预约，已为您预约${visit}（${where}）。工作人员确认后会再通知您。`,
          }
        : {
            title: '候补成功，预约已确认',
            body: `有人取消了预约，已为您预约${visit}（${where}）。请按时到场，出示签到码签到。`,
          }
    case 'confirmed':
      return { title: '接访预约已确认', body: `您预约的${visit}已确认（${where}）。请按时到场，出示签到码签到。` }
    case 'rejected':
      return { title: '接访预约未通过', body: `您预约的${visit}未通过审核。原因：${reason ?? '未说明'}` }
    case 'session_cancelled':
      return { title: '接访已取消', body: `${visit}已取消，您的预约随之取消。原因：${reason ?? '未说明'}` }
    case 'waitlist_session_cancelled':
      return { title: '接访已取消', body: `${visit}已取消，您的候补随之结束。原因：${reason ?? '未说明'}` }
    case 'no_show':
      return {
        title: '预约未到场',
        body: `您预约的${visit}未签到，已记为未到场。${NO_SHOW_WINDOW_DAYS}天内累计${NO_SHOW_LIMIT}次未到场将暂停预约。`,
      }
    case 'reminder':
      return {
        title: '接访提醒',
        body: `您预约的${visit}即将开始（${where}）。请携带身份证件提前到场，出示签到码签到。`,
      }
  }
}

export async function sendBookingNotice(
  tx: WriteTx,
  kind: BookingNoticeKind,
  owners: SessionWithOwners,
  subject: NoticeSubject,
  now: number,
): Promise<void> {
  const { title, body } = texts(kind, owners, subject.reason)
  const { who, when, where } = describe(owners)
  const notice: CitizenNotice = {
    citizenId: subject.citizenId,
    subjectKind: 'booking',
    subjectId: subject.subjectId,
    event: kind,
    title,
    body,
    template: 'booking_update',
    payload: {
      session: thing(`${who}接访`),
      time: when,
      status: subject.status === 'left' ? '候补结束' : BOOKING_STATUS_LABELS[subject.status],
      remark: thing(kind === 'rejected' || kind.endsWith('cancelled') ? (subject.reason ?? title) : where),
    },
  }
  await notifyCitizen(tx, notice, now)
}
