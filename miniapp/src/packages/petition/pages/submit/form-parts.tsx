import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { REPORT_CONFIDENTIALITY_NOTE } from '../../../../utils/petition-form'
import { TAB_PAGES } from '../../../../utils/routes'

/** WeChat styles placeholders only through a class of its own; H5 styles them with `::placeholder`. */
export const WEAPP_PLACEHOLDER: { placeholderClass?: string } =
  process.env.TARO_ENV === 'weapp' ? { placeholderClass: 'submit__placeholder' } : {}

export function ProfileNotice({ id, text }: { id: string; text: string }) {
  return (
    <View className="submit__notice" id={id}>
      <Text className="submit__notice-text">{text}</Text>
      <Button
        className="submit__secondary"
        id={`${id}-go`}
        onClick={() => {
          void Taro.switchTab({ url: TAB_PAGES.me })
        }}
      >
        去登记实名信息
      </Button>
    </View>
  )
}

export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (message === undefined) return null
  return (
    <Text className="submit__error" id={id}>
      {message}
    </Text>
  )
}

export function Confidentiality() {
  return (
    <View className="submit__confidential" id="report-confidentiality">
      <Text className="submit__confidential-text">{REPORT_CONFIDENTIALITY_NOTE}</Text>
    </View>
  )
}
