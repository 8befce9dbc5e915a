import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import './index.scss'

interface CopyRowProps {
  id: string
  label: string
  value: string
}

/**
 * A code the person must keep (受理编号, 查询码), printed large and spaced so it can be read out over the phone, with
 * a button that copies it: easier than copying by hand, and than a long press few older users know.
 */
export function CopyRow({ id, label, value }: CopyRowProps) {
  return (
    <View className="copy-row">
      <Text className="copy-row__label">{label}</Text>
      <View className="copy-row__line">
        <Text className="copy-row__value" id={id} userSelect>
          {value}
        </Text>
        <Button
          className="copy-row__button"
          id={`copy-${id}`}
          onClick={() => {
            // Both platforms confirm with their own toast (内容已复制).
            Taro.setClipboardData({ data: value }).catch(() => {
              void Taro.showToast({ title: '复制没有成功，请手动记下', icon: 'none' })
            })
          }}
        >
          复制
        </Button>
      </View>
    </View>
  )
}
