/**
 * Runs the real weapp build (Taro's output in miniapp/dist/weapp) inside `miniprogram-simulate` / `j-component`:
 * WXML compiled by WeChat's own `wcc`, the app's JS executed as WeChat would (App → Page/Component), `wx.request`
 * over real HTTP to a running API. It proves the compiled package and the page logic, not native look: built-in
 * components are stubs, WXSS is not applied, and there is no tabBar or native navigation bar.
 *
 * One app runs per process at a time (WeChat's globals — wx, App, Page, Component — are process-wide); vitest gives
 * every test file its own process, and `launchWeapp` closes the previous app before starting a fresh one.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve, sep } from 'node:path'
import {
  assertWeappBuild,
  isRecord,
  readAppJson,
  subpackagesOf,
  WEAPP_DIST_DIR,
  type WeappAppJson,
} from './weapp-build'
import { nextMacrotask, pendingWork, realDelay, trackTimersIn } from './weapp-pending'
import { createWxRequest, createWxUploadFile, type RecordedRequest } from './weapp-request'

export type { RecordedRequest } from './weapp-request'

/** The `this` of a page or component, as j-component builds it (methods, data, setData, Taro's own fields). */
export interface MiniprogramInstance {
  data: Record<string, unknown>
  setData(data: Record<string, unknown>, callback?: () => void): void
  [key: string]: unknown
}

/** A node of the rendered tree (j-component's `Component`). */
export interface WeappNode {
  readonly dom: HTMLElement | undefined
  readonly data: Record<string, unknown> | undefined
  readonly instance: MiniprogramInstance
  dispatchEvent(eventName: string, options?: { detail?: unknown }): void
  querySelector(selector: string): WeappNode | undefined
  querySelectorAll(selector: string): WeappNode[]
}

interface JRootComponent extends WeappNode {
  attach(parent: Node): void
  detach(): void
}

type Definition = Record<string, unknown>

interface JComponentModule {
  register(definition: Definition): string
  create(id: string, properties?: Record<string, unknown>): JRootComponent | undefined
}

interface SimulateCompileModule {
  getWxml(componentPath: string, config: { compiler: 'official'; rootPath: string }): unknown
}

export interface LaunchOptions {
  /** The running API; every `wx.request` goes there whatever origin the build was given (see rewriteOrigin). */
  apiBaseUrl: string
  /** Defaults to miniapp/dist/weapp. */
  distDir?: string
  /** What `wx.getStorageSync` finds at launch (a returning user's token, say). */
  storage?: Record<string, unknown>
  /**
   * Extra or replacement `wx` APIs for one test (a `showModal` that cancels, a `login` with another code…); build
   * async ones with `callbackApi` so they follow WeChat's calling convention.
   */
  wx?: Record<string, unknown>
  /** Milliseconds `waitFor` and friends wait before failing. */
  timeoutMs?: number
}

export interface ShownToast {
  title: string
  icon?: string
}

export interface ShownModal {
  title?: string
  content?: string
}

const DEFAULT_TIMEOUT_MS = 10_000

let activeApp: WeappApp | undefined

/** Launches a fresh copy of the app and opens `url` (e.g. `pages/index/index?id=1`) as its first page. */
export async function loadPage(url: string, options: LaunchOptions): Promise<WeappPage> {
  const app = await launchWeapp(options)
  return app.reLaunch(url)
}

/** Launches a fresh copy of the app (App() and its onLaunch/onShow) without opening a page. */
export async function launchWeapp(options: LaunchOptions): Promise<WeappApp> {
  activeApp?.close()
  const app = new WeappApp(options)
  activeApp = app
  await app.start()
  return app
}

type PageRoute = { path: string; query: Record<string, string> }

/** `settle: false` returns once the page's lifecycles have run, for navigation the app itself asked for. */
export interface RouteSettling {
  settle?: boolean
}

const FROM_APP: RouteSettling = { settle: false }

