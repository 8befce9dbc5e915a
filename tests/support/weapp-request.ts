import { readFile } from 'node:fs/promises'

/**
 * `wx.request` over real HTTP, with WeChat's calling convention: callbacks (or a promise when none is given), a
 * RequestTask, `success` for every HTTP status (only network errors and timeouts reach `fail`), `data` JSON-parsed
 * when `dataType` is json and the body parses, otherwise the raw text.
 * https://developers.weixin.qq.com/miniprogram/dev/api/network/request/wx.request.html
 */

export interface WxRequestOptions {
  url: string
  method?: string
  header?: Record<string, unknown>
  data?: unknown
  timeout?: number
  dataType?: string
  responseType?: string
  success?: (result: WxRequestSuccess) => void
  fail?: (error: WxRequestFail) => void
  complete?: (result: WxRequestSuccess | WxRequestFail) => void
}

export interface WxRequestSuccess {
  data: unknown
  statusCode: number
  header: Record<string, string>
  cookies: string[]
  errMsg: 'request:ok'
}

export interface WxRequestFail {
  errMsg: string
  errno: number
}

export interface WxRequestTask {
  abort(): void
  onHeadersReceived(listener: (result: { header: Record<string, string> }) => void): void
  offHeadersReceived(listener?: unknown): void
  onChunkReceived(listener?: unknown): void
  offChunkReceived(listener?: unknown): void
}

/** One request as the API saw it, after the origin rewrite. */
export interface RecordedRequest {
  method: string
  /** The URL the mini-program asked for (its build-time API base). */
  requestedUrl: string
  /** The URL actually fetched (the test API). */
  url: string
  path: string
  requestHeader: Record<string, string>
  body: string | undefined
  statusCode?: number
  responseBody?: unknown
  error?: string
}

export interface WxRequestShimOptions {
  /** Read on every request, so a test can point the running app at another API (or at nothing). */
  apiBaseUrl: () => string
  /** Every request, in the order they were made; entries are completed in place when the response arrives. */
  log: RecordedRequest[]
  /**
   * Called as a request starts; the function it returns is called once the request's callbacks have run, so that a
   * harness knows exactly which requests the app is still waiting for.
   */
  track?: () => () => void
}

/** WeChat's default when the caller gives none. */
const DEFAULT_TIMEOUT_MS = 60_000

// errno values from WeChat's error code table (600001 generic network error, 5 timeout).
const ERRNO_NETWORK = 600001
const ERRNO_TIMEOUT = 5

export function createWxRequest(shim: WxRequestShimOptions) {
  function request(options: WxRequestOptions): WxRequestTask | Promise<WxRequestSuccess> {
    if (!options.success && !options.fail && !options.complete) {
      return new Promise<WxRequestSuccess>((resolve, reject) => {
        send({ ...options, success: resolve, fail: reject })
      })
    }
    return send(options)
  }

  function send(options: WxRequestOptions): WxRequestTask {
    const controller = new AbortController()
    let abortReason: 'abort' | 'timeout' | undefined
    const timer = setTimeout(() => {
      abortReason = 'timeout'
      controller.abort()
    }, options.timeout ?? DEFAULT_TIMEOUT_MS)
    const headerListeners: ((result: { header: Record<string, string> }) => void)[] = []

    const method = (options.method ?? 'GET').toUpperCase()
    const requestHeader = normaliseHeader(options.header)
    const url = new URL(rewriteOrigin(options.url, shim.apiBaseUrl()))
    let body: string | undefined
    if (method === 'GET' || method === 'HEAD') {
      appendQuery(url, options.data)
    } else {
      body = encodeBody(options.data, requestHeader)
    }
    const record: RecordedRequest = {
      method,
      requestedUrl: options.url,
      url: url.href,
      path: url.pathname,
      requestHeader,
      body,
    }
    shim.log.push(record)
    const done = shim.track?.()

    const settle = (outcome: { ok: true; result: WxRequestSuccess } | { ok: false; result: WxRequestFail }) => {
      clearTimeout(timer)
      // Callbacks run on a fresh macrotask, outside this promise chain, as on a device: an exception thrown by app
      // code surfaces as an uncaught error (failing the test run) instead of being swallowed here.
      setTimeout(() => {
        try {
          if (outcome.ok) options.success?.(outcome.result)
          else options.fail?.(outcome.result)
          options.complete?.(outcome.result)
        } finally {
          done?.()
        }
      }, 0)
    }

    fetch(url, { method, headers: requestHeader, body, signal: controller.signal })
      .then(async (response) => {
        const header = Object.fromEntries(response.headers.entries())
        for (const listener of headerListeners) listener({ header })
        const data =
          options.responseType === 'arraybuffer'
            ? await response.arrayBuffer()
            : parseBody(await response.text(), options.dataType ?? 'json')
        record.statusCode = response.status
        record.responseBody = data
        settle({
          ok: true,
          result: {
            data,
            statusCode: response.status,
            header,
            cookies: response.headers.getSetCookie(),
            errMsg: 'request:ok',
          },
        })
      })
      .catch((error: unknown) => {
        const reason = abortReason ?? (error instanceof Error ? (causeOf(error) ?? error.message) : String(error))
        record.error = reason
        settle({
          ok: false,
          result: {
            errMsg: `request:fail ${reason}`,
            errno: abortReason === 'timeout' ? ERRNO_TIMEOUT : ERRNO_NETWORK,
          },
        })
      })

    return {
      abort() {
        abortReason = 'abort'
        controller.abort()
      },
      onHeadersReceived(listener) {
        headerListeners.push(listener)
      },
      offHeadersReceived() {},
      onChunkReceived() {},
      offChunkReceived() {},
    }
  }

  return request
}

