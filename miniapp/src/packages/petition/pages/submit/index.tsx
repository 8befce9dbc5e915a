import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { Category, Unit } from '@xinfang/shared'
import { useEffect, useRef } from 'react'
import { RemoteView, remoteIds } from '../../../../components/remote-view'
import { StatusPanel } from '../../../../components/status-panel'
import { usePetitionForm } from '../../../../hooks/use-petition-form'
import { useRemote } from '../../../../hooks/use-remote'
import type { RequestSignal } from '../../../../services/http'
import { fetchMe } from '../../../../services/identity'
import { listCategories, listUnits } from '../../../../services/petitions'
import { PETITION_STEPS, STEP_TITLES, stepIndexOf } from '../../../../utils/petition-form'
import { PETITION_PAGES, pageUrl } from '../../../../utils/routes'
import { AttachmentsStep } from './attachments-step'
import { CategoryStep } from './category-step'
import { ContentStep } from './content-step'
import { ProfileNotice } from './form-parts'
import { KindStep } from './kind-step'
import { ReviewStep } from './review-step'
import './index.scss'

interface SubmissionContext {
  userId: string
  isStaff: boolean
  hasProfile: boolean
  categories: Category[]
  units: Unit[]
}

async function loadSubmissionContext(signal: RequestSignal): Promise<SubmissionContext> {
  const [me, categories, units] = await Promise.all([
    fetchMe({ signal }),
    listCategories({ signal }),
    listUnits({ signal }),
  ])
  return {
    userId: me.id,
    isStaff: me.role !== 'citizen',
    hasProfile: me.role === 'citizen' && me.profile !== null,
    categories: categories.items,
    units: units.items,
  }
}

/** 我要信访: kind → category → content → attachments → review → submit, one question per screen. */
export default function SubmitPage() {
  const context = useRemote(loadSubmissionContext)
  return (
    <View className="submit">
      <RemoteView state={context.state} ids={remoteIds('submit')} onRetry={() => context.reload()}>
        {(loaded) =>
          loaded.isStaff ? (
            <StatusPanel
              id="submit-staff"
              tone="notice"
              title="工作人员账号不能提交信访事项"
              text="请退出工作人员账号后，以个人身份提交。"
            />
          ) : (
            <PetitionWizard context={loaded} />
          )
        }
      </RemoteView>
    </View>
  )
}

function PetitionWizard({ context }: { context: SubmissionContext }) {
  const form = usePetitionForm({
    userId: context.userId,
    onSubmitted: (receipt) => {
      // redirectTo: the back button must not lead to a form that has just been emptied.
      void Taro.redirectTo({ url: pageUrl(PETITION_PAGES.success, { id: receipt.petitionId }) })
    },
  })
  const stepNumber = stepIndexOf(form.step) + 1

  // A new step starts at its top, not wherever the last one was scrolled to.
  const shownStep = useRef(form.step)
  useEffect(() => {
    if (shownStep.current === form.step) return
    shownStep.current = form.step
    if (typeof Taro.pageScrollTo !== 'function') return
    Promise.resolve()
      .then(() => Taro.pageScrollTo({ scrollTop: 0, duration: 0 }))
      .catch(() => {})
  }, [form.step])

  const confirmDiscard = async () => {
    const answer = await Taro.showModal({
      title: '清空重新填写？',
      content: '已填写的内容和上传的材料将被清除，不能恢复。',
      confirmText: '清空',
      cancelText: '保留',
    })
    if (answer.confirm) form.discard()
  }

  return (
    <View className="submit__wizard" id="petition-form">
      <Text className="submit__progress" id="step-progress">
        第 {stepNumber} 步（共 {PETITION_STEPS.length} 步）
      </Text>
      <Text className="submit__title">{STEP_TITLES[form.step]}</Text>
      <View className="submit__bar">
        <View className="submit__bar-done" style={{ width: `${(stepNumber / PETITION_STEPS.length) * 100}%` }} />
      </View>

      {form.isRestored && (
        <View className="submit__restored" id="draft-restored">
          <Text className="submit__restored-text">已为您恢复上次没有提交的内容，可以接着填写。</Text>
          <Button className="submit__link" id="draft-discard" onClick={() => void confirmDiscard()}>
            清空重新填写
          </Button>
        </View>
      )}

      {!context.hasProfile && (
        <ProfileNotice
          id="profile-notice"
          text="提交前需要先登记实名信息（《信访工作条例》第十九条）。您现在可以先填写，内容会保存在本机。"
        />
      )}

      <View className="submit__body">
        {form.step === 'kind' && <KindStep form={form} />}
        {form.step === 'category' && <CategoryStep form={form} categories={context.categories} units={context.units} />}
        {form.step === 'content' && <ContentStep form={form} />}
        {form.step === 'attachments' && <AttachmentsStep form={form} />}
        {form.step === 'review' && <ReviewStep form={form} categories={context.categories} units={context.units} />}
      </View>

      {form.isProfileRequired && (
        <ProfileNotice id="profile-required" text="信访事项须实名提交，请先登记实名信息。登记后回到这里即可继续。" />
      )}
      {form.formError !== undefined && (
        <Text className="submit__form-error" id="petition-form-error">
          {form.formError}
        </Text>
      )}

      <View className="submit__nav">
        {form.step === 'review' ? (
          <Button
            className="submit__primary"
            id="petition-submit"
            {...(form.isSubmitting ? { disabled: true } : {})}
            onClick={() => void form.submit()}
          >
            {form.submitStatus ?? '确认提交'}
          </Button>
        ) : (
          <Button className="submit__primary" id="step-next" onClick={form.next}>
            下一步
          </Button>
        )}
        {form.step !== 'kind' && (
          <Button
            className="submit__secondary"
            id="step-back"
            {...(form.isSubmitting ? { disabled: true } : {})}
            onClick={form.back}
          >
            上一步
          </Button>
        )}
      </View>
      <Text className="submit__saved" id="draft-note">
        填写的内容会自动保存在本机，退出后再进来还在。
      </Text>
    </View>
  )
}
