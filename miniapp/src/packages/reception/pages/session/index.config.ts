export default definePageConfig({
  navigationBarTitleText: '接访详情',
})
