import type { Message, MessageList } from '@xinfang/shared'
import { useCallback, useRef, useState } from 'react'
import { RequestAbortedError } from '../services/http'
import { listMessages, markMessageRead } from '../services/messages'
import { problemFromError } from '../utils/problem'
import { type Remote, useRemote } from './use-remote'
import { useRequestSignal } from './use-request-signal'

const PAGE_SIZE = 20

export interface MessageCentreOptions {
  list?: typeof listMessages
  markRead?: typeof markMessageRead
}

export interface MessageCentre {
  remote: Remote<MessageList>
  isLoadingMore: boolean
  loadMoreError: string | undefined
  loadMore(): Promise<void>
  /** Marks the message read (on screen at once, on the server in the background). */
  markRead(message: Message): void
}

/** The message centre (消息中心): newest first, a page at a time, read marks kept in step with the server. */
export function useMessages(options: MessageCentreOptions = {}): MessageCentre {
  const optionsRef = useRef(options)
  optionsRef.current = options
  const remote = useRemote((signal) => (optionsRef.current.list ?? listMessages)({ limit: PAGE_SIZE }, { signal }))
  const [isLoadingMore, setLoadingMore] = useState(false)
  const [loadMoreError, setLoadMoreError] = useState<string | undefined>()
  const stateRef = useRef(remote.state)
  stateRef.current = remote.state
  const { replace } = remote
  const signalOfPage = useRequestSignal()

  const loadMore = useCallback(async () => {
    const current = stateRef.current
    if (current.status !== 'loaded' || current.data.nextCursor === null) return
    setLoadingMore(true)
    setLoadMoreError(undefined)
    try {
      const next = await (optionsRef.current.list ?? listMessages)(
        { limit: PAGE_SIZE, cursor: current.data.nextCursor },
        { signal: signalOfPage() },
      )
      const known = new Set(current.data.items.map((message) => message.id))
      replace({
        items: [...current.data.items, ...next.items.filter((message) => !known.has(message.id))],
        nextCursor: next.nextCursor,
        unreadCount: next.unreadCount,
      })
    } catch (error) {
      if (error instanceof RequestAbortedError) return
      setLoadMoreError(`${problemFromError(error).title}。请再点一次“加载更多”。`)
    } finally {
      setLoadingMore(false)
    }
  }, [replace, signalOfPage])

  const markRead = useCallback(
    (message: Message) => {
      const current = stateRef.current
      if (message.isRead || current.status !== 'loaded') return
      replace({
        ...current.data,
        items: current.data.items.map((item) => (item.id === message.id ? { ...item, isRead: true } : item)),
        unreadCount: Math.max(0, current.data.unreadCount - 1),
      })
      // Marking read is repeatable on the server; if it fails the message is simply unread again next time.
      ;(optionsRef.current.markRead ?? markMessageRead)(message.id, { signal: signalOfPage() }).catch(() => {})
    },
    [replace, signalOfPage],
  )

  return { remote, isLoadingMore, loadMoreError, loadMore, markRead }
}
