import jsQR from 'jsqr'
import { expect, test } from 'vitest'
import { checkInQrMatrix, QR_QUIET_ZONE_MODULES, runsOf } from './check-in-qr'

/** The matrix drawn as a black-on-white RGBA image, `scale` pixels per module, as a scanner's camera would see it. */
function imageOf(matrix: boolean[][], scale = 4): { data: Uint8ClampedArray; size: number } {
  const size = matrix.length * scale
  const data = new Uint8ClampedArray(size * size * 4)
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const value = matrix[Math.floor(y / scale)]?.[Math.floor(x / scale)] ? 0 : 255
      data.set([value, value, value, 255], (y * size + x) * 4)
    }
  }
  return { data, size }
}

test('the QR code of a check-in code decodes back to that code', () => {
  const matrix = checkInQrMatrix('7KQ2MWXR9P')
  const { data, size } = imageOf(matrix)

  expect(jsQR(data, size, size)?.data).toBe('7KQ2MWXR9P')
})

test('the code is encoded as staff type it: without the dash and in capitals', () => {
  const { data, size } = imageOf(checkInQrMatrix('7kq2m-wxr9p'))

  expect(jsQR(data, size, size)?.data).toBe('7KQ2MWXR9P')
})

test('a ten-character code fits version 1 (21 modules) with a four-module quiet zone on every side', () => {
  const matrix = checkInQrMatrix('ABCDEFGHJK')

  expect(matrix).toHaveLength(21 + 2 * QR_QUIET_ZONE_MODULES)
  for (const row of matrix) expect(row).toHaveLength(matrix.length)
  const border = [
    ...matrix.slice(0, QR_QUIET_ZONE_MODULES).flat(),
    ...matrix.slice(-QR_QUIET_ZONE_MODULES).flat(),
    ...matrix.flatMap((row) => [...row.slice(0, QR_QUIET_ZONE_MODULES), ...row.slice(-QR_QUIET_ZONE_MODULES)]),
  ]
  expect(border.every((isDark) => !isDark)).toBe(true)
  // The top-left finder pattern starts right inside the quiet zone: a 7-module dark line.
  expect(matrix[QR_QUIET_ZONE_MODULES]?.slice(QR_QUIET_ZONE_MODULES, QR_QUIET_ZONE_MODULES + 7)).toEqual(
    Array(7).fill(true),
  )
})

test('a row is drawn as runs of one colour that add up to the row', () => {
  expect(runsOf([false, false, true, true, true, false, true])).toEqual([
    { isDark: false, length: 2 },
    { isDark: true, length: 3 },
    { isDark: false, length: 1 },
    { isDark: true, length: 1 },
  ])
  for (const row of checkInQrMatrix('ABCDEFGHJK')) {
    expect(runsOf(row).reduce((sum, run) => sum + run.length, 0)).toBe(row.length)
  }
})
