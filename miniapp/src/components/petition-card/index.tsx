import { Text, View } from '@tarojs/components'
import { PETITION_KIND_LABELS, type PetitionSummary } from '@xinfang/shared'
import { formatShanghaiDate } from '../../utils/format'
import { describeNextDeadline, statusLabel, statusToneOf } from '../../utils/petition-text'
import './index.scss'

interface PetitionCardProps {
  petition: PetitionSummary
  now: number
  onOpen: (petition: PetitionSummary) => void
}

/** One petition in 我的信访: what it is, where it stands, and what happens next by when. */
export function PetitionCard({ petition, now, onOpen }: PetitionCardProps) {
  const deadline = petition.nextDeadline ? describeNextDeadline(petition.nextDeadline, now) : undefined
  return (
    <View className="petition-card" id={`petition-${petition.id}`} onClick={() => onOpen(petition)}>
      <View className="petition-card__head">
        <Text className={`petition-card__status petition-card__status--${statusToneOf(petition.status)}`}>
          {statusLabel(petition.status)}
        </Text>
        <Text className="petition-card__kind">{PETITION_KIND_LABELS[petition.kind]}</Text>
      </View>
      <Text className="petition-card__title">{petition.title}</Text>
      <Text className="petition-card__meta">受理编号 {petition.trackingNo}</Text>
      <Text className="petition-card__meta">
        {formatShanghaiDate(petition.submittedAt, now)} 提交 · {petition.category.name}
      </Text>
      {deadline && (
        <Text className={`petition-card__deadline ${deadline.overdueAdvice ? 'petition-card__deadline--overdue' : ''}`}>
          {deadline.overdueAdvice ?? deadline.sentence}
        </Text>
      )}
      <Text className="petition-card__open">查看详情和办理进度 ›</Text>
    </View>
  )
}
