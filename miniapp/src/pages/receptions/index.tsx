import { ComingSoon } from '../../components/coming-soon'

export default function ReceptionsPage() {
  return <ComingSoon heading="接访预约" description="在线预约领导接访的功能正在开发中，近期接访安排可先在首页查看。" />
}
