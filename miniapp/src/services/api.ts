import { createHttpClient } from './http'
import { createSession } from './session'
import { signInOnThisPlatform } from './sign-in'

/**
 * The app's wiring of the one HTTP client (services/http.ts), pointed at the API chosen at build time
 * (config/index.ts). Sign-in and refresh go through a client without a session — they are what create it — and
 * every page uses `http`, whose authenticated calls carry the session's token.
 */
const sessionClient = createHttpClient({ baseUrl: API_BASE })

export const session = createSession({ client: sessionClient, signIn: signInOnThisPlatform })

export const http = createHttpClient({ baseUrl: API_BASE, auth: session })
