import type { ReceptionSession } from '@xinfang/shared'
import { useCallback, useRef } from 'react'
import type { CallOptions } from '../services/http'
import { listReceptions } from '../services/receptions'
import { type RemoteState, useRemote } from './use-remote'

export interface UpcomingReceptions {
  sessions: ReceptionSession[]
  /** When the list arrived: 可预约 / 已截止 are judged against it. */
  checkedAt: number
}

export type LoadReceptions = (call?: CallOptions) => Promise<{ items: ReceptionSession[] }>

const loadUpcomingReceptions: LoadReceptions = (call) => listReceptions({}, call)

/**
 * The upcoming reception sessions, loaded on mount, with a `reload` for the retry button. The list is public and
 * never signs in, so it is never demo-only.
 */
export function useReceptions(load: LoadReceptions = loadUpcomingReceptions): {
  state: RemoteState<UpcomingReceptions>
  reload: () => void
} {
  const loadRef = useRef(load)
  loadRef.current = load
  const remote = useRemote(async (signal) => {
    const list = await loadRef.current({ signal })
    return { sessions: list.items, checkedAt: Date.now() }
  })
  const { reload } = remote
  return { state: remote.state, reload: useCallback(() => reload(), [reload]) }
}