export class WeappApp {
  readonly distDir: string
  /** Where `wx.request` sends everything; assignable mid-test to take the API away or bring it back. */
  apiBaseUrl: string
  readonly appJson: WeappAppJson
  /** Every `wx.request`, in order, completed in place with status and body once answered. */
  readonly requests: RecordedRequest[] = []
  readonly storage = new Map<string, unknown>()
  readonly toasts: ShownToast[] = []
  readonly modals: ShownModal[] = []
  readonly timeoutMs: number
  private readonly stack: WeappPage[] = []
  /** j-component ids by absolute component path: each page or component is registered once per app. */
  private readonly componentIds = new Map<string, string>()
  private readonly requireFromDist: NodeJS.Require
  private readonly extraWx: Record<string, unknown>
  private appInstance: MiniprogramInstance | undefined
  private captured: { kind: 'page' | 'component'; options: Definition } | undefined
  private isClosed = false

  constructor(options: LaunchOptions) {
    assertWeappBuild(resolve(options.distDir ?? WEAPP_DIST_DIR))
    // Node names compiled modules by their real path, and the timers of the build's modules are told apart by it.
    this.distDir = realpathSync(resolve(options.distDir ?? WEAPP_DIST_DIR))
    this.apiBaseUrl = options.apiBaseUrl
    this.appJson = readAppJson(this.distDir)
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.extraWx = options.wx ?? {}
    for (const [key, value] of Object.entries(options.storage ?? {})) this.storage.set(key, structuredClone(value))
    this.requireFromDist = createRequire(join(this.distDir, 'app.js'))
  }

  /** Pages from bottom to top, as `getCurrentPages()` sees them. */
  get pages(): readonly WeappPage[] {
    return this.stack
  }

  get currentPage(): WeappPage {
    const page = this.stack.at(-1)
    if (!page) throw new Error('No page is open')
    return page
  }

  get app(): MiniprogramInstance {
    if (!this.appInstance) throw new Error('App() has not been called')
    return this.appInstance
  }

  async start(): Promise<void> {
    const { baseWx } = simulateEnvironment()
    // A fresh module registry for the build: webpack's chunk runtime lives on `wx.webpackJsonp` and in the cached
    // modules of runtime.js / taro.js / vendors.js, and a chunk it has seen once never runs its entry again.
    for (const key of Object.keys(require.cache)) {
      if (key.startsWith(this.distDir + sep)) delete require.cache[key]
    }
    pendingWork.reset()
    trackTimersIn(this.distDir)
    Object.assign(globalThis, {
      wx: { ...baseWx, ...this.wxApis(), ...this.extraWx },
      App: (options: MiniprogramInstance) => {
        this.appInstance = options
      },
      getApp: () => this.appInstance,
      Page: (options: Definition) => {
        this.captured = { kind: 'page', options }
      },
      Component: (options: Definition) => {
        this.captured = { kind: 'component', options }
      },
      getCurrentPages: () => this.stack.map((page) => page.instance),
      requirePlugin: () => ({}),
    })
    this.requireFromDist('./app.js')
    if (!this.appInstance) throw new Error(`${join(this.distDir, 'app.js')} did not call App()`)
    const launchOptions = { path: this.appJson.pages[0], query: {}, scene: 1001, referrerInfo: {} }
    callLifecycle(this.appInstance, 'onLaunch', launchOptions)
    callLifecycle(this.appInstance, 'onShow', launchOptions)
    await this.settle()
  }

  /** Unloads every page and stops routing; the next `launchWeapp` starts from scratch. */
  close(): void {
    if (this.isClosed) return
    while (this.stack.length > 0) this.stack.pop()?.unload()
    if (this.appInstance) callLifecycle(this.appInstance, 'onHide')
    this.isClosed = true
    if (activeApp === this) activeApp = undefined
  }

  /** wx.reLaunch: closes every page and opens `url`. */
  async reLaunch(url: string, options: RouteSettling = {}): Promise<WeappPage> {
    const route = this.resolve(url)
    while (this.stack.length > 0) this.stack.pop()?.unload()
    return this.open(route, options)
  }

