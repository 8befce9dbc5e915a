export default definePageConfig({
  navigationBarTitleText: '信访服务',
})
