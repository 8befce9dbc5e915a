import Taro from '@tarojs/taro'
import { act, fireEvent, render, screen } from '@testing-library/react'
import { ERROR_CODES, ID_NUMBER_PROBLEM_MESSAGES, PRIVACY_NOTICE_VERSION } from '@xinfang/shared'
import { expect, test, vi } from 'vitest'
import {
  type FakeIdentityApiOptions,
  ID_NUMBER_WITH_WRONG_CHECK,
  startFakeIdentityApi,
  VALID_ID_NUMBER,
} from '../../../test/fake-identity-api'
import { type Handler, sendJson, sendProblem, startTestServer } from '../../../test/test-server'
import { DEMO_ONLY_MESSAGE } from '../../services/sign-in'
import { STORAGE_KEYS } from '../../services/storage'
import MePage from './index'

/**
 * The page runs its real hooks, services, session and HTTP client over Taro's H5 request; the only seam is the
 * origin, as in the home page's tests: the build puts API_BASE ('' on H5) in front of every path.
 */
function routeRequestsTo(baseUrl: string) {
  const request = Taro.request
  vi.spyOn(Taro, 'request').mockImplementation((option) => request({ ...option, url: baseUrl + option.url }))
}

async function serveFakeApi(options: FakeIdentityApiOptions = {}) {
  const api = await startFakeIdentityApi(options)
  routeRequestsTo(api.baseUrl)
  return api
}

async function serveApi(handler: Handler) {
  const server = await startTestServer(handler)
  routeRequestsTo(server.baseUrl)
  return server
}

function element(container: HTMLElement, selector: string): HTMLElement {
  const found = container.querySelector<HTMLElement>(selector)
  if (!found) throw new Error(`nothing matches ${selector}:\n${container.textContent}`)
  return found
}

function type(container: HTMLElement, selector: string, value: string) {
  fireEvent.input(element(container, selector), { target: { value } })
}

function tap(container: HTMLElement, selector: string) {
  fireEvent.click(element(container, selector))
}

function fillProfile(container: HTMLElement, idNumber: string) {
  type(container, '#real-name', '张三')
  type(container, '#id-number', idNumber)
  type(container, '#phone', '13812345678')
  type(container, '#address', '江城市东湖区解放路12号')
}

function acceptedConsent(version = PRIVACY_NOTICE_VERSION) {
  Taro.setStorageSync(STORAGE_KEYS.privacyConsent, { version, acceptedAt: Date.now() })
}

test('the 我的 page signs in and shows the privacy guide before any field of the form', async () => {
  const api = await serveFakeApi()

  const { container } = render(<MePage />)

  expect(screen.getByText('正在登录，请稍候…')).toBeTruthy()
  await screen.findByText('隐私保护指引')
  expect(container.querySelector('#profile-form')).toBeNull()
  expect(container.textContent).toContain(`版本 ${PRIVACY_NOTICE_VERSION}`)
  expect(api.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
    'POST /api/v1/auth/demo',
    'GET /api/v1/me',
  ])

  tap(container, '#privacy-agree')

  expect(await screen.findByText('实名信息登记')).toBeTruthy()
  expect(container.querySelector('#privacy-guide')).toBeNull()
  expect(Taro.getStorageSync(STORAGE_KEYS.privacyConsent)).toMatchObject({ version: PRIVACY_NOTICE_VERSION })
})

test('declining the guide says what still works, collects nothing, and offers to read it again', async () => {
  await serveFakeApi()
  const { container } = render(<MePage />)
  await screen.findByText('隐私保护指引')

  tap(container, '#privacy-decline')

  expect(await screen.findByText('您没有同意隐私保护指引')).toBeTruthy()
  expect(container.querySelector('#profile-form')).toBeNull()
  expect(Taro.getStorageSync(STORAGE_KEYS.privacyConsent)).toBe('')

  tap(container, '#privacy-read-again')
  expect(await screen.findByText('隐私保护指引')).toBeTruthy()
})

test('consent to the current notice is remembered, so the form shows at once', async () => {
  await serveFakeApi()
  acceptedConsent()

  const { container } = render(<MePage />)

  await screen.findByText('实名信息登记')
  expect(container.querySelector('#privacy-guide')).toBeNull()
})

