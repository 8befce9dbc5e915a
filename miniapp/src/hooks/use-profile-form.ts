import type { MaskedProfile, ProfileInput } from '@xinfang/shared'
import { useCallback, useRef, useState } from 'react'
import { saveProfile } from '../services/identity'
import type { KeyValueStorage } from '../services/storage'
import { problemFromError } from '../utils/problem'
import {
  clearDraft,
  EMPTY_PROFILE_FORM,
  loadDraft,
  type ProfileField,
  type ProfileFieldErrors,
  type ProfileFormValues,
  problemForForm,
  saveDraft,
  validateProfileForm,
} from '../utils/profile-form'

export interface ProfileFormOptions {
  /** Whose draft this is: a draft typed under another account is never shown. */
  userId: string
  onSaved: (profile: MaskedProfile) => void
  /** The API refused the notice version this device agreed to: the page shows the notice again. */
  onPrivacyOutdated: () => void
  save?: (input: ProfileInput) => Promise<MaskedProfile>
  storage?: KeyValueStorage
}

export interface ProfileForm {
  values: ProfileFormValues
  errors: ProfileFieldErrors
  /** Set when the phone number comes from WeChat's phone-number button instead of the keyboard. */
  phoneCode: string | undefined
  isSubmitting: boolean
  /** A problem that belongs to no single field (the network, the server), with what to do next. */
  formError: string | undefined
  change(field: ProfileField, value: string): void
  /** Leaving a field checks it, so a mistake shows while the person still remembers what they typed. */
  blur(field: ProfileField): void
  acceptWeChatPhone(code: string): void
  typePhoneInstead(): void
  submit(): Promise<void>
}

export function useProfileForm(options: ProfileFormOptions): ProfileForm {
  const { userId, storage } = options
  const [values, setValues] = useState<ProfileFormValues>(
    () => loadDraft(userId, Date.now(), storage) ?? EMPTY_PROFILE_FORM,
  )
  const [errors, setErrors] = useState<ProfileFieldErrors>({})
  const [phoneCode, setPhoneCode] = useState<string | undefined>()
  const [isSubmitting, setSubmitting] = useState(false)
  const [formError, setFormError] = useState<string | undefined>()
  // The latest values and options for callbacks fired from stale closures (a blur right after a change).
  const latest = useRef({ values, phoneCode, options })
  latest.current = { values, phoneCode, options }

  const errorFor = useCallback((field: ProfileField, nextValues: ProfileFormValues, code: string | undefined) => {
    const result = validateProfileForm(nextValues, code)
    return result.ok ? undefined : result.errors[field]
  }, [])

  const change = useCallback(
    (field: ProfileField, value: string) => {
      const nextValues = { ...latest.current.values, [field]: value }
      latest.current.values = nextValues
      setValues(nextValues)
      saveDraft(userId, nextValues, Date.now(), storage)
      // A message already shown follows the typing, so it disappears the moment the field is right; a field
      // without one is left alone until it is left, rather than scolding half-typed input.
      setErrors((current) =>
        current[field] === undefined
          ? current
          : { ...current, [field]: errorFor(field, nextValues, latest.current.phoneCode) },
      )
    },
    [userId, storage, errorFor],
  )

  const blur = useCallback(
    (field: ProfileField) => {
      const { values: currentValues, phoneCode: code } = latest.current
      // An untouched empty field is not an error yet: the person may just be moving through the form.
      if (!currentValues[field].trim()) return
      setErrors((current) => ({ ...current, [field]: errorFor(field, currentValues, code) }))
    },
    [errorFor],
  )

  const acceptWeChatPhone = useCallback((code: string) => {
    latest.current.phoneCode = code
    setPhoneCode(code)
    setErrors((current) => ({ ...current, phone: undefined }))
  }, [])

  const typePhoneInstead = useCallback(() => {
    latest.current.phoneCode = undefined
    setPhoneCode(undefined)
  }, [])

  const isSending = useRef(false)
  const submit = useCallback(async () => {
    // A second tap while the first is on its way (elderly users often tap twice) must not send twice.
    if (isSending.current) return
    const { values: currentValues, phoneCode: code, options: current } = latest.current
    setFormError(undefined)
    const validation = validateProfileForm(currentValues, code)
    if (!validation.ok) {
      setErrors(validation.errors)
      return
    }
    setErrors({})
    isSending.current = true
    setSubmitting(true)
    try {
      const saved = await (current.save ?? saveProfile)(validation.input)
      clearDraft(current.storage)
      current.onSaved(saved)
    } catch (error) {
      const problem = problemFromError(error)
      const placed = problemForForm(problem)
      setErrors(placed.fields)
      if (placed.isPhoneCodeRejected) typePhoneInstead()
      if (placed.message !== undefined) setFormError(withNextStep(placed.message, problem.status))
      if (placed.isPrivacyOutdated) current.onPrivacyOutdated()
    } finally {
      isSending.current = false
      setSubmitting(false)
    }
  }, [typePhoneInstead])

  return {
    values,
    errors,
    phoneCode,
    isSubmitting,
    formError,
    change,
    blur,
    acceptWeChatPhone,
    typePhoneInstead,
    submit,
  }
}

/** The problem, then what to do about it; the draft is still on the device, so nobody fears typing it all again. */
function withNextStep(message: string, status: number): string {
  if (status === 429) return `${message}。请稍等一两分钟后再提交，您填写的内容已保存在本机。`
  if (status >= 500) return `${message}。请检查网络后再次点击“提交”，您填写的内容已保存在本机。`
  return message
}
