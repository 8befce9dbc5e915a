import {
  AuthResultSchema,
  DemoLoginSchema,
  LogoutSchema,
  RefreshSchema,
  StaffLoginSchema,
  WeChatLoginSchema,
} from '@xinfang/shared'
import { AppError } from '../domain/app-error'
import { refreshSession } from '../domain/auth/refresh-session'
import { revokeByRefreshToken } from '../domain/auth/sessions'
import { demoOpenid, signInCitizen } from '../domain/auth/sign-in-citizen'
import { signInStaff } from '../domain/auth/sign-in-staff'
import { clientAddressOf } from '../http/client-address'
import type { AppDeps } from '../http/context'
import { createResource, defineRoute } from '../http/route'
import { createRateLimiter } from '../lib/rate-limit'

/** Sign-ins with usernames that do not exist, per caller address and minute: typos pass, enumeration does not. */
export const UNKNOWN_USERNAME_ATTEMPTS_PER_MINUTE = 20

export function authRoutes(deps: AppDeps) {
  const resource = createResource(deps)
  const tokenOptions = () => ({ tokenSecret: deps.keyring.tokenSecret, now: deps.now() })
  const unknownUsernamesByAddress = createRateLimiter(UNKNOWN_USERNAME_ATTEMPTS_PER_MINUTE, 60_000)

  defineRoute(
    resource,
    {
      method: 'post',
      path: '/auth/wechat',
      summary: '微信登录：用 wx.login 的 code 换取令牌',
      tags: ['identity'],
      policy: 'public',
      body: WeChatLoginSchema,
      responses: { 200: { description: '登录成功', schema: AuthResultSchema } },
    },
    async (c, { body }) => {
      const { openid } = await deps.wechat.code2Session(body.code)
      c.header('cache-control', 'no-store')
      return c.json(await signInCitizen(deps.database, openid, { isDemo: false, ...tokenOptions() }), 200)
    },
  )

  // Demo login exists only in demo mode: in production the route is not registered at all (404, not 403).
  if (deps.config.mode === 'demo') {
    defineRoute(
      resource,
      {
        method: 'post',
        path: '/auth/demo',
        summary: '演示登录（仅演示模式）',
        description: '同一 name 再次登录得到同一位演示群众；不传 name 则创建新的演示群众。',
        tags: ['identity'],
        policy: 'public',
        body: DemoLoginSchema,
        responses: { 200: { description: '登录成功', schema: AuthResultSchema } },
      },
      async (c, { body }) => {
        c.header('cache-control', 'no-store')
        return c.json(
          await signInCitizen(deps.database, demoOpenid(body.name), { isDemo: true, ...tokenOptions() }),
          200,
        )
      },
    )
  }

  defineRoute(
    resource,
    {
      method: 'post',
      path: '/auth/refresh',
      summary: '刷新令牌（旧刷新令牌随即失效；重复使用将吊销整组令牌）',
      tags: ['identity'],
      policy: 'public',
      body: RefreshSchema,
      responses: { 200: { description: '新的令牌', schema: AuthResultSchema } },
    },
    async (c, { body }) => {
      c.header('cache-control', 'no-store')
      return c.json(await refreshSession(deps.database, body.refreshToken, tokenOptions()), 200)
    },
  )

  defineRoute(
    resource,
    {
      method: 'post',
      path: '/auth/logout',
      summary: '退出登录：吊销该刷新令牌所在的整组令牌',
      tags: ['identity'],
      policy: 'public',
      body: LogoutSchema,
      responses: { 204: { description: '已退出' } },
    },
    async (c, { body }) => {
      await revokeByRefreshToken(deps.database, body.refreshToken)
      return c.body(null, 204)
    },
  )

  defineRoute(
    resource,
    {
      method: 'post',
      path: '/auth/staff',
      summary: '工作人员登录',
      description: '连续 5 次密码错误将锁定 15 分钟（429，带 Retry-After）。',
      tags: ['identity'],
      policy: 'public',
      body: StaffLoginSchema,
      responses: { 200: { description: '登录成功', schema: AuthResultSchema } },
    },
    async (c, { body }) => {
      // Every attempt costs a PBKDF2 derivation. Known accounts are throttled per account (five failures lock
      // it); attempts on usernames that do not exist are bounded per caller address, so nobody can keep the CPU
      // busy by cycling through invented names.
      const address = clientAddressOf(c)
      const onUnknownUsername = () => {
        const wait = unknownUsernamesByAddress.hit(address, deps.now())
        if (wait > 0) {
          throw new AppError('RATE_LIMITED', {
            detail: '登录尝试过于频繁，请稍后再试',
            headers: { 'retry-after': String(wait) },
          })
        }
      }
      c.header('cache-control', 'no-store')
      return c.json(
        await signInStaff(deps.database, body, {
          ...tokenOptions(),
          allowDemoAccounts: deps.config.mode === 'demo',
          onUnknownUsername,
        }),
        200,
      )
    },
  )

  return resource
}
