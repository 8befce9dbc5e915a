import { act, renderHook, waitFor } from '@testing-library/react'
import type { SubscriptionCredits, Subscriptions } from '@xinfang/shared'
import { expect, test } from 'vitest'
import { type SubscribeAnswers, SubscribeError } from '../services/subscribe'
import { useSubscribePrompt } from './use-subscribe-prompt'

const CONFIGURED: Subscriptions = {
  templates: [
    { key: 'petition_progress', templateId: 'tmpl-progress', title: '信访事项办理进度提醒' },
    { key: 'booking_update', templateId: 'tmpl-booking', title: '接访预约状态提醒' },
  ],
  credits: [],
}

function prompt(answer: () => Promise<SubscribeAnswers>, subscriptions: Subscriptions = CONFIGURED) {
  const asked: string[][] = []
  const granted: string[][] = []
  const rendered = renderHook(() =>
    useSubscribePrompt({
      keys: ['petition_progress'],
      load: async () => subscriptions,
      request: (templateIds) => {
        asked.push(templateIds)
        return answer()
      },
      grant: async (templateIds): Promise<SubscriptionCredits> => {
        granted.push(templateIds)
        return { credits: templateIds.map((templateId) => ({ templateId, credits: 1 })) }
      },
    }),
  )
  return { ...rendered, asked, granted }
}

test('only the templates the page needs are offered, and an accepted one is reported to the API', async () => {
  const { result, asked, granted } = prompt(async () => ({ 'tmpl-progress': 'accept' }))
  await waitFor(() => expect(result.current.state).toEqual({ status: 'ready', templateIds: ['tmpl-progress'] }))

  act(() => result.current.ask())
  // WeChat shows its prompt only inside the tap's own handling: the request must have gone out synchronously.
  expect(asked).toEqual([['tmpl-progress']])

  await waitFor(() => expect(result.current.state).toEqual({ status: 'subscribed' }))
  expect(granted).toEqual([['tmpl-progress']])
})

test('a refusal reports nothing and says the message centre still has every step', async () => {
  const { result, granted } = prompt(async () => ({ 'tmpl-progress': 'reject' }))
  await waitFor(() => expect(result.current.state.status).toBe('ready'))

  act(() => result.current.ask())

  await waitFor(() => expect(result.current.state).toEqual({ status: 'declined' }))
  expect(granted).toEqual([])
})

test('subscriptions switched off in WeChat’s settings are explained', async () => {
  const { result } = prompt(async () => {
    throw new SubscribeError('requestSubscribeMessage:fail can only be invoked by user TAP gesture.', 20004)
  })
  await waitFor(() => expect(result.current.state.status).toBe('ready'))

  act(() => result.current.ask())

  await waitFor(() => expect(result.current.state).toEqual({ status: 'switched_off' }))
})

test('without configured templates (demo mode) nothing is offered', async () => {
  const { result, asked } = prompt(async () => ({}), { templates: [], credits: [] })

  await waitFor(() => expect(result.current.state).toEqual({ status: 'unavailable' }))
  act(() => result.current.ask())
  expect(asked).toEqual([])
})

test('where WeChat has no prompt (H5) nothing is offered and nothing is asked', () => {
  const { result } = renderHook(() => useSubscribePrompt({ keys: ['petition_progress'], request: null }))

  expect(result.current.state).toEqual({ status: 'unavailable' })
})
