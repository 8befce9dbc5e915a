import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow, useLoad } from '@tarojs/taro'
import type { PetitionSummary } from '@xinfang/shared'
import { useRef } from 'react'
import { PetitionCard } from '../../components/petition-card'
import { RemoteView, remoteIds } from '../../components/remote-view'
import { StatusPanel } from '../../components/status-panel'
import { useRemote } from '../../hooks/use-remote'
import { useRequestSignal } from '../../hooks/use-request-signal'
import { listMessages, markMessageRead } from '../../services/messages'
import { listPetitions } from '../../services/petitions'
import { PETITION_PAGES, pageUrl, paramOf } from '../../utils/routes'
import './index.scss'

/** 我的信访: the way in to a new petition and to progress, then the citizen's own petitions, newest first. */
export default function PetitionsPage() {
  const petitions = useRemote(async (signal) => ({
    list: await listPetitions({ limit: 50 }, { signal }),
    checkedAt: Date.now(),
  }))
  const unread = useRemote(async (signal) => (await listMessages({ limit: 1 }, { signal })).unreadCount)
  const signalOfPage = useRequestSignal()

  // A subscribe message opens this tab with the message and its petition (shared MESSAGE_PAGES): show that petition.
  useLoad((params: Record<string, string | undefined>) => {
    const messageId = paramOf(params, 'messageId')
    const subjectId = paramOf(params, 'subjectId')
    if (messageId !== undefined) markMessageRead(messageId, { signal: signalOfPage() }).catch(() => {})
    if (subjectId !== undefined) void Taro.navigateTo({ url: pageUrl(PETITION_PAGES.detail, { id: subjectId }) })
  })

  // Coming back from a submission or a detail page: refresh without blanking what is on screen.
  const hasShown = useRef(false)
  useDidShow(() => {
    if (!hasShown.current) {
      hasShown.current = true
      return
    }
    petitions.reload({ quietly: true })
    unread.reload({ quietly: true })
  })

  const open = (path: string) => () => {
    void Taro.navigateTo({ url: path })
  }
  const openPetition = (petition: PetitionSummary) => {
    void Taro.navigateTo({ url: pageUrl(PETITION_PAGES.detail, { id: petition.id }) })
  }
  const unreadCount = unread.state.status === 'loaded' ? unread.state.data : 0

  return (
    <View className="petitions">
      <Text className="petitions__title">我的信访</Text>

      <View className="petitions__actions">
        <Button className="petitions__new" id="new-petition" onClick={open(PETITION_PAGES.submit)}>
          我要信访
        </Button>
        <Text className="petitions__hint">网上提交投诉请求、建议意见、检举控告和咨询</Text>
        <Button className="petitions__secondary" id="open-track" onClick={open(PETITION_PAGES.track)}>
          查询办理进度
        </Button>
        <Button className="petitions__secondary" id="open-messages" onClick={open(PETITION_PAGES.messages)}>
          {unreadCount > 0 ? `消息中心（${unreadCount}条未读）` : '消息中心'}
        </Button>
      </View>

      <Text className="petitions__section-title">我提交的信访事项</Text>
      <RemoteView state={petitions.state} ids={remoteIds('petitions')} onRetry={() => petitions.reload()}>
        {({ list, checkedAt }) =>
          list.items.length === 0 ? (
            <StatusPanel
              id="petitions-empty"
              title="您还没有提交过信访事项"
              text="点击上方“我要信访”，按提示一步一步填写即可。填写的内容会自动保存在本机。"
            />
          ) : (
            <View id="petition-list">
              {list.items.map((petition) => (
                <PetitionCard key={petition.id} petition={petition} now={checkedAt} onOpen={openPetition} />
              ))}
            </View>
          )
        }
      </RemoteView>
    </View>
  )
}
