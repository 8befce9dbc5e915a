import { Button, Text, View } from '@tarojs/components'
import type { ReceptionSessionDetail, ReceptionSlot } from '@xinfang/shared'
import { formatSlotSeats, formatSlotTime, type SlotOffer, slotOfferOf } from '../../../../utils/reception-schedule'
import './index.scss'

interface SlotPickerProps {
  session: ReceptionSessionDetail
  now: number
  onBook: (slot: ReceptionSlot) => void
  onJoinWaitlist: (slot: ReceptionSlot) => void
}

const OFFER_NOTES: Record<SlotOffer, string | undefined> = {
  bookable: undefined,
  full: '已约满，可加入候补，有人取消时按先后顺序为您预约',
  unavailable: undefined,
}

/**
 * The session's slots, one row each with its time, its seats left and the one thing to do: 预约 while seats are
 * left, 加入候补 when full. One tap per row, rather than pick-then-confirm: fewer steps for older people.
 */
export function SlotPicker({ session, now, onBook, onJoinWaitlist }: SlotPickerProps) {
  return (
    <View className="slot-picker" id="slot-picker">
      {session.slots.map((slot) => {
        const offer = slotOfferOf(session, slot, now)
        const note = OFFER_NOTES[offer]
        return (
          <View className={`slot-picker__slot slot-picker__slot--${offer}`} key={slot.id} id={`slot-${slot.id}`}>
            <View className="slot-picker__info">
              <Text className="slot-picker__time">{formatSlotTime(slot)}</Text>
              <Text
                className={`slot-picker__seats ${slot.remaining === 0 ? 'slot-picker__seats--full' : ''}`}
                id={`slot-seats-${slot.id}`}
              >
                {formatSlotSeats(slot)}
              </Text>
            </View>
            {note !== undefined && <Text className="slot-picker__note">{note}</Text>}
            {offer === 'bookable' && (
              <Button
                className="slot-picker__action slot-picker__book"
                id={`book-${slot.id}`}
                onClick={() => onBook(slot)}
              >
                预约这个时段
              </Button>
            )}
            {offer === 'full' && (
              <Button
                className="slot-picker__action slot-picker__waitlist"
                id={`waitlist-${slot.id}`}
                onClick={() => onJoinWaitlist(slot)}
              >
                加入候补
              </Button>
            )}
          </View>
        )
      })}
    </View>
  )
}
