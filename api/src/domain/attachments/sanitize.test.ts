import { ATTACHMENT_IMAGE_MAX_PIXELS, ATTACHMENT_IMAGE_MAX_SIDE } from '@xinfang/shared'
import { expect, test } from 'vitest'
import { tinyJpeg, tinyPng } from '../../../test/fixtures/files'
import { sanitizeUpload } from './sanitize'

const MAX_SIDE = ATTACHMENT_IMAGE_MAX_SIDE
/** The widest image of `MAX_SIDE` rows still within the pixel limit, and one column more. */
const WIDEST_AT_MAX_SIDE = Math.floor(ATTACHMENT_IMAGE_MAX_PIXELS / MAX_SIDE)

const formats = [
  { name: 'PNG', build: (width: number, height: number) => tinyPng({ width, height }) },
  { name: 'JPEG', build: (width: number, height: number) => tinyJpeg({ width, height }) },
]

for (const { name, build } of formats) {
  test(`a ${name} declaring 50000×50000 pixels is refused as too large, saying its size and what to do`, () => {
    const result = sanitizeUpload(build(50_000, 50_000))
    expect(result).toMatchObject({ ok: false, refusal: 'too-large' })
    expect(result.ok ? '' : result.reason).toMatch(/50000×50000.*请缩小图片/)
  })

  test(`a ${name} is refused one pixel past either limit and accepted at it`, () => {
    expect(sanitizeUpload(build(MAX_SIDE + 1, 1))).toMatchObject({ ok: false, refusal: 'too-large' })
    expect(sanitizeUpload(build(1, MAX_SIDE + 1))).toMatchObject({ ok: false, refusal: 'too-large' })
    expect(sanitizeUpload(build(WIDEST_AT_MAX_SIDE + 1, MAX_SIDE))).toMatchObject({ ok: false, refusal: 'too-large' })
    expect(sanitizeUpload(build(MAX_SIDE, MAX_SIDE))).toMatchObject({ ok: false, refusal: 'too-large' })
    expect(sanitizeUpload(build(WIDEST_AT_MAX_SIDE, MAX_SIDE))).toMatchObject({ ok: true })
    expect(sanitizeUpload(build(MAX_SIDE, 1))).toMatchObject({ ok: true })
  })

  test(`a ${name} declaring a zero side is refused as damaged`, () => {
    expect(sanitizeUpload(build(0, 8))).toMatchObject({ ok: false, refusal: 'unsupported' })
    expect(sanitizeUpload(build(8, 0))).toMatchObject({ ok: false, refusal: 'unsupported' })
  })
}

test('a PNG whose header is not the 13 bytes IHDR must be is refused as damaged', () => {
  const png = tinyPng()
  const shortened = Uint8Array.from(png)
  shortened[11] = 12 // IHDR's declared length; its CRC no longer matches either
  expect(sanitizeUpload(shortened)).toMatchObject({ ok: false, refusal: 'unsupported' })
})

test('a JPEG that reaches its end without a frame header has no size and is refused', () => {
  const withoutFrame = Uint8Array.from([0xff, 0xd8, 0xff, 0xfe, 0x00, 0x04, 0x41, 0x42, 0xff, 0xd9])
  expect(sanitizeUpload(withoutFrame)).toMatchObject({ ok: false, refusal: 'unsupported' })
})

test('a progressive JPEG (SOF2) is held to the same limits as a baseline one', () => {
  const progressive = (width: number, height: number) => {
    const jpeg = tinyJpeg({ width, height })
    const frame = jpeg.findIndex((byte, at) => byte === 0xff && jpeg[at + 1] === 0xc0)
    jpeg[frame + 1] = 0xc2
    return jpeg
  }
  expect(sanitizeUpload(progressive(50_000, 50_000))).toMatchObject({ ok: false, refusal: 'too-large' })
  expect(sanitizeUpload(progressive(8, 8))).toMatchObject({ ok: true })
})
