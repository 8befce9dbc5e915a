import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { defineConfig, type ViteUserConfig } from 'vitest/config'

const resolveLocal = (path: string) => fileURLToPath(new URL(path, import.meta.url))

type Plugin = Extract<NonNullable<ViteUserConfig['plugins']>[number], { name: string }>

/**
 * Taro's published dist files point their source maps at sources it does not publish, and Vite warns once per file
 * (≈140 lines a run, drowning the test report). Loading those files without their source-map comment keeps the
 * report readable; stack traces into Taro then show its dist code, which is all there is anyway.
 */
const dropTaroSourceMaps: Plugin = {
  name: 'xinfang:drop-taro-source-maps',
  enforce: 'pre',
  async load(id) {
    const file = id.split('?')[0] ?? id
    if (!/[\\/]node_modules[\\/].*@tarojs[\\/].*\.js$/.test(file)) return null
    const code = await readFile(file, 'utf8')
    return { code: code.replace(/\/\/# sourceMappingURL=\S+\s*$/, ''), map: null }
  },
}

/**
 * Components render through Taro's H5 implementation in jsdom (../shared/PLATFORM-NOTES.md, "Component tests"):
 * the React components of @tarojs/components-react stand in for the mini-program's native ones, and the
 * @tarojs/taro APIs come from @tarojs/taro-h5, so Taro.request is the browser implementation over fetch.
 */
export default defineConfig({
  plugins: [dropTaroSourceMaps],
  resolve: {
    alias: [
      { find: /^@tarojs\/components$/, replacement: '@tarojs/components-react' },
      { find: /^@tarojs\/taro$/, replacement: resolveLocal('./test/taro-h5.ts') },
    ],
  },
  define: {
    'process.env.TARO_ENV': JSON.stringify('h5'),
    'process.env.TARO_PLATFORM': JSON.stringify('web'),
    'process.env.FRAMEWORK': JSON.stringify('react'),
    'process.env.SUPPORT_TARO_POLYFILL': JSON.stringify('disabled'),
    DEPRECATED_ADAPTER_COMPONENT: 'false',
    // Same origin, as in the H5 build; tests that need a server point requests at their own.
    API_BASE: JSON.stringify(''),
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['./test/setup.ts'],
    restoreMocks: true,
  },
})