test('consent to an earlier version is asked again, saying the notice changed', async () => {
  await serveFakeApi()
  acceptedConsent('2020-01-01')

  const { container } = render(<MePage />)

  expect(await screen.findByText('隐私保护指引已更新，请您重新阅读并确认。')).toBeTruthy()
  expect(container.querySelector('#profile-form')).toBeNull()
})

test('a wrong ID number is explained in Chinese under its field; corrected, the profile is saved and shown masked', async () => {
  const api = await serveFakeApi()
  acceptedConsent()
  const { container } = render(<MePage />)
  await screen.findByText('实名信息登记')

  fillProfile(container, ID_NUMBER_WITH_WRONG_CHECK)
  tap(container, '#profile-submit')

  expect(element(container, '#id-number-error').textContent).toBe(ID_NUMBER_PROBLEM_MESSAGES.check_character)
  expect(container.querySelector('#real-name-error')).toBeNull()
  expect(api.requestsTo('/api/v1/me/profile')).toHaveLength(0)

  // The message follows the typing and goes as soon as the number is right.
  type(container, '#id-number', VALID_ID_NUMBER)
  expect(container.querySelector('#id-number-error')).toBeNull()
  tap(container, '#profile-submit')

  await screen.findByText('张*')
  expect(element(container, '#profile-phone').textContent).toBe('138****5678')
  expect(element(container, '#profile-idNumber').textContent).toBe('110105********002X')
  expect(container.textContent).not.toContain(VALID_ID_NUMBER)
  const [saved] = api.requestsTo('/api/v1/me/profile')
  expect(saved?.method).toBe('PUT')
  expect(saved?.headers.authorization).toBe('Bearer access-1')
  expect(JSON.parse(saved?.body ?? '')).toEqual({
    realName: '张三',
    idNumber: VALID_ID_NUMBER,
    phone: '13812345678',
    address: '江城市东湖区解放路12号',
    privacyVersion: PRIVACY_NOTICE_VERSION,
  })
  expect(Taro.getStorageSync(STORAGE_KEYS.profileDraft)).toBe('')
})

test('leaving a field with a mistake shows its message; an untouched empty field shows none', async () => {
  await serveFakeApi()
  acceptedConsent()
  const { container } = render(<MePage />)
  await screen.findByText('实名信息登记')

  type(container, '#phone', '1381234')
  fireEvent.blur(element(container, '#phone'))
  fireEvent.blur(element(container, '#real-name'))

  expect(element(container, '#phone-error').textContent).toBe('请填写11位手机号码，以1开头')
  expect(container.querySelector('#real-name-error')).toBeNull()
})

test('what was typed survives leaving the page and comes back in the form', async () => {
  await serveFakeApi()
  acceptedConsent()
  const first = render(<MePage />)
  await screen.findByText('实名信息登记')
  type(first.container, '#real-name', '张三')
  type(first.container, '#id-number', '1101051949')
  first.unmount()

  const { container } = render(<MePage />)
  await screen.findByText('实名信息登记')

  expect(element(container, '#real-name').getAttribute('value')).toBe('张三')
  expect(element(container, '#id-number').getAttribute('value')).toBe('1101051949')
})

test('field errors from the server are shown under the fields they name', async () => {
  await serveApi((request, response) => {
    if (request.url === '/api/v1/auth/demo') {
      sendJson(response, 200, {
        accessToken: 'access-1',
        refreshToken: `refresh-${'x'.repeat(24)}`,
        expiresIn: 900,
        user: { id: 'c1', role: 'citizen', hasProfile: false },
      })
    } else if (request.url === '/api/v1/me') {
      sendJson(response, 200, { id: 'c1', role: 'citizen', profile: null })
    } else {
      sendJson(
        response,
        400,
        {
          type: 'urn:xinfang:problem:validation-failed',
          title: ERROR_CODES.VALIDATION_FAILED.title,
          status: 400,
          code: 'VALIDATION_FAILED',
          errors: [
            { path: 'body.address', message: '该地址不在本市辖区内' },
            { path: 'body.realName', message: '姓名与身份证不符' },
          ],
        },
        'application/problem+json',
      )
    }
  })
  acceptedConsent()
  const { container } = render(<MePage />)
  await screen.findByText('实名信息登记')

  fillProfile(container, VALID_ID_NUMBER)
  tap(container, '#profile-submit')

  expect(await screen.findByText('该地址不在本市辖区内')).toBeTruthy()
  expect(element(container, '#address-error').textContent).toBe('该地址不在本市辖区内')
  expect(element(container, '#real-name-error').textContent).toBe('姓名与身份证不符')
  expect(container.querySelector('#id-number-error')).toBeNull()
  expect(container.querySelector('#profile-form-error')).toBeNull()
})