  /** wx.navigateTo: keeps the current page (onHide) and opens `url` above it. */
  async navigateTo(url: string, options: RouteSettling = {}): Promise<WeappPage> {
    const route = this.resolve(url)
    this.refuseTabBarPage(route, 'navigateTo')
    this.stack.at(-1)?.hide()
    return this.open(route, options)
  }

  /** wx.redirectTo: closes the current page and opens `url` in its place. */
  async redirectTo(url: string, options: RouteSettling = {}): Promise<WeappPage> {
    const route = this.resolve(url)
    this.refuseTabBarPage(route, 'redirectTo')
    this.stack.pop()?.unload()
    return this.open(route, options)
  }

  /**
   * wx.switchTab: closes every page and opens the tab page. There is no tabBar to render here, so tab pages do not
   * stay alive in the background as on a device; a test sees them loaded afresh.
   */
  async switchTab(url: string, options: RouteSettling = {}): Promise<WeappPage> {
    const route = this.resolve(url)
    if (Object.keys(route.query).length > 0) throw new Error('switchTab:fail url does not support query')
    if (!this.appJson.tabBarPages.includes(route.path)) {
      throw new Error(`switchTab:fail can not switch to no-tabBar page "${route.path}"`)
    }
    while (this.stack.length > 0) this.stack.pop()?.unload()
    return this.open(route, options)
  }

  /** wx.navigateBack: closes `delta` pages and shows the one below. */
  async navigateBack(delta = 1, options: RouteSettling = {}): Promise<WeappPage> {
    if (this.stack.length <= 1) throw new Error('navigateBack:fail cannot navigate back at first page.')
    const count = Math.min(Math.max(1, delta), this.stack.length - 1)
    for (let i = 0; i < count; i += 1) this.stack.pop()?.unload()
    this.currentPage.show()
    if (options.settle !== false) await this.settle()
    return this.currentPage
  }

  /**
   * Resolves once the app has nothing left to do: no timer its code (React, Taro, the pages) set is still to fire,
   * no `wx.request` or `wx.uploadFile` awaits its callbacks, no async `wx` call awaits its own, and the microtasks
   * all of these left behind have run. Fails after `timeoutMs`, naming what is still pending.
   */
  async settle(): Promise<void> {
    const deadline = Date.now() + this.timeoutMs
    for (;;) {
      await nextMacrotask()
      if (pendingWork.total === 0) return
      const remaining = deadline - Date.now()
      if (remaining <= 0) {
        throw new Error(`The app did not settle within ${this.timeoutMs} ms (${pendingWork.describe()} pending)`)
      }
      await Promise.race([pendingWork.nextChange(), realDelay(remaining)])
    }
  }

  /** Checks `check` each time the app has settled after some work ended, until it holds, or times out. */
  async waitFor<T>(check: () => T | undefined | false, description: string): Promise<T> {
    const deadline = Date.now() + this.timeoutMs
    for (;;) {
      const result = check()
      if (result !== undefined && result !== false) return result
      const remaining = deadline - Date.now()
      if (remaining <= 0) throw new Error(`Timed out after ${this.timeoutMs} ms waiting for ${description}`)
      // Nothing pending means nothing will change by itself: look again only after the next piece of work ends
      // (or, for a change the app cannot see, such as the API's own state, on a short real timer).
      await (pendingWork.total > 0
        ? Promise.race([pendingWork.nextChange(), realDelay(remaining)]).then(nextMacrotask)
        : realDelay(Math.min(20, remaining)))
    }
  }

