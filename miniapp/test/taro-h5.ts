/**
 * `@tarojs/taro` for tests: in a real H5 build Taro's webpack plugin merges the H5 APIs into the default export;
 * this does the same by hand so `Taro.request(…)` resolves to the browser implementation.
 */
import * as h5 from '@tarojs/taro-h5'

export * from '@tarojs/taro-h5'

const Taro = { ...h5.default, ...h5 }
export default Taro
