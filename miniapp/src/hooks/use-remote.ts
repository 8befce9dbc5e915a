import type { Problem } from '@xinfang/shared'
import { useCallback, useEffect, useRef, useState } from 'react'
import { DemoOnlyError } from '../services/sign-in'
import { problemFromError } from '../utils/problem'

export type RemoteState<T> =
  | { status: 'loading' }
  | { status: 'loaded'; data: T }
  /** H5 against a production API: there is no way to sign in here, only in WeChat. */
  | { status: 'demo_only' }
  | { status: 'failed'; problem: Problem }

export interface Remote<T> {
  state: RemoteState<T>
  /** Loads again; `quietly` keeps what is on screen until the new answer arrives (a return to the page). */
  reload(options?: { quietly?: boolean }): void
  /** Shows data the page already has (the answer of a POST) without asking the API again. */
  replace(data: T): void
}

/**
 * Something from the API, loaded on mount, with the states every page shows: loading, loaded, failed (with the
 * problem to explain) and demo-only. Only the latest request may write the state, and nothing writes after unmount.
 */
export function useRemote<T>(load: () => Promise<T>): Remote<T> {
  const [state, setState] = useState<RemoteState<T>>({ status: 'loading' })
  const latestRequest = useRef(0)
  const loadRef = useRef(load)
  loadRef.current = load

  const reload = useCallback((options: { quietly?: boolean } = {}) => {
    const requestId = ++latestRequest.current
    if (!options.quietly) setState({ status: 'loading' })
    loadRef.current().then(
      (data) => {
        if (requestId === latestRequest.current) setState({ status: 'loaded', data })
      },
      (error: unknown) => {
        if (requestId !== latestRequest.current) return
        // A quiet refresh that fails leaves the earlier answer on screen rather than replacing it with an error.
        setState((current) => {
          if (options.quietly && current.status === 'loaded') return current
          if (error instanceof DemoOnlyError) return { status: 'demo_only' }
          return { status: 'failed', problem: problemFromError(error) }
        })
      },
    )
  }, [])

  const replace = useCallback((data: T) => {
    latestRequest.current++
    setState({ status: 'loaded', data })
  }, [])

  useEffect(() => {
    reload()
    return () => {
      latestRequest.current++
    }
  }, [reload])

  return { state, reload, replace }
}
