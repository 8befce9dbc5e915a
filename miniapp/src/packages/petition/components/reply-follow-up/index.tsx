import { Button, Text, Textarea, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import {
  type PetitionDetail,
  RATING_COMMENT_MAX,
  RATING_LEVEL_LABELS,
  RATING_LEVELS,
  RATING_STAGE_LABELS,
  RATING_TAG_LABELS,
  RATING_TAGS,
  RATING_WINDOW_DAYS,
  type Rating,
  ratingStageOf,
} from '@xinfang/shared'
import { type RatingFormModel, useRatingForm } from '../../../../hooks/use-rating-form'
import { formatShanghaiDay } from '../../../../utils/format'
import {
  ALREADY_RATED_TEXT,
  FINAL_REPLY_TEXT,
  formatDueDay,
  isFinal,
  REVIEW_KIND_ARTICLES,
  REVIEW_KIND_LABELS,
  type ReplyStage,
  type ReviewKind,
  type ReviewOpening,
  reviewKindAfter,
  reviewOpeningOf,
} from '../../../../utils/reply-stage'
import { PETITION_PAGES, pageUrl } from '../../../../utils/routes'
import { ChoiceCard } from '../choice-card'
import './index.scss'

const LEVEL_HINTS: Record<(typeof RATING_LEVELS)[number], string> = {
  satisfied: '问题解决了，或答复让您认可',
  basically_satisfied: '大体认可，还有些地方不够好',
  dissatisfied: '不认可答复，可以接着申请复查（复核）',
}

const WEAPP_PLACEHOLDER: { placeholderClass?: string } =
  process.env.TARO_ENV === 'weapp' ? { placeholderClass: 'follow-up__placeholder' } : {}

interface ReplyFollowUpProps {
  petition: PetitionDetail
  /** Whose drafts these are on this device. */
  userId: string
  now: number
  /** Reads the petition again: after a rating, and after a refusal the petition as it is now explains. */
  onStale: () => void
}

/**
 * What the citizen can do after a reply, under the detail page's timeline: rate it (满意度评价, once per reply
 * stage) and, for a complaint, ask for 复查 or 复核 — offered first of all after a 不满意 rating
 * (../shared/DOMAIN.md). The petition detail is the judge of both: its `rating` is shown once given (from any phone),
 * the form only while `deadlines.rateBy` says the reply can still be rated. Nothing is rendered without a reply.
 */
export function ReplyFollowUp({ petition, userId, now, onStale }: ReplyFollowUpProps) {
  const stage = ratingStageOf(petition.status)
  if (stage === null) return null
  return (
    // Keyed by stage: after 复查 is answered the sheet starts again, for the new reply, with its own draft.
    <RatingSection
      key={`${petition.id}|${stage}`}
      petition={petition}
      userId={userId}
      stage={stage}
      review={reviewOpeningOf(petition, now)}
      now={now}
      onStale={onStale}
    />
  )
}

function RatingSection({
  petition,
  userId,
  stage,
  review,
  now,
  onStale,
}: {
  petition: PetitionDetail
  userId: string
  stage: ReplyStage
  review: ReviewOpening | null
  now: number
  onStale: () => void
}) {
  const form = useRatingForm({ userId, petitionId: petition.id, stage, given: petition.rating, onStale })
  const stageLabel = RATING_STAGE_LABELS[stage]
  // The detail's rating once it has it; until the detail is read again, the API's answer to the rating just sent.
  const rating = petition.rating ?? form.sent
  const { rateBy } = petition.deadlines
  const isFormShown = rating === undefined && !form.isAlreadyRated && rateBy !== undefined

  return (
    <View className="follow-up" id="reply-follow-up">
      <Text className="follow-up__title">评价{stageLabel}</Text>
      {form.isAlreadyRated && (
        <Text className="follow-up__note" id="rating-already-given">
          {ALREADY_RATED_TEXT}
        </Text>
      )}
      {rating !== undefined ? (
        <GivenRatingView rating={rating} />
      ) : form.isAlreadyRated ? null : rateBy !== undefined ? (
        <RatingSheet form={form} stageLabel={stageLabel} rateBy={rateBy} now={now} />
      ) : (
        <Text className="follow-up__note" id="rating-closed">
          {`已过评价期限，不能再评价：答复后 ${RATING_WINDOW_DAYS} 日内可以评价。`}
        </Text>
      )}
      {!isFormShown && form.unsentComment !== undefined && (
        <Text className="follow-up__note" id="rating-unsent">
          您在本机写的意见没有提交：“{form.unsentComment}”。
          {review?.isOpen ? '如对答复不服，可以写进复查（复核）申请的理由里。' : ''}
        </Text>
      )}
      <ReviewOffer petitionId={petition.id} stage={stage} review={review} rating={rating} now={now} />
      {isFinal(petition.status) && (
        <Text className="follow-up__note" id="final-note">
          {FINAL_REPLY_TEXT}
        </Text>
      )}
    </View>
  )
}

function RatingSheet({
  form,
  stageLabel,
  rateBy,
  now,
}: {
  form: RatingFormModel
  stageLabel: string
  rateBy: string
  now: number
}) {
  const commentLength = form.comment.trim().length
  return (
    <View id="rating-sheet">
      <Text className="follow-up__intro">您对这次{stageLabel}满意吗？</Text>
      <Text className="follow-up__deadline" id="rating-deadline">
        评价期限：{formatDueDay(rateBy, now)}
      </Text>
      {form.isRestored && (
        <Text className="follow-up__restored" id="rating-restored">
          已为您恢复上次没有提交的评价，可以接着填写。
        </Text>
      )}
      {RATING_LEVELS.map((level) => (
        <ChoiceCard
          key={level}
          id={`rating-level-${level}`}
          title={RATING_LEVEL_LABELS[level]}
          description={LEVEL_HINTS[level]}
          isSelected={form.level === level}
          onChoose={() => form.choose(level)}
        />
      ))}

      <Text className="follow-up__label">主要是哪方面？（可多选，选填）</Text>
      <View className="follow-up__tags">
        {RATING_TAGS.map((tag) => {
          const isOn = form.tags.includes(tag)
          return (
            <Button
              key={tag}
              className={`follow-up__tag ${isOn ? 'follow-up__tag--on' : ''}`}
              id={`rating-tag-${tag}`}
              ariaLabel={isOn ? `${RATING_TAG_LABELS[tag]}，已选` : RATING_TAG_LABELS[tag]}
              onClick={() => form.toggleTag(tag)}
            >
              {isOn ? `✓ ${RATING_TAG_LABELS[tag]}` : RATING_TAG_LABELS[tag]}
            </Button>
          )
        })}
      </View>

      <Text className="follow-up__label">想说的话（选填）</Text>
      <Textarea
        className="follow-up__textarea"
        id="rating-comment"
        // WeChat's textarea stops at 140 characters unless told otherwise.
        maxlength={RATING_COMMENT_MAX}
        placeholder="例如：哪里做得好，哪里还没有解决"
        {...WEAPP_PLACEHOLDER}
        value={form.comment}
        onInput={(event) => form.changeComment(event.detail.value)}
      />
      <Text className="follow-up__count" id="rating-comment-count">
        已写 {commentLength} 字（最多 {RATING_COMMENT_MAX} 字）
      </Text>

      {form.fieldError !== undefined && (
        <Text className="follow-up__error" id="rating-error">
          {form.fieldError}
        </Text>
      )}
      {form.formError !== undefined && (
        <Text className="follow-up__form-error" id="rating-form-error">
          {form.formError}
        </Text>
      )}
      <Button
        className="follow-up__primary"
        id="rating-submit"
        {...(form.isSubmitting ? { disabled: true } : {})}
        onClick={() => void form.submit()}
      >
        {form.isSubmitting ? '正在提交…' : '提交评价'}
      </Button>
      <Text className="follow-up__saved">填写的内容会自动保存在本机。每次答复只能评价一次。</Text>
    </View>
  )
}

function GivenRatingView({ rating }: { rating: Rating }) {
  return (
    <View className="follow-up__given" id="rating-given">
      <Text className={`follow-up__level follow-up__level--${rating.level}`} id="rating-given-level">
        您的评价：{RATING_LEVEL_LABELS[rating.level]}
      </Text>
      {rating.tags.length > 0 && (
        <Text className="follow-up__given-text">
          涉及：{rating.tags.map((tag) => RATING_TAG_LABELS[tag]).join('、')}
        </Text>
      )}
      {rating.comment !== null && <Text className="follow-up__given-text">“{rating.comment}”</Text>}
      <Text className="follow-up__note">感谢您的评价，它会计入“阳光信访”公开的满意率。</Text>
    </View>
  )
}

/**
 * The way to 复查/复核 with its deadline. After a 不满意 rating it is the next step, offered with the rating's own
 * `canRequestReview` and `reviewRequestBy`; otherwise it is there, quieter, for anyone who disagrees with the reply.
 */
function ReviewOffer({
  petitionId,
  stage,
  review,
  rating,
  now,
}: {
  petitionId: string
  stage: ReplyStage
  review: ReviewOpening | null
  rating: Rating | undefined
  now: number
}) {
  const nextStepBy = rating?.canRequestReview ? rating.reviewRequestBy : null
  const kind = review?.kind ?? reviewKindAfter(stage)
  if (kind === null || (nextStepBy === null && review === null)) return null
  const label = REVIEW_KIND_LABELS[kind]
  if (nextStepBy === null && review !== null && !review.isOpen) {
    return (
      <View className="follow-up__review" id="review-offer">
        <Text className="follow-up__note" id="review-closed">
          申请{label}的期限已于{formatShanghaiDay(review.requestBy, now)}届满（收到答复之日起 30 日内，《信访工作条例》
          {REVIEW_KIND_ARTICLES[kind]}）。
        </Text>
      </View>
    )
  }
  const isNextStep = nextStepBy !== null
  const requestBy = nextStepBy ?? review?.requestBy
  return (
    <View className={`follow-up__review ${isNextStep ? 'follow-up__review--next' : ''}`} id="review-offer">
      <Text className="follow-up__review-title">
        {isNextStep ? `下一步：申请${label}` : `对${reviewedReplyOf(kind)}不服？`}
      </Text>
      <Text className="follow-up__review-text">
        {isNextStep ? '您对答复不满意，' : '如对答复不服，'}可以请求上一级机关{label}（《信访工作条例》
        {REVIEW_KIND_ARTICLES[kind]}）。
      </Text>
      {requestBy !== undefined && (
        <Text className="follow-up__deadline" id="review-deadline">
          申请期限：{formatDueDay(requestBy, now)}
        </Text>
      )}
      <Button
        className={isNextStep ? 'follow-up__primary' : 'follow-up__secondary'}
        id="request-review"
        onClick={() => void Taro.navigateTo({ url: pageUrl(PETITION_PAGES.review, { id: petitionId }) })}
      >
        申请{label}
      </Button>
    </View>
  )
}

function reviewedReplyOf(kind: ReviewKind): string {
  return kind === 'review' ? '答复' : '复查意见'
}
