import { Button, Input, Text, Textarea, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import {
  ATTACHMENTS_PER_PETITION_MAX,
  type Category,
  PETITION_CONTENT_MAX,
  PETITION_CONTENT_MIN,
  PETITION_KIND_LABELS,
  PETITION_KINDS,
  PETITION_TITLE_MAX,
  type Unit,
} from '@xinfang/shared'
import { useEffect, useRef } from 'react'
import { RemoteView, remoteIds } from '../../../../components/remote-view'
import { StatusPanel } from '../../../../components/status-panel'
import { type AttachmentItem, type PetitionFormModel, usePetitionForm } from '../../../../hooks/use-petition-form'
import { useRemote } from '../../../../hooks/use-remote'
import { CAN_CHOOSE_DOCUMENTS } from '../../../../services/files'
import type { RequestSignal } from '../../../../services/http'
import { fetchMe } from '../../../../services/identity'
import { listCategories, listUnits } from '../../../../services/petitions'
import {
  formatFileSize,
  KIND_DESCRIPTIONS,
  PETITION_STEPS,
  REPORT_CONFIDENTIALITY_NOTE,
  STEP_TITLES,
  stepIndexOf,
} from '../../../../utils/petition-form'
import { PETITION_PAGES, pageUrl, TAB_PAGES } from '../../../../utils/routes'
import { ChoiceCard } from '../../components/choice-card'
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

const WEAPP_PLACEHOLDER: { placeholderClass?: string } =
  process.env.TARO_ENV === 'weapp' ? { placeholderClass: 'submit__placeholder' } : {}

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

function ProfileNotice({ id, text }: { id: string; text: string }) {
  return (
    <View className="submit__notice" id={id}>
      <Text className="submit__notice-text">{text}</Text>
      <Button
        className="submit__secondary"
        id={`${id}-go`}
        onClick={() => {
          void Taro.switchTab({ url: TAB_PAGES.me })
        }}
      >
        去登记实名信息
      </Button>
    </View>
  )
}

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (message === undefined) return null
  return (
    <Text className="submit__error" id={id}>
      {message}
    </Text>
  )
}

function KindStep({ form }: { form: PetitionFormModel }) {
  return (
    <View>
      <Text className="submit__intro">请选择最符合您情况的一项。</Text>
      {PETITION_KINDS.map((kind) => (
        <ChoiceCard
          key={kind}
          id={`kind-${kind}`}
          title={PETITION_KIND_LABELS[kind]}
          description={`${KIND_DESCRIPTIONS[kind].summary}。${KIND_DESCRIPTIONS[kind].example}`}
          isSelected={form.values.kind === kind}
          onChoose={() => form.chooseKind(kind)}
        />
      ))}
      <FieldError id="kind-error" message={form.errors.kind} />
      {form.values.kind === 'report' && <Confidentiality />}
    </View>
  )
}

function Confidentiality() {
  return (
    <View className="submit__confidential" id="report-confidentiality">
      <Text className="submit__confidential-text">{REPORT_CONFIDENTIALITY_NOTE}</Text>
    </View>
  )
}

function CategoryStep({ form, categories, units }: { form: PetitionFormModel; categories: Category[]; units: Unit[] }) {
  return (
    <View>
      <Text className="submit__intro">您反映的事情属于哪一类？不确定时请选“其他”，信访部门会帮您转给负责的单位。</Text>
      {categories.map((category) => (
        <ChoiceCard
          key={category.id}
          id={`category-${category.code}`}
          title={category.name}
          description={category.description}
          isSelected={form.values.categoryId === category.id}
          onChoose={() => form.chooseCategory(category.id)}
        />
      ))}
      <FieldError id="categoryId-error" message={form.errors.categoryId} />

      {form.values.kind === 'report' && (
        <View className="submit__section" id="target-unit">
          <Text className="submit__section-title">被反映的单位</Text>
          <Text className="submit__intro">您反映的人员或问题属于哪个单位？</Text>
          <Confidentiality />
          {units.map((unit) => (
            <ChoiceCard
              key={unit.id}
              id={`unit-${unit.code}`}
              title={unit.name}
              isSelected={form.values.targetUnitId === unit.id}
              onChoose={() => form.chooseTargetUnit(unit.id)}
            />
          ))}
          <ChoiceCard
            id="unit-unknown"
            title="不清楚是哪个单位"
            description="信访部门会根据您写的内容确定"
            isSelected={form.values.isTargetUnitUnknown}
            onChoose={() => form.chooseTargetUnit(null)}
          />
          <FieldError id="targetUnitId-error" message={form.errors.targetUnitId} />
        </View>
      )}
    </View>
  )
}