/**
 * The weapp build bakes its API base URL in at build time (`TARO_APP_API_BASE`, default http://127.0.0.1:8787),
 * while each test starts its API on a free port. Keeping the path and query but taking the protocol, host and port
 * of the test API lets the one standard build be tested against any API without rebuilding it per run.
 */
export function rewriteOrigin(requestedUrl: string, apiBaseUrl: string): string {
  const target = new URL(requestedUrl)
  const base = new URL(apiBaseUrl)
  target.protocol = base.protocol
  target.host = base.host
  return target.href
}

function normaliseHeader(header: Record<string, unknown> | undefined): Record<string, string> {
  const result: Record<string, string> = { 'content-type': 'application/json' }
  for (const [name, value] of Object.entries(header ?? {})) {
    if (value === undefined || value === null) continue
    result[name.toLowerCase()] = String(value)
  }
  return result
}

/** WeChat serialises `data` into the query string for GET: objects key by key, strings as they are. */
function appendQuery(url: URL, data: unknown): void {
  if (data === undefined || data === null) return
  if (typeof data === 'string') {
    const extra = data.replace(/^[?&]/, '')
    if (extra) url.search = url.search ? `${url.search}&${extra}` : `?${extra}`
    return
  }
  if (typeof data === 'object') {
    for (const [key, value] of Object.entries(data)) {
      if (value === undefined) continue
      url.searchParams.append(key, typeof value === 'object' ? JSON.stringify(value) : String(value))
    }
  }
}

/** For other methods: strings as they are, objects as JSON unless the caller asked for a urlencoded form. */
function encodeBody(data: unknown, header: Record<string, string>): string | undefined {
  if (data === undefined || data === null) return undefined
  if (typeof data === 'string') return data
  if (header['content-type']?.includes('application/x-www-form-urlencoded') && typeof data === 'object') {
    const form = new URLSearchParams()
    for (const [key, value] of Object.entries(data)) {
      if (value !== undefined) form.append(key, typeof value === 'object' ? JSON.stringify(value) : String(value))
    }
    return form.toString()
  }
  return JSON.stringify(data)
}

function parseBody(text: string, dataType: string): unknown {
  if (dataType !== 'json') return text
  try {
    return JSON.parse(text)
  } catch {
    // WeChat hands over the raw text when a "json" response does not parse.
    return text
  }
}

function causeOf(error: Error): string | undefined {
  const cause: unknown = error.cause
  return cause instanceof Error ? cause.message : undefined
}

// ——— wx.uploadFile ———

