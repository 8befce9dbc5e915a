import { Text, View } from '@tarojs/components'
import type { PetitionStatus } from '@xinfang/shared'
import { describeNextDeadline, type NextDeadline } from '../../../../utils/petition-text'
import './index.scss'

/** The one deadline that matters now, in a sentence with its legal basis, and what to do when it has passed. */
export function DeadlineNotice({
  deadline,
  now,
  status,
}: {
  deadline: NextDeadline | null
  now: number
  status?: PetitionStatus
}) {
  if (deadline === null) return null
  const text = describeNextDeadline(deadline, now, status)
  return (
    <View className={`deadline-notice ${text.overdueAdvice ? 'deadline-notice--overdue' : ''}`} id="next-deadline">
      <Text className="deadline-notice__label">下一步：{deadline.label}</Text>
      <Text className="deadline-notice__sentence">{text.sentence}</Text>
      {text.overdueAdvice !== undefined && <Text className="deadline-notice__advice">{text.overdueAdvice}</Text>}
    </View>
  )
}
