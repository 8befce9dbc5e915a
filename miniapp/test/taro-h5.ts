/**
 * `@tarojs/taro` for tests: in a real H5 build Taro's webpack plugin merges the H5 APIs into the default export;
 * this does the same by hand so `Taro.request(…)` resolves to the browser implementation.
 *
 * The page hooks (`useRouter`, `useLoad`, `useDidShow`) come from Taro's React framework plugin, which needs a page
 * instance made by Taro's router; a component test has none. The stand-ins below keep the contract a page sees:
 * the params are `Current.router.params` (as `getCurrentInstance().router` reads them; `setRouterParams` sets
 * them), `useLoad` gets them once, the page shows once when mounted, and `showPageAgain()` is the return to it from
 * another page.
 */
import { Current } from '@tarojs/runtime'
import * as h5 from '@tarojs/taro-h5'
import { useEffect, useMemo, useRef } from 'react'

export * from '@tarojs/taro-h5'

type Params = Record<string, string | undefined>

const showListeners = new Set<() => void>()

/** Opens the page under test with these query params (null: no router at all, as before any page). */
export function setRouterParams(params: Params | null): void {
  Current.router = params === null ? null : { params, path: '', $taroPath: '', onReady: '', onHide: '', onShow: '' }
}

export function showPageAgain(): void {
  for (const listener of showListeners) listener()
}

function currentParams(): Params {
  const params: Params = {}
  for (const [key, value] of Object.entries(Current.router?.params ?? {})) {
    if (typeof value === 'string') params[key] = value
  }
  return params
}

export function useRouter() {
  return useMemo(() => ({ params: currentParams(), path: Current.router?.path ?? '' }), [])
}

export function useLoad(callback: (params: Params) => void): void {
  const latest = useRef(callback)
  latest.current = callback
  useEffect(() => {
    latest.current(currentParams())
  }, [])
}

export function useDidShow(callback: () => void): void {
  const latest = useRef(callback)
  latest.current = callback
  useEffect(() => {
    const listener = () => latest.current()
    listener()
    showListeners.add(listener)
    return () => {
      showListeners.delete(listener)
    }
  }, [])
}

const Taro = { ...h5.default, ...h5, useRouter, useLoad, useDidShow }
export default Taro
