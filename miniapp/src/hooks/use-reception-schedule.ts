import type { Problem, ReceptionSession, ReceptionSessionList } from '@xinfang/shared'
import { useCallback, useRef, useState } from 'react'
import { type CallOptions, RequestAbortedError } from '../services/http'
import { listReceptions } from '../services/receptions'
import { problemFromError } from '../utils/problem'
import { type RemoteState, useRemote } from './use-remote'
import { useRequestSignal } from './use-request-signal'

export interface ReceptionSchedule {
  sessions: ReceptionSession[]
  nextCursor: string | null
  /** When the list arrived: 可预约 / 已截止 are judged against it. */
  checkedAt: number
}

export type LoadReceptionPage = (
  query: { cursor?: string; limit?: number },
  call?: CallOptions,
) => Promise<ReceptionSessionList>

const PAGE_SIZE = 20
const PAGE_SIZE_MAX = 50

/**
 * The 接访预约 tab's list: published sessions, soonest first, a page at a time (`加载更多`). `refresh` asks again
 * quietly, keeping the list on screen, when the tab is shown again: seats change with every booking and
 * cancellation, the person's own included.
 */
export function useReceptionSchedule(load: LoadReceptionPage = listReceptions): {
  state: RemoteState<ReceptionSchedule>
  reload(): void
  refresh(): void
  loadMore(): void
  isLoadingMore: boolean
  /** Why the last `加载更多` failed; the sessions already shown stay. */
  moreProblem: Problem | undefined
} {
  const loadRef = useRef(load)
  loadRef.current = load
  // A refresh asks for as many sessions as are shown, so coming back never shortens the list.
  const shownCount = useRef(0)
  const remote = useRemote<ReceptionSchedule>(async (signal) => {
    const limit = Math.min(PAGE_SIZE_MAX, Math.max(PAGE_SIZE, shownCount.current))
    const page = await loadRef.current({ limit }, { signal })
    shownCount.current = page.items.length
    return { sessions: page.items, nextCursor: page.nextCursor, checkedAt: Date.now() }
  })
  const signalOfPage = useRequestSignal()
  const [isLoadingMore, setLoadingMore] = useState(false)
  const [moreProblem, setMoreProblem] = useState<Problem | undefined>()
  const latest = useRef(remote.state)
  latest.current = remote.state

  const { reload: reloadRemote, replace } = remote
  const reload = useCallback(() => reloadRemote(), [reloadRemote])
  const refresh = useCallback(() => reloadRemote({ quietly: true }), [reloadRemote])

  const loadMore = useCallback(() => {
    const current = latest.current
    if (current.status !== 'loaded' || current.data.nextCursor === null) return
    const shown = current.data
    setLoadingMore(true)
    setMoreProblem(undefined)
    loadRef.current({ cursor: shown.nextCursor ?? undefined, limit: PAGE_SIZE }, { signal: signalOfPage() }).then(
      (page) => {
        const known = new Set(shown.sessions.map((session) => session.id))
        const sessions = [...shown.sessions, ...page.items.filter((session) => !known.has(session.id))]
        shownCount.current = sessions.length
        replace({ sessions, nextCursor: page.nextCursor, checkedAt: Date.now() })
        setLoadingMore(false)
      },
      (error: unknown) => {
        if (error instanceof RequestAbortedError) return
        setMoreProblem(problemFromError(error))
        setLoadingMore(false)
      },
    )
  }, [replace, signalOfPage])

  return { state: remote.state, reload, refresh, loadMore, isLoadingMore, moreProblem }
}
