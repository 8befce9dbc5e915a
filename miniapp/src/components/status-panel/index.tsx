import { Button, Text, View } from '@tarojs/components'
import type { Problem } from '@xinfang/shared'
import { DEMO_ONLY_MESSAGE, DEMO_ONLY_TITLE } from '../../services/sign-in'
import { nextStepFor } from '../../utils/problem'
import './index.scss'

interface StatusPanelProps {
  id: string
  title: string
  /** What it means or what to do next, in one or two sentences. */
  text?: string
  tone?: 'plain' | 'error' | 'notice'
  action?: { id: string; label: string; onClick: () => void }
}

/** Loading, empty, error and notice states: always a sentence a person can act on, and a button when there is one. */
export function StatusPanel({ id, title, text, tone = 'plain', action }: StatusPanelProps) {
  return (
    <View className={`status-panel status-panel--${tone}`} id={id}>
      <Text className="status-panel__title">{title}</Text>
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

/** A failed load: the problem's title, what to do about it, and 重试. */
export function ErrorPanel({
  id,
  problem,
  retryId,
  onRetry,
}: {
  id: string
  problem: Problem
  retryId: string
  onRetry: () => void
}) {
  return (
    <StatusPanel
      id={id}
      tone="error"
      title={problem.title}
      text={nextStepFor(problem)}
      action={{ id: retryId, label: '重试', onClick: onRetry }}
    />
  )
}

/** H5 against a production API: petitions are a WeChat-only service there. */
export function DemoOnlyPanel({ id }: { id: string }) {
  return <StatusPanel id={id} tone="notice" title={DEMO_ONLY_TITLE} text={DEMO_ONLY_MESSAGE} />
}
