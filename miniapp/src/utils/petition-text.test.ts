import { expect, test } from 'vitest'
import { describeNextDeadline, statusToneOf, timelineStepLabel } from './petition-text'

const NOW = Date.parse('2026-11-22T10:00:00+08:00')

test('timeline steps read as one plain word, staff actions from the shared workflow table', () => {
  expect(timelineStepLabel('submitted')).toBe('提交')
  expect(timelineStepLabel('accept')).toBe('受理')
  expect(timelineStepLabel('transfer')).toBe('转送')
  expect(timelineStepLabel('withdrawn')).toBe('撤回')
  expect(timelineStepLabel('something_new')).toBe('办理进展')
})

test('the next deadline is a sentence with its date and the article it rests on', () => {
  const text = describeNextDeadline(
    { kind: 'decide', label: '告知是否受理', at: '2026-12-07T23:59:59.999+08:00', isOverdue: false },
    NOW,
  )

  expect(text).toEqual({
    sentence: '信访部门应在12月7日（周一）前告知您是否受理（《信访工作条例》第二十二条）。',
    overdueAdvice: undefined,
  })
})

test('a reply deadline in another year names the year, and an overdue one says what the citizen can do', () => {
  const text = describeNextDeadline(
    { kind: 'reply', label: '答复期限', at: '2027-01-21T23:59:59.999+08:00', isOverdue: true },
    NOW,
  )

  expect(text.sentence).toBe('承办单位应在2027年1月21日（周四）前作出书面答复（《信访工作条例》第三十四条）。')
  expect(text.overdueAdvice).toBe('已超过答复期限。您可以向上一级信访部门反映。')
})

test('statuses are grouped into four colours', () => {
  expect(statusToneOf('submitted')).toBe('waiting')
  expect(statusToneOf('in_progress')).toBe('handling')
  expect(statusToneOf('review_replied')).toBe('answered')
  expect(statusToneOf('withdrawn')).toBe('ended')
})

test('while 复查 or 复核 is pending, the reply deadline names the reviewing body and its article', () => {
  const deadline = {
    kind: 'reply' as const,
    label: '复查（复核）意见期限',
    at: '2026-12-22T23:59:59.999+08:00',
    isOverdue: false,
  }

  expect(describeNextDeadline(deadline, NOW, 'review_requested').sentence).toBe(
    '复查机关应在12月22日（周二）前提出复查意见并书面答复您（《信访工作条例》第三十五条）。',
  )
  expect(describeNextDeadline({ ...deadline, isOverdue: true }, NOW, 'recheck_requested')).toEqual({
    sentence: '复核机关应在12月22日（周二）前提出复核意见并书面答复您（《信访工作条例》第三十六条）。',
    overdueAdvice: '已超过复核期限。您可以向上一级信访部门反映。',
  })
})