  private async open(route: PageRoute, options: RouteSettling): Promise<WeappPage> {
    const id = this.register(join(this.distDir, route.path), 'page')
    const root = jComponent().create(id)
    if (!root) throw new Error(`j-component could not create ${route.path}`)
    const container = document.createElement('weapp-page')
    container.setAttribute('route', route.path)
    document.body.appendChild(container)
    const instance = root.instance
    // Taro reads these to build its router (Current.router.path / params), as WeChat sets them on every page.
    Object.assign(instance, { route: route.path, __route__: route.path, options: route.query })
    const page = new WeappPage(this, root, container, route)
    this.stack.push(page)
    root.attach(container)
    // WeChat's order: onLoad(query) → onShow → onReady.
    callLifecycle(instance, 'onLoad', route.query)
    callLifecycle(instance, 'onShow')
    callLifecycle(instance, 'onReady')
    if (options.settle !== false) await this.settle()
    return page
  }

  /** Registers a page or component (and, first, the components it uses) with j-component; returns its id. */
  private register(componentPath: string, kind: 'page' | 'component', tagName = 'weapp-page-root'): string {
    const known = this.componentIds.get(componentPath)
    if (known) return known
    const id = `weapp-${this.componentIds.size}-${Date.now().toString(36)}`
    // Set before recursing: Taro's `comp` uses itself.
    this.componentIds.set(componentPath, id)

    const json = readJsonFile(`${componentPath}.json`)
    const usingComponents: Record<string, string> = {}
    const declared = isRecord(json.usingComponents) ? json.usingComponents : {}
    for (const [tag, target] of Object.entries(declared)) {
      if (typeof target !== 'string' || target.startsWith('plugin://')) continue
      const targetPath = target.startsWith('/') ? join(this.distDir, target) : join(dirname(componentPath), target)
      if (existsSync(`${targetPath}.json`)) usingComponents[tag] = this.register(targetPath, 'component', tag)
    }

    const template = simulateCompile().getWxml(componentPath, { compiler: 'official', rootPath: this.distDir })
    const captured = this.runDefinition(componentPath)
    if (kind === 'page' && captured.kind !== 'page') {
      throw new Error(`${componentPath}.js called Component() where a page must call Page()`)
    }
    const base = { id, path: componentPath, template, usingComponents, tagName }
    const definition = captured.kind === 'page' ? pageAsComponent(captured.options) : captured.options
    const options = isRecord(definition.options) ? definition.options : {}
    jComponent().register({ ...definition, ...base, options: { classPrefix: tagName, ...options } })
    return id
  }

  private runDefinition(componentPath: string): { kind: 'page' | 'component'; options: Definition } {
    const file = `${componentPath}.js`
    this.captured = undefined
    this.requireFromDist(file)
    const captured = this.takeCaptured()
    if (!captured) throw new Error(`${file} did not call Page() or Component()`)
    return captured
  }

  private refuseTabBarPage(route: PageRoute, api: string): void {
    if (this.appJson.tabBarPages.includes(route.path)) {
      throw new Error(`${api}:fail can not ${api} a tabbar page "${route.path}"`)
    }
  }

  private takeCaptured(): { kind: 'page' | 'component'; options: Definition } | undefined {
    const captured = this.captured
    this.captured = undefined
    return captured
  }

  private resolve(url: string): PageRoute {
    const [rawPath = '', rawQuery = ''] = url.split('?', 2)
    let path = rawPath
    if (!path.startsWith('/') && this.stack.length > 0) {
      path = join(dirname(this.currentPage.path), path).split(sep).join('/')
    }
    path = path.replace(/^\/+/, '')
    const known = [
      ...this.appJson.pages,
      ...subpackagesOf(this.appJson).flatMap((pkg) =>
        pkg.pages.map((page) => `${pkg.root.replace(/\/+$/, '')}/${page}`),
      ),
    ]
    if (!known.includes(path)) throw new Error(`page "${path}" is not found in app.json (pages: ${known.join(', ')})`)
    const query: Record<string, string> = {}
    for (const pair of rawQuery.split('&')) {
      if (!pair) continue
      const [key = '', value = ''] = pair.split('=', 2)
      // WeChat hands query values to onLoad as they appear in the URL, without decoding them.
      query[key] = value
    }
    return { path, query }
  }

