import type { Problem } from '@xinfang/shared'
import { useCallback, useRef, useState } from 'react'
import { type CallOptions, RequestAbortedError } from '../services/http'
import { problemFromError } from '../utils/problem'
import { useRequestSignal } from './use-request-signal'

export type BookingActionState =
  | { status: 'idle' }
  /** Asked once; the page shows what will happen, with 确定 and 暂不. */
  | { status: 'confirming' }
  | { status: 'running' }
  | { status: 'failed'; problem: Problem }

export interface BookingAction {
  state: BookingActionState
  /** The first tap: show the confirmation. */
  ask(): void
  /** 暂不: back to where it was. */
  keep(): void
  /** 确定: run it; a second tap while it runs does nothing. */
  confirm(): Promise<void>
}

/**
 * An action that cannot be undone — 取消预约, 退出候补 — asked for twice: first what it will mean, then the person
 * confirms on the page itself. An in-page confirmation rather than a system dialog, so its text is as large as the
 * rest of the page (Taro's H5 dialog draws 15 px grey text) and it reads the same on both platforms.
 */
export function useBookingAction<T>(
  run: (call: CallOptions) => Promise<T>,
  onDone: (result: T) => void,
): BookingAction {
  const [state, setState] = useState<BookingActionState>({ status: 'idle' })
  const latest = useRef({ run, onDone })
  latest.current = { run, onDone }
  const isRunning = useRef(false)
  const signalOfPage = useRequestSignal()

  const ask = useCallback(() => setState({ status: 'confirming' }), [])
  const keep = useCallback(() => setState({ status: 'idle' }), [])
  const confirm = useCallback(async () => {
    if (isRunning.current) return
    isRunning.current = true
    setState({ status: 'running' })
    try {
      const result = await latest.current.run({ signal: signalOfPage() })
      setState({ status: 'idle' })
      latest.current.onDone(result)
    } catch (error) {
      // The page is gone; whether the action went through shows the next time the booking is read.
      if (error instanceof RequestAbortedError) return
      setState({ status: 'failed', problem: problemFromError(error) })
    } finally {
      isRunning.current = false
    }
  }, [signalOfPage])

  return { state, ask, keep, confirm }
}
