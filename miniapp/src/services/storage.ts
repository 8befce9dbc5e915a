import Taro from '@tarojs/taro'

/**
 * The device storage the app keeps its session, privacy consent and form drafts in: `wx.setStorageSync` on weapp
 * (private to the mini-program and the WeChat user), `localStorage` on H5. Values read back are untrusted — an old
 * build, a full disk or a curious user may have left anything there — so every reader parses them with a schema.
 */
export interface KeyValueStorage {
  get(key: string): unknown
  set(key: string, value: unknown): void
  remove(key: string): void
}

export const taroStorage: KeyValueStorage = {
  get(key) {
    try {
      return Taro.getStorageSync(key)
    } catch {
      // Unreadable storage (H5 private mode, a corrupt entry) reads as empty rather than breaking the page.
      return undefined
    }
  },
  set(key, value) {
    Taro.setStorageSync(key, value)
  },
  remove(key) {
    Taro.removeStorageSync(key)
  },
}

/** Keys in one place, so nothing else in storage is ever read or cleared by mistake. */
export const STORAGE_KEYS = {
  session: 'xinfang.session',
  privacyConsent: 'xinfang.privacyConsent',
  profileDraft: 'xinfang.profileDraft',
  petitionDraft: 'xinfang.petitionDraft',
  petitionReceipts: 'xinfang.petitionReceipts',
  ratingDrafts: 'xinfang.ratingDrafts',
  reviewDrafts: 'xinfang.reviewDrafts',
} as const

/** Keys earlier versions wrote and nothing reads any more, removed by the feature that used to write them. */
export const RETIRED_STORAGE_KEYS = {
  /** The ratings sent from this device, from before the petition detail carried the rating (utils/review-drafts.ts). */
  givenRatings: 'xinfang.givenRatings',
} as const
