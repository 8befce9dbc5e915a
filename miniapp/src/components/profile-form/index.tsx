import type { InputProps } from '@tarojs/components'
import { Button, Input, Text, View } from '@tarojs/components'
import { ADDRESS_MAX, type MaskedProfile, type ProfileInput, REAL_NAME_MAX } from '@xinfang/shared'
import { useState } from 'react'
import { type ProfileForm as ProfileFormModel, useProfileForm } from '../../hooks/use-profile-form'
import type { KeyValueStorage } from '../../services/storage'
import type { ProfileField } from '../../utils/profile-form'
import './index.scss'

interface ProfileFormProps {
  userId: string
  /** A profile exists and is being replaced: every field must be given again (only masked values are known). */
  isUpdate: boolean
  /** Offer WeChat's phone-number button (weapp only). */
  canUseWeChatPhone: boolean
  onSaved: (profile: MaskedProfile) => void
  onCancel?: () => void
  onPrivacyOutdated: () => void
  save?: (input: ProfileInput) => Promise<MaskedProfile>
  storage?: KeyValueStorage
}

interface FieldSpec {
  field: ProfileField
  id: string
  label: string
  hint: string
  placeholder: string
  type: keyof InputProps.Type
  maxlength: number
}

// The ids are what the journey tests type into (`#id-number`), on H5 and in the weapp build alike.
const FIELDS: Record<ProfileField, FieldSpec> = {
  realName: {
    field: 'realName',
    id: 'real-name',
    label: '姓名',
    hint: '与身份证上的姓名一致',
    placeholder: '请输入姓名',
    type: 'text',
    maxlength: REAL_NAME_MAX,
  },
  idNumber: {
    field: 'idNumber',
    id: 'id-number',
    label: '身份证号码',
    hint: '18位，最后一位可能是字母X',
    placeholder: '请输入身份证号码',
    type: 'idcard',
    maxlength: 18,
  },
  phone: {
    field: 'phone',
    id: 'phone',
    label: '手机号码',
    hint: '用于通知您办理进度',
    placeholder: '请输入11位手机号码',
    type: 'number',
    maxlength: 11,
  },
  address: {
    field: 'address',
    id: 'address',
    label: '联系地址',
    hint: '请写到街道和门牌号',
    placeholder: '例如：江城市东湖区解放路12号3单元201室',
    type: 'text',
    maxlength: ADDRESS_MAX,
  },
}

/**
 * WeChat draws placeholders in a grey too light for older eyes (#808080 is 3.9:1 on white); H5 styles them in
 * CSS instead, where the prop does not exist.
 */
const WEAPP_INPUT_PROPS: Partial<InputProps> =
  process.env.TARO_ENV === 'weapp' ? { placeholderClass: 'profile-form__placeholder' } : {}

/** The real-name form (姓名, 身份证号码, 手机号码, 联系地址), checked as it is typed and kept as a draft. */
export function ProfileForm(props: ProfileFormProps) {
  const form = useProfileForm({
    userId: props.userId,
    onSaved: props.onSaved,
    onPrivacyOutdated: props.onPrivacyOutdated,
    save: props.save,
    storage: props.storage,
  })
  const [phoneNote, setPhoneNote] = useState<string | undefined>()

  return (
    <View className="profile-form" id="profile-form">
      <Text className="profile-form__title">实名信息登记</Text>
      <Text className="profile-form__intro">
        {props.isUpdate
          ? '为保护您的信息，已登记的内容不再完整显示。修改时请把各项重新填写完整。'
          : '提交信访事项和预约领导接访需要实名。填写的内容会自动保存在本机，提交成功后清除。'}
      </Text>

      <TextField spec={FIELDS.realName} form={form} />
      <TextField spec={FIELDS.idNumber} form={form} />

      <View className="profile-form__field">
        <Text className="profile-form__label">{FIELDS.phone.label}</Text>
        <Text className="profile-form__hint">{FIELDS.phone.hint}</Text>
        {form.phoneCode !== undefined ? (
          <View className="profile-form__wechat-phone" id="phone-wechat-done">
            <Text className="profile-form__wechat-phone-text">将使用您在微信绑定的手机号</Text>
            <Button className="profile-form__link" id="phone-type-instead" onClick={form.typePhoneInstead}>
              改为手动填写
            </Button>
          </View>
        ) : (
          <>
            <FieldInput spec={FIELDS.phone} form={form} />
            {props.canUseWeChatPhone && (
              <Button
                className="profile-form__secondary"
                id="phone-wechat"
                openType="getPhoneNumber"
                onGetPhoneNumber={(event) => {
                  const { code } = event.detail
                  if (code) {
                    setPhoneNote(undefined)
                    form.acceptWeChatPhone(code)
                  } else {
                    // Refused or unavailable: say so and leave the typed route open.
                    setPhoneNote('没有获取到微信手机号，请直接填写手机号码。')
                  }
                }}
              >
                使用微信手机号
              </Button>
            )}
          </>
        )}
        {phoneNote !== undefined && form.phoneCode === undefined && (
          <Text className="profile-form__note" id="phone-note">
            {phoneNote}
          </Text>
        )}
        <FieldError id="phone-error" message={form.errors.phone} />
      </View>

      <TextField spec={FIELDS.address} form={form} />

      {form.formError !== undefined && (
        <Text className="profile-form__form-error" id="profile-form-error">
          {form.formError}
        </Text>
      )}

      <Button
        className="profile-form__submit"
        id="profile-submit"
        // Only ever `disabled` or absent: Taro's H5 button is disabled by the attribute's presence, so
        // disabled="false" would still grey it out (white text at 60 %, below 4.5:1 contrast).
        {...(form.isSubmitting ? { disabled: true } : {})}
        onClick={() => {
          void form.submit()
        }}
      >
        {form.isSubmitting ? '正在提交…' : '提交'}
      </Button>
      {props.onCancel && (
        <Button className="profile-form__cancel" id="profile-cancel" onClick={props.onCancel}>
          取消修改
        </Button>
      )}
    </View>
  )
}

function TextField({ spec, form }: { spec: FieldSpec; form: ProfileFormModel }) {
  return (
    <View className="profile-form__field">
      <Text className="profile-form__label">{spec.label}</Text>
      <Text className="profile-form__hint">{spec.hint}</Text>
      <FieldInput spec={spec} form={form} />
      <FieldError id={`${spec.id}-error`} message={form.errors[spec.field]} />
    </View>
  )
}

function FieldInput({ spec, form }: { spec: FieldSpec; form: ProfileFormModel }) {
  const hasError = form.errors[spec.field] !== undefined
  return (
    <Input
      className={`profile-form__input ${hasError ? 'profile-form__input--error' : ''}`}
      id={spec.id}
      type={spec.type}
      maxlength={spec.maxlength}
      placeholder={spec.placeholder}
      {...WEAPP_INPUT_PROPS}
      value={form.values[spec.field]}
      onInput={(event) => form.change(spec.field, event.detail.value)}
      onBlur={() => form.blur(spec.field)}
    />
  )
}

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (message === undefined) return null
  return (
    <Text className="profile-form__error" id={id}>
      {message}
    </Text>
  )
}
