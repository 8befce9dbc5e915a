import { Button, Text, View } from '@tarojs/components'
import type { RemoteState } from '../../../../hooks/use-remote'
import { DEMO_ONLY_MESSAGE, DEMO_ONLY_TITLE } from '../../../../services/sign-in'
import { nextStepFor } from '../../../../utils/problem'

interface RemoteStatusProps<T> {
  state: RemoteState<T>
  /** Element ids start with it: `${idPrefix}-loading`, `-error`, `-retry`, `-demo-only`. */
  idPrefix: string
  loadingText: string
  onRetry: () => void
}

/**
 * What a page shows until its data is there: 正在加载, or what went wrong with what to do next and a 重试 button, or
 * (H5 against a production API) that only the WeChat mini-program can do this. Nothing once loaded.
 */
export function RemoteStatus<T>({ state, idPrefix, loadingText, onRetry }: RemoteStatusProps<T>) {
  switch (state.status) {
    case 'loaded':
      return null
    case 'loading':
      return (
        <View className="rx-status" id={`${idPrefix}-loading`}>
          <Text className="rx-text">{loadingText}</Text>
        </View>
      )
    case 'demo_only':
      return (
        <View className="rx-status" id={`${idPrefix}-demo-only`}>
          <Text className="rx-heading">{DEMO_ONLY_TITLE}</Text>
          <Text className="rx-text">{DEMO_ONLY_MESSAGE}</Text>
        </View>
      )
    case 'failed':
      return (
        <View className="rx-status" id={`${idPrefix}-error`}>
          <Text className="rx-heading">{state.problem.title}</Text>
          {state.problem.detail !== undefined && state.problem.code !== 'INTERNAL_ERROR' && (
            <Text className="rx-text">{state.problem.detail}</Text>
          )}
          <Text className="rx-note">{nextStepFor(state.problem)}</Text>
          <Button className="rx-button rx-button--primary" id={`${idPrefix}-retry`} onClick={onRetry}>
            重试
          </Button>
        </View>
      )
  }
}
