import { Text, View } from '@tarojs/components'
import type { TimelineEvent } from '@xinfang/shared'
import { formatMoment, timelineStepLabel } from '../../../../utils/petition-text'
import './index.scss'

/**
 * The public steps of a petition, newest first as in parcel tracking. Each message is the API's own sentence, which
 * already names the article of 信访工作条例 the step rests on.
 */
export function Timeline({ events, now }: { events: readonly TimelineEvent[]; now: number }) {
  const newestFirst = [...events].reverse()
  return (
    <View className="timeline" id="timeline">
      {newestFirst.map((event, index) => (
        <View
          className={`timeline__event ${index === 0 ? 'timeline__event--latest' : ''}`}
          key={`${event.at}|${event.type}|${event.message}`}
        >
          <View className="timeline__head">
            <Text className="timeline__step">{timelineStepLabel(event.type)}</Text>
            <Text className="timeline__time">{formatMoment(event.at, now)}</Text>
          </View>
          <Text className="timeline__message">{event.message}</Text>
        </View>
      ))}
    </View>
  )
}
