import type { Problem, ReceptionSession } from '@xinfang/shared'
import { useCallback, useEffect, useRef, useState } from 'react'
import { listReceptions } from '../services/receptions'
import { problemFromError } from '../utils/problem'

export type ReceptionsState =
  | { status: 'loading' }
  /** `checkedAt` is when the list arrived: 可预约 / 已截止 are judged against it. */
  | { status: 'loaded'; sessions: ReceptionSession[]; checkedAt: number }
  | { status: 'failed'; problem: Problem }

export type LoadReceptions = () => Promise<{ items: ReceptionSession[] }>

const loadUpcomingReceptions: LoadReceptions = () => listReceptions()

/** The upcoming reception sessions, loaded on mount, with a `reload` for the retry button. */
export function useReceptions(load: LoadReceptions = loadUpcomingReceptions): {
  state: ReceptionsState
  reload: () => void
} {
  const [state, setState] = useState<ReceptionsState>({ status: 'loading' })
  // Only the latest request may write the state: a slow first answer must not overwrite a later reload's,
  // and nothing may write it after unmount.
  const latestRequest = useRef(0)
  const loadRef = useRef(load)
  loadRef.current = load

  const reload = useCallback(() => {
    const requestId = ++latestRequest.current
    setState({ status: 'loading' })
    loadRef.current().then(
      (list) => {
        if (requestId === latestRequest.current) {
          setState({ status: 'loaded', sessions: list.items, checkedAt: Date.now() })
        }
      },
      (error: unknown) => {
        if (requestId === latestRequest.current) setState({ status: 'failed', problem: problemFromError(error) })
      },
    )
  }, [])

  useEffect(() => {
    reload()
    return () => {
      latestRequest.current++
    }
  }, [reload])

  return { state, reload }
}
