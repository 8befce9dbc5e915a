import { useDidShow } from '@tarojs/taro'
import { useRef } from 'react'

/**
 * Runs `onShownAgain` each time the page comes back into view — back from the page above it, back to its tab, back
 * from another app — but not when it is first shown, which the page's own load already covers. The reception pages
 * refresh seats and booking statuses this way: they change with every booking and cancellation.
 */
export function useReceptionShownAgain(onShownAgain: () => void): void {
  const hasShown = useRef(false)
  const callback = useRef(onShownAgain)
  callback.current = onShownAgain
  useDidShow(() => {
    if (hasShown.current) callback.current()
    hasShown.current = true
  })
}
