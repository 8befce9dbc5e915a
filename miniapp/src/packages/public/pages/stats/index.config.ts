export default definePageConfig({
  navigationBarTitleText: '阳光信访',
})
