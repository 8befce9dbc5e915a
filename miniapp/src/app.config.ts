const TEXT_COLOR = '#4a4a4a'
const BRAND_COLOR = '#0b57a4'

export default defineAppConfig({
  pages: ['pages/index/index', 'pages/petitions/index', 'pages/receptions/index', 'pages/me/index'],
  // Feature pages live in subpackages, downloaded when first opened, so the main package (the tab pages) stays
  // small: WeChat caps it at 2 MB and the project's own budget is 1 MB (tests/weapp-static).
  subPackages: [
    {
      root: 'packages/petition',
      pages: [
        'pages/submit/index',
        'pages/success/index',
        'pages/detail/index',
        'pages/track/index',
        'pages/messages/index',
        'pages/review/index',
      ],
    },
    {
      root: 'packages/public',
      pages: ['pages/stats/index'],
    },
    {
      root: 'packages/reception',
      pages: [
        'pages/session/index',
        'pages/book/index',
        'pages/result/index',
        'pages/bookings/index',
        'pages/booking/index',
      ],
    },
  ],
  // Fetched in the background once 我的信访 or the home page is shown, so 我要信访 opens without a wait.
  preloadRule: {
    'pages/petitions/index': { network: 'all', packages: ['packages/petition'] },
    'pages/index/index': { network: 'all', packages: ['packages/petition'] },
  },
  window: {
    backgroundTextStyle: 'dark',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: '信访服务',
    navigationBarTextStyle: 'black',
    backgroundColor: '#f2f3f5',
  },
  tabBar: {
    color: TEXT_COLOR,
    selectedColor: BRAND_COLOR,
    backgroundColor: '#ffffff',
    borderStyle: 'black',
    list: [
      {
        pagePath: 'pages/index/index',
        text: '首页',
        iconPath: 'assets/tab/home.png',
        selectedIconPath: 'assets/tab/home-active.png',
      },
      {
        pagePath: 'pages/petitions/index',
        text: '我的信访',
        iconPath: 'assets/tab/petitions.png',
        selectedIconPath: 'assets/tab/petitions-active.png',
      },
      {
        pagePath: 'pages/receptions/index',
        text: '接访预约',
        iconPath: 'assets/tab/receptions.png',
        selectedIconPath: 'assets/tab/receptions-active.png',
      },
      {
        pagePath: 'pages/me/index',
        text: '我的',
        iconPath: 'assets/tab/me.png',
        selectedIconPath: 'assets/tab/me-active.png',
      },
    ],
  },
})
