import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { Booking, WaitlistEntry } from '@xinfang/shared'
import { RemoteView, remoteIds } from '../../../../components/remote-view'
import { useBookingAction } from '../../../../hooks/use-booking-action'
import { useReceptionShownAgain } from '../../../../hooks/use-reception-shown-again'
import { useRemote } from '../../../../hooks/use-remote'
import { leaveWaitlist, listBookings, listWaitlist } from '../../../../services/reception-bookings'
import {
  BOOKING_STATUS_TONES,
  bookingStatusLabel,
  describeWaitlistEntry,
  splitBookings,
} from '../../../../utils/booking-status'
import { formatShanghaiDate } from '../../../../utils/format'
import { nextStepFor } from '../../../../utils/problem'
import { RECEPTION_PAGES } from '../../../../utils/reception-routes'
import { formatSlotTime } from '../../../../utils/reception-schedule'
import { pageUrl, TAB_PAGES } from '../../../../utils/routes'
import '../../styles/reception.scss'
import './index.scss'

interface MyBookings {
  bookings: Booking[]
  waitlist: WaitlistEntry[]
  now: number
}

/** 我的预约: bookings still ahead (tap for the check-in code), places on waiting lists, and the rest. */
export default function BookingsPage() {
  const remote = useRemote<MyBookings>(async (signal) => {
    const [bookings, waitlist] = await Promise.all([
      listBookings({ limit: 50 }, { signal }),
      listWaitlist({ limit: 50 }, { signal }),
    ])
    return { bookings: bookings.items, waitlist: waitlist.items, now: Date.now() }
  })
  // Back from a booking that was just cancelled, or a place on the waiting list that turned into a booking.
  useReceptionShownAgain(() => remote.reload({ quietly: true }))

  return (
    <View className="rx-page bookings-page">
      <RemoteView
        state={remote.state}
        ids={remoteIds('bookings')}
        loadingText="正在加载我的预约…"
        explain="detail-and-next-step"
        onRetry={() => remote.reload()}
      >
        {(data) => (
          <Loaded
            data={data}
            onLeft={(entry) =>
              remote.replace({
                ...data,
                waitlist: data.waitlist.map((kept) => (kept.id === entry.id ? entry : kept)),
              })
            }
          />
        )}
      </RemoteView>
    </View>
  )
}

function Loaded({ data, onLeft }: { data: MyBookings; onLeft: (entry: WaitlistEntry) => void }) {
  const { upcoming, past } = splitBookings(data.bookings, data.now)
  const waiting = data.waitlist.filter((entry) => entry.status !== 'left')
  const left = data.waitlist.filter((entry) => entry.status === 'left')

  if (data.bookings.length === 0 && data.waitlist.length === 0) {
    return (
      <View className="rx-status" id="bookings-empty">
        <Text className="rx-heading">您还没有预约过领导接访</Text>
        <Text className="rx-text">在“接访预约”里选择一场接访，就可以预约时段。</Text>
        <Button
          className="rx-button rx-button--primary"
          id="bookings-go-schedule"
          onClick={() => void Taro.switchTab({ url: TAB_PAGES.receptions })}
        >
          去预约
        </Button>
      </View>
    )
  }

  return (
    <View id="bookings-list">
      <Text className="rx-section-title">即将参加</Text>
      {upcoming.length === 0 ? (
        <Text className="rx-note bookings-page__none">目前没有待参加的接访。</Text>
      ) : (
        upcoming.map((booking) => <BookingItem key={booking.id} booking={booking} now={data.now} />)
      )}

      {waiting.length > 0 && (
        <>
          <Text className="rx-section-title">候补</Text>
          {waiting.map((entry) => (
            <WaitlistItem key={entry.id} entry={entry} now={data.now} onLeft={onLeft} />
          ))}
        </>
      )}

      {(past.length > 0 || left.length > 0) && (
        <>
          <Text className="rx-section-title">已结束或已取消</Text>
          {past.map((booking) => (
            <BookingItem key={booking.id} booking={booking} now={data.now} />
          ))}
          {left.map((entry) => (
            <WaitlistItem key={entry.id} entry={entry} now={data.now} onLeft={onLeft} />
          ))}
        </>
      )}
    </View>
  )
}

