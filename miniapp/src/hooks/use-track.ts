import { TrackQuerySchema, type TrackResult } from '@xinfang/shared'
import { useCallback, useRef, useState } from 'react'
import { RequestAbortedError } from '../services/http'
import { trackPetition } from '../services/petitions'
import { problemFromError } from '../utils/problem'
import { useRequestSignal } from './use-request-signal'

export type TrackField = 'trackingNo' | 'queryCode'

export type TrackState =
  | { status: 'idle' }
  | { status: 'searching' }
  | { status: 'found'; result: TrackResult; checkedAt: number }
  | { status: 'failed'; message: string }

export const TRACK_NOT_FOUND_MESSAGE =
  '受理编号或查询码不正确，请核对后再试。两者都在提交成功的页面上，也可以在“我的信访”中找到。'
export const TRACK_RATE_LIMITED_MESSAGE = '查询次数太多了，请等几分钟后再查。'

/** What a failed `/track` means, in words: a wrong pair (404), too many tries (429), or the network. */
export function trackFailureMessage(error: unknown): string {
  const problem = problemFromError(error)
  if (problem.status === 404) return TRACK_NOT_FOUND_MESSAGE
  if (problem.status === 429) return TRACK_RATE_LIMITED_MESSAGE
  if (problem.status >= 500) return `${problem.title}。请检查网络后再点“查询”。`
  return problem.detail ?? problem.title
}

/** 查询进度: tracking number + query code, checked with the API's own schema, then `GET /api/v1/track`. */
export function useTrack(options: { initialTrackingNo?: string; track?: typeof trackPetition } = {}) {
  const [values, setValues] = useState({ trackingNo: options.initialTrackingNo ?? '', queryCode: '' })
  const [errors, setErrors] = useState<Partial<Record<TrackField, string>>>({})
  const [state, setState] = useState<TrackState>({ status: 'idle' })
  const latest = useRef({ values, options })
  latest.current = { values, options }
  const isSearching = useRef(false)
  const signalOfPage = useRequestSignal()

  const change = useCallback((field: TrackField, value: string) => {
    setValues((current) => ({ ...current, [field]: value }))
    setErrors((current) => (current[field] === undefined ? current : { ...current, [field]: undefined }))
  }, [])

  const search = useCallback(async () => {
    if (isSearching.current) return
    const parsed = TrackQuerySchema.safeParse(latest.current.values)
    if (!parsed.success) {
      const found: Partial<Record<TrackField, string>> = {}
      for (const issue of parsed.error.issues) {
        const field = issue.path[0]
        if ((field === 'trackingNo' || field === 'queryCode') && found[field] === undefined) {
          found[field] = latest.current.values[field].trim() === '' ? EMPTY_MESSAGES[field] : issue.message
        }
      }
      setErrors(found)
      return
    }
    setErrors({})
    isSearching.current = true
    setState({ status: 'searching' })
    try {
      const result = await (latest.current.options.track ?? trackPetition)(parsed.data, { signal: signalOfPage() })
      setState({ status: 'found', result, checkedAt: Date.now() })
    } catch (error) {
      if (error instanceof RequestAbortedError) return
      setState({ status: 'failed', message: trackFailureMessage(error) })
    } finally {
      isSearching.current = false
    }
  }, [signalOfPage])

  return { values, errors, state, change, search }
}

const EMPTY_MESSAGES: Record<TrackField, string> = {
  trackingNo: '请填写受理编号',
  queryCode: '请填写查询码',
}
