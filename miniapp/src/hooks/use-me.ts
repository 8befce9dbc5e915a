import type { MaskedProfile, Me, Problem } from '@xinfang/shared'
import { useCallback, useRef } from 'react'
import type { CallOptions } from '../services/http'
import { fetchMe } from '../services/identity'
import { useRemote } from './use-remote'

export type MeState =
  | { status: 'loading' }
  | { status: 'loaded'; me: Me }
  /** H5 against a production API: there is no way to sign in here, only in WeChat. */
  | { status: 'demo_only' }
  | { status: 'failed'; problem: Problem }

export type LoadMe = (call?: CallOptions) => Promise<Me>

/** The signed-in person (signing in first when needed), loaded on mount, with `reload` for the retry button. */
export function useMe(load: LoadMe = fetchMe): {
  state: MeState
  reload: () => void
  /** Shows a profile just saved without asking the API again. */
  showProfile: (profile: MaskedProfile) => void
} {
  const loadRef = useRef(load)
  loadRef.current = load
  const remote = useRemote((signal) => loadRef.current({ signal }))
  const shown = useRef(remote.state)
  shown.current = remote.state
  const { reload, replace } = remote

  const showProfile = useCallback(
    (profile: MaskedProfile) => {
      const current = shown.current
      if (current.status === 'loaded' && current.data.role === 'citizen') replace({ ...current.data, profile })
    },
    [replace],
  )

  const state: MeState = remote.state.status === 'loaded' ? { status: 'loaded', me: remote.state.data } : remote.state
  return { state, reload: useCallback(() => reload(), [reload]), showProfile }
}