function BookingItem({ booking, now }: { booking: Booking; now: number }) {
  return (
    <View
      className="rx-card bookings-page__item booking-item"
      id={`booking-${booking.id}`}
      onClick={() => void Taro.navigateTo({ url: pageUrl(RECEPTION_PAGES.booking, { id: booking.id }) })}
    >
      <View className="bookings-page__item-header">
        <Text className="bookings-page__leader">
          {booking.session.leader.name} {booking.session.leader.title}
        </Text>
        <Text className={`rx-badge rx-badge--${BOOKING_STATUS_TONES[booking.status]}`}>
          {bookingStatusLabel(booking.status)}
        </Text>
      </View>
      <Text className="rx-text">
        {formatShanghaiDate(booking.slot.startsAt, now)} {formatSlotTime(booking.slot)}
      </Text>
      {booking.session.place !== null && <Text className="rx-note">{booking.session.place}</Text>}
      <Text className="bookings-page__open">{booking.checkInCode !== null ? '查看签到码和详情 ›' : '查看详情 ›'}</Text>
    </View>
  )
}

function WaitlistItem(props: { entry: WaitlistEntry; now: number; onLeft: (entry: WaitlistEntry) => void }) {
  const { entry, now } = props
  const view = describeWaitlistEntry(entry)
  const leave = useBookingAction((call) => leaveWaitlist(entry.id, call), props.onLeft)
  const isAsking = leave.state.status === 'confirming' || leave.state.status === 'running'

  return (
    <View className="rx-card bookings-page__item waitlist-item" id={`waitlist-${entry.id}`}>
      <View className="bookings-page__item-header">
        <Text className="bookings-page__leader">
          {entry.session.leader.name} {entry.session.leader.title}
        </Text>
        <Text className={`rx-badge rx-badge--${view.tone}`} id={`waitlist-status-${entry.id}`}>
          {view.label}
        </Text>
      </View>
      <Text className="rx-text">
        {formatShanghaiDate(entry.slot.startsAt, now)} {formatSlotTime(entry.slot)} · {entry.attendees} 人
      </Text>
      <Text className="rx-note">{view.note}</Text>
      {entry.status === 'promoted' && entry.bookingId !== null && (
        <Button
          className="rx-button rx-button--primary"
          id={`waitlist-booking-${entry.id}`}
          onClick={() =>
            void Taro.navigateTo({ url: pageUrl(RECEPTION_PAGES.booking, { id: entry.bookingId ?? undefined }) })
          }
        >
          查看预约和签到码
        </Button>
      )}
      {view.canLeave && !isAsking && (
        <Button className="rx-button rx-button--danger" id={`leave-${entry.id}`} onClick={leave.ask}>
          退出候补
        </Button>
      )}
      {view.canLeave && isAsking && (
        <View className="rx-notice rx-notice--warning bookings-page__confirm" id={`leave-panel-${entry.id}`}>
          <Text className="rx-notice-title">确定退出候补吗？</Text>
          <Text className="rx-notice-text">退出后不再为您排队；以后想来，需要重新预约或候补。</Text>
          <Button
            className="rx-button rx-button--danger-solid"
            id={`leave-confirm-${entry.id}`}
            {...(leave.state.status === 'running' ? { disabled: true } : {})}
            onClick={() => void leave.confirm()}
          >
            {leave.state.status === 'running' ? '正在退出…' : '确定退出'}
          </Button>
          <Button className="rx-button rx-button--secondary" id={`leave-keep-${entry.id}`} onClick={leave.keep}>
            暂不退出
          </Button>
        </View>
      )}
      {leave.state.status === 'failed' && (
        <Text className="rx-notice rx-notice--error" id={`leave-error-${entry.id}`}>
          {leave.state.problem.title}。{nextStepFor(leave.state.problem)}
        </Text>
      )}
    </View>
  )
}
