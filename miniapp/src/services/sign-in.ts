import Taro from '@tarojs/taro'
import { type AuthResult, AuthResultSchema } from '@xinfang/shared'
import { ApiError } from './http'
import type { SignIn } from './session'

/**
 * The H5 app signs in with the API's demo login, which exists only in demo mode. A production API answers 404 there:
 * real citizens must be identified through WeChat, so the H5 version can only ever be a demonstration.
 */
export class DemoOnlyError extends Error {
  constructor() {
    super('网页版仅用于演示')
    this.name = 'DemoOnlyError'
  }
}

/** What the 我的 page says when DemoOnlyError stops the sign-in: what happened, and where to go instead. */
export const DEMO_ONLY_TITLE = '网页版仅用于演示'
export const DEMO_ONLY_MESSAGE =
  '网页版不能办理信访业务。请在微信中搜索“信访服务”小程序，打开后即可登记实名信息、提交信访事项。'

/** weapp: a `wx.login` code (single use, valid five minutes) exchanged by the API for the WeChat openid. */
export const signInWithWeChat: SignIn = async (client) => {
  const { code } = await Taro.login()
  return client.request({ method: 'POST', path: '/api/v1/auth/wechat', body: { code }, schema: AuthResultSchema })
}

/**
 * H5: a new demo citizen per device. `{}` on purpose — a fixed `name` would let anyone who learns it sign in as the
 * same citizen, and the refresh token keeps this device signed in anyway.
 */
export const signInForDemo: SignIn = async (client): Promise<AuthResult> => {
  try {
    return await client.request({ method: 'POST', path: '/api/v1/auth/demo', body: {}, schema: AuthResultSchema })
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) throw new DemoOnlyError()
    throw error
  }
}

/** The sign-in of the platform this build is for (TARO_ENV is replaced at build time). */
export const signInOnThisPlatform: SignIn = process.env.TARO_ENV === 'weapp' ? signInWithWeChat : signInForDemo
