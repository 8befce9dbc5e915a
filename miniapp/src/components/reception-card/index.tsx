import { Text, View } from '@tarojs/components'
import { RECEPTION_MODE_LABELS, type ReceptionSession, remainingSeats } from '@xinfang/shared'
import {
  BOOKING_STATE_LABELS,
  bookingStateOf,
  formatBookingWindow,
  formatRemainingSeats,
  formatSessionTime,
  formatTopics,
} from '../../utils/format'
import './index.scss'

interface ReceptionCardProps {
  session: ReceptionSession
  /** The instant booking windows are judged against. */
  now: number
  /** Makes the whole card one large tap target that opens the session (its slots, 预约 / 加入候补). */
  onOpen?: () => void
}

/** One leader reception session (领导接访) as a citizen reads it in a list. */
export function ReceptionCard({ session, now, onOpen }: ReceptionCardProps) {
  const bookingState = bookingStateOf(session, now)
  const isFull = remainingSeats(session) === 0

  return (
    <View
      className={`reception-card ${onOpen ? 'reception-card--link' : ''}`}
      id={`reception-${session.id}`}
      onClick={onOpen}
    >
      <View className="reception-card__header">
        <Text className="reception-card__leader">{session.leader.name}</Text>
        <Text className="reception-card__title">{session.leader.title}</Text>
      </View>
      <Text className="reception-card__unit">{session.unit.name}</Text>

      <View className="reception-card__row">
        <Text className="reception-card__label">时间</Text>
        <Text className="reception-card__time">{formatSessionTime(session.startsAt, session.endsAt, now)}</Text>
      </View>
      <View className="reception-card__row">
        <Text className="reception-card__label">方式</Text>
        <Text className="reception-card__mode">{RECEPTION_MODE_LABELS[session.mode]}</Text>
      </View>
      {session.place !== null && (
        <View className="reception-card__row">
          <Text className="reception-card__label">地点</Text>
          <Text className="reception-card__place">{session.place}</Text>
        </View>
      )}
      {session.topics.length > 0 && (
        <View className="reception-card__row">
          <Text className="reception-card__label">主题</Text>
          <Text className="reception-card__topics">{formatTopics(session.topics)}</Text>
        </View>
      )}

      <View className="reception-card__footer">
        <Text className={`reception-card__seats ${isFull ? 'reception-card__seats--full' : ''}`}>
          {formatRemainingSeats(session)}
        </Text>
        <Text className={`reception-card__booking reception-card__booking--${bookingState}`}>
          {BOOKING_STATE_LABELS[bookingState]}
        </Text>
      </View>
      <Text className="reception-card__window">{formatBookingWindow(session, now)}</Text>
      {onOpen && (
        <Text className="reception-card__open">{bookingState === 'open' ? '选择时段预约 ›' : '查看详情 ›'}</Text>
      )}
    </View>
  )
}
