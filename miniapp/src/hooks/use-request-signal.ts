import { useCallback, useEffect, useRef } from 'react'
import type { RequestSignal } from '../services/http'
import { createRequestCanceller, type RequestCanceller } from '../utils/abort'

/**
 * The signal for requests a page or hook starts from a tap (send a rating, mark a message read, load more): it is
 * aborted when the page goes away, so no request, nor its retries, outlives the page that wanted the answer. Read
 * it when the request starts; the signal belongs to the mounted component, not to a render.
 */
export function useRequestSignal(): () => RequestSignal {
  const canceller = useRef<RequestCanceller>(createRequestCanceller())

  useEffect(() => {
    // Mounted again after an unmount (React may do this): requests from now on need a signal not yet aborted.
    if (canceller.current.signal.aborted) canceller.current = createRequestCanceller()
    const mounted = canceller.current
    return () => mounted.abort()
  }, [])

  return useCallback(() => canceller.current.signal, [])
}
