import Taro from '@tarojs/taro'
import { fireEvent, render, screen } from '@testing-library/react'
import { expect, test, vi } from 'vitest'
import { setRouterParams } from '../../../../../test/taro-h5'
import { STORAGE_KEYS } from '../../../../services/storage'
import { saveReceipt } from '../../../../utils/petition-draft'
import SuccessPage from './index'

function signedInAs(userId: string) {
  Taro.setStorageSync(STORAGE_KEYS.session, {
    accessToken: 'access-1',
    refreshToken: `refresh-1-${'r'.repeat(24)}`,
    user: { id: userId, role: 'citizen' },
  })
}

function keepReceipt(overrides: { areLaterEditsMissing?: boolean } = {}) {
  saveReceipt({
    userId: 'citizen_1',
    petitionId: 'pet_1',
    trackingNo: 'XF-2026-000001',
    queryCode: 'QC234567',
    kind: 'complaint',
    submittedAt: '2026-11-22T10:00:00.000+08:00',
    decideBy: '2026-12-07T23:59:59.999+08:00',
    areLaterEditsMissing: overrides.areLaterEditsMissing ?? false,
  })
}

test('the success page shows the tracking number and query code to keep, each with a copy button', () => {
  signedInAs('citizen_1')
  keepReceipt()
  setRouterParams({ id: 'pet_1' })
  const copy = vi.spyOn(Taro, 'setClipboardData').mockResolvedValue({ data: '', errMsg: 'setClipboardData:ok' })

  const { container } = render(<SuccessPage />)

  expect(container.querySelector('#tracking-no')?.textContent).toBe('XF-2026-000001')
  expect(container.querySelector('#query-code')?.textContent).toBe('QC234567')
  expect(screen.getByText(/请妥善保存查询码/)).toBeTruthy()
  expect(container.textContent).toContain('信访部门将在12月7日（周一）前告知您是否受理（《信访工作条例》第二十二条）')
  fireEvent.click(container.querySelector('#copy-query-code') ?? document.body)
  fireEvent.click(container.querySelector('#copy-tracking-no') ?? document.body)
  expect(copy.mock.calls.map(([option]) => option.data)).toEqual(['QC234567', 'XF-2026-000001'])
})

test('in a browser there are no WeChat reminders: the page names the message centre instead', () => {
  signedInAs('citizen_1')
  keepReceipt()
  setRouterParams({ id: 'pet_1' })

  const { container } = render(<SuccessPage />)

  expect(container.querySelector('#subscribe-progress')).toBeNull()
  expect(container.querySelector('#subscribe-prompt')?.textContent).toContain('消息中心')
})

test('a petition filed from an earlier version of the draft says the later edits were not sent', () => {
  signedInAs('citizen_1')
  keepReceipt({ areLaterEditsMissing: true })
  setRouterParams({ id: 'pet_1' })

  const { container } = render(<SuccessPage />)

  expect(container.querySelector('#later-edits-missing')?.textContent).toContain('之后所做的修改没有提交')
})

test('another account’s receipt is not shown; the page points to 我的信访', () => {
  signedInAs('citizen_2')
  keepReceipt()
  setRouterParams({ id: 'pet_1' })

  const { container } = render(<SuccessPage />)

  expect(container.querySelector('#receipt-missing')).not.toBeNull()
  expect(container.textContent).not.toContain('QC234567')
})
