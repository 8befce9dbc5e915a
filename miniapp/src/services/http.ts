import Taro from '@tarojs/taro'
import { ERROR_CODES, type ErrorCode, type Problem, ProblemSchema, problemTypeOf } from '@xinfang/shared'
import type { z } from 'zod'

/**
 * The mini-program's one HTTP client (../shared/STYLE.md rule 9). Every call to the API goes through here, so the
 * rules below hold everywhere: the status code is checked (Taro.request resolves for every status), errors become
 * the shared Problem shape, idempotent calls are retried, successful bodies are parsed with the shared schema, and
 * an authenticated call carries the session's bearer token, renewed once when the API answers 401. The instance the
 * pages use, with its session, is wired in services/api.ts.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE'

/** What a person reads when the request never got an answer: no signal, a dead Wi-Fi, a server that hangs. */
export const NETWORK_ERROR_TITLE = '网络不稳定，请检查网络后重试'

/**
 * - `http`: the API answered with an error status (the problem is the API's own, or a generic one).
 * - `network`: no answer at all (offline, refused, timed out).
 * - `contract`: a success status whose body does not match the shared schema — a version skew between builds.
 */
export type ApiErrorKind = 'http' | 'network' | 'contract'

export class ApiError extends Error {
  readonly problem: Problem
  readonly kind: ApiErrorKind

  constructor(problem: Problem, kind: ApiErrorKind) {
    super(problem.detail ? `${problem.title}（${problem.detail}）` : problem.title)
    this.name = 'ApiError'
    this.problem = problem
    this.kind = kind
  }

  get code(): ErrorCode {
    return this.problem.code
  }

  get status(): number {
    return this.problem.status
  }
}

/**
 * What a request needs of an `AbortSignal`. The page or hook that starts a request owns it and aborts it when it goes
 * away; the mini-program runtime may lack `AbortController` itself (see utils/abort.ts), so only this much is used.
 */
export type RequestSignal = Pick<AbortSignal, 'aborted' | 'addEventListener' | 'removeEventListener'>

/**
 * Thrown instead of an answer when the request's owner aborted it: the page is gone, or a newer load replaced this
 * one. Nobody shows it to a person; whoever aborted has stopped listening.
 */
export class RequestAbortedError extends Error {
  override name = 'RequestAbortedError'

  constructor() {
    super('请求已取消')
  }
}

/** How a per-resource call (services/*.ts) is made: with the app's client unless told otherwise, cancellable. */
export interface CallOptions {
  client?: HttpClient
  signal?: RequestSignal
}

export interface RequestOptions<T> {
  method?: HttpMethod
  /** Path under the API base, starting with `/`: `/api/v1/receptions`. */
  path: string
  query?: Record<string, string | number | undefined>
  body?: unknown
  /** The shared schema of a successful response body; the result is what it parses to. */
  schema: z.ZodType<T>
  /** Required by the API on creating POSTs (../shared/API.md, Conventions); the caller keeps it across retries. */
  idempotencyKey?: string
  /** A fixed bearer token for this one call; most callers set `authenticated` instead. */
  accessToken?: string
  /**
   * Sends the session's access token (signing in first when there is none) and, when the API answers 401
   * UNAUTHENTICATED, renews it once and sends the call again. Needs a client created with `auth`.
   */
  authenticated?: boolean
  /** Aborts the call and its retries: nothing is sent after it fires, and the call rejects with RequestAbortedError. */
  signal?: RequestSignal
}

/**
 * Where authenticated calls get their bearer token (services/session.ts). Kept as an interface so the client knows
 * nothing about how tokens are obtained, stored or refreshed.
 */
export interface AccessTokenSource {
  /** The token to send now, signing in first when there is no session. */
  current(): Promise<string>
  /** The API refused `rejected` with 401: a fresh token (refreshed, or from signing in again). */
  renew(rejected: string): Promise<string>
}

/** Taro.request, or anything shaped like it (a test double). */
export type RequestFunction = typeof Taro.request

