import type { Problem, ReceptionSession } from '@xinfang/shared'
import { useCallback, useRef } from 'react'
import type { CallOptions } from '../services/http'
import { listReceptions } from '../services/receptions'
import { DemoOnlyError } from '../services/sign-in'
import { problemFromError } from '../utils/problem'
import { useRemote } from './use-remote'

export type ReceptionsState =
  | { status: 'loading' }
  /** `checkedAt` is when the list arrived: 可预约 / 已截止 are judged against it. */
  | { status: 'loaded'; sessions: ReceptionSession[]; checkedAt: number }
  | { status: 'failed'; problem: Problem }

export type LoadReceptions = (call?: CallOptions) => Promise<{ items: ReceptionSession[] }>

const loadUpcomingReceptions: LoadReceptions = (call) => listReceptions({}, call)

/** The upcoming reception sessions, loaded on mount, with a `reload` for the retry button. */
export function useReceptions(load: LoadReceptions = loadUpcomingReceptions): {
  state: ReceptionsState
  reload: () => void
} {
  const loadRef = useRef(load)
  loadRef.current = load
  const remote = useRemote(async (signal) => {
    const list = await loadRef.current({ signal })
    return { sessions: list.items, checkedAt: Date.now() }
  })
  const { reload } = remote

  const { state } = remote
  // The list is public and never signs in, so the demo-only state cannot arise; were it to, it reads as a failure.
  const shown: ReceptionsState =
    state.status === 'loaded'
      ? { status: 'loaded', ...state.data }
      : state.status === 'demo_only'
        ? { status: 'failed', problem: problemFromError(new DemoOnlyError()) }
        : state
  return { state: shown, reload: useCallback(() => reload(), [reload]) }
}
