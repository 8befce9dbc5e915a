import Taro from '@tarojs/taro'
import { StatusPanel } from '../../../../components/status-panel'
import { TAB_PAGES } from '../../../../utils/routes'

/**
 * A petition the API does not know for this account: the API answers a stranger's petition the same way, so the
 * page cannot tell the two apart, and leads to the citizen's own list. Ids: `${idPrefix}-not-found`, `-back`.
 */
export function PetitionNotFound({ idPrefix }: { idPrefix: string }) {
  return (
    <StatusPanel
      id={`${idPrefix}-not-found`}
      tone="notice"
      title="找不到这件信访事项"
      text="它可能不是用当前账号提交的。请回到“我的信访”查看您提交的事项。"
      action={{
        id: `${idPrefix}-back`,
        label: '去我的信访',
        onClick: () => void Taro.switchTab({ url: TAB_PAGES.petitions }),
      }}
    />
  )
}