/** Taro.uploadFile, or anything that answers like it (a test double): a status and the body as text. */
export type UploadFunction = (
  option: Taro.uploadFile.Option,
) => Promise<{ statusCode: number; data: unknown }> & { abort?: () => void }

export interface UploadOptions<T> {
  /** Path under the API base, starting with `/`: `/api/v1/attachments`. */
  path: string
  /** A local file: a WeChat temp path (`wxfile://…`, `http://tmp/…`) or, on H5, the blob URL the file picker made. */
  filePath: string
  /** The multipart field the API reads the file from. */
  name: string
  /** The file name sent with the part; the API identifies the type by content, never by this name. */
  fileName?: string
  schema: z.ZodType<T>
  authenticated?: boolean
  signal?: RequestSignal
}

export interface HttpClientOptions {
  /** The API origin; '' means the page's own origin (H5 served by the API). */
  baseUrl: string
  timeoutMs?: number
  /** Waits before each retry; its length is the number of retries. */
  retryDelaysMs?: readonly number[]
  request?: RequestFunction
  uploadFile?: UploadFunction
  /** How long one upload may take: a photo over a weak mobile network needs far longer than a JSON call. */
  uploadTimeoutMs?: number
  sleep?: (ms: number) => Promise<void>
  /** The session behind `authenticated` calls; without it such calls fail at once. */
  auth?: AccessTokenSource
}

const DEFAULT_TIMEOUT_MS = 10_000
const DEFAULT_UPLOAD_TIMEOUT_MS = 60_000
const DEFAULT_RETRY_DELAYS_MS = [400, 1200] as const

export interface HttpClient {
  request<T>(options: RequestOptions<T>): Promise<T>
  /** A public GET, sent without a token. */
  get<T>(path: string, schema: z.ZodType<T>, options?: Pick<RequestOptions<T>, 'query' | 'signal'>): Promise<T>
  /**
   * One file as `multipart/form-data` (Taro.uploadFile, which like Taro.request resolves for every status). Never
   * retried: each upload that arrives creates a new file on the server, so a second try is the person's decision.
   */
  upload<T>(options: UploadOptions<T>): Promise<T>
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS
  const sleep = options.sleep ?? defaultSleep

  async function request<T>(requestOptions: RequestOptions<T>): Promise<T> {
    return withToken(requestOptions, (token) => requestWithRetries(requestOptions, token))
  }

  async function withToken<T>(
    call: { path: string; authenticated?: boolean; accessToken?: string; signal?: RequestSignal },
    send: (accessToken: string | undefined) => Promise<T>,
  ): Promise<T> {
    throwIfAborted(call.signal)
    if (!call.authenticated) return send(call.accessToken)
    const auth = options.auth
    if (!auth) throw new Error(`${call.path}: an authenticated call needs a client created with auth`)
    const token = await auth.current()
    // Signing in may take a while; the page that asked may be gone by then.
    throwIfAborted(call.signal)
    try {
      return await send(token)
    } catch (error) {
      // The access token expired or was revoked. The API refused before doing anything, so sending the call once
      // more with a renewed token is safe even for a POST. Only UNAUTHENTICATED means that: other 401s (an invalid
      // WeChat code, say) are about the request, and a new token would not change their answer.
      if (!(error instanceof ApiError && error.code === 'UNAUTHENTICATED')) throw error
      const renewed = await auth.renew(token)
      throwIfAborted(call.signal)
      return send(renewed)
    }
  }

  async function requestWithRetries<T>(requestOptions: RequestOptions<T>, accessToken: string | undefined): Promise<T> {
    const method = requestOptions.method ?? 'GET'
    // A GET changes nothing, and a call carrying an Idempotency-Key is replayed by the API rather than repeated,
    // so both are safe to send again. Any other POST might create a second petition: it is never retried.
    const isRetryable = method === 'GET' || requestOptions.idempotencyKey !== undefined
    const maxRetries = isRetryable ? retryDelaysMs.length : 0

    for (let attempt = 0; ; attempt++) {
      try {
        return await sendOnce(requestOptions, method, accessToken)
      } catch (error) {
        if (attempt >= maxRetries || !isTransient(error)) throw error
        await sleepUnlessAborted(sleep, retryDelaysMs[attempt] ?? 0, requestOptions.signal)
      }
    }
  }

