import { deflateSync } from 'node:zlib'

/** Upload bodies built by hand, so that a broken one is broken exactly as intended. */

const ascii = (text: string) => new TextEncoder().encode(text)

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

/** CRC-32 as PNG chunks use it (ISO 3309). */
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}

function uint32(value: number): Uint8Array {
  return Uint8Array.from([value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff])
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const typeAndData = concat(ascii(type), data)
  return concat(uint32(data.length), typeAndData, uint32(crc32(typeAndData)))
}

/**
 * A real, decodable 1×1 greyscale PNG; `width` and `height` change only what its header declares, as a crafted
 * file does.
 */
export function tinyPng(options: { width?: number; height?: number } = {}): Uint8Array {
  const { width = 1, height = 1 } = options
  return concat(
    Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', concat(uint32(width), uint32(height), Uint8Array.from([8, 0, 0, 0, 0]))),
    pngChunk('IDAT', new Uint8Array(deflateSync(Uint8Array.from([0, 0x80])))),
    pngChunk('IEND', new Uint8Array()),
  )
}

function jpegSegment(marker: number, payload: Uint8Array): Uint8Array {
  const length = payload.length + 2
  return concat(Uint8Array.from([0xff, marker, length >> 8, length & 0xff]), payload)
}

/**
 * A baseline JPEG whose frame header declares `width`×`height`, followed by the one all-zero 8×8 block of a grey
 * image: small, well-formed in every segment, and as large as it claims only to whoever decodes it.
 */
export function jpegDeclaring(width: number, height: number): Uint8Array {
  return concat(
    Uint8Array.from([0xff, 0xd8]),
    jpegSegment(0xdb, concat(Uint8Array.from([0]), new Uint8Array(64).fill(1))),
    jpegSegment(0xc0, Uint8Array.from([8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0])),
    jpegSegment(0xc4, Uint8Array.from([0x00, 1, ...new Array(15).fill(0), 0])),
    jpegSegment(0xc4, Uint8Array.from([0x10, 1, ...new Array(15).fill(0), 0])),
    jpegSegment(0xda, Uint8Array.from([1, 1, 0x00, 0, 63, 0])),
    Uint8Array.from([0x3f, 0xff, 0xd9]),
  )
}

export function tinyPdf(): Uint8Array {
  return ascii(
    '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
  )
}

/** Files no upload may accept: script in SVG, HTML under an image name, a JPEG signature glued to HTML. */
export const HOSTILE_FILES: Readonly<Record<string, Uint8Array>> = {
  svg: ascii('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
  html: ascii('<!doctype html><html><body><script>alert(1)</script></body></html>'),
  jpegSignatureThenHtml: concat(
    Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]),
    ascii('<html><script>alert(1)</script></html>'),
  ),
  pngSignatureOnly: Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  empty: new Uint8Array(),
}

export interface FormPart {
  name: string
  filename?: string
  contentType?: string
  data: Uint8Array
}

export const BOUNDARY = 'xinfang-fuzz-boundary'

/** A multipart/form-data body; `terminated: false` leaves out the closing delimiter. */
export function multipartBody(
  parts: readonly FormPart[],
  options: { boundary?: string; terminated?: boolean } = {},
): Uint8Array<ArrayBuffer> {
  const boundary = options.boundary ?? BOUNDARY
  const pieces: Uint8Array[] = []
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename === undefined ? '' : `; filename="${part.filename}"`}`
    const headers = [`Content-Disposition: ${disposition}`]
    if (part.contentType !== undefined) headers.push(`Content-Type: ${part.contentType}`)
    pieces.push(ascii(`--${boundary}\r\n${headers.join('\r\n')}\r\n\r\n`), part.data, ascii('\r\n'))
  }
  if (options.terminated !== false) pieces.push(ascii(`--${boundary}--\r\n`))
  return concat(...pieces)
}
