import { Button, Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { type Booking, formatCheckInCode, RECEPTION_MODE_LABELS, type WaitlistEntry } from '@xinfang/shared'
import { RemoteView, remoteIds } from '../../../../components/remote-view'
import { useRemote } from '../../../../hooks/use-remote'
import { fetchBooking, listWaitlist } from '../../../../services/reception-bookings'
import { bookingNextStep, describeWaitlistEntry } from '../../../../utils/booking-status'
import { formatShanghaiDate } from '../../../../utils/format'
import { missingParameterError, RECEPTION_PAGES } from '../../../../utils/reception-routes'
import { formatSlotTime } from '../../../../utils/reception-schedule'
import { pageUrl, paramOf, TAB_PAGES } from '../../../../utils/routes'
import { Facts } from '../../components/facts'
import '../../styles/reception.scss'
import './index.scss'

type ResultData =
  | { kind: 'booking'; booking: Booking; now: number }
  | { kind: 'waitlist'; entry: WaitlistEntry; now: number }

/**
 * What the booking form achieved (`?bookingId=` or `?entryId=`), read back from the API rather than handed over in
 * memory, so it is the same after the app was closed and opened again.
 */
export default function ResultPage() {
  const { params } = useRouter()
  const bookingId = paramOf(params, 'bookingId')
  const entryId = paramOf(params, 'entryId')
  const remote = useRemote<ResultData>(async (signal) => {
    if (bookingId !== undefined)
      return { kind: 'booking', booking: await fetchBooking(bookingId, { signal }), now: Date.now() }
    if (entryId === undefined) throw missingParameterError()
    const list = await listWaitlist({ limit: 50 }, { signal })
    const entry = list.items.find((item) => item.id === entryId)
    if (entry === undefined) throw missingParameterError()
    return { kind: 'waitlist', entry, now: Date.now() }
  })

  return (
    <View className="rx-page result-page">
      <RemoteView
        state={remote.state}
        ids={remoteIds('result')}
        loadingText="正在查询预约结果…"
        explain="detail-and-next-step"
        onRetry={() => remote.reload()}
      >
        {(data) =>
          data.kind === 'booking' ? (
            <BookingResult booking={data.booking} now={data.now} />
          ) : (
            <WaitlistResult entry={data.entry} now={data.now} />
          )
        }
      </RemoteView>
    </View>
  )
}

function BookingResult({ booking, now }: { booking: Booking; now: number }) {
  const isPending = booking.status === 'pending'
  return (
    <View id="booking-result">
      <View className={`result-page__banner result-page__banner--${isPending ? 'pending' : 'success'}`}>
        <Text className="result-page__mark">{isPending ? '…' : '✓'}</Text>
        <Text className="result-page__headline" id="result-headline">
          {isPending ? '预约已提交，等待审核' : '预约成功'}
        </Text>
        <Text className="result-page__next">{bookingNextStep(booking)}</Text>
      </View>

      <View className="rx-card">
        <Facts
          facts={[
            { label: '接访领导', value: `${booking.session.leader.name} ${booking.session.leader.title}` },
            { label: '日期', value: formatShanghaiDate(booking.slot.startsAt, now) },
            { label: '时段', value: formatSlotTime(booking.slot) },
            { label: '方式', value: RECEPTION_MODE_LABELS[booking.session.mode] },
            ...(booking.session.place !== null ? [{ label: '地点', value: booking.session.place }] : []),
            { label: '到场人数', value: `${booking.attendees} 人` },
          ]}
        />
        {booking.checkInCode !== null && (
          <View className="result-page__code">
            <Text className="rx-note">签到码</Text>
            <Text className="result-page__code-text" id="result-check-in-code">
              {formatCheckInCode(booking.checkInCode)}
            </Text>
          </View>
        )}
      </View>

      <Button
        className="rx-button rx-button--primary"
        id="view-booking"
        onClick={() => void Taro.redirectTo({ url: pageUrl(RECEPTION_PAGES.booking, { id: booking.id }) })}
      >
        查看签到二维码
      </Button>
      <Button
        className="rx-button rx-button--secondary"
        id="result-my-bookings"
        onClick={() => void Taro.redirectTo({ url: RECEPTION_PAGES.bookings })}
      >
        查看我的预约
      </Button>
      <Button
        className="rx-button rx-button--secondary"
        id="result-schedule"
        onClick={() => void Taro.switchTab({ url: TAB_PAGES.receptions })}
      >
        返回接访安排
      </Button>
    </View>
  )
}

function WaitlistResult({ entry, now }: { entry: WaitlistEntry; now: number }) {
  const view = describeWaitlistEntry(entry)
  return (
    <View id="waitlist-result">
      <View className="result-page__banner result-page__banner--pending">
        <Text className="result-page__mark">…</Text>
        <Text className="result-page__headline" id="result-headline">
          已加入候补
        </Text>
        <Text className="result-page__next" id="result-position">
          {view.label}。{view.note}
        </Text>
      </View>
      <View className="rx-card">
        <Facts
          facts={[
            { label: '接访领导', value: `${entry.session.leader.name} ${entry.session.leader.title}` },
            { label: '日期', value: formatShanghaiDate(entry.slot.startsAt, now) },
            { label: '时段', value: formatSlotTime(entry.slot) },
            { label: '到场人数', value: `${entry.attendees} 人` },
          ]}
        />
      </View>
      <Button
        className="rx-button rx-button--primary"
        id="result-my-bookings"
        onClick={() => void Taro.redirectTo({ url: RECEPTION_PAGES.bookings })}
      >
        查看我的预约
      </Button>
      <Button
        className="rx-button rx-button--secondary"
        id="result-schedule"
        onClick={() => void Taro.switchTab({ url: TAB_PAGES.receptions })}
      >
        返回接访安排
      </Button>
    </View>
  )
}
