import { startApi } from './support/api-server'
import { startFakeWeChat } from '../api/test/fake-wechat-server'
import { signInCitizen, idNumberFor } from './fuzz/actors'
import { uploadPng, submitPetition, loadReference } from './fuzz/seed-data'
const wechat = await startFakeWeChat({ appId: 'wx-xinfang-fuzz', secret: 'fuzz-secret' })
const api = await startApi({ env: { WECHAT_APPID: 'wx-xinfang-fuzz', WECHAT_SECRET: 'fuzz-secret', WECHAT_API_BASE_URL: wechat.baseUrl } })
try {
  const c = await signInCitizen(api.baseUrl, 'repro', { realName: '模糊测试', idNumber: idNumberFor('19800101', 101), phone: '13900000101', address: '江城市东湖区解放路12号' })
  const ref = await loadReference(api.baseUrl)
  const att = await uploadPng(api.baseUrl, c.accessToken)
  try { console.log(await submitPetition(api.baseUrl, c.accessToken, { categoryId: ref.categoryIds[0]!, title: '模糊测试自备事项', content: '模糊测试为自己准备的信访事项，用来让生成的请求走到查无此件之后的代码。', attachmentIds: [att] })) } catch (e) { console.log(String(e)) }
} finally {
  await new Promise(r => setTimeout(r, 300))
  console.log(api.output.filter(l => l.includes('"error"')).join('\n'))
  await api.stop(); await wechat.close()
}
