import { describe, expect, test } from 'vitest'
import { STAFF_ROLES, type StaffRole } from './auth'
import { NATIONAL_PROFILE, ZHEJIANG_PROFILE } from './deadlines'
import { PETITION_STATUSES, type PetitionStatus } from './petition'
import {
  CITIZEN_ACTION_RULES,
  canStaffSee,
  decideStaffAction,
  FINAL_STATUSES,
  reviewStepOf,
  STAFF_ACTION_RULES,
  STAFF_ACTION_TYPES,
  type StaffAction,
  StaffActionSchema,
  type StaffActionType,
  SYSTEM_TRANSITION_RULES,
  type WorkflowPetition,
} from './workflow'

const HANDLING = 'unit-bureau'
const OTHER = 'unit-other'

const sampleAction: Record<StaffActionType, StaffAction> = {
  accept: { type: 'accept', version: 1 },
  not_accept: { type: 'not_accept', version: 1, reason: '属于劳动仲裁受理范围', route: 'arbitration' },
  transfer: { type: 'transfer', version: 1, toUnitId: 'unit-dept' },
  assign: { type: 'assign', version: 1, unitId: 'unit-dept' },
  reply: { type: 'reply', version: 1, outcome: 'upheld', text: '经调查核实，已责令企业足额支付工资。' },
  extend: { type: 'extend', version: 1, days: 30, reason: '案情复杂需进一步调查' },
  note: { type: 'note', version: 1, text: '已电话联系信访人' },
  supervise: { type: 'supervise', version: 1, text: '请于三日内报送办理进展' },
  review_reply: { type: 'review_reply', version: 1, outcome: 'explained', text: '经复查，原处理意见正确，予以维持。' },
  recheck_reply: {
    type: 'recheck_reply',
    version: 1,
    outcome: 'not_upheld',
    text: '经复核，维持复查意见，本事项终结。',
  },
}

const petitionIn = (status: PetitionStatus, overrides: Partial<WorkflowPetition> = {}): WorkflowPetition => ({
  status,
  kind: 'complaint',
  handlingUnitId: HANDLING,
  targetUnitId: null,
  isWithExternalBody: false,
  extendedDays: 0,
  ...overrides,
})

describe('every status × action × role of the handling unit', () => {
  for (const status of PETITION_STATUSES) {
    for (const type of STAFF_ACTION_TYPES) {
      for (const role of STAFF_ROLES) {
        const rule = STAFF_ACTION_RULES[type]
        const isLegal = rule.from.includes(status) && rule.roles.includes(role)
        test(`${type} on a ${status} petition by a ${role} is ${isLegal ? 'allowed' : 'refused'}`, () => {
          const decision = decideStaffAction(
            petitionIn(status),
            { role, unitId: HANDLING },
            sampleAction[type],
            NATIONAL_PROFILE,
          )
          expect(decision.ok).toBe(isLegal)
          if (isLegal && decision.ok) expect(decision.to).toBe(rule.to ?? status)
          if (!decision.ok) {
            expect(decision.code).toBe(rule.roles.includes(role) ? 'INVALID_TRANSITION' : 'FORBIDDEN')
          }
        })
      }
    }
  }
})

test('the happy path leads from submission to a reply', () => {
  const path: [StaffActionType, StaffRole, PetitionStatus][] = [
    ['accept', 'intake', 'accepted'],
    ['assign', 'intake', 'in_progress'],
    ['extend', 'handler', 'in_progress'],
    ['reply', 'handler', 'replied'],
  ]
  let status: PetitionStatus = 'submitted'
  for (const [type, role, expected] of path) {
    const decision = decideStaffAction(
      petitionIn(status),
      { role, unitId: HANDLING },
      sampleAction[type],
      NATIONAL_PROFILE,
    )
    expect(decision).toEqual({ ok: true, to: expected })
    status = expected
  }
})

