import {
  type ATTACHMENT_MIME_TYPES,
  type PetitionCreate,
  PetitionCreateSchema,
  type PetitionKind,
  type Problem,
} from '@xinfang/shared'

/**
 * The submission form, one question per step so an older person never faces a long form (适老化): what kind of
 * matter, which area, what happened, any photos or documents, then a last look before it is sent.
 */
export const PETITION_STEPS = ['kind', 'category', 'content', 'attachments', 'review'] as const
export type PetitionStep = (typeof PETITION_STEPS)[number]

export const STEP_TITLES: Record<PetitionStep, string> = {
  kind: '选择信访类型',
  category: '选择事项分类',
  content: '填写信访内容',
  attachments: '上传材料（选填）',
  review: '核对并提交',
}

/** The fields of `PetitionCreateSchema`, each asked on one step. */
export const PETITION_FIELDS = [
  'kind',
  'categoryId',
  'targetUnitId',
  'title',
  'content',
  'address',
  'attachmentIds',
] as const
export type PetitionField = (typeof PETITION_FIELDS)[number]

export const FIELD_STEPS: Record<PetitionField, PetitionStep> = {
  kind: 'kind',
  categoryId: 'category',
  targetUnitId: 'category',
  title: 'content',
  content: 'content',
  address: 'content',
  attachmentIds: 'attachments',
}

export type PetitionFieldErrors = Partial<Record<PetitionField, string>>

/** What has been typed or chosen, as typed: trimming and checks happen when a step is left. */
export interface PetitionFormValues {
  kind: PetitionKind | ''
  categoryId: string
  /** For a report (检举控告): the unit accused. '' while nothing is chosen. */
  targetUnitId: string
  /** For a report: the person said they do not know which unit, so no `targetUnitId` is an answer, not a gap. */
  isTargetUnitUnknown: boolean
  title: string
  content: string
  /** 事发地点 (optional). */
  address: string
}

export const EMPTY_PETITION_FORM: PetitionFormValues = {
  kind: '',
  categoryId: '',
  targetUnitId: '',
  isTargetUnitUnknown: false,
  title: '',
  content: '',
  address: '',
}

/** A file the API has stored for this petition (`POST /api/v1/attachments`), with the name shown to the person. */
export interface UploadedAttachment {
  id: string
  mime: (typeof ATTACHMENT_MIME_TYPES)[number]
  size: number
  name: string
}

/** What each kind means, in the words a citizen would use, with an example (信访工作条例 Art. 17–19, 29–31). */
export const KIND_DESCRIPTIONS: Record<PetitionKind, { summary: string; example: string }> = {
  complaint: {
    summary: '自己的合法权益受到侵害，要求有关部门解决',
    example: '例如：工资被拖欠、低保没有按时发放',
  },
  suggestion: {
    summary: '对政府的工作提出建议和意见',
    example: '例如：建议在小区门口增设公交站',
  },
  report: {
    summary: '反映公职人员或单位违纪违法的问题',
    example: '例如：办事时被索要好处费',
  },
  inquiry: {
    summary: '咨询政策规定或办事方法',
    example: '例如：养老保险怎么转到本市',
  },
}

/** Art. 30 ¶3: reports never reach those they accuse. Said wherever a reporter decides what to write. */
export const REPORT_CONFIDENTIALITY_NOTE =
  '举报人信息严格保密。依照《信访工作条例》第三十条，您的检举材料和个人信息不会透露或转给被检举的人员和单位。'

/** An empty field gets a plain request to fill it in, rather than the rule it breaks. */
const REQUIRED_MESSAGES: Partial<Record<PetitionField, string>> = {
  kind: '请选择信访类型',
  categoryId: '请选择事项分类',
  title: '请填写标题',
  content: '请填写信访内容',
}

export const TARGET_UNIT_REQUIRED_MESSAGE = '请选择被反映的单位；如果不清楚，请选择“不清楚是哪个单位”'

/** The request body the form stands for, before the shared schema checks it. */
export function petitionCandidate(values: PetitionFormValues, attachments: readonly UploadedAttachment[]) {
  return {
    kind: values.kind,
    categoryId: values.categoryId,
    title: values.title,
    content: values.content,
    ...(values.address.trim() ? { address: values.address } : {}),
    // Only a report asks for a unit; one chosen before switching to another kind is not sent.
    ...(values.kind === 'report' && values.targetUnitId ? { targetUnitId: values.targetUnitId } : {}),
    ...(attachments.length > 0 ? { attachmentIds: attachments.map((attachment) => attachment.id) } : {}),
  }
}

