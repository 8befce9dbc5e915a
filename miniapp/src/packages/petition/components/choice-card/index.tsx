import { Text, View } from '@tarojs/components'
import './index.scss'

interface ChoiceCardProps {
  id: string
  title: string
  description?: string
  isSelected: boolean
  onChoose: () => void
}

/** One answer of a single-choice question, as a whole card to tap: easier to hit than a radio dot. */
export function ChoiceCard({ id, title, description, isSelected, onChoose }: ChoiceCardProps) {
  return (
    <View
      className={`choice-card ${isSelected ? 'choice-card--selected' : ''}`}
      id={id}
      ariaRole="radio"
      ariaLabel={isSelected ? `${title}，已选` : title}
      onClick={onChoose}
    >
      <View className="choice-card__head">
        <Text className="choice-card__title">{title}</Text>
        <Text className="choice-card__mark">{isSelected ? '✓ 已选' : ''}</Text>
      </View>
      {description !== undefined && <Text className="choice-card__description">{description}</Text>}
    </View>
  )
}
