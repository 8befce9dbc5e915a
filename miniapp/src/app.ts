// First import, on purpose: zod must be jitless before any shared schema is constructed (see setup-zod.ts).
import './setup-zod'
import type { PropsWithChildren } from 'react'
import './app.scss'

function App({ children }: PropsWithChildren) {
  // children is the page being shown
  return children
}

export default App