function ContentStep({ form }: { form: PetitionFormModel }) {
  const contentLength = form.values.content.trim().length
  return (
    <View>
      <View className="submit__field">
        <Text className="submit__label">标题</Text>
        <Text className="submit__hint">用一句话说明是什么事，例如：某公司拖欠工资三个月</Text>
        <Input
          className={`submit__input ${form.errors.title ? 'submit__input--error' : ''}`}
          id="petition-title"
          type="text"
          maxlength={PETITION_TITLE_MAX}
          placeholder="请输入标题"
          {...WEAPP_PLACEHOLDER}
          value={form.values.title}
          onInput={(event) => form.change('title', event.detail.value)}
        />
        <FieldError id="title-error" message={form.errors.title} />
      </View>

      <View className="submit__field">
        <Text className="submit__label">信访内容</Text>
        <Text className="submit__hint">请写清楚：什么时间、在哪里、发生了什么事，您希望怎样解决。</Text>
        <Textarea
          className={`submit__textarea ${form.errors.content ? 'submit__input--error' : ''}`}
          id="petition-content"
          // WeChat's textarea stops at 140 characters unless told otherwise.
          maxlength={PETITION_CONTENT_MAX}
          placeholder="请输入信访内容"
          {...WEAPP_PLACEHOLDER}
          value={form.values.content}
          onInput={(event) => form.change('content', event.detail.value)}
        />
        <Text className="submit__count" id="content-count">
          已写 {contentLength} 字（至少 {PETITION_CONTENT_MIN} 字）
        </Text>
        <FieldError id="content-error" message={form.errors.content} />
      </View>

      <View className="submit__field">
        <Text className="submit__label">事发地点（选填）</Text>
        <Text className="submit__hint">请写到街道和门牌号，方便核实</Text>
        <Input
          className={`submit__input ${form.errors.address ? 'submit__input--error' : ''}`}
          id="petition-address"
          type="text"
          maxlength={200}
          placeholder="例如：江城市东湖区解放路12号"
          {...WEAPP_PLACEHOLDER}
          value={form.values.address}
          onInput={(event) => form.change('address', event.detail.value)}
        />
        <FieldError id="address-error" message={form.errors.address} />
      </View>
    </View>
  )
}

function attachmentStatusText(item: AttachmentItem): string {
  switch (item.status) {
    case 'uploaded':
      return `已上传 · ${formatFileSize(item.size)}`
    case 'uploading':
      return '正在上传…'
    case 'failed':
      return item.message
  }
}

