import type { MaskedProfile, Me } from '@xinfang/shared'
import { useCallback, useRef } from 'react'
import type { CallOptions } from '../services/http'
import { fetchMe } from '../services/identity'
import { type RemoteState, useRemote } from './use-remote'

export type LoadMe = (call?: CallOptions) => Promise<Me>

/** The signed-in person (signing in first when needed), loaded on mount, with `reload` for the retry button. */
export function useMe(load: LoadMe = fetchMe): {
  state: RemoteState<Me>
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

  return { state: remote.state, reload: useCallback(() => reload(), [reload]), showProfile }
}
