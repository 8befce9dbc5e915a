import { Text, View } from '@tarojs/components'
import { type PublicStats, STATS_LABELS } from '@xinfang/shared'
import { RemoteView, remoteIds } from '../../../../components/remote-view'
import { StatusPanel } from '../../../../components/status-panel'
import { useRemote } from '../../../../hooks/use-remote'
import { fetchPublicStats } from '../../../../services/statistics'
import { formatShanghaiDateTime } from '../../../../utils/format'
import {
  barWidthOf,
  formatDate,
  formatRate,
  isEmptyPeriod,
  type MonthBar,
  NO_DATA,
  RATE_EXPLANATIONS,
  RATE_KEYS,
  satisfactionBars,
  submittedBars,
} from '../../utils/stats-view'
import './index.scss'

/**
 * 阳光信访: how the service is doing, in public — the totals and shares of ../shared/DOMAIN.md for the last twelve
 * months, and two month-by-month charts. No sign-in, no personal data: the API sends aggregates only. The charts are
 * plain views whose widths are the percentages, so the page needs no chart library in the package.
 */
export default function PublicStatsPage() {
  const remote = useRemote(async (signal) => ({ stats: await fetchPublicStats({}, { signal }), checkedAt: Date.now() }))

  return (
    <View className="stats">
      <Text className="stats__title">阳光信访</Text>
      <Text className="stats__subtitle">信访事项办理情况公开</Text>
      <RemoteView
        state={remote.state}
        ids={remoteIds('stats')}
        loadingText="正在加载统计数据…"
        onRetry={() => remote.reload()}
      >
        {(data) => <StatsView stats={data.stats} now={data.checkedAt} />}
      </RemoteView>
    </View>
  )
}

function StatsView({ stats, now }: { stats: PublicStats; now: number }) {
  const { overall } = stats
  return (
    <View id="public-stats">
      <Text className="stats__range" id="stats-range">
        统计时间：{formatDate(stats.from)}至{formatDate(stats.to)}
      </Text>

      {isEmptyPeriod(stats) && (
        <StatusPanel
          id="stats-empty"
          title={NO_DATA}
          text="统计期间内还没有信访事项。有了办理数据后，这里会公开受理、办结和满意情况。"
        />
      )}

      <View className="stats__card stats__total" id="stat-submitted">
        <Text className="stats__label">{STATS_LABELS.submitted}</Text>
        <Text className="stats__big">
          {overall.submitted}
          <Text className="stats__unit"> 件</Text>
        </Text>
      </View>

      <View className="stats__card" id="stat-rates">
        {RATE_KEYS.map((key) => {
          const width = barWidthOf(overall[key])
          return (
            <View className="stats__rate" key={key} id={`stat-${key}`}>
              <View className="stats__rate-head">
                <Text className="stats__label">{STATS_LABELS[key]}</Text>
                <Text className={`stats__value ${width === null ? 'stats__value--none' : ''}`}>
                  {formatRate(overall[key])}
                </Text>
              </View>
              <Bar width={width} />
              <Text className="stats__explain">{RATE_EXPLANATIONS[key]}</Text>
            </View>
          )
        })}
      </View>

      <View className="stats__card stats__pair">
        <View className="stats__pair-item" id="stat-averageHandlingDays">
          {/* STATS_LABELS carries the unit for table columns (平均办理时限（天）); here it goes with the number. */}
          <Text className="stats__label">平均办理时限</Text>
          <Text className="stats__medium">
            {overall.averageHandlingDays === null ? NO_DATA : `${overall.averageHandlingDays} 天`}
          </Text>
        </View>
        <View className="stats__pair-item" id="stat-repeatPetitions">
          <Text className="stats__label">{STATS_LABELS.repeatPetitions}</Text>
          <Text className="stats__medium">{overall.repeatPetitions} 件</Text>
        </View>
      </View>

      <MonthChart id="chart-submitted" title="每月受理量" bars={submittedBars(stats.byMonth)} />
      <MonthChart id="chart-satisfaction" title="每月满意率" bars={satisfactionBars(stats.byMonth)} />

      <Text className="stats__footnote" id="stats-generated">
        数据更新于{formatShanghaiDateTime(stats.generatedAt, now)}。只公开汇总数字，不含任何个人信息。
      </Text>
    </View>
  )
}

/** A horizontal bar on a full-width track; no bar at all (and no colour to misread) when there is nothing to show. */
function Bar({ width }: { width: number | null }) {
  return (
    <View className="stats__track">
      {width !== null && <View className="stats__bar" style={{ width: `${width}%` }} />}
    </View>
  )
}

function MonthChart({ id, title, bars }: { id: string; title: string; bars: MonthBar[] }) {
  return (
    <View className="stats__card" id={id}>
      <Text className="stats__chart-title">{title}</Text>
      {bars.length === 0 ? (
        <Text className="stats__none">{NO_DATA}</Text>
      ) : (
        bars.map((bar) => (
          <View className="stats__month" key={bar.month} id={`${id}-${bar.month}`}>
            <View className="stats__rate-head">
              <Text className="stats__month-label">{bar.label}</Text>
              <Text className={`stats__month-value ${bar.width === null ? 'stats__value--none' : ''}`}>
                {bar.value}
              </Text>
            </View>
            <Bar width={bar.width} />
          </View>
        ))
      )}
    </View>
  )
}
