import { Button, Text, View } from '@tarojs/components'
import type { MaskedProfile } from '@xinfang/shared'
import './index.scss'

interface MaskedProfileCardProps {
  profile: MaskedProfile
  onEdit: () => void
}

const ROWS: { key: keyof MaskedProfile; label: string }[] = [
  { key: 'realName', label: '姓名' },
  { key: 'idNumber', label: '身份证号码' },
  { key: 'phone', label: '手机号码' },
  { key: 'address', label: '联系地址' },
]

/**
 * The registered profile, masked as the API returns it even to its owner (张*, 138****5678): a phone held up in a
 * waiting room should not show an ID number to the person behind.
 */
export function MaskedProfileCard({ profile, onEdit }: MaskedProfileCardProps) {
  return (
    <View className="masked-profile" id="profile-summary">
      <View className="masked-profile__header">
        <Text className="masked-profile__title">实名信息</Text>
        <Text className="masked-profile__badge">已登记</Text>
      </View>
      {ROWS.map((row) => (
        <View className="masked-profile__row" key={row.key}>
          <Text className="masked-profile__label">{row.label}</Text>
          <Text className="masked-profile__value" id={`profile-${row.key}`}>
            {profile[row.key]}
          </Text>
        </View>
      ))}
      <Text className="masked-profile__note">为保护您的隐私，信息只显示一部分。</Text>
      <Button className="masked-profile__edit" id="profile-edit" onClick={onEdit}>
        修改
      </Button>
    </View>
  )
}