  async function sendOnce<T>(
    requestOptions: RequestOptions<T>,
    method: HttpMethod,
    accessToken: string | undefined,
  ): Promise<T> {
    const request = options.request ?? Taro.request
    const header: Record<string, string> = { Accept: 'application/json, application/problem+json' }
    if (requestOptions.body !== undefined) header['Content-Type'] = 'application/json'
    if (requestOptions.idempotencyKey !== undefined) header['Idempotency-Key'] = requestOptions.idempotencyKey
    if (accessToken !== undefined) header.Authorization = `Bearer ${accessToken}`

    const task = request<unknown>({
      url: options.baseUrl + requestOptions.path + queryStringOf(requestOptions.query),
      method,
      header,
      data: requestOptions.body,
      dataType: 'json',
      timeout: timeoutMs + 1000,
    })

    const response = await settleWithin(task, timeoutMs, requestOptions.signal)
    return readResponse(response.statusCode, response.data, requestOptions.schema)
  }

  async function uploadOnce<T>(uploadOptions: UploadOptions<T>, accessToken: string | undefined): Promise<T> {
    const uploadFile = options.uploadFile ?? Taro.uploadFile
    // No Content-Type: the platform writes multipart/form-data with its boundary itself.
    const header: Record<string, string> = { Accept: 'application/json, application/problem+json' }
    if (accessToken !== undefined) header.Authorization = `Bearer ${accessToken}`
    const uploadTimeoutMs = options.uploadTimeoutMs ?? DEFAULT_UPLOAD_TIMEOUT_MS
    const task = uploadFile({
      url: options.baseUrl + uploadOptions.path,
      filePath: uploadOptions.filePath,
      name: uploadOptions.name,
      header,
      timeout: uploadTimeoutMs + 1000,
      // H5 only: the token travels in the header; cookies would only make a cross-origin API demand credentials.
      withCredentials: false,
      ...(uploadOptions.fileName !== undefined ? { fileName: uploadOptions.fileName } : {}),
    })
    const response = await settleWithin(task, uploadTimeoutMs, uploadOptions.signal)
    return readResponse(response.statusCode, response.data, uploadOptions.schema)
  }

  return {
    request,
    get: (path, schema, getOptions = {}) => request({ path, schema, ...getOptions }),
    upload: (uploadOptions) => withToken(uploadOptions, (token) => uploadOnce(uploadOptions, token)),
  }
}

/**
 * The platform task's answer, or a network error when there is none within `timeoutMs`, or RequestAbortedError as
 * soon as the owner aborts (the platform task is aborted too, so the connection is not left open). The platform's own
 * timeout is only a backstop; this timer decides, so a timeout reads the same on every platform.
 */
async function settleWithin<R>(
  task: Promise<R> & { abort?: () => void },
  timeoutMs: number,
  signal: RequestSignal | undefined,
): Promise<R> {
  let timer: ReturnType<typeof setTimeout> | undefined
  let onAbort: (() => void) | undefined
  const interrupted = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abortQuietly(task)
      reject(networkError(`${Math.round(timeoutMs / 1000)} 秒内没有收到服务器响应`))
    }, timeoutMs)
    onAbort = () => {
      abortQuietly(task)
      reject(new RequestAbortedError())
    }
    signal?.addEventListener('abort', onAbort)
  })
  try {
    return await Promise.race([task, interrupted])
  } catch (error) {
    if (error instanceof ApiError || error instanceof RequestAbortedError) throw error
    // The platform reports its own abort as a failure; when the owner aborted, say so rather than blame the network.
    if (signal?.aborted) throw new RequestAbortedError()
    throw networkError(`无法连接服务器：${describeFailure(error)}`)
  } finally {
    clearTimeout(timer)
    if (onAbort) signal?.removeEventListener('abort', onAbort)
  }
}

