import { Button, Input, Text, View } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import { PETITION_KIND_LABELS } from '@xinfang/shared'
import { type TrackField, useTrack } from '../../../../hooks/use-track'
import { formatShanghaiDate } from '../../../../utils/format'
import { statusLabel, statusToneOf } from '../../../../utils/petition-text'
import { paramOf } from '../../../../utils/routes'
import { DeadlineNotice } from '../../components/deadline-notice'
import { Timeline } from '../../components/timeline'
import './index.scss'

const WEAPP_PLACEHOLDER: { placeholderClass?: string } =
  process.env.TARO_ENV === 'weapp' ? { placeholderClass: 'track__placeholder' } : {}

const FIELDS: { field: TrackField; id: string; label: string; hint: string; placeholder: string; maxlength: number }[] =
  [
    {
      field: 'trackingNo',
      id: 'track-no',
      label: '受理编号',
      hint: '以 XF 开头，例如 XF-2026-000123',
      placeholder: '请输入受理编号',
      maxlength: 20,
    },
    {
      field: 'queryCode',
      id: 'track-code',
      label: '查询码',
      hint: '8 位字母或数字，提交成功时发给您的',
      placeholder: '请输入查询码',
      maxlength: 8,
    },
  ]

/**
 * 查询进度 without signing in: anyone holding the tracking number and query code — the citizen on another phone, a
 * relative helping — sees the status and the public steps, never any personal data.
 */
export default function TrackPage() {
  const { params } = useRouter()
  const track = useTrack({ initialTrackingNo: paramOf(params, 'trackingNo') })
  const { state } = track

  return (
    <View className="track">
      <View className="track__card" id="track-form">
        <Text className="track__title">查询办理进度</Text>
        <Text className="track__intro">不用登录。请输入提交成功时得到的受理编号和查询码。</Text>
        {FIELDS.map((spec) => (
          <View className="track__field" key={spec.field}>
            <Text className="track__label">{spec.label}</Text>
            <Text className="track__hint">{spec.hint}</Text>
            <Input
              className={`track__input ${track.errors[spec.field] ? 'track__input--error' : ''}`}
              id={spec.id}
              type="text"
              maxlength={spec.maxlength}
              placeholder={spec.placeholder}
              {...WEAPP_PLACEHOLDER}
              value={track.values[spec.field]}
              onInput={(event) => track.change(spec.field, event.detail.value)}
            />
            {track.errors[spec.field] !== undefined && (
              <Text className="track__error" id={`${spec.id}-error`}>
                {track.errors[spec.field]}
              </Text>
            )}
          </View>
        ))}
        <Button
          className="track__submit"
          id="track-submit"
          {...(state.status === 'searching' ? { disabled: true } : {})}
          onClick={() => void track.search()}
        >
          {state.status === 'searching' ? '正在查询…' : '查询'}
        </Button>
        {state.status === 'failed' && (
          <Text className="track__failure" id="track-failure">
            {state.message}
          </Text>
        )}
      </View>

      {state.status === 'found' && (
        <View className="track__card" id="track-result">
          <Text className={`track__status track__status--${statusToneOf(state.result.status)}`} id="track-status">
            {statusLabel(state.result.status)}
          </Text>
          <Text className="track__meta">受理编号 {state.result.trackingNo}</Text>
          <Text className="track__meta">
            {PETITION_KIND_LABELS[state.result.kind]} · {state.result.category.name}
          </Text>
          <Text className="track__meta">{formatShanghaiDate(state.result.submittedAt, state.checkedAt)} 提交</Text>
          <DeadlineNotice deadline={state.result.nextDeadline} now={state.checkedAt} status={state.result.status} />
          <Text className="track__section-title">办理进度</Text>
          <Timeline events={state.result.timeline} now={state.checkedAt} />
        </View>
      )}
    </View>
  )
}