function AttachmentsStep({ form }: { form: PetitionFormModel }) {
  const room = ATTACHMENTS_PER_PETITION_MAX - form.attachments.length
  return (
    <View>
      <Text className="submit__intro">
        可以上传能说明情况的照片或文件，例如合同、收据、现场照片。没有可以不传，直接点“下一步”。
      </Text>
      <Text className="submit__hint" id="attachment-count">
        已添加 {form.attachments.length} 个，最多 {ATTACHMENTS_PER_PETITION_MAX} 个；每个不超过 10 MB。
      </Text>
      <View id="attachment-list">
        {form.attachments.map((item, index) => (
          <View className="submit__attachment" key={item.key} id={`attachment-${index}`}>
            <Text className="submit__attachment-name">
              {index + 1}. {item.name}
            </Text>
            <Text
              className={`submit__attachment-status ${item.status === 'failed' ? 'submit__attachment-status--failed' : ''}`}
            >
              {attachmentStatusText(item)}
            </Text>
            <View className="submit__attachment-actions">
              {item.status === 'failed' && item.canRetry && (
                <Button
                  className="submit__link"
                  id={`attachment-retry-${index}`}
                  onClick={() => void form.retryUpload(item.key)}
                >
                  重新上传
                </Button>
              )}
              {item.status !== 'uploading' && (
                <Button
                  className="submit__link"
                  id={`attachment-remove-${index}`}
                  onClick={() => form.removeAttachment(item.key)}
                >
                  删除
                </Button>
              )}
            </View>
          </View>
        ))}
      </View>
      {room > 0 && (
        <Button className="submit__secondary" id="attachment-add" onClick={() => void form.addFiles('images')}>
          添加照片
        </Button>
      )}
      {room > 0 && CAN_CHOOSE_DOCUMENTS && (
        <Button className="submit__secondary" id="attachment-add-file" onClick={() => void form.addFiles('documents')}>
          从微信聊天中选择文件（PDF）
        </Button>
      )}
      <FieldError id="attachmentIds-error" message={form.errors.attachmentIds} />
    </View>
  )
}

function ReviewStep({ form, categories, units }: { form: PetitionFormModel; categories: Category[]; units: Unit[] }) {
  const { values } = form
  const category = categories.find((candidate) => candidate.id === values.categoryId)
  const targetUnit = units.find((unit) => unit.id === values.targetUnitId)
  const uploaded = form.attachments.filter((item) => item.status === 'uploaded')
  return (
    <View id="petition-review">
      <Text className="submit__intro">请核对以下内容，无误后点击“确认提交”。需要修改时点“修改”。</Text>
      <ReviewSection title="信访类型" editId="edit-kind" onEdit={() => form.goTo('kind')}>
        {values.kind ? PETITION_KIND_LABELS[values.kind] : '未选择'}
      </ReviewSection>
      <ReviewSection title="事项分类" editId="edit-category" onEdit={() => form.goTo('category')}>
        {category?.name ?? '未选择'}
      </ReviewSection>
      {values.kind === 'report' && (
        <ReviewSection title="被反映的单位" editId="edit-target-unit" onEdit={() => form.goTo('category')}>
          {targetUnit?.name ?? '不清楚是哪个单位'}
        </ReviewSection>
      )}
      <ReviewSection title="标题" editId="edit-title" onEdit={() => form.goTo('content')}>
        {values.title}
      </ReviewSection>
      <ReviewSection title="信访内容" editId="edit-content" onEdit={() => form.goTo('content')}>
        {values.content}
      </ReviewSection>
      {values.address.trim() !== '' && (
        <ReviewSection title="事发地点" editId="edit-address" onEdit={() => form.goTo('content')}>
          {values.address}
        </ReviewSection>
      )}
      <ReviewSection title="材料" editId="edit-attachments" onEdit={() => form.goTo('attachments')}>
        {uploaded.length > 0
          ? `${uploaded.length} 个：${uploaded.map((item) => item.name).join('、')}`
          : '没有上传材料'}
      </ReviewSection>
      {values.kind === 'report' && <Confidentiality />}
      <Text className="submit__hint">提交后会得到受理编号和查询码，信访部门将在 15 日内告知是否受理。</Text>
    </View>
  )
}

function ReviewSection({
  title,
  editId,
  onEdit,
  children,
}: {
  title: string
  editId: string
  onEdit: () => void
  children: string
}) {
  return (
    <View className="submit__review">
      <View className="submit__review-head">
        <Text className="submit__review-title">{title}</Text>
        <Button className="submit__link" id={editId} onClick={onEdit}>
          修改
        </Button>
      </View>
      <Text className="submit__review-value">{children}</Text>
    </View>
  )
}
