import { type MutableRefObject, useEffect, useRef } from 'react'

/** Whether the component is still on screen, for work that finishes later (an upload, a submission) to check. */
export function useMountedRef(): Readonly<MutableRefObject<boolean>> {
  const isMounted = useRef(true)
  useEffect(() => {
    isMounted.current = true
    return () => {
      isMounted.current = false
    }
  }, [])
  return isMounted
}