export interface WxUploadFileOptions {
  url: string
  /** A "temp file path": in the simulation, a real file on disk the test wrote (what `chooseImage` handed back). */
  filePath: string
  name: string
  header?: Record<string, unknown>
  formData?: Record<string, unknown>
  timeout?: number
  success?: (result: WxUploadFileSuccess) => void
  fail?: (error: WxRequestFail) => void
  complete?: (result: WxUploadFileSuccess | WxRequestFail) => void
}

export interface WxUploadFileSuccess {
  /** Always the raw response text: uploadFile, unlike request, never parses JSON. */
  data: string
  statusCode: number
  errMsg: 'uploadFile:ok'
}

export interface WxUploadTask {
  abort(): void
  onProgressUpdate(listener?: unknown): void
  offProgressUpdate(listener?: unknown): void
  onHeadersReceived(listener?: unknown): void
  offHeadersReceived(listener?: unknown): void
}

/**
 * `wx.uploadFile` over real HTTP: the file at `filePath` as one `multipart/form-data` part named `name` (file name:
 * the path's last segment, as WeChat sends it), `formData` as extra fields, `success` for every HTTP status with the
 * body as text. Requests are logged with the `wx.request` ones; the body is recorded as a short description.
 * https://developers.weixin.qq.com/miniprogram/dev/api/network/upload/wx.uploadFile.html
 */
export function createWxUploadFile(shim: WxRequestShimOptions) {
  function uploadFile(options: WxUploadFileOptions): WxUploadTask | Promise<WxUploadFileSuccess> {
    if (!options.success && !options.fail && !options.complete) {
      return new Promise<WxUploadFileSuccess>((resolve, reject) => {
        send({ ...options, success: resolve, fail: reject })
      })
    }
    return send(options)
  }

  function send(options: WxUploadFileOptions): WxUploadTask {
    const controller = new AbortController()
    let abortReason: 'abort' | 'timeout' | undefined
    const timer = setTimeout(() => {
      abortReason = 'timeout'
      controller.abort()
    }, options.timeout ?? DEFAULT_TIMEOUT_MS)
    const url = new URL(rewriteOrigin(options.url, shim.apiBaseUrl()))
    // fetch writes the multipart Content-Type with its boundary; one given by the caller would break it.
    const requestHeader = normaliseHeader(options.header)
    delete requestHeader['content-type']
    const fileName = options.filePath.split(/[\\/]/).pop() ?? 'file'
    const record: RecordedRequest = {
      method: 'POST',
      requestedUrl: options.url,
      url: url.href,
      path: url.pathname,
      requestHeader,
      body: `[multipart ${options.name}=${fileName}]`,
    }
    shim.log.push(record)
    const done = shim.track?.()

    const settle = (outcome: { ok: true; result: WxUploadFileSuccess } | { ok: false; result: WxRequestFail }) => {
      clearTimeout(timer)
      setTimeout(() => {
        try {
          if (outcome.ok) options.success?.(outcome.result)
          else options.fail?.(outcome.result)
          options.complete?.(outcome.result)
        } finally {
          done?.()
        }
      }, 0)
    }

    readFile(options.filePath)
      .then((bytes) => {
        const form = new FormData()
        for (const [key, value] of Object.entries(options.formData ?? {})) form.append(key, String(value))
        form.append(options.name, new Blob([bytes]), fileName)
        return fetch(url, { method: 'POST', headers: requestHeader, body: form, signal: controller.signal })
      })
      .then(async (response) => {
        const data = await response.text()
        record.statusCode = response.status
        record.responseBody = parseBody(data, 'json')
        settle({ ok: true, result: { data, statusCode: response.status, errMsg: 'uploadFile:ok' } })
      })
      .catch((error: unknown) => {
        const reason = abortReason ?? (error instanceof Error ? (causeOf(error) ?? error.message) : String(error))
        record.error = reason
        settle({
          ok: false,
          result: {
            errMsg: `uploadFile:fail ${reason}`,
            errno: abortReason === 'timeout' ? ERRNO_TIMEOUT : ERRNO_NETWORK,
          },
        })
      })

    return {
      abort() {
        abortReason = 'abort'
        controller.abort()
      },
      onProgressUpdate() {},
      offProgressUpdate() {},
      onHeadersReceived() {},
      offHeadersReceived() {},
    }
  }

  return uploadFile
}
