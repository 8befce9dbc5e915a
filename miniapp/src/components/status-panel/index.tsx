import { Button, Text, View } from '@tarojs/components'
import type { Problem } from '@xinfang/shared'
import { DEMO_ONLY_MESSAGE, DEMO_ONLY_TITLE } from '../../services/sign-in'
import { nextStepFor } from '../../utils/problem'
import './index.scss'

interface StatusPanelProps {
  id: string
  title: string
  /** What exactly happened, when there is more to say than the title (shown before `text`). */
  detail?: string
  /** What it means or what to do next, in one or two sentences. */
  text?: string
  tone?: 'plain' | 'error' | 'notice'
  action?: { id: string; label: string; onClick: () => void }
}

/** Loading, empty, error and notice states: always a sentence a person can act on, and a button when there is one. */
export function StatusPanel({ id, title, detail, text, tone = 'plain', action }: StatusPanelProps) {
  return (
    <View className={`status-panel status-panel--${tone}`} id={id}>
      <Text className="status-panel__title">{title}</Text>
      {detail !== undefined && <Text className="status-panel__text">{detail}</Text>}
      {text !== undefined && <Text className="status-panel__text">{text}</Text>}
      {action && (
        <Button className="status-panel__button" id={action.id} onClick={action.onClick}>
          {action.label}
        </Button>
      )}
    </View>
  )
}

export function LoadingPanel({ id, text = '正在加载，请稍候…' }: { id: string; text?: string }) {
  return <StatusPanel id={id} title={text} />
}

/**
 * What a failed load says under the problem's title: what to do next; also, first, the API's own detail (a page
 * opened from a broken link says which); or nothing, where the button's label already says it (重新加载).
 */
export type FailureExplanation = 'next-step' | 'detail-and-next-step' | 'title-only'

/** A failed load: the problem's title, what to do about it, and 重试. */
export function ErrorPanel({
  id,
  problem,
  retryId,
  onRetry,
  retryLabel = '重试',
  explain = 'next-step',
}: {
  id: string
  problem: Problem
  retryId: string
  onRetry: () => void
  retryLabel?: string
  explain?: FailureExplanation
}) {
  // INTERNAL_ERROR's detail is the client's own exception message, written for developers, not for the citizen.
  const detail = explain === 'detail-and-next-step' && problem.code !== 'INTERNAL_ERROR' ? problem.detail : undefined
  return (
    <StatusPanel
      id={id}
      tone="error"
      title={problem.title}
      detail={detail}
      text={explain === 'title-only' ? undefined : nextStepFor(problem)}
      action={{ id: retryId, label: retryLabel, onClick: onRetry }}
    />
  )
}

/** H5 against a production API: petitions are a WeChat-only service there. */
export function DemoOnlyPanel({ id }: { id: string }) {
  return <StatusPanel id={id} tone="notice" title={DEMO_ONLY_TITLE} text={DEMO_ONLY_MESSAGE} />
}
