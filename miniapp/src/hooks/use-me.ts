import type { MaskedProfile, Me, Problem } from '@xinfang/shared'
import { useCallback, useEffect, useRef, useState } from 'react'
import { fetchMe } from '../services/identity'
import { DemoOnlyError } from '../services/sign-in'
import { problemFromError } from '../utils/problem'

export type MeState =
  | { status: 'loading' }
  | { status: 'loaded'; me: Me }
  /** H5 against a production API: there is no way to sign in here, only in WeChat. */
  | { status: 'demo_only' }
  | { status: 'failed'; problem: Problem }

export type LoadMe = () => Promise<Me>

/** The signed-in person (signing in first when needed), loaded on mount, with `reload` for the retry button. */
export function useMe(load: LoadMe = fetchMe): {
  state: MeState
  reload: () => void
  /** Shows a profile just saved without asking the API again. */
  showProfile: (profile: MaskedProfile) => void
} {
  const [state, setState] = useState<MeState>({ status: 'loading' })
  // Only the latest request may write the state, and nothing may write it after unmount.
  const latestRequest = useRef(0)
  const loadRef = useRef(load)
  loadRef.current = load

  const reload = useCallback(() => {
    const requestId = ++latestRequest.current
    setState({ status: 'loading' })
    loadRef.current().then(
      (me) => {
        if (requestId === latestRequest.current) setState({ status: 'loaded', me })
      },
      (error: unknown) => {
        if (requestId !== latestRequest.current) return
        setState(
          error instanceof DemoOnlyError
            ? { status: 'demo_only' }
            : { status: 'failed', problem: problemFromError(error) },
        )
      },
    )
  }, [])

  const showProfile = useCallback((profile: MaskedProfile) => {
    latestRequest.current++
    setState((current) =>
      current.status === 'loaded' && current.me.role === 'citizen'
        ? { status: 'loaded', me: { ...current.me, profile } }
        : current,
    )
  }, [])

  useEffect(() => {
    reload()
    return () => {
      latestRequest.current++
    }
  }, [reload])

  return { state, reload, showProfile }
}
