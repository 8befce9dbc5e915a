/**
 * What the simulated mini-program still has to do, counted where it starts: timers set by the app's code (the
 * build, React's scheduler and Taro's runtime inside it) and by the simulated `wx` APIs, `wx.request` and
 * `wx.uploadFile` calls on the wire, and async `wx` calls whose callbacks have not run. The app is settled when all
 * of these are zero once the microtasks they leave behind have run: nothing can then happen without the test
 * doing something.
 *
 * The app's timers are told apart from everyone else's (undici's keep-alive timers, the test's own servers) by
 * giving the app's modules timer functions of their own: `trackTimersIn` adds a line to each module under a
 * directory as Node compiles it, so that `setTimeout` in that module means the counted one.
 */
import Module from 'node:module'
import { sep } from 'node:path'

const real = {
  setTimeout: globalThis.setTimeout,
  clearTimeout: globalThis.clearTimeout,
  setInterval: globalThis.setInterval,
  clearInterval: globalThis.clearInterval,
  setImmediate: globalThis.setImmediate,
  clearImmediate: globalThis.clearImmediate,
}

type Handle = NodeJS.Timeout | NodeJS.Immediate
type Kind = 'timer' | 'request' | 'upload' | 'wx call'

/** The work the app has started and not finished, by kind; and a way to hear when any of it ends. */
class PendingWork {
  readonly #timers = new Set<Handle>()
  readonly #open = new Map<Exclude<Kind, 'timer'>, number>()
  #listeners: Array<() => void> = []

  /** Forgets everything: a fresh app starts with nothing pending. */
  reset(): void {
    this.#timers.clear()
    this.#open.clear()
    this.#changed()
  }

  get total(): number {
    let total = this.#timers.size
    for (const count of this.#open.values()) total += count
    return total
  }

  describe(): string {
    const parts = [`${this.#timers.size} timers`]
    for (const [kind, count] of this.#open) parts.push(`${count} ${kind}s`)
    return parts.join(', ')
  }

  /** Counts one unit of `kind` until the returned function is called (once). */
  start(kind: Exclude<Kind, 'timer'>): () => void {
    this.#open.set(kind, (this.#open.get(kind) ?? 0) + 1)
    let isDone = false
    return () => {
      if (isDone) return
      isDone = true
      this.#open.set(kind, (this.#open.get(kind) ?? 1) - 1)
      this.#changed()
    }
  }

  /** Resolves the next time some pending work ends. */
  nextChange(): Promise<void> {
    return new Promise((resolve) => this.#listeners.push(resolve))
  }

  /** Timer functions that count what they schedule, for the app's modules. */
  readonly timers = {
    setTimeout: (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
      const handle: NodeJS.Timeout = real.setTimeout(() => {
        this.#ended(handle)
        callback(...args)
      }, ms)
      this.#timers.add(handle)
      return handle
    },
    clearTimeout: (handle: NodeJS.Timeout | undefined) => {
      real.clearTimeout(handle)
      if (handle) this.#ended(handle)
    },
    // An interval is never "done": it is counted only until cleared, so an app that keeps one never settles and
    // the harness says so, instead of quietly calling it settled between two ticks.
    setInterval: (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
      const handle = real.setInterval(callback, ms, ...args)
      this.#timers.add(handle)
      return handle
    },
    clearInterval: (handle: NodeJS.Timeout | undefined) => {
      real.clearInterval(handle)
      if (handle) this.#ended(handle)
    },
    setImmediate: (callback: (...args: unknown[]) => void, ...args: unknown[]) => {
      const handle: NodeJS.Immediate = real.setImmediate(() => {
        this.#ended(handle)
        callback(...args)
      })
      this.#timers.add(handle)
      return handle
    },
    clearImmediate: (handle: NodeJS.Immediate | undefined) => {
      real.clearImmediate(handle)
      if (handle) this.#ended(handle)
    },
  }

  #ended(handle: Handle): void {
    if (this.#timers.delete(handle)) this.#changed()
  }

  #changed(): void {
    const listeners = this.#listeners
    this.#listeners = []
    for (const listener of listeners) listener()
  }
}

/** One per process, as WeChat's globals are: the harness runs one app at a time. */
export const pendingWork = new PendingWork()

const GLOBAL_NAME = '__xinfangWeappTimers'
const TIMER_NAMES = Object.keys(pendingWork.timers)
const trackedDirs = new Set<string>()
let isHooked = false

/**
 * Makes every module Node compiles from now on under `dir` use the counted timers. The line goes after a leading
 * "use strict" (so strict modules stay strict) and on the first line (so line numbers in stack traces stay right).
 */
export function trackTimersIn(dir: string): void {
  trackedDirs.add(dir.endsWith(sep) ? dir : dir + sep)
  Reflect.set(globalThis, GLOBAL_NAME, pendingWork.timers)
  if (isHooked) return
  isHooked = true
  const prototype: unknown = Module.prototype
  if (!hasCompile(prototype)) throw new Error("Node's CommonJS loader has no Module.prototype._compile to hook")
  const compile = prototype._compile
  const prelude = `var ${TIMER_NAMES.map((name) => `${name} = globalThis.${GLOBAL_NAME}.${name}`).join(', ')};`
  prototype._compile = function (this: unknown, content: string, filename: string) {
    if (![...trackedDirs].some((tracked) => filename.startsWith(tracked))) return compile.call(this, content, filename)
    const directive = USE_STRICT.exec(content)
    const at = directive ? directive[0].length : 0
    return compile.call(this, `${content.slice(0, at)}${prelude}${content.slice(at)}`, filename)
  }
}

/** A "use strict" directive at the start of a module, after any comments. */
const USE_STRICT = /^(?:\s|\/\*[\s\S]*?\*\/|\/\/[^\n]*\n)*(['"])use strict\1;?/

type Compile = (this: unknown, content: string, filename: string) => unknown

function hasCompile(value: unknown): value is { _compile: Compile } {
  return typeof value === 'object' && value !== null && typeof Reflect.get(value, '_compile') === 'function'
}

/** A real macrotask later: whatever microtasks the last callback queued have run. */
export function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => real.setImmediate(resolve))
}

/** A real timer, for the harness's own deadlines (never counted as the app's work). */
export function realDelay(ms: number): Promise<void> {
  return new Promise((resolve) => real.setTimeout(resolve, ms))
}
