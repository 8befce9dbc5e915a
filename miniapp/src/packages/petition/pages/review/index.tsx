import { Button, Text, Textarea, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { type PetitionDetail, REVIEW_REASON_MAX, REVIEW_REASON_MIN } from '@xinfang/shared'
import { useEffect, useRef } from 'react'
import { RemoteView, remoteIds } from '../../../../components/remote-view'
import { LoadingPanel, StatusPanel } from '../../../../components/status-panel'
import { useRemote } from '../../../../hooks/use-remote'
import { useReviewRequest } from '../../../../hooks/use-review-request'
import { session } from '../../../../services/api'
import { fetchPetition } from '../../../../services/petitions'
import type { ReviewRequestCreated } from '../../../../services/reviews'
import { formatShanghaiDay } from '../../../../utils/format'
import {
  FINAL_REPLY_TEXT,
  formatDueDay,
  isFinal,
  pendingReviewOf,
  REVIEW_KIND_ARTICLES,
  REVIEW_KIND_LABELS,
  type ReviewKind,
  type ReviewOpening,
  reviewOpeningOf,
} from '../../../../utils/reply-stage'
import { PETITION_PAGES, pageUrl, paramOf } from '../../../../utils/routes'
import { PetitionNotFound } from '../../components/petition-not-found'
import './index.scss'

interface LoadedPetition {
  petition: PetitionDetail
  checkedAt: number
}

const WEAPP_PLACEHOLDER: { placeholderClass?: string } =
  process.env.TARO_ENV === 'weapp' ? { placeholderClass: 'review__placeholder' } : {}

/**
 * 申请复查 / 申请复核: the citizen disagrees with the written reply (Art. 35) or with the 复查 opinion (Art. 36) and
 * asks the unit above to look again, within 30 days. The page reads the petition first, so it knows which of the
 * two this is, until when, and whether it is still possible at all.
 */
export default function ReviewPage() {
  const { params } = useRouter()
  const petitionId = paramOf(params, 'id')
  const remote = useRemote<LoadedPetition>(async (signal) => {
    if (petitionId === undefined) throw new Error('没有指定信访事项')
    return { petition: await fetchPetition(petitionId, { signal }), checkedAt: Date.now() }
  })
  return (
    <View className="review">
      <RemoteView
        state={remote.state}
        ids={remoteIds('review')}
        onRetry={() => remote.reload()}
        notFound={<PetitionNotFound idPrefix="review" />}
      >
        {(loaded) => <ReviewContent loaded={loaded} onStale={() => remote.reload({ quietly: true })} />}
      </RemoteView>
    </View>
  )
}

/** Back to the petition: the detail page below this one when there is one (it refreshes when shown), else anew. */
function openDetail(petitionId: string) {
  if (pagesOpen() > 1) {
    Taro.navigateBack().catch(() => Taro.redirectTo({ url: pageUrl(PETITION_PAGES.detail, { id: petitionId }) }))
    return
  }
  void Taro.redirectTo({ url: pageUrl(PETITION_PAGES.detail, { id: petitionId }) })
}

/** How many pages are on the stack; 0 when the platform cannot tell (then the detail is opened anew). */
function pagesOpen(): number {
  try {
    return Taro.getCurrentPages().length
  } catch {
    return 0
  }
}

function ReviewContent({ loaded, onStale }: { loaded: LoadedPetition; onStale: () => void }) {
  const { petition, checkedAt } = loaded
  const userId = session.user()?.id
  const pending = pendingReviewOf(petition.status)
  const opening = reviewOpeningOf(petition, checkedAt)
  const back = { id: 'review-to-detail', label: '返回信访事项', onClick: () => openDetail(petition.id) }

  if (pending !== null) {
    // Already asked (here, or by an earlier tap whose answer was lost): the petition now shows where it went.
    const decideBy = petition.deadlines.replyBy
    return (
      <StatusPanel
        id="review-pending"
        tone="notice"
        title={`您已申请${REVIEW_KIND_LABELS[pending]}`}
        text={`${REVIEW_KIND_LABELS[pending]}机关：${petition.handlingUnit.name}。${
          decideBy === undefined
            ? ''
            : `将在${formatShanghaiDay(decideBy, checkedAt)}前提出${REVIEW_KIND_LABELS[pending]}意见并书面答复您。`
        }`}
        action={back}
      />
    )
  }
  if (opening === null) {
    return (
      <StatusPanel
        id="review-unavailable"
        tone="notice"
        title="这件事项现在不能申请复查（复核）"
        text={whyNoReview(petition)}
        action={back}
      />
    )
  }
  if (!opening.isOpen) {
    return (
      <StatusPanel
        id="review-window-closed"
        tone="notice"
        title={`已超过申请${REVIEW_KIND_LABELS[opening.kind]}的期限`}
        text={`申请期限已于${formatShanghaiDay(opening.requestBy, checkedAt)}届满：须在收到答复之日起 30 日内申请（《信访工作条例》${REVIEW_KIND_ARTICLES[opening.kind]}）。如有新的事实和理由，可以重新提出信访事项。`}
        action={back}
      />
    )
  }
  if (userId === undefined) return <LoadingPanel id="review-loading" />
  return (
    <ReviewForm
      key={`${petition.id}|${opening.kind}`}
      petition={petition}
      opening={opening}
      userId={userId}
      now={checkedAt}
      onStale={onStale}
    />
  )
}

function whyNoReview(petition: PetitionDetail): string {
  if (isFinal(petition.status)) return `这件事项已经复核。${FINAL_REPLY_TEXT}`
  if (petition.kind !== 'complaint') return '只有投诉请求类事项可以申请复查、复核；建议意见、检举控告和咨询不适用。'
  return '收到书面答复后，才能在 30 日内申请复查；收到复查意见后，才能在 30 日内申请复核。'
}

function ReviewForm({
  petition,
  opening,
  userId,
  now,
  onStale,
}: {
  petition: PetitionDetail
  opening: ReviewOpening
  userId: string
  now: number
  onStale: () => void
}) {
  const form = useReviewRequest({ userId, petitionId: petition.id, kind: opening.kind })
  const label = REVIEW_KIND_LABELS[opening.kind]

  // A refusal for good may mean the petition moved on (an earlier request whose answer was lost went through):
  // reading it again shows where it stands instead of a form that can only fail.
  const onStaleRef = useRef(onStale)
  onStaleRef.current = onStale
  const { isRefusedForGood } = form
  useEffect(() => {
    if (isRefusedForGood) onStaleRef.current()
  }, [isRefusedForGood])

  if (form.created !== undefined) {
    return <ReviewCreated created={form.created} kind={opening.kind} now={now} />
  }

  return (
    <View className="review__form" id="review-form">
      <Text className="review__title">申请{label}</Text>
      <Text className="review__intro">
        {opening.kind === 'review'
          ? `对${petition.handlingUnit.name}的处理意见不服，可以请求上一级机关复查。`
          : `对${petition.handlingUnit.name}的复查意见不服，可以请求再上一级机关复核。`}
        {label}机关收到申请后 30 日内提出{label}意见并书面答复您（《信访工作条例》
        {REVIEW_KIND_ARTICLES[opening.kind]}）。
      </Text>
      <View className="review__deadline" id="review-request-by">
        <Text className="review__deadline-label">申请期限</Text>
        <Text className="review__deadline-value">{formatDueDay(opening.requestBy, now)}</Text>
      </View>

      {form.isRestored && (
        <Text className="review__restored" id="review-restored">
          已为您恢复上次没有提交的理由，可以接着填写。
        </Text>
      )}

      <Text className="review__label">不服的理由和诉求</Text>
      <Text className="review__hint">请写清楚：对答复的哪一点不认可，为什么，希望怎样解决。</Text>
      <Textarea
        className={`review__textarea ${form.fieldError ? 'review__textarea--error' : ''}`}
        id="review-reason"
        // WeChat's textarea stops at 140 characters unless told otherwise.
        maxlength={REVIEW_REASON_MAX}
        placeholder="请输入理由"
        {...WEAPP_PLACEHOLDER}
        value={form.reason}
        onInput={(event) => form.changeReason(event.detail.value)}
      />
      <Text className="review__count" id="review-reason-count">
        已写 {form.reasonLength} 字（至少 {REVIEW_REASON_MIN} 字）
      </Text>
      {form.fieldError !== undefined && (
        <Text className="review__error" id="review-reason-error">
          {form.fieldError}
        </Text>
      )}
      {form.formError !== undefined && (
        <Text className="review__form-error" id="review-form-error">
          {form.formError}
        </Text>
      )}

      {form.isRefusedForGood ? (
        <Button className="review__secondary" id="review-to-detail" onClick={() => openDetail(petition.id)}>
          返回信访事项
        </Button>
      ) : (
        <Button
          className="review__primary"
          id="review-submit"
          {...(form.isSubmitting ? { disabled: true } : {})}
          onClick={() => void form.submit()}
        >
          {form.isSubmitting ? '正在提交…' : `提交${label}申请`}
        </Button>
      )}
      <Text className="review__saved">写的理由会自动保存在本机，退出后再进来还在。</Text>
    </View>
  )
}

function ReviewCreated({ created, kind, now }: { created: ReviewRequestCreated; kind: ReviewKind; now: number }) {
  const label = REVIEW_KIND_LABELS[kind]
  return (
    <View className="review__created" id="review-created">
      <Text className="review__mark">✓</Text>
      <Text className="review__title">已申请{label}</Text>
      <View className="review__fact">
        <Text className="review__fact-label">{label}机关</Text>
        <Text className="review__fact-value" id="review-unit">
          {created.reviewUnit.name}
        </Text>
      </View>
      <View className="review__fact">
        <Text className="review__fact-label">答复期限</Text>
        <Text className="review__fact-value" id="review-decide-by">
          {formatShanghaiDay(created.decideBy, now)}前
        </Text>
      </View>
      <Text className="review__intro">
        {created.reviewUnit.name}将在{formatShanghaiDay(created.decideBy, now)}前提出{label}
        意见并书面答复您（《信访工作条例》{REVIEW_KIND_ARTICLES[kind]}）。每一步进展都会通知您。
      </Text>
      <Button className="review__primary" id="review-view-detail" onClick={() => openDetail(created.petitionId)}>
        查看办理进度
      </Button>
    </View>
  )
}
