import type { Problem } from '@xinfang/shared'
import { useCallback, useEffect, useRef, useState } from 'react'
import type { RequestSignal } from '../services/http'
import { DemoOnlyError } from '../services/sign-in'
import { createRequestCanceller, type RequestCanceller } from '../utils/abort'
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
 * problem to explain) and demo-only. `load` gets the signal of its own request: a newer load, `replace` and unmount
 * abort it, so only the latest request may write the state, and no request (nor its retries) outlives the page.
 */
export function useRemote<T>(load: (signal: RequestSignal) => Promise<T>): Remote<T> {
  const [state, setState] = useState<RemoteState<T>>({ status: 'loading' })
  const current = useRef<RequestCanceller | null>(null)
  const loadRef = useRef(load)
  loadRef.current = load

  const supersede = useCallback((): RequestCanceller => {
    current.current?.abort()
    const canceller = createRequestCanceller()
    current.current = canceller
    return canceller
  }, [])

  const reload = useCallback(
    (options: { quietly?: boolean } = {}) => {
      const { signal } = supersede()
      if (!options.quietly) setState({ status: 'loading' })
      loadRef.current(signal).then(
        (data) => {
          if (!signal.aborted) setState({ status: 'loaded', data })
        },
        (error: unknown) => {
          if (signal.aborted) return
          // A quiet refresh that fails leaves the earlier answer on screen rather than replacing it with an error.
          setState((shown) => {
            if (options.quietly && shown.status === 'loaded') return shown
            if (error instanceof DemoOnlyError) return { status: 'demo_only' }
            return { status: 'failed', problem: problemFromError(error) }
          })
        },
      )
    },
    [supersede],
  )

  const replace = useCallback(
    (data: T) => {
      supersede()
      setState({ status: 'loaded', data })
    },
    [supersede],
  )

  useEffect(() => {
    reload()
    return () => {
      current.current?.abort()
    }
  }, [reload])

  return { state, reload, replace }
}
