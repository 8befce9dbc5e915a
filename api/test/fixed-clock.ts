import { shanghaiTime } from '@xinfang/shared'

/** Monday 23 November 2026, 08:00 in Shanghai: the instant every API test runs at unless it says otherwise. */
export const FIXED_NOW = shanghaiTime('2026-11-23', '08:00')
