export default definePageConfig({
  navigationBarTitleText: '接访预约',
})
