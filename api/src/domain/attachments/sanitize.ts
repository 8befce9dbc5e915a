import { ATTACHMENT_IMAGE_MAX_PIXELS, ATTACHMENT_IMAGE_MAX_SIDE } from '@xinfang/shared'

/**
 * What an upload is, decided by its bytes — never by its name or declared type — and a copy of it with
 * metadata removed. Files that merely start like an image (a JPEG header glued to HTML, say) are refused,
 * because every accepted file is re-assembled from its parsed structure and anything unparsable is rejected.
 * Images are refused by the size they declare, too, before anyone downstream tries to decode them.
 */
export type SanitizedFile =
  | {
      ok: true
      mime: 'image/jpeg' | 'image/png' | 'application/pdf'
      bytes: Uint8Array
      extension: 'jpg' | 'png' | 'pdf'
    }
  /** `unsupported`: not a file of an accepted type, or a damaged one; `too-large`: an image of too many pixels. */
  | { ok: false; refusal: 'unsupported' | 'too-large'; reason: string }

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

export function sanitizeUpload(bytes: Uint8Array): SanitizedFile {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return sanitizeJpeg(bytes)
  if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return sanitizePng(bytes)
  if (startsWithAscii(bytes, '%PDF-')) return checkPdf(bytes)
  return { ok: false, refusal: 'unsupported', reason: '仅支持 JPEG、PNG 图片和 PDF 文件' }
}

/** A refusal for an image over the pixel limits (`ATTACHMENT_IMAGE_MAX_*`), or null for one within them. */
function checkDimensions(width: number, height: number): SanitizedFile | null {
  if (
    width <= ATTACHMENT_IMAGE_MAX_SIDE &&
    height <= ATTACHMENT_IMAGE_MAX_SIDE &&
    width * height <= ATTACHMENT_IMAGE_MAX_PIXELS
  ) {
    return null
  }
  return {
    ok: false,
    refusal: 'too-large',
    reason:
      `图片为 ${width}×${height} 像素，超过上限（单边 ${ATTACHMENT_IMAGE_MAX_SIDE} 像素、共 ` +
      `${ATTACHMENT_IMAGE_MAX_PIXELS / 10_000} 万像素），请缩小图片或截图后再上传`,
  }
}

function startsWithAscii(bytes: Uint8Array, text: string, at = 0): boolean {
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false
  return true
}

/**
 * JPEG: walk the marker segments, drop APP1–APP15 (EXIF, GPS, XMP, ICC, vendor data) and COM, keep APP0 (JFIF)
 * and everything that decodes the image, and stop at EOI — bytes after it are dropped.
 */
function sanitizeJpeg(bytes: Uint8Array): SanitizedFile {
  const bad = { ok: false as const, refusal: 'unsupported' as const, reason: '图片文件已损坏或不是有效的 JPEG' }
  const kept: Uint8Array[] = [bytes.subarray(0, 2)]
  let at = 2
  let hasFrame = false
  while (at < bytes.length) {
    if (bytes[at] !== 0xff) return bad
    const marker = bytes[at + 1]
    if (marker === undefined) return bad
    if (marker === 0xff) {
      at++ // fill byte
      continue
    }
    if (marker === 0xd9) {
      if (!hasFrame) return bad
      kept.push(bytes.subarray(at, at + 2))
      return { ok: true, mime: 'image/jpeg', bytes: concat(kept), extension: 'jpg' }
    }
    if (marker >= 0xd0 && marker <= 0xd7) return bad // restart markers only occur inside scan data
    const length = ((bytes[at + 2] ?? 0) << 8) | (bytes[at + 3] ?? 0)
    if (length < 2 || at + 2 + length > bytes.length) return bad
    const segment = bytes.subarray(at, at + 2 + length)
    if (isStartOfFrame(marker)) {
      // SOFn: precision, then height and width as 16-bit big-endian. A height of 0 (to be given by a DNL marker
      // after the first scan) is something no browser decodes.
      if (length < 8) return bad
      const height = ((bytes[at + 5] ?? 0) << 8) | (bytes[at + 6] ?? 0)
      const width = ((bytes[at + 7] ?? 0) << 8) | (bytes[at + 8] ?? 0)
      if (width === 0 || height === 0) return bad
      const tooLarge = checkDimensions(width, height)
      if (tooLarge) return tooLarge
      hasFrame = true
    }
    if (marker === 0xda && !hasFrame) return bad // a scan before any frame header has no size to decode into
    const isMetadata = (marker >= 0xe1 && marker <= 0xef) || marker === 0xfe
    if (!isMetadata) kept.push(segment)
    at += 2 + length
    if (marker === 0xda) {
      // Entropy-coded scan data runs until a marker that is not a stuffed 0x00 or a restart marker.
      const scanStart = at
      while (at < bytes.length) {
        if (bytes[at] === 0xff) {
          const next = bytes[at + 1]
          if (next !== 0x00 && !(next !== undefined && next >= 0xd0 && next <= 0xd7)) break
        }
        at++
      }
      kept.push(bytes.subarray(scanStart, at))
    }
  }
  return bad
}