export type PetitionValidation =
  | { ok: true; input: PetitionCreate }
  | { ok: false; errors: PetitionFieldErrors; firstStep: PetitionStep }

/**
 * Checks the whole form with the schema the API uses (PetitionCreateSchema), so the two can never disagree, and
 * names the first step with a problem so the form can go back to it.
 */
export function validatePetition(
  values: PetitionFormValues,
  attachments: readonly UploadedAttachment[],
): PetitionValidation {
  const parsed = PetitionCreateSchema.safeParse(petitionCandidate(values, attachments))
  const errors: PetitionFieldErrors = {}
  for (const field of PETITION_FIELDS) {
    const message = REQUIRED_MESSAGES[field]
    if (message !== undefined && isBlank(values, field)) errors[field] = message
  }
  if (values.kind === 'report' && !values.targetUnitId && !values.isTargetUnitUnknown) {
    errors.targetUnitId = TARGET_UNIT_REQUIRED_MESSAGE
  }
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = fieldOfPath(issue.path.map(String).join('.'))
      if (field && errors[field] === undefined) errors[field] = issue.message
    }
  }
  const firstStep = firstStepOf(errors)
  if (parsed.success && firstStep === undefined) return { ok: true, input: parsed.data }
  return { ok: false, errors, firstStep: firstStep ?? 'review' }
}

/** The problems of one step only: leaving a step checks what it asked, not what is still to come. */
export function validateStep(
  step: PetitionStep,
  values: PetitionFormValues,
  attachments: readonly UploadedAttachment[],
): PetitionFieldErrors {
  const result = validatePetition(values, attachments)
  if (result.ok || step === 'review') return result.ok ? {} : result.errors
  const errors: PetitionFieldErrors = {}
  for (const field of PETITION_FIELDS) {
    const message = result.errors[field]
    if (message !== undefined && FIELD_STEPS[field] === step) errors[field] = message
  }
  return errors
}

function isBlank(values: PetitionFormValues, field: PetitionField): boolean {
  switch (field) {
    case 'kind':
      return values.kind === ''
    case 'categoryId':
      return values.categoryId === ''
    case 'title':
      return values.title.trim() === ''
    case 'content':
      return values.content.trim() === ''
    default:
      return false
  }
}

export function firstStepOf(errors: PetitionFieldErrors): PetitionStep | undefined {
  return PETITION_STEPS.find((step) =>
    PETITION_FIELDS.some((field) => errors[field] !== undefined && FIELD_STEPS[field] === step),
  )
}

/** The form field a request path names: `body.title` → title, `body.attachmentIds.2` → attachmentIds. */
export function fieldOfPath(path: string): PetitionField | undefined {
  const name = path.replace(/^body\./, '').split('.')[0]
  return PETITION_FIELDS.find((field) => field === name)
}

export interface PetitionProblemPlacement {
  fields: PetitionFieldErrors
  /** The first step with a field problem: the form goes back there so the person sees the message. */
  step: PetitionStep | undefined
  /** What belongs to no field, shown above the submit button. */
  message: string | undefined
}

/** Puts a problem+json answer of `POST /api/v1/petitions` under the fields it names (`errors[].path`). */
export function placePetitionProblem(problem: Problem): PetitionProblemPlacement {
  const fields: PetitionFieldErrors = {}
  const unplaced: string[] = []
  for (const error of problem.errors ?? []) {
    const field = fieldOfPath(error.path)
    if (field) fields[field] ??= error.message
    else unplaced.push(error.message)
  }
  const step = firstStepOf(fields)
  let message: string | undefined
  if (unplaced.length > 0) message = unplaced.join('；')
  else if (step === undefined) message = problem.detail ?? problem.title
  return { fields, step, message }
}

export function stepIndexOf(step: PetitionStep): number {
  return PETITION_STEPS.indexOf(step)
}

export function stepAfter(step: PetitionStep): PetitionStep {
  return PETITION_STEPS[Math.min(stepIndexOf(step) + 1, PETITION_STEPS.length - 1)] ?? 'review'
}

export function stepBefore(step: PetitionStep): PetitionStep {
  return PETITION_STEPS[Math.max(stepIndexOf(step) - 1, 0)] ?? 'kind'
}

/** `1.2 MB`, `356 KB`, and a round limit as `10 MB`: file sizes as a person reads them. */
export function formatFileSize(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`
  return `${Math.max(1, Math.round(bytes / 1024))} KB`
}
