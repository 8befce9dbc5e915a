import { type MessageSubjectKind, messagePageOf, type SubscribeTemplateKey, toShanghaiIso } from '@xinfang/shared'
import type { SubscribeMessageData } from '../../integrations/wechat'

/**
 * How a notice fills the keywords of its WeChat template. A template's keywords (`thing3`, `time4`, …) are fixed
 * when the operator adds it from WeChat's library (公众平台 → 订阅消息 → 公共模板库), so the template chosen for
 * each logical notice must have exactly these keywords, in this order and of these types; a mismatch is refused
 * by WeChat with 47003 and shows up as `failed` rows in the outbox.
 *
 * - `petition_progress` (信访事项办理进度提醒): 受理编号 character_string1, 办理状态 phrase2, 温馨提示 thing3,
 *   更新时间 time4
 * - `booking_update` (接访预约状态提醒): 接访事项 thing1, 接访时间 time2, 预约状态 phrase3, 备注 thing4
 */

/**
 * WeChat's value limits per keyword type (订阅消息参数值内容限制): a value over the limit is refused with 47003
 * for the whole message, so values are shortened here rather than lost there.
 * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html
 */
const fit = {
  /** 20 characters of any kind. */
  thing: (value: string) => (value.length > 20 ? `${value.slice(0, 19)}…` : value),
  /** 32 letters, digits or symbols. */
  characterString: (value: string) => value.replace(/[^\x21-\x7e]/g, '').slice(0, 32) || '-',
  /** 5 Chinese characters. */
  phrase: (value: string) => value.replace(/[^\u4e00-\u9fff]/g, '').slice(0, 5) || '有更新',
}

/** WeChat's `time` keyword format, e.g. `2026年11月23日 08:00`. */
function wechatTime(epochMs: number): string {
  const iso = toShanghaiIso(epochMs)
  return `${iso.slice(0, 4)}年${Number(iso.slice(5, 7))}月${Number(iso.slice(8, 10))}日 ${iso.slice(11, 16)}`
}

export interface PushSource {
  template: SubscribeTemplateKey
  messageId: string
  subjectKind: MessageSubjectKind
  subjectId: string
  /** The in-app message's title, used where the notice's own fields say nothing. */
  title: string
  at: number
  payload: Record<string, string>
}

function dataOf(source: PushSource): SubscribeMessageData {
  const { payload, title } = source
  switch (source.template) {
    case 'petition_progress':
      return {
        character_string1: { value: fit.characterString(payload.trackingNo ?? '') },
        phrase2: { value: fit.phrase(payload.status ?? '') },
        thing3: { value: fit.thing(title) },
        time4: { value: wechatTime(source.at) },
      }
    case 'booking_update':
      return {
        thing1: { value: fit.thing(payload.session ?? title) },
        time2: { value: payload.time ?? wechatTime(source.at) },
        phrase3: { value: fit.phrase(payload.status ?? '') },
        thing4: { value: fit.thing(payload.remark ?? title) },
      }
  }
}

/** The keyword data and the page (with the message's id, so the mini-program can open and mark it) of a push. */
export function subscribeMessageOf(source: PushSource): { data: SubscribeMessageData; page: string } {
  return { data: dataOf(source), page: messagePageOf(source.subjectKind, source.messageId, source.subjectId) }
}
