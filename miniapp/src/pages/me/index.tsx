import { ComingSoon } from '../../components/coming-soon'

export default function MePage() {
  return <ComingSoon heading="我的" description="登录、实名信息登记和消息通知的功能正在开发中，敬请期待。" />
}
