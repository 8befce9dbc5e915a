import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { ReceptionCard } from '../../components/reception-card'
import { RemoteView, remoteIds } from '../../components/remote-view'
import { useReceptionSchedule } from '../../hooks/use-reception-schedule'
import { useReceptionShownAgain } from '../../hooks/use-reception-shown-again'
import { RECEPTION_PAGES } from '../../utils/reception-routes'
import { groupSessionsByDate } from '../../utils/reception-schedule'
import { pageUrl } from '../../utils/routes'
import './index.scss'

/** 接访预约: the published leader reception sessions by day; a session opens its slots, 我的预约 the bookings. */
export default function ReceptionsPage() {
  const schedule = useReceptionSchedule()
  useReceptionShownAgain(schedule.refresh)

  return (
    <View className="receptions">
      <View className="receptions__header">
        <Text className="receptions__title">接访预约</Text>
        <Text className="receptions__intro">
          领导定期接待群众来访。请选择一场接访，再选时段预约；预约成功后，凭签到码按时到场。
        </Text>
        <Button
          className="receptions__my"
          id="open-my-bookings"
          onClick={() => void Taro.navigateTo({ url: RECEPTION_PAGES.bookings })}
        >
          我的预约
        </Button>
      </View>

      <RemoteView
        state={schedule.state}
        ids={remoteIds('receptions', { retry: 'receptions-reload' })}
        loadingText="正在加载接访安排…"
        onRetry={schedule.reload}
      >
        {(shown) =>
          shown.sessions.length === 0 ? (
            <View className="receptions__status" id="receptions-empty">
              <Text className="receptions__status-title">近期暂无领导接访安排</Text>
              <Text className="receptions__status-text">接访安排会提前公布，请过几天再来查看。</Text>
            </View>
          ) : (
            <View id="receptions-list">
              {groupSessionsByDate(shown.sessions, shown.checkedAt).map((day) => (
                <View className="receptions__day" key={day.date} id={`day-${day.date}`}>
                  <View className="receptions__day-header">
                    <Text className="receptions__day-label">
                      {day.relative ? `${day.relative} · ${day.label}` : day.label}
                    </Text>
                    <Text className="receptions__day-count">{day.sessions.length} 场</Text>
                  </View>
                  {day.sessions.map((session) => (
                    <ReceptionCard
                      key={session.id}
                      session={session}
                      now={shown.checkedAt}
                      onOpen={() => {
                        void Taro.navigateTo({ url: pageUrl(RECEPTION_PAGES.session, { id: session.id }) })
                      }}
                    />
                  ))}
                </View>
              ))}
              {shown.nextCursor !== null && (
                <View className="receptions__more">
                  {schedule.moreProblem && (
                    <Text className="receptions__status-text">{schedule.moreProblem.title}</Text>
                  )}
                  <Button
                    className="receptions__button receptions__button--secondary"
                    id="receptions-more"
                    onClick={schedule.loadMore}
                    {...(schedule.isLoadingMore ? { disabled: true } : {})}
                  >
                    {schedule.isLoadingMore ? '正在加载…' : '加载更多接访安排'}
                  </Button>
                </View>
              )}
            </View>
          )
        }
      </RemoteView>
    </View>
  )
}
