import { Button, Text, View } from '@tarojs/components'
import type { MaskedProfile, Me } from '@xinfang/shared'
import { useState } from 'react'
import { MaskedProfileCard } from '../../components/masked-profile'
import { PrivacyGuide } from '../../components/privacy-guide'
import { ProfileForm } from '../../components/profile-form'
import { RemoteView, remoteIds } from '../../components/remote-view'
import { useMe } from '../../hooks/use-me'
import { type PrivacyConsent, usePrivacyConsent } from '../../hooks/use-privacy-consent'
import './index.scss'

const IS_WEAPP = process.env.TARO_ENV === 'weapp'

export default function MePage() {
  const { state, reload, showProfile } = useMe()

  return (
    <View className="me">
      <View className="me__header">
        <Text className="me__title">我的</Text>
      </View>
      <RemoteView
        state={state}
        ids={remoteIds('me', { demoOnly: 'demo-only' })}
        loadingText="正在登录，请稍候…"
        onRetry={reload}
      >
        {(me) => <SignedIn me={me} onProfileSaved={showProfile} />}
      </RemoteView>
    </View>
  )
}

function SignedIn({ me, onProfileSaved }: { me: Me; onProfileSaved: (profile: MaskedProfile) => void }) {
  const [isEditing, setEditing] = useState(false)
  const consent = usePrivacyConsent()

  if (me.role !== 'citizen') {
    return (
      <View className="me__status" id="me-staff">
        <Text className="me__status-title">{me.displayName}</Text>
        <Text className="me__status-text">{me.unit.name}</Text>
      </View>
    )
  }

  const { profile } = me
  if (profile !== null && !isEditing) {
    return (
      <>
        <MaskedProfileCard profile={profile} onEdit={() => setEditing(true)} />
        {consent.isPlatformRequestPending && <ConsentOverlay consent={consent} />}
      </>
    )
  }

  return (
    <>
      {consent.state.status === 'accepted' && (
        <ProfileForm
          userId={me.id}
          isUpdate={profile !== null}
          canUseWeChatPhone={IS_WEAPP}
          onSaved={(saved) => {
            setEditing(false)
            onProfileSaved(saved)
          }}
          onCancel={profile !== null ? () => setEditing(false) : undefined}
          onPrivacyOutdated={consent.invalidate}
        />
      )}
      {consent.state.status !== 'accepted' && <ConsentStep consent={consent} />}
      {consent.state.status === 'accepted' && consent.isPlatformRequestPending && <ConsentOverlay consent={consent} />}
    </>
  )
}

/**
 * A WeChat privacy API (the phone-number button) waiting for agreement while the form is open: the notice is laid
 * over the form rather than replacing it, so the form — and the button whose event WeChat will deliver once the
 * person agrees — stay mounted.
 */
function ConsentOverlay({ consent }: { consent: PrivacyConsent }) {
  return (
    <View className="me__overlay" id="privacy-overlay">
      <ConsentStep consent={consent} />
    </View>
  )
}

function ConsentStep({ consent }: { consent: PrivacyConsent }) {
  const { state } = consent
  if (state.status === 'checking') {
    return (
      <View className="me__status" id="privacy-checking">
        <Text>正在加载…</Text>
      </View>
    )
  }
  if (state.status === 'declined') {
    return (
      <View className="me__status" id="privacy-declined">
        <Text className="me__status-title">您没有同意隐私保护指引</Text>
        <Text className="me__status-text">
          不登记实名信息，您仍可以在首页浏览领导接访安排；提交信访事项和预约接访需要先同意并登记。
        </Text>
        <Button className="me__button" id="privacy-read-again" onClick={consent.readAgain}>
          重新阅读隐私保护指引
        </Button>
      </View>
    )
  }
  return (
    <PrivacyGuide
      isUpdate={state.status === 'required' && state.isUpdate}
      isWeapp={IS_WEAPP}
      onAgree={consent.accept}
      onDecline={consent.decline}
    />
  )
}
