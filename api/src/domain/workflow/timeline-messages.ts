import { chineseDateOf, LEGAL_ROUTE_LABELS, REPLY_OUTCOME_LABELS, type StaffAction } from '@xinfang/shared'

/** What a step means for the citizen, in plain Chinese, with the article of 信访工作条例 (2022) it rests on. */
export interface StepContext {
  unitName: string
  destinationName: string | null
  replyBy: number | null
  decideBy: number
  reviewRequestBy: number | null
}

export function publicMessageFor(action: StaffAction, step: StepContext): string | null {
  const date = (at: number | null) => (at === null ? '' : chineseDateOf(at))
  switch (action.type) {
    case 'accept':
      return `您的信访事项已由${step.unitName}受理（《信访工作条例》第二十二条）。承办单位将在 ${date(step.replyBy)} 前作出书面答复（第三十四条）。`
    case 'not_accept':
      return `经审查，您的信访事项不予受理。理由：${action.reason}。建议您${LEGAL_ROUTE_LABELS[action.route]}（《信访工作条例》第三十一条）。`
    case 'transfer':
      return action.externalBody
        ? `您反映的事项依法属于${action.externalBody}的职权范围，已转送该机关处理（《信访工作条例》第二十二条）。请与该机关联系了解后续进展。`
        : `您的信访事项已转送${step.destinationName ?? '有权处理的单位'}（《信访工作条例》第二十二、二十三条），该单位将在 ${date(step.decideBy)} 前告知是否受理。`
    case 'assign':
      return `您的信访事项已交由${step.destinationName ?? '承办单位'}办理（《信访工作条例》第二十二条），答复期限为 ${date(step.replyBy)}。`
    case 'reply':
    case 'review_reply':
    case 'recheck_reply': {
      const stage = { reply: '处理意见', review_reply: '复查意见', recheck_reply: '复核意见' }[action.type]
      const next =
        action.type === 'recheck_reply'
          ? '复核意见为最终意见，同一事实和理由不再受理（《信访工作条例》第三十六条）。'
          : step.reviewRequestBy !== null
            ? `如不服，可在 ${date(step.reviewRequestBy)} 前向上一级机关申请${action.type === 'reply' ? '复查（第三十五条）' : '复核（第三十六条）'}。`
            : ''
      return `${step.unitName}已作出书面${stage}（${REPLY_OUTCOME_LABELS[action.outcome]}）：${action.text}${next ? ` ${next}` : ''}`
    }
    case 'extend':
      return `因${action.reason}，经单位负责人批准，答复期限延长 ${action.days} 日至 ${date(step.replyBy)}（《信访工作条例》第三十四条）。`
    case 'supervise':
      return '上级信访部门已对您的信访事项进行督办，督促承办单位按期办理（《信访工作条例》第四十条）。'
    case 'note':
      return null
  }
}