  private wxApis(): Record<string, unknown> {
    const request = createWxRequest({
      apiBaseUrl: () => this.apiBaseUrl,
      log: this.requests,
      track: () => pendingWork.start('request'),
    })
    // Uploads are logged with the requests, and the app is not settled while one is on the wire.
    const uploadFile = createWxUploadFile({
      apiBaseUrl: () => this.apiBaseUrl,
      log: this.requests,
      track: () => pendingWork.start('upload'),
    })
    const storage = this.storage
    const route = (name: string, go: (options: RouteOptions) => Promise<unknown>) =>
      callbackApi(name, (options: RouteOptions) => go(options).then(() => ({})))
    return {
      request,
      uploadFile,
      getStorageSync: (key: string) => (storage.has(key) ? structuredClone(storage.get(key)) : ''),
      setStorageSync: (key: string, value: unknown) => {
        storage.set(key, structuredClone(value))
      },
      removeStorageSync: (key: string) => {
        storage.delete(key)
      },
      clearStorageSync: () => storage.clear(),
      getStorageInfoSync: () => ({
        keys: [...storage.keys()],
        currentSize: Math.ceil(JSON.stringify([...storage]).length / 1024),
        limitSize: 10240,
      }),
      getStorage: callbackApi('getStorage', async ({ key }: { key: string }) => {
        if (!storage.has(key)) throw new Error('data not found')
        return { data: structuredClone(storage.get(key)) }
      }),
      setStorage: callbackApi('setStorage', async ({ key, data }: { key: string; data: unknown }) => {
        storage.set(key, structuredClone(data))
        return {}
      }),
      removeStorage: callbackApi('removeStorage', async ({ key }: { key: string }) => {
        storage.delete(key)
        return {}
      }),
      clearStorage: callbackApi('clearStorage', async () => {
        storage.clear()
        return {}
      }),
      showToast: callbackApi('showToast', async (options: ShownToast) => {
        this.toasts.push({ title: options.title, icon: options.icon })
        return {}
      }),
      showModal: callbackApi('showModal', async (options: ShownModal) => {
        this.modals.push({ title: options.title, content: options.content })
        return { confirm: true, cancel: false }
      }),
      // The app's own navigation is part of whatever the test is settling: the wx call stays pending until the
      // new page's lifecycles have run, and what they start is counted in its turn.
      navigateTo: route('navigateTo', (options) => this.navigateTo(options.url ?? '', FROM_APP)),
      redirectTo: route('redirectTo', (options) => this.redirectTo(options.url ?? '', FROM_APP)),
      reLaunch: route('reLaunch', (options) => this.reLaunch(options.url ?? '', FROM_APP)),
      switchTab: route('switchTab', (options) => this.switchTab(options.url ?? '', FROM_APP)),
      navigateBack: route('navigateBack', (options) => this.navigateBack(options.delta, FROM_APP)),
    }
  }
}

interface RouteOptions {
  url?: string
  delta?: number
}

export class WeappPage {
  readonly path: string
  readonly query: Record<string, string>
  private isUnloaded = false

  constructor(
    readonly app: WeappApp,
    readonly root: WeappNode & { detach(): void },
    private readonly container: HTMLElement,
    route: PageRoute,
  ) {
    this.path = route.path
    this.query = route.query
  }

  /** The page's `this`: Taro's page object with `data.root`, `setData`, `$taroPath`… */
  get instance(): MiniprogramInstance {
    return this.root.instance
  }

  get dom(): HTMLElement {
    const dom = this.root.dom
    if (!dom) throw new Error(`${this.path} has no DOM`)
    return dom
  }

  /** All text the page renders, whitespace collapsed. */
  text(): string {
    return (this.dom.textContent ?? '').replace(/\s+/g, ' ').trim()
  }

  /**
   * The first node matching a WXML selector (`#id` works: Taro writes React ids into its templates), looking
   * through the custom components Taro nests deep trees into.
   */
  find(selector: string): WeappNode | undefined {
    return this.root.querySelector(selector) ?? this.findAll(selector)[0]
  }

