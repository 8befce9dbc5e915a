import path from 'node:path'
import { defineConfig, type UserConfigExport } from '@tarojs/cli'
import devConfig from './dev'
import prodConfig from './prod'

/**
 * The API base URL is fixed at build time: a mini-program cannot read its environment at run time.
 * H5 is served by the API itself (http://localhost:8787/), so '' (same origin) is right there; the weapp
 * talks to a local API by default. Override with TARO_APP_API_BASE for any other deployment.
 */
const DEFAULT_API_BASE: Record<'h5' | 'weapp', string> = {
  h5: '',
  weapp: 'http://127.0.0.1:8787',
}

/**
 * @xinfang/shared ships TypeScript source, which webpack only compiles when it is included explicitly (Taro's
 * config check accepts plain paths here, not RegExps). Resolved through the workspace link, so it follows the package.
 */
const SHARED_SOURCE_DIR = path.dirname(require.resolve('@xinfang/shared'))

// https://docs.taro.zone/docs/config
export default defineConfig<'webpack5'>(async (merge) => {
  const platform = process.env.TARO_ENV === 'h5' ? 'h5' : 'weapp'
  // Paths start with '/', so a trailing slash on the base would double it.
  const apiBase = (process.env.TARO_APP_API_BASE ?? DEFAULT_API_BASE[platform]).replace(/\/+$/, '')

  const baseConfig: UserConfigExport<'webpack5'> = {
    projectName: 'xinfang-miniapp',
    date: '2026-11-22',
    designWidth: 750,
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    // One output root per platform: the H5 build must never clean away the weapp package and vice versa.
    outputRoot: `dist/${platform}`,
    plugins: [],
    defineConstants: {
      API_BASE: JSON.stringify(apiBase),
    },
    copy: { patterns: [], options: {} },
    framework: 'react',
    compiler: 'webpack5',
    cache: { enable: false },
    mini: {
      compile: { include: [SHARED_SOURCE_DIR] },
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: {
          enable: false,
          config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' },
        },
      },
    },
    h5: {
      publicPath: '/',
      staticDirectory: 'static',
      router: { mode: 'hash' },
      compile: { include: [SHARED_SOURCE_DIR] },
      output: {
        filename: 'js/[name].[hash:8].js',
        chunkFilename: 'js/[name].[chunkhash:8].js',
      },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[hash].css',
        chunkFilename: 'css/[name].[chunkhash].css',
      },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: {
          enable: false,
          config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' },
        },
      },
    },
  }

  if (process.env.NODE_ENV === 'development') {
    return merge({}, baseConfig, devConfig)
  }
  return merge({}, baseConfig, prodConfig)
})