/** SOF0–SOF15, the frame headers that carry the image size; C4 (DHT), C8 (JPG) and CC (DAC) share the range. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc
}

const PNG_CRITICAL_OR_SAFE = new Set([
  'IHDR',
  'PLTE',
  'IDAT',
  'IEND',
  'tRNS',
  'gAMA',
  'cHRM',
  'sRGB',
  'iCCP',
  'sBIT',
  'pHYs',
  'bKGD',
])

/** PNG: walk the chunks, check each CRC, drop text and EXIF chunks, stop at IEND. */
function sanitizePng(bytes: Uint8Array): SanitizedFile {
  const bad = { ok: false as const, refusal: 'unsupported' as const, reason: '图片文件已损坏或不是有效的 PNG' }
  const kept: Uint8Array[] = [bytes.subarray(0, 8)]
  let at = 8
  let sawHeader = false
  while (at + 12 <= bytes.length) {
    const length = readUint32(bytes, at)
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8))
    const end = at + 12 + length
    if (end > bytes.length || !/^[A-Za-z]{4}$/.test(type)) return bad
    if (crc32(bytes.subarray(at + 4, at + 8 + length)) !== readUint32(bytes, at + 8 + length)) return bad
    if (!sawHeader) {
      // IHDR comes first: 13 bytes, width and height as 32-bit big-endian, neither 0 (PNG spec §11.2.2).
      if (type !== 'IHDR' || length !== 13) return bad
      const width = readUint32(bytes, at + 8)
      const height = readUint32(bytes, at + 12)
      if (width === 0 || height === 0) return bad
      const tooLarge = checkDimensions(width, height)
      if (tooLarge) return tooLarge
    }
    sawHeader = true
    if (PNG_CRITICAL_OR_SAFE.has(type)) kept.push(bytes.subarray(at, end))
    else if (type[0] === type[0]?.toUpperCase()) return bad // unknown critical chunk: cannot be decoded safely
    at = end
    if (type === 'IEND') return { ok: true, mime: 'image/png', bytes: concat(kept), extension: 'png' }
  }
  return bad
}

/**
 * PDF: the header, an end-of-file marker, and no HTML inside. PDF has no metadata that locates a person the way
 * GPS EXIF does; it is served only as a download (`Content-Disposition: attachment`, `nosniff`).
 */
function checkPdf(bytes: Uint8Array): SanitizedFile {
  const tail = new TextDecoder('latin1').decode(bytes.subarray(Math.max(0, bytes.length - 1024)))
  if (!tail.includes('%%EOF')) return { ok: false, refusal: 'unsupported', reason: 'PDF 文件不完整' }
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, Math.min(bytes.length, 4096))).toLowerCase()
  if (head.includes('<html') || head.includes('<script') || head.includes('<!doctype')) {
    return { ok: false, refusal: 'unsupported', reason: 'PDF 文件内容异常' }
  }
  return { ok: true, mime: 'application/pdf', bytes, extension: 'pdf' }
}

function readUint32(bytes: Uint8Array, at: number): number {
  return (
    (((bytes[at] ?? 0) << 24) | ((bytes[at + 1] ?? 0) << 16) | ((bytes[at + 2] ?? 0) << 8) | (bytes[at + 3] ?? 0)) >>> 0
  )
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0))
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

export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}
