export default definePageConfig({
  navigationBarTitleText: '申请复查（复核）',
})