test('staff of another unit may not act on a petition they do not hold, except supervisors supervising', () => {
  for (const type of STAFF_ACTION_TYPES) {
    const rule = STAFF_ACTION_RULES[type]
    const status = rule.from[0] ?? 'submitted'
    const decision = decideStaffAction(
      petitionIn(status),
      { role: 'handler', unitId: OTHER },
      sampleAction[type],
      NATIONAL_PROFILE,
    )
    expect(decision.ok).toBe(false)
  }
  expect(
    decideStaffAction(
      petitionIn('in_progress'),
      { role: 'supervisor', unitId: OTHER },
      sampleAction.supervise,
      NATIONAL_PROFILE,
    ),
  ).toEqual({
    ok: true,
    to: 'in_progress',
  })
})

test('extensions add up to at most the profile’s limit: 30 days nationally, 60 in Zhejiang', () => {
  const extend = (days: number, already: number, profile = NATIONAL_PROFILE) =>
    decideStaffAction(
      petitionIn('in_progress', { extendedDays: already }),
      { role: 'handler', unitId: HANDLING },
      { type: 'extend', version: 1, days, reason: '需要补充调查材料' },
      profile,
    ).ok
  expect(extend(30, 0)).toBe(true)
  expect(extend(31, 0)).toBe(false)
  expect(extend(10, 25)).toBe(false)
  expect(extend(5, 25)).toBe(true)
  expect(extend(60, 0, ZHEJIANG_PROFILE)).toBe(true)
  expect(extend(1, 60, ZHEJIANG_PROFILE)).toBe(false)
})

test('a report is invisible to staff of the unit it accuses, whatever their role', () => {
  const report = petitionIn('submitted', {
    kind: 'report',
    handlingUnitId: 'unit-discipline',
    targetUnitId: 'unit-accused',
  })
  for (const role of STAFF_ROLES) {
    expect(canStaffSee({ role, unitId: 'unit-accused' }, report)).toBe(false)
    expect(
      decideStaffAction(report, { role, unitId: 'unit-accused' }, sampleAction.supervise, NATIONAL_PROFILE).ok,
    ).toBe(false)
  }
  expect(canStaffSee({ role: 'handler', unitId: 'unit-discipline' }, report)).toBe(true)
})

test('a report cannot be transferred or assigned to the unit it accuses', () => {
  const report = petitionIn('submitted', {
    kind: 'report',
    handlingUnitId: 'unit-discipline',
    targetUnitId: 'unit-accused',
  })
  const actor = { role: 'intake' as const, unitId: 'unit-discipline' }
  expect(
    decideStaffAction(report, actor, { type: 'transfer', version: 1, toUnitId: 'unit-accused' }, NATIONAL_PROFILE),
  ).toMatchObject({
    ok: false,
    code: 'INVALID_TRANSITION',
  })
  expect(
    decideStaffAction(report, actor, { type: 'transfer', version: 1, toUnitId: 'unit-elsewhere' }, NATIONAL_PROFILE).ok,
  ).toBe(true)
  const accepted = { ...report, status: 'accepted' as const }
  expect(
    decideStaffAction(accepted, actor, { type: 'assign', version: 1, unitId: 'unit-accused' }, NATIONAL_PROFILE).ok,
  ).toBe(false)
})

test('a petition cannot be transferred to the unit already holding it', () => {
  const petition = petitionIn('transferred', { handlingUnitId: 'unit-dept' })
  const actor = { role: 'handler' as const, unitId: 'unit-dept' }
  expect(
    decideStaffAction(petition, actor, { type: 'transfer', version: 1, toUnitId: 'unit-dept' }, NATIONAL_PROFILE),
  ).toMatchObject({ ok: false, code: 'TRANSFER_TO_SAME_UNIT' })
  expect(
    decideStaffAction(petition, actor, { type: 'transfer', version: 1, toUnitId: 'unit-other' }, NATIONAL_PROFILE).ok,
  ).toBe(true)
})

