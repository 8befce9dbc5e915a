import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import type { Message, MessageList } from '@xinfang/shared'
import { useRef, useState } from 'react'
import { RemoteView, remoteIds } from '../../../../components/remote-view'
import { StatusPanel } from '../../../../components/status-panel'
import { type MessageCentre, useMessages } from '../../../../hooks/use-messages'
import { useSubscribePrompt } from '../../../../hooks/use-subscribe-prompt'
import { formatMoment } from '../../../../utils/petition-text'
import { isReplyMessage } from '../../../../utils/reply-stage'
import { PETITION_PAGES, pageUrl, TAB_PAGES } from '../../../../utils/routes'
import { SubscribePrompt } from '../../components/subscribe-prompt'
import './index.scss'

const REMINDER_TEMPLATES = ['petition_progress', 'booking_update'] as const

/** 消息中心: every status change of the citizen's petitions and bookings, newest first; a tap opens the matter. */
export default function MessagesPage() {
  const centre = useMessages()
  const subscribe = useSubscribePrompt({ keys: REMINDER_TEMPLATES })
  const [now, setNow] = useState(Date.now)

  const hasShown = useRef(false)
  useDidShow(() => {
    if (!hasShown.current) {
      hasShown.current = true
      return
    }
    setNow(Date.now())
    centre.remote.reload({ quietly: true })
  })

  const open = (message: Message) => {
    centre.markRead(message)
    if (message.subjectKind === 'petition') {
      // A reply opens the petition at its rating sheet: reading the answer and saying what one thinks of it belong
      // together, and a 不满意 leads on to 复查 from there.
      const rate = isReplyMessage(message) ? '1' : undefined
      void Taro.navigateTo({ url: pageUrl(PETITION_PAGES.detail, { id: message.subjectId, rate }) })
    } else {
      void Taro.switchTab({ url: TAB_PAGES.receptions })
    }
  }

  const { state } = centre.remote
  return (
    <View className="messages">
      <Text className="messages__title">消息中心</Text>
      {state.status === 'loaded' && (
        <Text className="messages__summary" id="unread-count">
          {state.data.unreadCount > 0 ? `有 ${state.data.unreadCount} 条未读消息` : '没有未读消息'}
        </Text>
      )}
      <RemoteView state={state} ids={remoteIds('messages')} onRetry={() => centre.remote.reload()}>
        {(list) => <MessageListView list={list} now={now} centre={centre} onOpen={open} />}
      </RemoteView>
      <SubscribePrompt state={subscribe.state} onAsk={subscribe.ask} isMessageCentre />
    </View>
  )
}

interface MessageListViewProps {
  list: MessageList
  now: number
  centre: MessageCentre
  onOpen: (message: Message) => void
}

function MessageListView({ list, now, centre, onOpen }: MessageListViewProps) {
  if (list.items.length === 0) {
    return (
      <StatusPanel
        id="messages-empty"
        title="暂时没有消息"
        text="提交信访事项或预约接访后，每一步办理进展都会在这里通知您。"
      />
    )
  }
  return (
    <View id="message-list">
      {list.items.map((message) => (
        <View
          className={`messages__item ${message.isRead ? '' : 'messages__item--unread'}`}
          key={message.id}
          id={`message-${message.id}`}
          onClick={() => onOpen(message)}
        >
          <View className="messages__head">
            <Text className="messages__item-title">{message.title}</Text>
            {!message.isRead && <Text className="messages__badge">未读</Text>}
          </View>
          <Text className="messages__time">{formatMoment(message.at, now)}</Text>
          <Text className="messages__body">{message.body}</Text>
          <Text className="messages__open">{openLabelOf(message)}</Text>
        </View>
      ))}
      {list.nextCursor !== null && (
        <Button
          className="messages__more"
          id="messages-more"
          {...(centre.isLoadingMore ? { disabled: true } : {})}
          onClick={() => void centre.loadMore()}
        >
          {centre.isLoadingMore ? '正在加载…' : '加载更多'}
        </Button>
      )}
      {centre.loadMoreError !== undefined && (
        <Text className="messages__error" id="messages-more-error">
          {centre.loadMoreError}
        </Text>
      )}
    </View>
  )
}

function openLabelOf(message: Message): string {
  if (message.subjectKind !== 'petition') return '查看接访预约 ›'
  return isReplyMessage(message) ? '查看答复并评价 ›' : '查看信访事项 ›'
}
