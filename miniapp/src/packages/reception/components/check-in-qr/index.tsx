import { View } from '@tarojs/components'
import { useMemo } from 'react'
import { checkInQrMatrix, runsOf } from '../../utils/check-in-qr'
import './index.scss'

/**
 * The width the code is drawn at, in CSS px. Whole CSS pixels per module on purpose: rpx and rem are rounded per
 * element, and a grid of rounded boxes shows hairline gaps between modules that a scanner may read as light ones.
 * 261 px is about 70 % of a small phone's width — large enough to scan from arm's length.
 */
const QR_WIDTH_PX = 261

/** The check-in code (签到码) as a QR code, drawn as rows of black and white runs on a white card. */
export function CheckInQr({ code }: { code: string }) {
  const rows = useMemo(() => checkInQrMatrix(code).map(runsOf), [code])
  const cell = Math.max(4, Math.floor(QR_WIDTH_PX / rows.length))

  return (
    <View className="check-in-qr" id="check-in-qr">
      {rows.map((runs, rowIndex) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows and runs have no identity but their position
        <View className="check-in-qr__row" key={rowIndex} style={{ height: `${cell}px` }}>
          {runs.map((run, runIndex) => (
            <View
              // biome-ignore lint/suspicious/noArrayIndexKey: as above
              key={runIndex}
              className={run.isDark ? 'check-in-qr__dark' : 'check-in-qr__light'}
              style={{ width: `${run.length * cell}px`, height: `${cell}px` }}
            />
          ))}
        </View>
      ))}
    </View>
  )
}