  findAll(selector: string): WeappNode[] {
    const found = new Map<HTMLElement | undefined, WeappNode>()
    const add = (nodes: WeappNode[]) => {
      for (const node of nodes) if (!found.has(node.dom)) found.set(node.dom, node)
    }
    add(this.root.querySelectorAll(selector))
    // Past template depth 15 Taro renders the subtree through its recursive `comp` component, a virtual host with
    // its own shadow tree; exparser's `>>>` crosses any number of those from an element of the page's own tree.
    for (const id of this.topLevelIds()) add(this.root.querySelectorAll(`#${id} >>> ${selector}`))
    return [...found.values()]
  }

  get(selector: string): WeappNode {
    const node = this.find(selector)
    if (!node) throw new Error(`${this.path}: nothing matches ${selector}\n${this.text()}`)
    return node
  }

  /** Ids of the elements at the top of the page's tree (Taro's `root.cn`, each with its uid or sid). */
  private topLevelIds(): string[] {
    const root = this.instance.data.root
    const children = isRecord(root) && Array.isArray(root.cn) ? root.cn : []
    return children.flatMap((child: unknown) => {
      if (!isRecord(child)) return []
      const id = child.uid ?? child.sid
      return typeof id === 'string' && /^[\w-]+$/.test(id) ? [id] : []
    })
  }

  /** Fires a WXML event (`tap`, `input`, `blur`, `confirm`, `change`…) on a node and waits for the app to settle. */
  async trigger(selector: string, eventName: string, detail: Record<string, unknown> = {}): Promise<void> {
    this.get(selector).dispatchEvent(eventName, { detail })
    await this.app.settle()
  }

  async tap(selector: string): Promise<void> {
    await this.trigger(selector, 'tap', { x: 0, y: 0 })
  }

  /** Types `value` into an <input>/<textarea> as the keyboard would: one `input` event with the full value. */
  async input(selector: string, value: string): Promise<void> {
    await this.trigger(selector, 'input', { value, cursor: value.length, keyCode: 0 })
  }

  async waitForText(text: string): Promise<void> {
    await this.app.waitFor(
      () => this.text().includes(text),
      `"${text}" on ${this.path}; the page shows: ${this.text()}`,
    )
  }

  async waitForSelector(selector: string): Promise<WeappNode> {
    return this.app.waitFor(() => this.find(selector), `${selector} on ${this.path}; the page shows: ${this.text()}`)
  }

  /** @internal WeChat's onHide when another page is opened above this one. */
  hide(): void {
    callLifecycle(this.instance, 'onHide')
  }

  /** @internal WeChat's onShow when the page above is closed. */
  show(): void {
    callLifecycle(this.instance, 'onShow')
  }

  /** @internal WeChat's onUnload, then the page leaves the DOM. */
  unload(): void {
    if (this.isUnloaded) return
    this.isUnloaded = true
    callLifecycle(this.instance, 'onUnload')
    this.root.detach()
    this.container.remove()
  }
}

/**
 * WeChat's Page() takes lifecycles and handlers at the top level, while Component() wants them under `methods`;
 * j-component only knows Component(). The page lifecycles are called by WeappApp itself, in WeChat's order.
 */
function pageAsComponent(options: Definition): Definition {
  const methods: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(options)) {
    if (typeof value === 'function') methods[key] = value
  }
  return { data: isRecord(options.data) ? structuredClone(options.data) : {}, methods }
}

function callLifecycle(instance: MiniprogramInstance, name: string, ...args: unknown[]): void {
  const lifecycle = instance[name]
  if (typeof lifecycle === 'function') lifecycle.apply(instance, args)
}

