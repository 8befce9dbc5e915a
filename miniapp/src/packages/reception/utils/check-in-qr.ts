import { normalizeCheckInCode } from '@xinfang/shared'
import qrcode from 'qrcode-generator'

/**
 * The QR code of a check-in code (签到码), as rows of dark and light runs that plain Views can draw: no canvas, so it
 * renders the same in the weapp and in H5 and never waits for a canvas context.
 *
 * The code is encoded in alphanumeric mode (its 32-character alphabet is a subset), without the dash people read, at
 * error-correction level Q (25 %): phone screens held up to a scanner reflect light and get smudged. Ten characters
 * fit version 1, 21 × 21 modules.
 */

/** The blank margin every QR code needs around it to be found by a scanner: 4 modules (ISO/IEC 18004). */
export const QR_QUIET_ZONE_MODULES = 4

/** Whether each module is dark, row by row, quiet zone included. */
export function checkInQrMatrix(code: string): boolean[][] {
  const qr = qrcode(0, 'Q')
  qr.addData(normalizeCheckInCode(code), 'Alphanumeric')
  qr.make()
  const count = qr.getModuleCount()
  const size = count + 2 * QR_QUIET_ZONE_MODULES
  return Array.from({ length: size }, (_, row) =>
    Array.from({ length: size }, (_, col) => {
      const r = row - QR_QUIET_ZONE_MODULES
      const c = col - QR_QUIET_ZONE_MODULES
      return r >= 0 && r < count && c >= 0 && c < count && qr.isDark(r, c)
    }),
  )
}

/** A stretch of modules of one colour in a row. */
export interface QrRun {
  isDark: boolean
  /** In modules. */
  length: number
}

/**
 * A row as runs of one colour: a 29-module row is drawn with ~10 Views instead of 29, which keeps the weapp's setData
 * payload and the render tree small.
 */
export function runsOf(row: readonly boolean[]): QrRun[] {
  const runs: QrRun[] = []
  for (const isDark of row) {
    const last = runs.at(-1)
    if (last && last.isDark === isDark) last.length += 1
    else runs.push({ isDark, length: 1 })
  }
  return runs
}
