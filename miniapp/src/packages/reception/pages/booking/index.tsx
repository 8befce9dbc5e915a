import { Button, Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { type Booking, formatCheckInCode, isBookingCancellable, RECEPTION_MODE_LABELS } from '@xinfang/shared'
import { useState } from 'react'
import { RemoteView, remoteIds } from '../../../../components/remote-view'
import { useBookingAction } from '../../../../hooks/use-booking-action'
import { useReceptionShownAgain } from '../../../../hooks/use-reception-shown-again'
import { useRemote } from '../../../../hooks/use-remote'
import { cancelBooking, fetchBooking } from '../../../../services/reception-bookings'
import {
  BOOKING_STATUS_TONES,
  bookingNextStep,
  bookingStatusLabel,
  cancellationNote,
} from '../../../../utils/booking-status'
import { formatShanghaiDate, formatShanghaiDateTime } from '../../../../utils/format'
import { nextStepFor } from '../../../../utils/problem'
import { missingParameterError, RECEPTION_PAGES } from '../../../../utils/reception-routes'
import { formatSlotTime } from '../../../../utils/reception-schedule'
import { pageUrl, paramOf } from '../../../../utils/routes'
import { CheckInQr } from '../../components/check-in-qr'
import { Facts } from '../../components/facts'
import '../../styles/reception.scss'
import './index.scss'

/** One booking (`?id=`): its status, the QR code and check-in code while it holds a seat, and 取消预约. */
export default function BookingPage() {
  const id = paramOf(useRouter().params, 'id')
  const remote = useRemote(async (signal) => {
    if (id === undefined) throw missingParameterError()
    return { booking: await fetchBooking(id, { signal }), now: Date.now() }
  })
  // Staff may have confirmed, rejected or checked it in meanwhile.
  useReceptionShownAgain(() => remote.reload({ quietly: true }))
  const [justCancelled, setJustCancelled] = useState(false)

  return (
    <View className="rx-page booking-page">
      <RemoteView
        state={remote.state}
        ids={remoteIds('booking')}
        loadingText="正在加载预约…"
        explain="detail-and-next-step"
        onRetry={() => remote.reload()}
      >
        {(data) => (
          <BookingDetail
            booking={data.booking}
            now={data.now}
            justCancelled={justCancelled}
            onCancelled={(booking) => {
              setJustCancelled(true)
              remote.replace({ booking, now: Date.now() })
            }}
          />
        )}
      </RemoteView>
    </View>
  )
}

interface BookingDetailProps {
  booking: Booking
  now: number
  justCancelled: boolean
  onCancelled: (booking: Booking) => void
}

function BookingDetail({ booking, now, justCancelled, onCancelled }: BookingDetailProps) {
  const cancel = useBookingAction((call) => cancelBooking(booking.id, call), onCancelled)
  const nextStep = bookingNextStep(booking)
  const note = cancellationNote(booking, now)
  const canCancel = isBookingCancellable(booking, now)

  return (
    <View id="booking-detail">
      <View className="rx-card booking-page__status">
        <Text className={`rx-badge rx-badge--${BOOKING_STATUS_TONES[booking.status]}`} id="booking-status">
          {bookingStatusLabel(booking.status)}
        </Text>
        {nextStep !== undefined && <Text className="rx-text">{nextStep}</Text>}
        {booking.statusReason !== null && (
          <Text className="rx-text" id="booking-status-reason">
            原因：{booking.statusReason}
          </Text>
        )}
      </View>

      {justCancelled && (
        <View className="rx-notice rx-notice--success" id="cancel-done">
          <Text className="rx-notice-title">已取消预约</Text>
          <Text className="rx-notice-text">名额已经让给其他群众。如需再来，请重新预约。</Text>
        </View>
      )}

      {booking.checkInCode !== null && (
        <View className="rx-card booking-page__code" id="check-in">
          <Text className="rx-section-title">签到码</Text>
          <CheckInQr code={booking.checkInCode} />
          <Text className="booking-page__code-text" id="check-in-code">
            {formatCheckInCode(booking.checkInCode)}
          </Text>
          <Text className="rx-note">接访当天请向工作人员出示二维码；扫不出时，可以报出上面的签到码。</Text>
        </View>
      )}

      <View className="rx-card">
        <Facts
          facts={[
            { label: '接访领导', value: `${booking.session.leader.name} ${booking.session.leader.title}` },
            { label: '单位', value: booking.session.unit.name },
            { label: '日期', value: formatShanghaiDate(booking.slot.startsAt, now) },
            { label: '时段', value: formatSlotTime(booking.slot), id: 'booking-slot' },
            { label: '方式', value: RECEPTION_MODE_LABELS[booking.session.mode] },
            ...(booking.session.place !== null ? [{ label: '地点', value: booking.session.place }] : []),
            { label: '到场人数', value: `${booking.attendees} 人` },
            { label: '反映事项', value: booking.matter },
            ...(booking.petitionId !== null ? [{ label: '关联事项', value: '已关联您提交的信访事项' }] : []),
            { label: '预约时间', value: formatShanghaiDateTime(booking.createdAt, now) },
            ...(booking.checkedInAt !== null
              ? [{ label: '签到时间', value: formatShanghaiDateTime(booking.checkedInAt, now) }]
              : []),
          ]}
        />
      </View>

      {note !== undefined && (
        <Text className="rx-note booking-page__cutoff" id="cancel-note">
          {note}
        </Text>
      )}

      {canCancel && cancel.state.status !== 'confirming' && cancel.state.status !== 'running' && (
        <Button className="rx-button rx-button--danger" id="cancel-booking" onClick={cancel.ask}>
          取消预约
        </Button>
      )}
      {canCancel && (cancel.state.status === 'confirming' || cancel.state.status === 'running') && (
        <View className="rx-notice rx-notice--warning" id="cancel-confirm-panel">
          <Text className="rx-notice-title">确定要取消这次预约吗？</Text>
          <Text className="rx-notice-text">取消后名额会让给其他群众；如需再来，要重新预约。</Text>
          <Button
            className="rx-button rx-button--danger-solid"
            id="cancel-confirm"
            {...(cancel.state.status === 'running' ? { disabled: true } : {})}
            onClick={() => void cancel.confirm()}
          >
            {cancel.state.status === 'running' ? '正在取消…' : '确定取消'}
          </Button>
          <Button className="rx-button rx-button--secondary" id="cancel-keep" onClick={cancel.keep}>
            暂不取消
          </Button>
        </View>
      )}
      {cancel.state.status === 'failed' && (
        <View className="rx-notice rx-notice--error" id="cancel-error">
          <Text className="rx-notice-title">{cancel.state.problem.title}</Text>
          <Text className="rx-notice-text">{cancel.state.problem.detail ?? nextStepFor(cancel.state.problem)}</Text>
        </View>
      )}

      <Button
        className="rx-button rx-button--secondary"
        id="open-session"
        onClick={() => void Taro.navigateTo({ url: pageUrl(RECEPTION_PAGES.session, { id: booking.session.id }) })}
      >
        查看本场接访
      </Button>
    </View>
  )
}
