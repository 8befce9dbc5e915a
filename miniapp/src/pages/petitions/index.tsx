import { ComingSoon } from '../../components/coming-soon'

export default function PetitionsPage() {
  return (
    <ComingSoon heading="我的信访" description="网上提交信访事项、查看办理进度和答复的功能正在开发中，敬请期待。" />
  )
}
