import { z } from 'zod'
import zhCN from 'zod/v4/locales/zh-CN.js'

/**
 * Validation messages reach citizens: the API returns them in problem+json `errors`, the mini-program shows them
 * under form fields. Default messages are Chinese; a schema's own message (e.g. '身份证号码校验未通过') wins.
 * Only the one locale is imported so the mini-program bundle does not carry every language.
 */
z.config(zhCN())
