import { useCallback, useEffect, useRef, useState } from 'react'
import {
  consentStatus,
  forgetConsent,
  type PendingPrivacyRequest,
  type PlatformPrivacy,
  recordConsent,
  weChatPrivacy,
} from '../services/privacy'
import type { KeyValueStorage } from '../services/storage'

export type PrivacyConsentState =
  /** Asking WeChat whether its own authorization is still needed (weapp only; a moment). */
  | { status: 'checking' }
  /** The notice must be shown; `isUpdate` when an earlier version was accepted. */
  | { status: 'required'; isUpdate: boolean }
  | { status: 'declined' }
  | { status: 'accepted' }

export interface PrivacyConsent {
  state: PrivacyConsentState
  /** A WeChat privacy API (the phone-number button) is waiting for the person to agree. */
  isPlatformRequestPending: boolean
  accept(): void
  decline(): void
  /** From the declined message back to the notice. */
  readAgain(): void
  /** The API refused the version agreed to: forget it and ask again. */
  invalidate(): void
}

export interface PrivacyConsentOptions {
  storage?: KeyValueStorage
  /** WeChat's privacy APIs; null where there are none (H5, older base libraries). */
  platform?: PlatformPrivacy | null
}

/**
 * The privacy-notice step before the real-name form: the app's own notice (versioned, stored per device) and, on
 * weapp, WeChat's privacy authorization — the notice is shown when either still needs the person's agreement, and
 * again whenever a WeChat privacy API asks for it.
 */
export function usePrivacyConsent(options: PrivacyConsentOptions = {}): PrivacyConsent {
  const { storage } = options
  const platform = options.platform === undefined ? weChatPrivacy() : options.platform
  const [state, setState] = useState<PrivacyConsentState>(() => initialState(consentStatus(storage), platform))
  const [pending, setPending] = useState<PendingPrivacyRequest | undefined>()
  const pendingRef = useRef<PendingPrivacyRequest | undefined>(undefined)

  useEffect(() => {
    if (!platform) return
    let isCurrent = true
    const local = consentStatus(storage)
    platform.needsAuthorization().then((needed) => {
      if (!isCurrent) return
      setState((current) => {
        if (current.status !== 'checking') return current
        if (needed || local !== 'accepted') return { status: 'required', isUpdate: local === 'outdated' }
        return { status: 'accepted' }
      })
    })
    const unsubscribe = platform.subscribe((request) => {
      if (!isCurrent) return
      pendingRef.current = request
      setPending(request)
      request.shown()
    })
    return () => {
      isCurrent = false
      unsubscribe()
    }
  }, [platform, storage])

  const takePending = useCallback(() => {
    const request = pendingRef.current
    pendingRef.current = undefined
    setPending(undefined)
    return request
  }, [])

  const accept = useCallback(() => {
    recordConsent(Date.now(), storage)
    // On weapp the agree button is an `agreePrivacyAuthorization` button, so this same tap also gives WeChat its
    // authorization; a privacy API that was waiting for it may now go on.
    takePending()?.agree()
    setState({ status: 'accepted' })
  }, [storage, takePending])

  const decline = useCallback(() => {
    takePending()?.disagree()
    setState({ status: 'declined' })
  }, [takePending])

  const readAgain = useCallback(() => {
    setState({ status: 'required', isUpdate: consentStatus(storage) === 'outdated' })
  }, [storage])

  const invalidate = useCallback(() => {
    forgetConsent(storage)
    setState({ status: 'required', isUpdate: true })
  }, [storage])

  return { state, isPlatformRequestPending: pending !== undefined, accept, decline, readAgain, invalidate }
}

function initialState(local: ReturnType<typeof consentStatus>, platform: PlatformPrivacy | null): PrivacyConsentState {
  if (platform) return { status: 'checking' }
  return local === 'accepted' ? { status: 'accepted' } : { status: 'required', isUpdate: local === 'outdated' }
}
