import type { Context } from 'hono'
import { AppError } from '../domain/app-error'

/**
 * Parts an upload form may hold: the file, and room for the odd field a platform's uploader adds. The parser
 * builds every part before anything is checked, and a 10 MB body of empty parts is 200,000 of them — about a
 * second of CPU, for one request. Counting delimiters first costs a native byte search that stops past the limit.
 */
export const UPLOAD_FORM_MAX_PARTS = 8

const unreadable = () =>
  new AppError('VALIDATION_FAILED', { errors: [{ path: 'body', message: '上传内容不完整，请重新上传' }] })

/** The multipart form of an upload request, refused before parsing when it holds more parts than a form needs. */
export async function readUploadForm(c: Context): Promise<FormData> {
  const contentType = c.req.header('content-type') ?? ''
  const boundary = boundaryOf(contentType)
  if (boundary === undefined) throw unreadable()
  let body: ArrayBuffer
  try {
    body = await c.req.arrayBuffer()
  } catch {
    throw unreadable()
  }
  if (countParts(Buffer.from(body), boundary, UPLOAD_FORM_MAX_PARTS + 1) > UPLOAD_FORM_MAX_PARTS) {
    throw new AppError('VALIDATION_FAILED', {
      errors: [{ path: 'body', message: `上传内容最多包含 ${UPLOAD_FORM_MAX_PARTS} 个部分，请只上传一个文件` }],
    })
  }
  try {
    return await new Request('http://upload.invalid/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    }).formData()
  } catch {
    throw unreadable()
  }
}

/** The `boundary` parameter of a multipart content type, quoted or not (RFC 2046 §5.1.1). */
function boundaryOf(contentType: string): string | undefined {
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType)
  return match?.[1] ?? match?.[2]
}

/** Occurrences of the part delimiter `--boundary`, counted up to `stopAt`. */
function countParts(bytes: Buffer, boundary: string, stopAt: number): number {
  const delimiter = Buffer.from(`--${boundary}`, 'latin1')
  let count = 0
  for (let at = bytes.indexOf(delimiter); at !== -1 && count < stopAt; at = bytes.indexOf(delimiter, at + 1)) {
    count++
  }
  return count
}
