import {
  AuthResultSchema,
  DemoLoginSchema,
  LogoutSchema,
  RefreshSchema,
  StaffLoginSchema,
  WeChatLoginSchema,
} from '@xinfang/shared'
import { refreshSession } from '../domain/auth/refresh-session'
import { revokeByRefreshToken } from '../domain/auth/sessions'
import { demoOpenid, exchangeWeChatCode, signInCitizen } from '../domain/auth/sign-in-citizen'
import { signInStaff } from '../domain/auth/sign-in-staff'
import { clientAddressOf } from '../http/client-address'
import type { AppDeps } from '../http/context'
import { createResource, defineRoute } from '../http/route'

export function authRoutes(deps: AppDeps) {
  const resource = createResource(deps)
  const tokenOptions = () => ({ tokenSecret: deps.keyring.tokenSecret, now: deps.now() })

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
      const openid = await exchangeWeChatCode(deps, body.code, {
        address: clientAddressOf(c, deps.config.trustProxy),
        now: deps.now(),
      })
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
      await revokeByRefreshToken(deps.database, body.refreshToken, deps.now())
      return c.body(null, 204)
    },
  )

  defineRoute(
    resource,
    {
      method: 'post',
      path: '/auth/staff',
      summary: '工作人员登录',
      description:
        '同一用户名在同一地址连续 5 次失败后须等待（429，带 Retry-After，此后每次失败等待时间加倍）；不存在的用户名与密码错误的回答相同。',
      tags: ['identity'],
      policy: 'public',
      body: StaffLoginSchema,
      responses: { 200: { description: '登录成功', schema: AuthResultSchema } },
    },
    async (c, { body }) => {
      const result = await signInStaff(deps, body, {
        ...tokenOptions(),
        allowDemoAccounts: deps.config.mode === 'demo',
        address: clientAddressOf(c, deps.config.trustProxy),
      })
      c.header('cache-control', 'no-store')
      return c.json(result, 200)
    },
  )

  return resource
}
