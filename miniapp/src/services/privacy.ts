import Taro from '@tarojs/taro'
import { PRIVACY_NOTICE_VERSION } from '@xinfang/shared'
import { z } from 'zod'
import { type KeyValueStorage, STORAGE_KEYS, taroStorage } from './storage'

/**
 * Consent to the app's privacy notice (隐私保护指引, version PRIVACY_NOTICE_VERSION from shared). It is asked for
 * before the real-name form is shown, i.e. before any personal data is collected (PIPL Art. 14), and again whenever
 * the notice's version changes. The version accepted is sent with the profile, and the API refuses any other.
 *
 * It is kept per device, not per account: it records that the person holding this phone read this text.
 */
const ConsentSchema = z.object({ version: z.string(), acceptedAt: z.number() })

export type ConsentStatus = 'accepted' | 'outdated' | 'none'

export function consentStatus(storage: KeyValueStorage = taroStorage): ConsentStatus {
  const parsed = ConsentSchema.safeParse(storage.get(STORAGE_KEYS.privacyConsent))
  if (!parsed.success) return 'none'
  return parsed.data.version === PRIVACY_NOTICE_VERSION ? 'accepted' : 'outdated'
}

export function recordConsent(now: number = Date.now(), storage: KeyValueStorage = taroStorage): void {
  try {
    storage.set(STORAGE_KEYS.privacyConsent, { version: PRIVACY_NOTICE_VERSION, acceptedAt: now })
  } catch {
    // Not remembered on this device: the notice is simply shown again next time.
  }
}

export function forgetConsent(storage: KeyValueStorage = taroStorage): void {
  try {
    storage.remove(STORAGE_KEYS.privacyConsent)
  } catch {
    // Nothing stored.
  }
}

// ——— WeChat's own privacy authorization ———

/** The id of the agree button: WeChat checks that the button named in `resolve` was really tapped. */
export const PRIVACY_AGREE_BUTTON_ID = 'privacy-agree'

/** A WeChat privacy API (the phone-number button, say) waiting until the person agrees or refuses. */
export interface PendingPrivacyRequest {
  /** Tells WeChat the notice is on screen (`exposureAuthorization`). */
  shown(): void
  agree(): void
  disagree(): void
}

/**
 * Since base library 2.32.3, WeChat blocks privacy APIs until the person agrees to the privacy guide declared in the
 * mini-program's admin console: `getPrivacySetting` says whether that is still needed, and `onNeedPrivacyAuthorization`
 * hands over a blocked call so the app can show its own notice and resolve it. Neither exists on H5 or older base
 * libraries, where this is null and the app's own consent step is all there is.
 */
export interface PlatformPrivacy {
  needsAuthorization(): Promise<boolean>
  /** Calls `listener` for each blocked request (at once for one already waiting); returns the unsubscribe. */
  subscribe(listener: (request: PendingPrivacyRequest) => void): () => void
}

const PLATFORM_ANSWER_TIMEOUT_MS = 3000

type Resolve = (option: Taro.onNeedPrivacyAuthorization.ResolveOption) => void

let platformPrivacy: PlatformPrivacy | null | undefined

/**
 * WeChat's privacy APIs, or null where they do not exist. Registers the one `onNeedPrivacyAuthorization` listener
 * WeChat allows the first time it is called; app.ts calls it at launch so a request is never missed.
 */
export function weChatPrivacy(): PlatformPrivacy | null {
  if (platformPrivacy !== undefined) return platformPrivacy
  platformPrivacy = null
  // Taro's weapp runtime copies onto Taro only the wx APIs this base library has; the H5 build has stubs that throw.
  if (
    process.env.TARO_ENV !== 'weapp' ||
    typeof Taro.getPrivacySetting !== 'function' ||
    typeof Taro.onNeedPrivacyAuthorization !== 'function'
  ) {
    return platformPrivacy
  }

  const listeners = new Set<(request: PendingPrivacyRequest) => void>()
  let waiting: PendingPrivacyRequest | undefined

  Taro.onNeedPrivacyAuthorization((resolve: Resolve) => {
    let isSettled = false
    const settle = (option: Taro.onNeedPrivacyAuthorization.ResolveOption) => {
      if (isSettled) return
      isSettled = true
      if (waiting === request) waiting = undefined
      resolve(option)
    }
    const request: PendingPrivacyRequest = {
      shown: () => {
        if (!isSettled) resolve({ event: 'exposureAuthorization' })
      },
      agree: () => settle({ event: 'agree', buttonId: PRIVACY_AGREE_BUTTON_ID }),
      disagree: () => settle({ event: 'disagree' }),
    }
    // A request nobody is listening for waits for the next page that shows the notice.
    waiting = request
    for (const listener of listeners) listener(request)
  })

  platformPrivacy = {
    needsAuthorization: () =>
      new Promise<boolean>((resolve) => {
        // Unknown is treated as "not needed": the app's own notice still gates the form, and WeChat itself will
        // raise onNeedPrivacyAuthorization if a privacy API turns out to need agreement. The timer keeps a base
        // library that never answers from leaving the page on 正在加载 for good.
        const timer = setTimeout(() => resolve(false), PLATFORM_ANSWER_TIMEOUT_MS)
        Taro.getPrivacySetting({
          success: (result) => resolve(result.needAuthorization),
          fail: () => resolve(false),
          complete: () => clearTimeout(timer),
        })
      }),
    subscribe(listener) {
      listeners.add(listener)
      if (waiting) listener(waiting)
      return () => {
        listeners.delete(listener)
      }
    },
  }
  return platformPrivacy
}
