const TEXT_COLOR = '#4a4a4a'
const BRAND_COLOR = '#0b57a4'

export default defineAppConfig({
  pages: ['pages/index/index', 'pages/petitions/index', 'pages/receptions/index', 'pages/me/index'],
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