function throwIfAborted(signal: RequestSignal | undefined): void {
  if (signal?.aborted) throw new RequestAbortedError()
}

/** The wait before a retry, cut short (with RequestAbortedError) when the owner aborts meanwhile. */
async function sleepUnlessAborted(
  sleep: (ms: number) => Promise<void>,
  ms: number,
  signal: RequestSignal | undefined,
): Promise<void> {
  throwIfAborted(signal)
  if (!signal) return sleep(ms)
  let onAbort: (() => void) | undefined
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new RequestAbortedError())
    signal.addEventListener('abort', onAbort)
  })
  try {
    await Promise.race([sleep(ms), aborted])
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort)
  }
}

/** Checks the status (both Taro.request and Taro.uploadFile resolve for every one) and parses the body. */
function readResponse<T>(statusCode: number, data: unknown, schema: z.ZodType<T>): T {
  const body = normalizeBody(data)
  if (statusCode < 200 || statusCode >= 300) {
    throw new ApiError(problemOf(statusCode, body), 'http')
  }
  const parsed = schema.safeParse(statusCode === 204 ? undefined : body)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue ? `${issue.path.join('.') || '(根)'}：${issue.message}` : ''
    throw new ApiError(genericProblem('INTERNAL_ERROR', 502, `服务器返回的数据与约定不符 ${where}`), 'contract')
  }
  return parsed.data
}

function isTransient(error: unknown): boolean {
  return error instanceof ApiError && (error.kind === 'network' || (error.kind === 'http' && error.status >= 500))
}

function queryStringOf(query: RequestOptions<unknown>['query']): string {
  if (!query) return ''
  const pairs = Object.entries(query)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
  return pairs.length > 0 ? `?${pairs.join('&')}` : ''
}

/**
 * wx.request hands back the raw text when a body is not JSON, H5 hands back null, and uploadFile always hands back
 * text. Accept all of them.
 */
function normalizeBody(data: unknown): unknown {
  if (typeof data !== 'string') return data
  try {
    return JSON.parse(data)
  } catch {
    return data
  }
}

/**
 * The API's own problem when the body is one; otherwise (a proxy's HTML page, an empty 502) a generic problem
 * with a Chinese title, so the UI never has to show raw text or English.
 */
function problemOf(statusCode: number, body: unknown): Problem {
  const parsed = ProblemSchema.safeParse(body)
  if (parsed.success) return parsed.data
  const status = statusCode >= 400 && statusCode <= 599 ? statusCode : 502
  const code: ErrorCode = status === 502 || status === 503 || status === 504 ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_ERROR'
  return genericProblem(code, status, `HTTP ${statusCode}`)
}

function genericProblem(code: ErrorCode, status: number, detail: string): Problem {
  return { type: problemTypeOf(code), title: ERROR_CODES[code].title, status, code, detail }
}

/**
 * A request that got no answer has no HTTP status; it is reported as SERVICE_UNAVAILABLE (503) so it still fits the
 * one Problem shape, with its own type and the title a person can act on.
 */
function networkError(detail: string): ApiError {
  return new ApiError(
    {
      type: problemTypeOf('NETWORK_ERROR'),
      title: NETWORK_ERROR_TITLE,
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      detail,
    },
    'network',
  )
}

function describeFailure(error: unknown): string {
  if (error instanceof Error) return error.message
  if (typeof error === 'object' && error !== null && 'errMsg' in error && typeof error.errMsg === 'string') {
    return error.errMsg
  }
  return String(error)
}

function abortQuietly(task: { abort?: () => void }): void {
  try {
    task.abort?.()
  } catch {
    // Already settled: nothing left to abort.
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
