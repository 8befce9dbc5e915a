import type { TextareaProps } from '@tarojs/components'
import { Button, Text, Textarea, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import {
  ATTENDEES_MAX,
  ATTENDEES_MIN,
  BOOKING_MATTER_MAX,
  type Booking,
  PETITION_STATUS_LABELS,
  type PetitionSummary,
  RECEPTION_MODE_LABELS,
  type ReceptionSessionDetail,
  type ReceptionSlot,
  type WaitlistEntry,
} from '@xinfang/shared'
import { type BookingFormModel, useBookingForm } from '../../../../hooks/use-booking-form'
import type { KeyValueStorage } from '../../../../services/storage'
import type { BookingFailure, BookingMode } from '../../../../utils/booking-outcome'
import { formatShanghaiDate } from '../../../../utils/format'
import { RECEPTION_PAGES } from '../../../../utils/reception-routes'
import { formatSlotTime } from '../../../../utils/reception-schedule'
import { TAB_PAGES } from '../../../../utils/routes'
import { Facts } from '../facts'
import './index.scss'

interface BookingFormProps {
  userId: string
  session: ReceptionSessionDetail
  slot: ReceptionSlot
  mode: BookingMode
  /** Whether the real-name profile is registered; without it the API refuses with PROFILE_REQUIRED. */
  hasProfile: boolean
  /** The citizen's petitions for the optional link; null when they could not be read. */
  petitions: PetitionSummary[] | null
  now: number
  onBooked: (booking: Booking) => void
  onJoinedWaitlist: (entry: WaitlistEntry) => void
  storage?: KeyValueStorage
}

/**
 * WeChat draws placeholders in a grey too light for older eyes (#808080 is 3.9:1 on white); H5 styles them in CSS
 * instead, where the prop does not exist.
 */
const WEAPP_PLACEHOLDER: Partial<TextareaProps> =
  process.env.TARO_ENV === 'weapp' ? { placeholderClass: 'booking-form__placeholder' } : {}

/** The booking form (预约信息): what the visit is about, how many come, and optionally which petition. */
export function BookingForm(props: BookingFormProps) {
  const { session, slot, now } = props
  const form = useBookingForm({
    userId: props.userId,
    sessionId: session.id,
    slotId: slot.id,
    mode: props.mode,
    onBooked: props.onBooked,
    onJoinedWaitlist: props.onJoinedWaitlist,
    storage: props.storage,
  })
  const { values, errors, mode } = form
  const isTooMany = mode === 'book' && values.attendees > slot.remaining && slot.remaining > 0

  return (
    <View className="booking-form" id="booking-form">
      <View className="rx-card">
        <Text className="rx-heading">
          {session.leader.name} {session.leader.title}
        </Text>
        <Facts
          facts={[
            { label: '日期', value: formatShanghaiDate(slot.startsAt, now) },
            { label: '时段', value: formatSlotTime(slot), id: 'booking-slot-time' },
            { label: '方式', value: RECEPTION_MODE_LABELS[session.mode] },
            ...(session.place !== null ? [{ label: '地点', value: session.place }] : []),
            {
              label: '名额',
              value: slot.remaining > 0 ? `该时段剩余 ${slot.remaining} 个` : '该时段已约满',
            },
          ]}
        />
      </View>

      {mode === 'waitlist' && (
        <View className="rx-notice rx-notice--warning" id="waitlist-notice">
          <Text className="rx-notice-title">您正在加入候补</Text>
          <Text className="rx-notice-text">
            该时段已约满。加入候补后，有人取消时会按先后顺序自动为您预约，并发消息通知您。
          </Text>
        </View>
      )}
      {form.origin !== 'fresh' && (
        <Text className="rx-notice rx-notice--info" id="draft-restored">
          已为您填入上次没有提交的内容，请核对后提交。
        </Text>
      )}
      {!props.hasProfile && (
        <View className="rx-notice rx-notice--warning" id="profile-notice">
          <Text className="rx-notice-title">预约前需要登记实名信息</Text>
          <Text className="rx-notice-text">
            您可以先把下面的内容填好（会自动保存在本机），再到“我的”登记姓名、身份证号码等信息，然后回来提交。
          </Text>
          <Button className="rx-button rx-button--secondary" id="go-profile-early" onClick={goToProfile}>
            去登记实名信息
          </Button>
        </View>
      )}

      <View className="rx-card">
        <View className="booking-form__field">
          <Text className="booking-form__label">要反映的事项</Text>
          <Text className="booking-form__hint">
            请简要写明您要反映的问题和希望怎样解决，例如：某公司拖欠工资三个月，请求协调解决。
          </Text>
          <Textarea
            className={`booking-form__textarea ${errors.matter ? 'booking-form__textarea--error' : ''}`}
            id="booking-matter"
            // WeChat's textarea stops at 140 characters unless told otherwise.
            maxlength={BOOKING_MATTER_MAX}
            placeholder="请输入要反映的事项"
            {...WEAPP_PLACEHOLDER}
            value={values.matter}
            onInput={(event) => form.changeMatter(event.detail.value)}
          />
          <Text className="booking-form__count" id="matter-count">
            已写 {values.matter.trim().length} / {BOOKING_MATTER_MAX} 字
          </Text>
          <FieldError id="matter-error" message={errors.matter} />
        </View>

        <View className="booking-form__field">
          <Text className="booking-form__label">到场人数（含本人）</Text>
          <View className="booking-form__stepper">
            <Button
              className={`booking-form__step ${values.attendees <= ATTENDEES_MIN ? 'booking-form__step--disabled' : ''}`}
              id="attendees-minus"
              onClick={() => form.stepAttendees(-1)}
            >
              减一人
            </Button>
            <Text className="booking-form__attendees" id="attendees-value">
              {values.attendees} 人
            </Text>
            <Button
              className={`booking-form__step ${values.attendees >= ATTENDEES_MAX ? 'booking-form__step--disabled' : ''}`}
              id="attendees-plus"
              onClick={() => form.stepAttendees(+1)}
            >
              加一人
            </Button>
          </View>
          <Text className="booking-form__hint" id="attendees-rule">
            每人占一个名额。多人反映同一问题的，请推选代表，最多 {ATTENDEES_MAX} 人（《信访工作条例》第二十条）。
          </Text>
          {isTooMany && (
            <Text className="booking-form__error" id="attendees-warning">
              该时段只剩 {slot.remaining} 个名额，请减少人数，或返回选择其他时段。
            </Text>
          )}
          <FieldError id="attendees-error" message={errors.attendees} />
        </View>

        <PetitionChoice petitions={props.petitions} form={form} />
      </View>

      {form.failure && <FailureNotice failure={form.failure} form={form} />}

      <Button
        className="rx-button rx-button--primary booking-form__submit"
        id="booking-submit"
        {...(form.isSubmitting ? { disabled: true } : {})}
        onClick={() => {
          void form.submit()
        }}
      >
        {form.isSubmitting ? '正在提交…' : mode === 'book' ? '确认预约' : '加入候补'}
      </Button>
      <Text className="rx-note booking-form__footnote">
        {mode === 'book'
          ? '预约成功后会生成签到码；不能到场的，请在截止时间前取消。'
          : '候补不占名额；有名额时自动为您预约，并生成签到码。'}
      </Text>
    </View>
  )
}

function PetitionChoice({ petitions, form }: { petitions: PetitionSummary[] | null; form: BookingFormModel }) {
  return (
    <View className="booking-form__field" id="petition-choice">
      <Text className="booking-form__label">关联信访事项（选填）</Text>
      {petitions === null && (
        <Text className="booking-form__hint">暂时无法读取您提交过的信访事项，可以不关联，直接预约。</Text>
      )}
      {petitions !== null && petitions.length === 0 && (
        <Text className="booking-form__hint">您还没有在网上提交过信访事项，不需要选择。</Text>
      )}
      {petitions !== null && petitions.length > 0 && (
        <>
          <Text className="booking-form__hint">
            如果这次要反映的是已经提交过的事项，请选择它，方便领导了解办理情况。
          </Text>
          <Choice
            id="petition-none"
            isSelected={form.values.petitionId === ''}
            title="不关联"
            onTap={() => form.choosePetition('')}
          />
          {petitions.map((petition) => (
            <Choice
              key={petition.id}
              id={`petition-${petition.id}`}
              isSelected={form.values.petitionId === petition.id}
              title={petition.title}
              detail={`${petition.trackingNo} · ${PETITION_STATUS_LABELS[petition.status]}`}
              onTap={() => form.choosePetition(petition.id)}
            />
          ))}
        </>
      )}
      <FieldError id="petition-error" message={form.errors.petitionId} />
    </View>
  )
}

function Choice(props: { id: string; isSelected: boolean; title: string; detail?: string; onTap: () => void }) {
  return (
    <View
      className={`booking-form__choice ${props.isSelected ? 'booking-form__choice--selected' : ''}`}
      id={props.id}
      onClick={props.onTap}
    >
      <Text className="booking-form__choice-mark">{props.isSelected ? '●' : '○'}</Text>
      <View className="booking-form__choice-body">
        <Text className="booking-form__choice-title">{props.title}</Text>
        {props.detail !== undefined && <Text className="booking-form__choice-detail">{props.detail}</Text>}
      </View>
    </View>
  )
}

/** What went wrong, what to do, and the button that does it. */
function FailureNotice({ failure, form }: { failure: BookingFailure; form: BookingFormModel }) {
  const tone = failure.kind === 'slot_full' || failure.kind === 'possibly_booked' ? 'warning' : 'error'
  return (
    <View className={`rx-notice rx-notice--${tone}`} id="booking-failure">
      <Text className="rx-notice-title">{failure.title}</Text>
      <Text className="rx-notice-text">{failure.message}</Text>
      {failure.kind === 'slot_full' && (
        <>
          <Button
            className="rx-button rx-button--primary"
            id="switch-to-waitlist"
            onClick={() => {
              form.switchMode('waitlist')
              void form.submit()
            }}
          >
            加入候补
          </Button>
          <Button className="rx-button rx-button--secondary" id="choose-other-slot" onClick={goBack}>
            选择其他时段
          </Button>
        </>
      )}
      {failure.kind === 'seats_available' && (
        <Button
          className="rx-button rx-button--primary"
          id="switch-to-book"
          onClick={() => {
            form.switchMode('book')
            void form.submit()
          }}
        >
          直接预约
        </Button>
      )}
      {(failure.kind === 'already_booked' || failure.kind === 'possibly_booked') && (
        <Button
          className="rx-button rx-button--primary"
          id="go-my-bookings"
          onClick={() => void Taro.redirectTo({ url: RECEPTION_PAGES.bookings })}
        >
          查看我的预约
        </Button>
      )}
      {failure.kind === 'closed' && (
        <Button className="rx-button rx-button--primary" id="go-schedule" onClick={goToSchedule}>
          返回接访安排
        </Button>
      )}
      {failure.kind === 'profile_required' && (
        <Button className="rx-button rx-button--primary" id="go-profile" onClick={goToProfile}>
          去登记实名信息
        </Button>
      )}
    </View>
  )
}

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (message === undefined) return null
  return (
    <Text className="booking-form__error" id={id}>
      {message}
    </Text>
  )
}

function goToProfile() {
  void Taro.switchTab({ url: TAB_PAGES.me })
}

function goToSchedule() {
  void Taro.switchTab({ url: TAB_PAGES.receptions })
}

function goBack() {
  void Taro.navigateBack()
}
