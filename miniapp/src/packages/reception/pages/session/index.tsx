import { Button, Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { RECEPTION_MODE_LABELS, type ReceptionSessionDetail } from '@xinfang/shared'
import { RemoteView, remoteIds } from '../../../../components/remote-view'
import { useReceptionShownAgain } from '../../../../hooks/use-reception-shown-again'
import { useRemote } from '../../../../hooks/use-remote'
import { fetchReception } from '../../../../services/reception-bookings'
import { formatBookingWindow, formatSessionTime, formatTopics } from '../../../../utils/format'
import { missingParameterError, RECEPTION_PAGES } from '../../../../utils/reception-routes'
import { bookingUnavailableReason } from '../../../../utils/reception-schedule'
import { pageUrl, paramOf } from '../../../../utils/routes'
import { Facts } from '../../components/facts'
import { SlotPicker } from '../../components/slot-picker'
import '../../styles/reception.scss'
import './index.scss'

/** One reception session: who, when, where, what about, and its slots with 预约 / 加入候补. */
export default function SessionPage() {
  const id = paramOf(useRouter().params, 'id')
  const remote = useRemote(async (signal) => {
    if (id === undefined) throw missingParameterError()
    return { session: await fetchReception(id, { signal }), checkedAt: Date.now() }
  })
  // Back from the form or from 我的预约: the seats may have changed, the person's own booking among them.
  useReceptionShownAgain(() => remote.reload({ quietly: true }))

  return (
    <View className="rx-page session-page">
      <RemoteView
        state={remote.state}
        ids={remoteIds('session')}
        loadingText="正在加载接访详情…"
        explain="detail-and-next-step"
        onRetry={() => remote.reload()}
      >
        {(data) => <SessionDetail session={data.session} now={data.checkedAt} />}
      </RemoteView>
    </View>
  )
}

function SessionDetail({ session, now }: { session: ReceptionSessionDetail; now: number }) {
  const unavailable = bookingUnavailableReason(session, now)
  const open = (waitlist: boolean) => (slotId: string) => {
    void Taro.navigateTo({
      url: pageUrl(RECEPTION_PAGES.book, { sessionId: session.id, slotId, waitlist: waitlist ? '1' : undefined }),
    })
  }

  return (
    <View id="session-detail">
      <View className="rx-card">
        <Text className="rx-heading" id="session-leader">
          {session.leader.name} {session.leader.title}
        </Text>
        <Text className="rx-note">{session.unit.name}</Text>
        <Facts
          facts={[
            { label: '时间', value: formatSessionTime(session.startsAt, session.endsAt, now) },
            { label: '方式', value: RECEPTION_MODE_LABELS[session.mode] },
            ...(session.place !== null ? [{ label: '地点', value: session.place }] : []),
            ...(session.topics.length > 0 ? [{ label: '主题', value: formatTopics(session.topics) }] : []),
            ...(session.status === 'published' ? [{ label: '预约', value: formatBookingWindow(session, now) }] : []),
          ]}
        />
        {session.mode === 'video' && (
          <Text className="rx-note">视频接访不用到现场：预约成功后，工作人员会提前与您联系，告诉您怎样参加。</Text>
        )}
      </View>

      {unavailable !== undefined && (
        <Text className="rx-notice rx-notice--warning" id="session-unavailable">
          {unavailable}
        </Text>
      )}
      {session.requiresConfirmation && session.status === 'published' && (
        <Text className="rx-notice rx-notice--info" id="session-screening">
          本场预约需工作人员审核，审核结果会通过消息通知您。
        </Text>
      )}

      <Text className="rx-section-title">选择时段</Text>
      {session.slots.length === 0 ? (
        <Text className="rx-note">本场接访没有可预约的时段。</Text>
      ) : (
        <SlotPicker
          session={session}
          now={now}
          onBook={(slot) => open(false)(slot.id)}
          onJoinWaitlist={(slot) => open(true)(slot.id)}
        />
      )}

      <Button
        className="rx-button rx-button--secondary"
        id="session-my-bookings"
        onClick={() => void Taro.navigateTo({ url: RECEPTION_PAGES.bookings })}
      >
        查看我的预约
      </Button>
    </View>
  )
}
