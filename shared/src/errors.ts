/**
 * The stable error codes of the public API (../shared/API.md). Clients branch on `code`, never on `title`,
 * so a code is never renamed; the Chinese title is what a person reads when a client has nothing better.
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: { status: 400, title: '提交的内容不符合要求，请检查后重试' },
  MALFORMED_JSON: { status: 400, title: '请求内容不是有效的 JSON' },
  MALFORMED_REQUEST: { status: 400, title: '请求格式不正确' },
  JSON_TOO_DEEP: { status: 400, title: '请求内容的嵌套层级过深' },
  ID_NUMBER_INVALID: { status: 400, title: '身份证号码校验未通过，请核对后重新填写' },
  IDEMPOTENCY_KEY_REQUIRED: { status: 400, title: '缺少 Idempotency-Key 请求头' },
  UNAUTHENTICATED: { status: 401, title: '请先登录' },
  WECHAT_CODE_INVALID: { status: 401, title: '微信登录凭证无效或已使用，请重新登录' },
  FORBIDDEN: { status: 403, title: '没有权限进行此操作' },
  PROFILE_REQUIRED: { status: 403, title: '请先完成实名信息登记' },
  WECHAT_FORBIDDEN: { status: 403, title: '微信拒绝了本次登录，请稍后再试' },
  BOOKING_SUSPENDED: { status: 403, title: '因多次预约未到场，预约功能暂停使用' },
  NOT_FOUND: { status: 404, title: '找不到请求的内容' },
  METHOD_NOT_ALLOWED: { status: 405, title: '不支持该请求方法' },
  REQUEST_TIMEOUT: { status: 408, title: '请求发送超时，请检查网络后重试' },
  INVALID_TRANSITION: { status: 409, title: '当前状态下不能进行此操作' },
  VERSION_CONFLICT: { status: 409, title: '内容已被他人修改，请刷新后重试' },
  TRANSFER_TO_SAME_UNIT: { status: 409, title: '不能转送给正在承办的单位' },
  IDEMPOTENCY_IN_FLIGHT: { status: 409, title: '相同的请求正在处理中，请稍候' },
  SLOT_FULL: { status: 409, title: '该时段名额已满' },
  BOOKING_EXISTS: { status: 409, title: '您已预约过本场接访' },
  BOOKING_CLOSED: { status: 409, title: '不在预约时间范围内' },
  CANCEL_CLOSED: { status: 409, title: '已过取消截止时间' },
  ALREADY_RATED: { status: 409, title: '本阶段已评价' },
  RATING_NOT_OPEN: { status: 409, title: '当前没有可以评价的答复' },
  REVIEW_WINDOW_CLOSED: { status: 409, title: '已超过申请复查（复核）的期限' },
  PETITION_FINALIZED: { status: 409, title: '该信访事项已终结' },
  PAYLOAD_TOO_LARGE: { status: 413, title: '提交的内容过大' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: '不支持的文件或内容类型' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: '该 Idempotency-Key 已用于另一份不同的请求' },
  IMAGE_TOO_LARGE: { status: 422, title: '图片尺寸过大，请缩小图片或截图后再上传' },
  RATE_LIMITED: { status: 429, title: '操作过于频繁，请稍后再试' },
  REQUEST_HEADERS_TOO_LARGE: { status: 431, title: '请求头过大' },
  WECHAT_RATE_LIMITED: { status: 429, title: '微信登录繁忙，请稍后再试' },
  INTERNAL_ERROR: { status: 500, title: '服务暂时出现问题，请稍后再试' },
  SERVICE_UNAVAILABLE: { status: 503, title: '服务暂时不可用，请稍后再试' },
  WECHAT_UNAVAILABLE: { status: 503, title: '微信服务暂时不可用，请稍后再试' },
} as const satisfies Record<string, { status: number; title: string }>

export type ErrorCode = keyof typeof ERROR_CODES

export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as ErrorCode[]

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value)
}

export function statusOf(code: ErrorCode): number {
  return ERROR_CODES[code].status
}
