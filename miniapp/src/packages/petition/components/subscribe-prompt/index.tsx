import { Button, Text, View } from '@tarojs/components'
import type { SubscribePromptState } from '../../../../hooks/use-subscribe-prompt'
import './index.scss'

const RESULT_TEXT: Partial<Record<SubscribePromptState['status'], string>> = {
  subscribed: '已开启提醒。办理进度有变化时，微信会通知您。',
  declined: '您没有开启微信提醒。办理进度仍会发到“消息中心”。',
  switched_off: '您在微信中关闭了本小程序的消息提醒。如需提醒，请在微信“设置”里重新打开。',
}

/**
 * The offer of WeChat reminders for the next steps (订阅消息). Shown only where WeChat can send them; everywhere the
 * person learns that every step also lands in the message centre.
 */
export function SubscribePrompt({
  state,
  onAsk,
  isMessageCentre = false,
}: {
  state: SubscribePromptState
  onAsk: () => void
  /** On the message centre itself, pointing to the message centre says nothing: shown only with reminders to offer. */
  isMessageCentre?: boolean
}) {
  const result = RESULT_TEXT[state.status]
  if (isMessageCentre && (state.status === 'unavailable' || state.status === 'checking')) return null
  return (
    <View className="subscribe-prompt" id="subscribe-prompt">
      <Text className="subscribe-prompt__title">办理进度提醒</Text>
      {!isMessageCentre && (
        <Text className="subscribe-prompt__text">每一步办理进展都会发到“我的信访”里的“消息中心”。</Text>
      )}
      {(state.status === 'ready' || state.status === 'asking') && (
        <>
          <Text className="subscribe-prompt__text">
            也可以让微信提醒您：点击下面的按钮，在微信弹出的窗口里选择“允许”。每允许一次，可以收到一条提醒。
          </Text>
          <Button
            className="subscribe-prompt__button"
            id="subscribe-progress"
            {...(state.status === 'asking' ? { disabled: true } : {})}
            onClick={onAsk}
          >
            微信提醒我办理进度
          </Button>
        </>
      )}
      {state.status === 'ready' && state.note !== undefined && (
        <Text className="subscribe-prompt__note" id="subscribe-note">
          {state.note}
        </Text>
      )}
      {result !== undefined && (
        <Text className="subscribe-prompt__result" id="subscribe-result">
          {result}
        </Text>
      )}
    </View>
  )
}
