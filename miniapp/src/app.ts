// First import, on purpose: zod must be jitless before any shared schema is constructed (see setup-zod.ts).
import './setup-zod'
import { useLaunch } from '@tarojs/taro'
import type { PropsWithChildren } from 'react'
import { session } from './services/api'
import { weChatPrivacy } from './services/privacy'
import './app.scss'

function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    // WeChat allows one onNeedPrivacyAuthorization listener; registering it at launch means no privacy request is
    // ever raised without the app's notice to answer it.
    weChatPrivacy()
    // Sign in while the first page loads (wx.login on weapp, demo login on H5), so 我的 opens signed in. A failure
    // is not shown here: the 我的 page signs in again when it needs to and explains what went wrong.
    session.current().catch(() => {})
  })

  // children is the page being shown
  return children
}

export default App
