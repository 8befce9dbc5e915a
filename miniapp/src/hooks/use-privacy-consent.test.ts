import Taro from '@tarojs/taro'
import { act, renderHook, waitFor } from '@testing-library/react'
import { PRIVACY_NOTICE_VERSION } from '@xinfang/shared'
import { expect, test } from 'vitest'
import type { PendingPrivacyRequest, PlatformPrivacy } from '../services/privacy'
import { STORAGE_KEYS } from '../services/storage'
import { usePrivacyConsent } from './use-privacy-consent'

/**
 * WeChat's privacy APIs as the hook sees them (services/privacy.ts adapts wx.getPrivacySetting and
 * wx.onNeedPrivacyAuthorization to this): what getPrivacySetting answers, and a way to raise a blocked request.
 */
function fakeWeChatPrivacy(needsAuthorization: boolean) {
  const listeners = new Set<(request: PendingPrivacyRequest) => void>()
  const answers: string[] = []
  const platform: PlatformPrivacy = {
    needsAuthorization: async () => needsAuthorization,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
  const raiseRequest = () => {
    const request: PendingPrivacyRequest = {
      shown: () => answers.push('exposureAuthorization'),
      agree: () => answers.push('agree'),
      disagree: () => answers.push('disagree'),
    }
    for (const listener of listeners) listener(request)
  }
  return { platform, answers, raiseRequest }
}

function acceptedConsent(version = PRIVACY_NOTICE_VERSION) {
  Taro.setStorageSync(STORAGE_KEYS.privacyConsent, { version, acceptedAt: Date.now() })
}

test('without WeChat privacy APIs (H5) the notice is required until accepted, and acceptance is stored', () => {
  const { result } = renderHook(() => usePrivacyConsent({ platform: null }))
  expect(result.current.state).toEqual({ status: 'required', isUpdate: false })

  act(() => result.current.accept())

  expect(result.current.state).toEqual({ status: 'accepted' })
  expect(Taro.getStorageSync(STORAGE_KEYS.privacyConsent)).toMatchObject({ version: PRIVACY_NOTICE_VERSION })
})

test('a stored consent to an older notice version counts as an update to read again', () => {
  acceptedConsent('2025-01-01')

  const { result } = renderHook(() => usePrivacyConsent({ platform: null }))

  expect(result.current.state).toEqual({ status: 'required', isUpdate: true })
})

test('when the API refuses the version agreed to, consent is forgotten and asked for again', () => {
  acceptedConsent()
  const { result } = renderHook(() => usePrivacyConsent({ platform: null }))
  expect(result.current.state.status).toBe('accepted')

  act(() => result.current.invalidate())

  expect(result.current.state).toEqual({ status: 'required', isUpdate: true })
  expect(Taro.getStorageSync(STORAGE_KEYS.privacyConsent)).toBe('')
})

test('on weapp the notice is shown while WeChat still needs authorization, even with the app’s own consent stored', async () => {
  acceptedConsent()
  const { platform } = fakeWeChatPrivacy(true)

  const { result } = renderHook(() => usePrivacyConsent({ platform }))

  expect(result.current.state).toEqual({ status: 'checking' })
  await waitFor(() => expect(result.current.state).toEqual({ status: 'required', isUpdate: false }))
})

test('on weapp with both consents in place the form may show at once', async () => {
  acceptedConsent()
  const { platform } = fakeWeChatPrivacy(false)

  const { result } = renderHook(() => usePrivacyConsent({ platform }))

  await waitFor(() => expect(result.current.state).toEqual({ status: 'accepted' }))
})

test('a WeChat privacy request waiting on the open form is shown, and agreeing lets it go on', async () => {
  acceptedConsent()
  const { platform, answers, raiseRequest } = fakeWeChatPrivacy(false)
  const { result } = renderHook(() => usePrivacyConsent({ platform }))
  await waitFor(() => expect(result.current.state.status).toBe('accepted'))

  act(() => raiseRequest())

  expect(result.current.isPlatformRequestPending).toBe(true)
  expect(answers).toEqual(['exposureAuthorization'])

  act(() => result.current.accept())

  expect(answers).toEqual(['exposureAuthorization', 'agree'])
  expect(result.current.isPlatformRequestPending).toBe(false)
  expect(result.current.state).toEqual({ status: 'accepted' })
})

test('declining a waiting WeChat privacy request answers it with disagree', async () => {
  const { platform, answers, raiseRequest } = fakeWeChatPrivacy(true)
  const { result } = renderHook(() => usePrivacyConsent({ platform }))
  await waitFor(() => expect(result.current.state.status).toBe('required'))
  act(() => raiseRequest())

  act(() => result.current.decline())

  expect(answers).toEqual(['exposureAuthorization', 'disagree'])
  expect(result.current.state).toEqual({ status: 'declined' })
  expect(Taro.getStorageSync(STORAGE_KEYS.privacyConsent)).toBe('')
})
