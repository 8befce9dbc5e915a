import { Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import type { Me, PetitionSummary, ReceptionSessionDetail } from '@xinfang/shared'
import { RemoteView, remoteIds } from '../../../../components/remote-view'
import { useReceptionShownAgain } from '../../../../hooks/use-reception-shown-again'
import { useRemote } from '../../../../hooks/use-remote'
import { fetchMe } from '../../../../services/identity'
import { listPetitions } from '../../../../services/petitions'
import { fetchReception } from '../../../../services/reception-bookings'
import { missingParameterError, RECEPTION_PAGES } from '../../../../utils/reception-routes'
import { pageUrl, paramOf } from '../../../../utils/routes'
import { BookingForm } from '../../components/booking-form'
import '../../styles/reception.scss'

interface BookPageData {
  session: ReceptionSessionDetail
  me: Me
  petitions: PetitionSummary[] | null
  checkedAt: number
}

/** The booking form for one slot (`?sessionId=&slotId=`), or for its waiting list (`&waitlist=1`). */
export default function BookPage() {
  const { params } = useRouter()
  const sessionId = paramOf(params, 'sessionId')
  const slotId = paramOf(params, 'slotId')
  const isWaitlist = paramOf(params, 'waitlist') === '1'

  const remote = useRemote<BookPageData>(async (signal) => {
    if (sessionId === undefined || slotId === undefined) throw missingParameterError()
    // Signing in happens here if it has not yet (fetchMe is authenticated). The petitions are only an optional
    // link: when they cannot be read, the form works without them.
    const [session, me, petitions] = await Promise.all([
      fetchReception(sessionId, { signal }),
      fetchMe({ signal }),
      listPetitions({ limit: 50 }, { signal }).then(
        (list) => list.items,
        () => null,
      ),
    ])
    return { session, me, petitions, checkedAt: Date.now() }
  })
  // Back from 我的 after registering the real name (the notice must go), or after a while (seats change). The form
  // itself keeps its state and its draft.
  useReceptionShownAgain(() => remote.reload({ quietly: true }))

  return (
    <View className="rx-page">
      <RemoteView
        state={remote.state}
        ids={remoteIds('book')}
        loadingText="正在加载…"
        explain="detail-and-next-step"
        onRetry={() => remote.reload()}
      >
        {(data) => <Loaded data={data} slotId={slotId ?? ''} isWaitlist={isWaitlist} />}
      </RemoteView>
    </View>
  )
}

function Loaded({ data, slotId, isWaitlist }: { data: BookPageData; slotId: string; isWaitlist: boolean }) {
  const { session, me } = data
  const slot = session.slots.find((candidate) => candidate.id === slotId)
  if (me.role !== 'citizen') {
    return (
      <View className="rx-status" id="book-staff">
        <Text className="rx-heading">工作人员账号不能预约接访</Text>
        <Text className="rx-text">请使用群众本人的微信预约。</Text>
      </View>
    )
  }
  if (slot === undefined) {
    return (
      <View className="rx-status" id="book-no-slot">
        <Text className="rx-heading">找不到这个时段</Text>
        <Text className="rx-text">接访安排可能有变化，请返回重新选择时段。</Text>
      </View>
    )
  }
  return (
    <BookingForm
      userId={me.id}
      session={session}
      slot={slot}
      mode={isWaitlist ? 'waitlist' : 'book'}
      hasProfile={me.profile !== null}
      petitions={data.petitions}
      now={data.checkedAt}
      // Replace the form with the result: the back button must not lead to a form that was already sent.
      onBooked={(booking) => void Taro.redirectTo({ url: pageUrl(RECEPTION_PAGES.result, { bookingId: booking.id }) })}
      onJoinedWaitlist={(entry) =>
        void Taro.redirectTo({ url: pageUrl(RECEPTION_PAGES.result, { entryId: entry.id }) })
      }
    />
  )
}
