import { Button, Text, View } from '@tarojs/components'
import { PRIVACY_NOTICE_VERSION } from '@xinfang/shared'
import { PRIVACY_AGREE_BUTTON_ID } from '../../services/privacy'
import './index.scss'

interface PrivacyGuideProps {
  /** An earlier version was accepted: say that the text changed, so nobody wonders why it is asked again. */
  isUpdate: boolean
  /** WeChat's agree button on weapp, so one tap also gives WeChat its privacy authorization. */
  isWeapp: boolean
  onAgree: () => void
  onDecline: () => void
}

/** The privacy notice (隐私保护指引) shown before the real-name form, in plain words and large type. */
export function PrivacyGuide({ isUpdate, isWeapp, onAgree, onDecline }: PrivacyGuideProps) {
  return (
    <View className="privacy-guide" id="privacy-guide">
      <Text className="privacy-guide__title">隐私保护指引</Text>
      <Text className="privacy-guide__version">版本 {PRIVACY_NOTICE_VERSION}</Text>
      {isUpdate && (
        <Text className="privacy-guide__update" id="privacy-guide-updated">
          隐私保护指引已更新，请您重新阅读并确认。
        </Text>
      )}
      <Text className="privacy-guide__lead">登记实名信息前，请您阅读以下内容：</Text>

      <View className="privacy-guide__section">
        <Text className="privacy-guide__heading">我们收集哪些信息</Text>
        <Text className="privacy-guide__text">
          姓名、身份证号码、手机号码和联系地址。《信访工作条例》第十九条规定信访人应当提供真实身份信息。
        </Text>
      </View>
      <View className="privacy-guide__section">
        <Text className="privacy-guide__heading">用来做什么</Text>
        <Text className="privacy-guide__text">
          只用于核实您的身份、受理和答复您的信访事项、预约领导接访，以及告诉您办理进度。
        </Text>
      </View>
      <View className="privacy-guide__section">
        <Text className="privacy-guide__heading">怎样保护</Text>
        <Text className="privacy-guide__text">
          信息加密保存，页面上只显示部分内容（如“张*”“138****5678”）。工作人员查看完整信息会留下记录。检举控告人的信息不会透露给被检举的单位和个人。
        </Text>
      </View>
      <View className="privacy-guide__section">
        <Text className="privacy-guide__heading">您的权利</Text>
        <Text className="privacy-guide__text">
          您可以随时在“我的”页面查看和修改这些信息。不同意也可以继续浏览领导接访安排，但不能实名提交信访事项或预约接访。
        </Text>
      </View>

      <Button
        className="privacy-guide__agree"
        id={PRIVACY_AGREE_BUTTON_ID}
        {...(isWeapp ? { openType: 'agreePrivacyAuthorization' } : {})}
        onClick={onAgree}
      >
        同意并继续
      </Button>
      <Button className="privacy-guide__decline" id="privacy-decline" onClick={onDecline}>
        不同意
      </Button>
    </View>
  )
}
