import { Button, Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { PETITION_KIND_LABELS } from '@xinfang/shared'
import { useState } from 'react'
import { StatusPanel } from '../../../../components/status-panel'
import { useSubscribePrompt } from '../../../../hooks/use-subscribe-prompt'
import { session } from '../../../../services/api'
import { formatShanghaiDay } from '../../../../utils/format'
import { findReceipt } from '../../../../utils/petition-draft'
import { PETITION_PAGES, pageUrl, paramOf, TAB_PAGES } from '../../../../utils/routes'
import { CopyRow } from '../../components/copy-row'
import { SubscribePrompt } from '../../components/subscribe-prompt'
import './index.scss'

const PROGRESS_TEMPLATES = ['petition_progress'] as const

/**
 * After a submission: the tracking number and query code to keep (read from the receipt stored on the device, so a
 * reload shows them again and the query code never travels in a URL), the deadline for the decision, and the offer
 * of WeChat reminders.
 */
export default function SuccessPage() {
  const { params } = useRouter()
  const petitionId = paramOf(params, 'id')
  const [receipt] = useState(() => (petitionId === undefined ? undefined : findReceipt(petitionId, session.user()?.id)))
  const subscribe = useSubscribePrompt({ keys: PROGRESS_TEMPLATES })
  const [now] = useState(Date.now)

  if (receipt === undefined) {
    return (
      <View className="success">
        <StatusPanel
          id="receipt-missing"
          tone="notice"
          title="这台手机上没有找到这次提交的回执"
          text="您的信访事项和办理进度可以在“我的信访”中查看。"
          action={{
            id: 'back-to-list',
            label: '去我的信访',
            onClick: () => void Taro.switchTab({ url: TAB_PAGES.petitions }),
          }}
        />
      </View>
    )
  }

  return (
    <View className="success">
      <View className="success__card" id="petition-success">
        <Text className="success__mark">✓</Text>
        <Text className="success__title">提交成功</Text>
        <Text className="success__text">
          您的{PETITION_KIND_LABELS[receipt.kind]}已提交。信访部门将在{formatShanghaiDay(receipt.decideBy, now)}
          前告知您是否受理（《信访工作条例》第二十二条）。
        </Text>
        {receipt.areLaterEditsMissing && (
          <Text className="success__warning" id="later-edits-missing">
            网络中断前，您修改之前的内容已经提交成功；之后所做的修改没有提交。如需补充，可在办理过程中向承办单位说明。
          </Text>
        )}

        <CopyRow id="tracking-no" label="受理编号" value={receipt.trackingNo} />
        <CopyRow id="query-code" label="查询码" value={receipt.queryCode} />
        <Text className="success__keep" id="query-code-note">
          请妥善保存查询码。凭受理编号和查询码，不用登录也能查询办理进度，家人也可以帮您查。建议抄在纸上或截图保存。
        </Text>
      </View>

      <SubscribePrompt state={subscribe.state} onAsk={subscribe.ask} />

      <View className="success__actions">
        <Button
          className="success__primary"
          id="view-detail"
          onClick={() => {
            void Taro.redirectTo({ url: pageUrl(PETITION_PAGES.detail, { id: receipt.petitionId }) })
          }}
        >
          查看办理进度
        </Button>
        <Button
          className="success__secondary"
          id="back-to-list"
          onClick={() => {
            void Taro.switchTab({ url: TAB_PAGES.petitions })
          }}
        >
          返回我的信访
        </Button>
      </View>
    </View>
  )
}
