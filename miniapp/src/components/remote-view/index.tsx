import type { ReactNode } from 'react'
import type { RemoteState } from '../../hooks/use-remote'
import { DemoOnlyPanel, ErrorPanel, type FailureExplanation, LoadingPanel } from '../status-panel'

/** The element ids of the panels a remote page shows before its data; tests and the weapp layer find them by these. */
export interface RemoteViewIds {
  loading: string
  error: string
  retry: string
  demoOnly: string
}

/** The usual ids: `${prefix}-loading`, `-error`, `-retry` and `-demo-only`; a page may keep older names for some. */
export function remoteIds(prefix: string, except: Partial<RemoteViewIds> = {}): RemoteViewIds {
  return {
    loading: `${prefix}-loading`,
    error: `${prefix}-error`,
    retry: `${prefix}-retry`,
    demoOnly: `${prefix}-demo-only`,
    ...except,
  }
}

interface RemoteViewProps<T> {
  state: RemoteState<T>
  ids: RemoteViewIds
  onRetry: () => void
  loadingText?: string
  retryLabel?: string
  explain?: FailureExplanation
  /** Shown instead of the error panel when the API says NOT_FOUND and the page has its own way on from there. */
  notFound?: ReactNode
  /** The page itself, once its data is there. */
  children: (data: T) => ReactNode
}

/**
 * A page that shows something from the API (useRemote): 正在加载; or what went wrong, what to do next and a 重试
 * button; or (H5 against a production API) that only the WeChat mini-program can do this; or, once loaded, the page.
 */
export function RemoteView<T>({
  state,
  ids,
  onRetry,
  loadingText,
  retryLabel,
  explain,
  notFound,
  children,
}: RemoteViewProps<T>) {
  switch (state.status) {
    case 'loading':
      return <LoadingPanel id={ids.loading} text={loadingText} />
    case 'demo_only':
      return <DemoOnlyPanel id={ids.demoOnly} />
    case 'failed':
      if (notFound !== undefined && state.problem.code === 'NOT_FOUND') return <>{notFound}</>
      return (
        <ErrorPanel
          id={ids.error}
          problem={state.problem}
          retryId={ids.retry}
          onRetry={onRetry}
          retryLabel={retryLabel}
          explain={explain}
        />
      )
    case 'loaded':
      return <>{children(state.data)}</>
  }
}