test('a petition forwarded to an outside body takes nothing but notes', () => {
  const forwarded = petitionIn('transferred', { isWithExternalBody: true })
  expect(
    decideStaffAction(forwarded, { role: 'intake', unitId: HANDLING }, sampleAction.accept, NATIONAL_PROFILE).ok,
  ).toBe(false)
  expect(
    decideStaffAction(forwarded, { role: 'intake', unitId: HANDLING }, sampleAction.note, NATIONAL_PROFILE).ok,
  ).toBe(true)
})

test('each action states what it requires: a legal route for 不予受理, a destination for 转送, an outcome for a reply', () => {
  expect(StaffActionSchema.safeParse({ type: 'not_accept', version: 1, reason: '属于仲裁范围' }).success).toBe(false)
  expect(StaffActionSchema.safeParse({ type: 'transfer', version: 1 }).success).toBe(false)
  expect(
    StaffActionSchema.safeParse({ type: 'transfer', version: 1, toUnitId: 'a', externalBody: '某法院' }).success,
  ).toBe(false)
  expect(StaffActionSchema.safeParse({ type: 'reply', version: 1, text: '已处理完毕，请知悉。' }).success).toBe(false)
  expect(StaffActionSchema.safeParse({ type: 'extend', version: 1, days: 10 }).success).toBe(false)
  expect(StaffActionSchema.safeParse({ type: 'accept' }).success).toBe(false)
  for (const action of Object.values(sampleAction)) expect(StaffActionSchema.safeParse(action).success).toBe(true)
})

describe("the citizen's moves and the service's own", () => {
  const KINDS = ['complaint', 'suggestion', 'inquiry', 'report'] as const

  test('a review is open after the reply, a recheck after the review reply, for complaints only', () => {
    for (const status of PETITION_STATUSES) {
      for (const kind of KINDS) {
        const expected =
          kind !== 'complaint'
            ? null
            : status === 'replied'
              ? 'request_review'
              : status === 'review_replied'
                ? 'request_recheck'
                : null
        expect(reviewStepOf({ status, kind }), `${kind} in ${status}`).toBe(expected)
      }
    }
  })

  test('each move leads to the status that the body above then answers from', () => {
    expect(CITIZEN_ACTION_RULES.request_review.to).toBe('review_requested')
    expect(STAFF_ACTION_RULES.review_reply.from).toEqual([CITIZEN_ACTION_RULES.request_review.to])
    expect(CITIZEN_ACTION_RULES.request_recheck.to).toBe('recheck_requested')
    expect(STAFF_ACTION_RULES.recheck_reply.from).toEqual([CITIZEN_ACTION_RULES.request_recheck.to])
    expect(CITIZEN_ACTION_RULES.request_recheck.from).toEqual([STAFF_ACTION_RULES.review_reply.to])
    expect(FINAL_STATUSES).toContain(STAFF_ACTION_RULES.recheck_reply.to)
  })

  test('a petition can be withdrawn only before any reply', () => {
    const replied = new Set(['replied', 'review_requested', 'review_replied', 'recheck_requested', 'recheck_replied'])
    for (const status of CITIZEN_ACTION_RULES.withdraw.from) expect(replied.has(status), status).toBe(false)
    expect(CITIZEN_ACTION_RULES.withdraw.from).toEqual(['submitted', 'accepted', 'in_progress'])
  })

  test('the service closes only answered matters, and only a recheck reply becomes final', () => {
    const answered = new Set<PetitionStatus>(['replied', 'review_replied', 'recheck_replied'])
    for (const rule of Object.values(SYSTEM_TRANSITION_RULES)) {
      for (const status of rule.from) expect(answered.has(status), status).toBe(true)
    }
    expect(SYSTEM_TRANSITION_RULES.finalize).toEqual({ from: ['recheck_replied'], to: 'finalized' })
    expect(SYSTEM_TRANSITION_RULES.close.from).not.toContain('recheck_replied')
  })
})
