import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { ReceptionCard } from '../../components/reception-card'
import { type ReceptionsState, useReceptions } from '../../hooks/use-receptions'
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

function ReceptionsSection({ state, onReload }: { state: ReceptionsState; onReload: () => void }) {
  switch (state.status) {
    case 'loading':
      return (
        <View className="home__status" id="reception-loading">
          <Text>正在加载…</Text>
        </View>
      )
    case 'failed':
      return (
        <View className="home__status home__status--error" id="reception-error">
          <Text className="home__error-title">{state.problem.title}</Text>
          <Button className="home__reload" id="reload" onClick={onReload}>
            重新加载
          </Button>
        </View>
      )
    case 'loaded':
      if (state.sessions.length === 0) {
        return (
          <View className="home__status" id="reception-empty">
            <Text>近期暂无领导接访安排</Text>
          </View>
        )
      }
      return (
        <View className="reception-list" id="reception-list">
          {state.sessions.map((session) => (
            <ReceptionCard
              key={session.id}
              session={session}
              now={state.checkedAt}
              onOpen={() => {
                void Taro.navigateTo({ url: pageUrl(RECEPTION_PAGES.session, { id: session.id }) })
              }}
            />
          ))}
        </View>
      )
  }
}
