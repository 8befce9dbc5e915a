import { Text, View } from '@tarojs/components'

export interface Fact {
  label: string
  value: string
  /** For the value, where a test or a screen reader needs to find it. */
  id?: string
}

/** Label–value rows (时间、地点、主题…), the label column fixed so the values line up for reading. */
export function Facts({ facts }: { facts: readonly Fact[] }) {
  return (
    <View className="rx-facts">
      {facts.map((fact) => (
        <View className="rx-fact" key={fact.label}>
          <Text className="rx-fact__label">{fact.label}</Text>
          <Text className="rx-fact__value" id={fact.id}>
            {fact.value}
          </Text>
        </View>
      ))}
    </View>
  )
}