/**
 * WeChat's async API convention: success/fail/complete callbacks, or a promise when none is given. The work starts
 * on a later macrotask, as on a device: a navigateTo called from a tap handler must not open the next page while
 * that handler (and React's batched update around it) is still running. Exported so a test can give `launchWeapp`
 * its own async wx APIs in the same convention (`wx: { login: callbackApi('login', async () => ({ code })) }`).
 */
export function callbackApi<O extends object, R extends object>(name: string, run: (options: O) => Promise<R>) {
  return (options: O & CallbackOptions) => {
    // Pending until its callbacks (or whoever awaits the promise) have had the answer.
    const done = pendingWork.start('wx call')
    const outcome = realDelay(0)
      .then(() => run(options))
      .then(
        (result) => ({ ...result, errMsg: `${name}:ok` }),
        (error: unknown) => {
          throw { errMsg: `${name}:fail ${error instanceof Error ? error.message : String(error)}` }
        },
      )
    if (!options.success && !options.fail && !options.complete) {
      outcome.then(done, done)
      return outcome
    }
    outcome
      .then(
        (result) => {
          options.success?.(result)
          options.complete?.(result)
        },
        (error: unknown) => {
          options.fail?.(error)
          options.complete?.(error)
        },
      )
      .finally(done)
    return undefined
  }
}

interface CallbackOptions {
  success?: (result: unknown) => void
  fail?: (error: unknown) => void
  complete?: (result: unknown) => void
}

function readJsonFile(path: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'))
  if (!isRecord(parsed)) throw new Error(`${path} is not a JSON object`)
  return parsed
}

// ——— the simulated WeChat environment, installed once per process ———

const require = createRequire(import.meta.url)
let environment: { baseWx: Record<string, unknown> } | undefined

/**
 * jsdom globals first (j-component renders into a DOM; Node's own Event/CustomEvent break jsdom's dispatchEvent),
 * then miniprogram-simulate, which registers WeChat's built-in components as stubs and provides mock `wx` APIs that
 * each app's own `wx` builds on.
 */
function simulateEnvironment(): { baseWx: Record<string, unknown> } {
  if (environment) return environment
  // jsdom ships no type declarations; this is the one constructor used.
  const { JSDOM }: { JSDOM: new (html: string, options: { url: string }) => { window: Window & typeof globalThis } } =
    require('jsdom')
  const { window } = new JSDOM('<!doctype html><html><head></head><body></body></html>', {
    url: 'https://servicewechat.com/',
  })
  // The simulated wx APIs answer on timers of their own: counted with the app's (see weapp-pending.ts).
  trackTimersIn(realpathSync(dirname(require.resolve('miniprogram-simulate/package.json'))))
  trackTimersIn(
    realpathSync(dirname(createRequire(require.resolve('miniprogram-simulate')).resolve('j-component/package.json'))),
  )
  Object.assign(globalThis, {
    window,
    document: window.document,
    Node: window.Node,
    Element: window.Element,
    HTMLElement: window.HTMLElement,
    Text: window.Text,
    Event: window.Event,
    CustomEvent: window.CustomEvent,
    TouchEvent: window.TouchEvent,
  })
  require('miniprogram-simulate')
  const wx: unknown = Reflect.get(globalThis, 'wx')
  environment = { baseWx: isRecord(wx) ? { ...wx } : {} }
  return environment
}

let jComponentModule: JComponentModule | undefined
let compileModule: SimulateCompileModule | undefined

/** The j-component instance miniprogram-simulate registered its built-in components with. */
function jComponent(): JComponentModule {
  simulateEnvironment()
  if (jComponentModule) return jComponentModule
  const loaded: JComponentModule = createRequire(require.resolve('miniprogram-simulate'))('j-component')
  jComponentModule = loaded
  return loaded
}

/** miniprogram-simulate's WXML loader: compiles the whole package once with `wcc` and caches it. */
function simulateCompile(): SimulateCompileModule {
  simulateEnvironment()
  if (compileModule) return compileModule
  const loaded: SimulateCompileModule = require('miniprogram-simulate/src/compile')
  compileModule = loaded
  return loaded
}
