import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow, useRouter } from '@tarojs/taro'
import { ERROR_CODES, PETITION_KIND_LABELS, type PetitionDetail } from '@xinfang/shared'
import { useEffect, useRef, useState } from 'react'
import { RemoteView, remoteIds } from '../../../../components/remote-view'
import { useRemote } from '../../../../hooks/use-remote'
import { useRequestSignal } from '../../../../hooks/use-request-signal'
import { session } from '../../../../services/api'
import { RequestAbortedError } from '../../../../services/http'
import { fetchPetition, withdrawPetition } from '../../../../services/petitions'
import { findReceipt } from '../../../../utils/petition-draft'
import { formatFileSize } from '../../../../utils/petition-form'
import { statusLabel, statusToneOf } from '../../../../utils/petition-text'
import { problemFromError } from '../../../../utils/problem'
import { pendingReviewOf, REVIEW_KIND_LABELS } from '../../../../utils/reply-stage'
import { paramOf } from '../../../../utils/routes'
import { CopyRow } from '../../components/copy-row'
import { DeadlineNotice } from '../../components/deadline-notice'
import { PetitionNotFound } from '../../components/petition-not-found'
import { ReplyFollowUp } from '../../components/reply-follow-up'
import { Timeline } from '../../components/timeline'
import './index.scss'

interface LoadedDetail {
  petition: PetitionDetail
  checkedAt: number
}

/**
 * One petition: where it stands, the next deadline with its legal basis, every public step, 撤回 while allowed, and
 * after a reply its rating and the way to 复查/复核. `rate=1` (from a reply in the message centre) brings the rating
 * into view.
 */
export default function DetailPage() {
  const { params } = useRouter()
  const petitionId = paramOf(params, 'id')
  const isRatingAsked = paramOf(params, 'rate') === '1'
  const detail = useRemote<LoadedDetail>(async (signal) => {
    if (petitionId === undefined) throw new Error('没有指定信访事项')
    return { petition: await fetchPetition(petitionId, { signal }), checkedAt: Date.now() }
  })

  // Back from another page (or WeChat in the background): the staff may have acted meanwhile.
  const hasShown = useRef(false)
  useDidShow(() => {
    if (!hasShown.current) {
      hasShown.current = true
      return
    }
    detail.reload({ quietly: true })
  })

  return (
    <View className="detail">
      <RemoteView
        state={detail.state}
        ids={remoteIds('detail')}
        onRetry={() => detail.reload()}
        notFound={<PetitionNotFound idPrefix="detail" />}
      >
        {(loaded) => (
          <PetitionView
            detail={loaded}
            isRatingAsked={isRatingAsked}
            onRefresh={() => detail.reload({ quietly: true })}
            onWithdrawn={(petition) => detail.replace({ petition, checkedAt: Date.now() })}
          />
        )}
      </RemoteView>
    </View>
  )
}

/** Where the page scrolls to when opened from a reply: the rating sheet under the timeline. */
const FOLLOW_UP_SELECTOR = '#reply-follow-up'