test('a save that fails on the server keeps the typed values and says what to do next', async () => {
  await serveApi((request, response) => {
    if (request.url === '/api/v1/auth/demo') {
      sendJson(response, 200, {
        accessToken: 'access-1',
        refreshToken: `refresh-${'x'.repeat(24)}`,
        expiresIn: 900,
        user: { id: 'c1', role: 'citizen', hasProfile: false },
      })
    } else if (request.url === '/api/v1/me') {
      sendJson(response, 200, { id: 'c1', role: 'citizen', profile: null })
    } else sendProblem(response, 'SERVICE_UNAVAILABLE')
  })
  acceptedConsent()
  const { container } = render(<MePage />)
  await screen.findByText('实名信息登记')

  fillProfile(container, VALID_ID_NUMBER)
  tap(container, '#profile-submit')

  const message = await screen.findByText(/服务暂时不可用/)
  expect(message.textContent).toContain('请检查网络后再次点击“提交”')
  expect(message.textContent).toContain('您填写的内容已保存在本机')
  expect(element(container, '#id-number').getAttribute('value')).toBe(VALID_ID_NUMBER)
  expect(Taro.getStorageSync(STORAGE_KEYS.profileDraft)).toMatchObject({ values: { idNumber: VALID_ID_NUMBER } })
})

test('a registered profile is shown masked, and 修改 opens an empty form that can be cancelled', async () => {
  const api = await serveFakeApi()
  acceptedConsent()
  const { container } = render(<MePage />)
  await screen.findByText('实名信息登记')
  fillProfile(container, VALID_ID_NUMBER)
  tap(container, '#profile-submit')
  await screen.findByText('张*')
  expect(api.profiles.get('citizen_1')).toMatchObject({ realName: '张*' })

  tap(container, '#profile-edit')

  expect(await screen.findByText(/修改时请把各项重新填写完整/)).toBeTruthy()
  expect(element(container, '#id-number').getAttribute('value')).toBe('')
  tap(container, '#profile-cancel')
  expect(await screen.findByText('张*')).toBeTruthy()
})

test('against a production API the H5 page says it is a demonstration and the service is in WeChat', async () => {
  await serveFakeApi({ isDemoMode: false })

  const { container } = render(<MePage />)

  expect(await screen.findByText(DEMO_ONLY_MESSAGE)).toBeTruthy()
  expect(container.textContent).toContain('网页版仅用于演示')
  expect(container.querySelector('#privacy-guide')).toBeNull()
  expect(container.querySelector('#me-retry')).toBeNull()
})

test('when signing in fails the page says so, and 重试 signs in again', async () => {
  await serveApi((request, response, attempt) => {
    if (attempt === 1) return sendProblem(response, 'SERVICE_UNAVAILABLE')
    if (request.url === '/api/v1/auth/demo') {
      return sendJson(response, 200, {
        accessToken: 'access-1',
        refreshToken: `refresh-${'x'.repeat(24)}`,
        expiresIn: 900,
        user: { id: 'c1', role: 'citizen', hasProfile: false },
      })
    }
    sendJson(response, 200, { id: 'c1', role: 'citizen', profile: null })
  })

  const { container } = render(<MePage />)

  expect(await screen.findByText(ERROR_CODES.SERVICE_UNAVAILABLE.title)).toBeTruthy()
  expect(container.textContent).toContain('请检查网络后点击“重试”')
  await act(async () => tap(container, '#me-retry'))
  expect(await screen.findByText('隐私保护指引')).toBeTruthy()
})
