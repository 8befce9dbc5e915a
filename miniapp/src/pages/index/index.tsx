import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { ReceptionCard } from '../../components/reception-card'
import { RemoteView, remoteIds } from '../../components/remote-view'
import { type UpcomingReceptions, useReceptions } from '../../hooks/use-receptions'
import type { RemoteState } from '../../hooks/use-remote'
import { RECEPTION_PAGES } from '../../utils/reception-routes'
import { PETITION_PAGES, PUBLIC_PAGES, pageUrl } from '../../utils/routes'
import './index.scss'

export default function HomePage() {
  const { state, reload } = useReceptions()

  return (
    <View className="home">
      <View className="home__header">
        <Text className="home__title">信访服务</Text>
        <Text className="home__welcome">您好！在这里可以了解近期领导接访安排，依法反映您的诉求。</Text>
      </View>

      <View className="home__section home__petition" id="petition-entry">
        <Text className="home__section-title">网上信访</Text>
        <Button
          className="home__primary"
          id="home-new-petition"
          onClick={() => void Taro.navigateTo({ url: PETITION_PAGES.submit })}
        >
          我要信访
        </Button>
        <Button
          className="home__secondary"
          id="home-track"
          onClick={() => void Taro.navigateTo({ url: PETITION_PAGES.track })}
        >
          查询办理进度
        </Button>
        <Button
          className="home__secondary"
          id="home-stats"
          onClick={() => void Taro.navigateTo({ url: PUBLIC_PAGES.stats })}
        >
          阳光信访：办理情况公开
        </Button>
      </View>

      <View className="home__section">
        <Text className="home__section-title">近期领导接访</Text>
        <ReceptionsSection state={state} onReload={reload} />
      </View>
    </View>
  )
}

function ReceptionsSection({ state, onReload }: { state: RemoteState<UpcomingReceptions>; onReload: () => void }) {
  return (
    <RemoteView
      state={state}
      ids={remoteIds('reception', { retry: 'reload' })}
      loadingText="正在加载…"
      retryLabel="重新加载"
      explain="title-only"
      onRetry={onReload}
    >
      {({ sessions, checkedAt }) =>
        sessions.length === 0 ? (
          <View className="home__status" id="reception-empty">
            <Text>近期暂无领导接访安排</Text>
          </View>
        ) : (
          <View className="reception-list" id="reception-list">
            {sessions.map((session) => (
              <ReceptionCard
                key={session.id}
                session={session}
                now={checkedAt}
                onOpen={() => {
                  void Taro.navigateTo({ url: pageUrl(RECEPTION_PAGES.session, { id: session.id }) })
                }}
              />
            ))}
          </View>
        )
      }
    </RemoteView>
  )
}
