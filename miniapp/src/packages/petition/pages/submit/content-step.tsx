import { Input, Text, Textarea, View } from '@tarojs/components'
import { ADDRESS_MAX, PETITION_CONTENT_MAX, PETITION_CONTENT_MIN, PETITION_TITLE_MAX } from '@xinfang/shared'
import type { PetitionFormModel } from '../../../../hooks/use-petition-form'
import { FieldError, WEAPP_PLACEHOLDER } from './form-parts'

/** 第 3 步: the title, what happened and what the person wants, and where. */
export function ContentStep({ form }: { form: PetitionFormModel }) {
  const contentLength = form.values.content.trim().length
  return (
    <View>
      <TextField
        form={form}
        field="title"
        label="标题"
        hint="用一句话说明是什么事，例如：某公司拖欠工资三个月"
        maxlength={PETITION_TITLE_MAX}
        placeholder="请输入标题"
      />

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

      <TextField
        form={form}
        field="address"
        label="事发地点（选填）"
        hint="请写到街道和门牌号，方便核实"
        maxlength={ADDRESS_MAX}
        placeholder="例如：江城市东湖区解放路12号"
      />
    </View>
  )
}

/** A one-line field of the form, with its label, hint and error: `petition-<field>` and `<field>-error`. */
function TextField(props: {
  form: PetitionFormModel
  field: 'title' | 'address'
  label: string
  hint: string
  maxlength: number
  placeholder: string
}) {
  const { form, field } = props
  return (
    <View className="submit__field">
      <Text className="submit__label">{props.label}</Text>
      <Text className="submit__hint">{props.hint}</Text>
      <Input
        className={`submit__input ${form.errors[field] ? 'submit__input--error' : ''}`}
        id={`petition-${field}`}
        type="text"
        maxlength={props.maxlength}
        placeholder={props.placeholder}
        {...WEAPP_PLACEHOLDER}
        value={form.values[field]}
        onInput={(event) => form.change(field, event.detail.value)}
      />
      <FieldError id={`${field}-error`} message={form.errors[field]} />
    </View>
  )
}
