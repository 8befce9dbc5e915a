import type { SubscribeTemplateKey, SubscriptionCredits, Subscriptions } from '@xinfang/shared'
import { useCallback, useEffect, useRef, useState } from 'react'
import { fetchSubscriptions, grantSubscriptions } from '../services/messages'
import {
  type RequestSubscribe,
  requestSubscribeOnThisPlatform,
  SUBSCRIPTIONS_SWITCHED_OFF_ERRCODE,
  SubscribeError,
} from '../services/subscribe'

export type SubscribePromptState =
  /** No prompt here: H5, no templates configured (demo mode), or the configuration could not be read. */
  | { status: 'unavailable' }
  | { status: 'checking' }
  | { status: 'ready'; templateIds: string[]; note?: string }
  | { status: 'asking' }
  | { status: 'subscribed' }
  | { status: 'declined' }
  | { status: 'switched_off' }

export interface SubscribePromptOptions {
  /** The notices worth asking for on this page (at most 5 per prompt, DOMAIN.md). */
  keys: readonly SubscribeTemplateKey[]
  request?: RequestSubscribe | null
  load?: () => Promise<Subscriptions>
  grant?: (templateIds: string[]) => Promise<SubscriptionCredits>
}

/**
 * The offer of WeChat reminders (订阅消息) for the next changes of a petition. WeChat allows one message per template
 * per accepted prompt, and only a prompt raised by a tap, so the page shows a button and `ask` must be called straight
 * from its tap handler. Accepted templates are reported to the API, which counts the credits.
 */
export function useSubscribePrompt(options: SubscribePromptOptions): {
  state: SubscribePromptState
  ask(): void
} {
  const request = options.request === undefined ? requestSubscribeOnThisPlatform : options.request
  const [state, setState] = useState<SubscribePromptState>(() =>
    request ? { status: 'checking' } : { status: 'unavailable' },
  )
  const optionsRef = useRef(options)
  optionsRef.current = options
  const requestRef = useRef(request)
  requestRef.current = request
  const canAsk = request !== null
  const keys = options.keys.join(',')

  useEffect(() => {
    if (!canAsk) return
    let isCurrent = true
    const wanted = new Set(keys.split(','))
    ;(optionsRef.current.load ?? fetchSubscriptions)().then(
      (subscriptions) => {
        if (!isCurrent) return
        const templateIds = subscriptions.templates
          .filter((template) => wanted.has(template.key))
          .map((template) => template.templateId)
        setState(templateIds.length > 0 ? { status: 'ready', templateIds } : { status: 'unavailable' })
      },
      () => {
        // Reminders are an extra: without the configuration the page simply does not offer them.
        if (isCurrent) setState({ status: 'unavailable' })
      },
    )
    return () => {
      isCurrent = false
    }
  }, [canAsk, keys])

  const stateRef = useRef(state)
  stateRef.current = state

  const ask = useCallback(() => {
    const current = stateRef.current
    const request = requestRef.current
    if (!request || current.status !== 'ready') return
    const { templateIds } = current
    // No await before this call: WeChat shows the prompt only inside the tap's own handling.
    const answered = request(templateIds)
    setState({ status: 'asking' })
    answered
      .then(async (answers) => {
        const accepted = templateIds.filter((id) => answers[id] === 'accept')
        if (accepted.length === 0) {
          setState({ status: 'declined' })
          return
        }
        try {
          await (optionsRef.current.grant ?? grantSubscriptions)(accepted)
          setState({ status: 'subscribed' })
        } catch {
          setState({ status: 'ready', templateIds, note: '提醒没有设置成功，请检查网络后再点一次。' })
        }
      })
      .catch((error: unknown) => {
        if (error instanceof SubscribeError && error.errCode === SUBSCRIPTIONS_SWITCHED_OFF_ERRCODE) {
          setState({ status: 'switched_off' })
          return
        }
        setState({ status: 'ready', templateIds, note: '没能打开微信提醒设置，请再点一次。' })
      })
  }, [])

  return { state, ask }
}
