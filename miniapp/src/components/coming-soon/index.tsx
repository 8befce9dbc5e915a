import { Text, View } from '@tarojs/components'
import './index.scss'

interface ComingSoonProps {
  heading: string
  /** One honest sentence: what the page will do, and that it is not there yet. */
  description: string
}

/** A tab whose feature is still being built. It shows no sample data, so nobody mistakes it for their own. */
export function ComingSoon({ heading, description }: ComingSoonProps) {
  return (
    <View className="coming-soon" id="coming-soon">
      <Text className="coming-soon__heading">{heading}</Text>
      <Text className="coming-soon__description">{description}</Text>
    </View>
  )
}
