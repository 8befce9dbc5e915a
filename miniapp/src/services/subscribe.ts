import Taro from '@tarojs/taro'

/** The answer per template id: `accept`, `reject`, `ban` (the template is banned) or `filter` (filtered out). */
export type SubscribeAnswers = Record<string, string>

/**
 * WeChat's subscribe-message prompt (`wx.requestSubscribeMessage`). WeChat shows it only when the call is made while
 * handling a tap, so callers must call this synchronously in their tap handler — no `await` before it.
 * Null where there is no such prompt (H5).
 */
export type RequestSubscribe = (templateIds: string[]) => Promise<SubscribeAnswers>

/** WeChat's error when the person has switched off all subscription messages for this mini-program. */
export const SUBSCRIPTIONS_SWITCHED_OFF_ERRCODE = 20004

export class SubscribeError extends Error {
  readonly errCode: number | undefined

  constructor(message: string, errCode: number | undefined) {
    super(message)
    this.name = 'SubscribeError'
    this.errCode = errCode
  }
}

export const requestSubscribeOnThisPlatform: RequestSubscribe | null =
  process.env.TARO_ENV === 'weapp'
    ? (templateIds) =>
        new Promise<SubscribeAnswers>((resolve, reject) => {
          Taro.requestSubscribeMessage({
            tmplIds: templateIds,
            // Alipay's field, which Taro's types make required; WeChat ignores it.
            entityIds: [],
            success: (result) => {
              const answers: SubscribeAnswers = {}
              for (const id of templateIds) {
                const answer = result[id]
                if (typeof answer === 'string') answers[id] = answer
              }
              resolve(answers)
            },
            fail: (error) => reject(new SubscribeError(error.errMsg, error.errCode)),
          })
        })
    : null