function PetitionView({
  detail,
  isRatingAsked,
  onRefresh,
  onWithdrawn,
}: {
  detail: LoadedDetail
  isRatingAsked: boolean
  onRefresh: () => void
  onWithdrawn: (petition: PetitionDetail) => void
}) {
  const { petition, checkedAt } = detail
  const userId = session.user()?.id
  const [receipt] = useState(() => findReceipt(petition.id, userId))
  const [isWithdrawing, setWithdrawing] = useState(false)
  const [withdrawError, setWithdrawError] = useState<string | undefined>()

  // Once, when the petition first shows: the reply is read at the top of the timeline, the rating waits below it.
  useEffect(() => {
    if (!isRatingAsked || typeof Taro.pageScrollTo !== 'function') return
    // A macrotask later, so that the mini-program has rendered the section the selector names.
    const timer = setTimeout(() => {
      Promise.resolve()
        .then(() => Taro.pageScrollTo({ selector: FOLLOW_UP_SELECTOR, duration: 300 }))
        .catch(() => {})
    }, 0)
    return () => clearTimeout(timer)
  }, [isRatingAsked])

  const pendingReview = pendingReviewOf(petition.status)
  const signalOfPage = useRequestSignal()

  const withdraw = async () => {
    const answer = await Taro.showModal({
      title: '确定撤回吗？',
      content: '撤回后，这件信访事项将不再办理。如果以后还要反映，需要重新提交。',
      confirmText: '撤回',
      cancelText: '不撤回',
    })
    if (!answer.confirm) return
    setWithdrawing(true)
    setWithdrawError(undefined)
    try {
      onWithdrawn(await withdrawPetition(petition.id, { signal: signalOfPage() }))
    } catch (error) {
      if (error instanceof RequestAbortedError) return
      const problem = problemFromError(error)
      setWithdrawError(
        problem.code === 'INVALID_TRANSITION'
          ? `${ERROR_CODES.INVALID_TRANSITION.title}：这件事项已经答复或结束，不能撤回。`
          : `${problem.title}。请稍后再试。`,
      )
      onRefresh()
    } finally {
      setWithdrawing(false)
    }
  }

  return (
    <View id="petition-detail">
      <View className="detail__card">
        <Text className={`detail__status detail__status--${statusToneOf(petition.status)}`} id="detail-status">
          {statusLabel(petition.status)}
        </Text>
        <Text className="detail__title">{petition.title}</Text>
        <Text className="detail__meta">
          {PETITION_KIND_LABELS[petition.kind]} · {petition.category.name}
        </Text>
        <Text className="detail__meta" id="detail-unit">
          {pendingReview === null ? '办理单位' : `${REVIEW_KIND_LABELS[pendingReview]}机关`}：
          {petition.handlingUnit.name}
        </Text>
        <DeadlineNotice deadline={petition.nextDeadline} now={checkedAt} status={petition.status} />
        <CopyRow id="tracking-no" label="受理编号" value={petition.trackingNo} />
        {receipt !== undefined && (
          <>
            <CopyRow id="query-code" label="查询码" value={receipt.queryCode} />
            <Text className="detail__note">请妥善保存查询码，凭受理编号和查询码不用登录也能查询进度。</Text>
          </>
        )}
      </View>

      <View className="detail__card">
        <View className="detail__section-head">
          <Text className="detail__section-title">办理进度</Text>
          <Button className="detail__link" id="detail-refresh" onClick={onRefresh}>
            刷新
          </Button>
        </View>
        <Timeline events={petition.timeline} now={checkedAt} />
      </View>

      {userId !== undefined && (
        <ReplyFollowUp petition={petition} userId={userId} now={checkedAt} onStale={onRefresh} />
      )}

      <View className="detail__card">
        <Text className="detail__section-title">您反映的内容</Text>
        <Text className="detail__content">{petition.content}</Text>
        {petition.address !== null && <Text className="detail__meta">事发地点：{petition.address}</Text>}
        {petition.targetUnit !== null && <Text className="detail__meta">被反映的单位：{petition.targetUnit.name}</Text>}
        <Text className="detail__meta" id="detail-attachments">
          {petition.attachments.length > 0
            ? `材料 ${petition.attachments.length} 个（${petition.attachments.map((file) => formatFileSize(file.size)).join('、')}）`
            : '没有上传材料'}
        </Text>
      </View>

      {petition.canWithdraw && (
        <View className="detail__card">
          <Text className="detail__note">在答复之前，您可以撤回这件信访事项。</Text>
          <Button
            className="detail__danger"
            id="withdraw"
            {...(isWithdrawing ? { disabled: true } : {})}
            onClick={() => void withdraw()}
          >
            {isWithdrawing ? '正在撤回…' : '撤回信访事项'}
          </Button>
        </View>
      )}
      {withdrawError !== undefined && (
        <Text className="detail__error" id="withdraw-error">
          {withdrawError}
        </Text>
      )}
    </View>
  )
}
