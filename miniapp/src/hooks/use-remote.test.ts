import { act, renderHook } from '@testing-library/react'
import { expect, test } from 'vitest'
import type { RequestSignal } from '../services/http'
import { useRemote } from './use-remote'

/** A load that never answers by itself, and keeps the signal of every request it was given. */
function pendingLoads() {
  const signals: RequestSignal[] = []
  const answers: ((value: string) => void)[] = []
  const load = (signal: RequestSignal) => {
    signals.push(signal)
    return new Promise<string>((resolve) => answers.push(resolve))
  }
  return { load, signals, answers }
}

test('leaving the page aborts the request still loading, so it and its retries end with the page', () => {
  const { load, signals } = pendingLoads()
  const { unmount } = renderHook(() => useRemote(load))
  expect(signals.map((signal) => signal.aborted)).toEqual([false])

  unmount()

  expect(signals.map((signal) => signal.aborted)).toEqual([true])
})

test('a reload aborts the request it replaces, and only the newer answer is shown', async () => {
  const { load, signals, answers } = pendingLoads()
  const { result } = renderHook(() => useRemote(load))

  act(() => result.current.reload({ quietly: true }))
  expect(signals.map((signal) => signal.aborted)).toEqual([true, false])
  await act(async () => {
    answers[0]?.('older')
    answers[1]?.('newer')
  })

  expect(result.current.state).toEqual({ status: 'loaded', data: 'newer' })
})

test('data shown from elsewhere (a POST’s answer) aborts the read in flight, which then writes nothing', async () => {
  const { load, signals, answers } = pendingLoads()
  const { result } = renderHook(() => useRemote(load))

  act(() => result.current.replace('from the POST'))
  await act(async () => answers[0]?.('stale read'))

  expect(signals[0]?.aborted).toBe(true)
  expect(result.current.state).toEqual({ status: 'loaded', data: 'from the POST' })
})
