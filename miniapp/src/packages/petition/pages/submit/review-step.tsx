import { Button, Text, View } from '@tarojs/components'
import { type Category, PETITION_KIND_LABELS, type Unit } from '@xinfang/shared'
import type { PetitionFormModel } from '../../../../hooks/use-petition-form'
import { Confidentiality } from './form-parts'

/** 第 5 步: everything on one screen to check, each part with 修改 back to its step. */
export function ReviewStep({
  form,
  categories,
  units,
}: {
  form: PetitionFormModel
  categories: Category[]
  units: Unit[]
}) {
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
