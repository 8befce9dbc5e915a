import { expect, test } from 'vitest'
import { csvCell, toCsv } from './csv'

test('text a spreadsheet would run as a formula is written with a leading apostrophe', () => {
  expect(csvCell('=HYPERLINK("http://evil.example","点击查看")')).toBe(
    `"'=HYPERLINK(""http://evil.example"",""点击查看"")"`,
  )
  expect(csvCell('+86 138')).toBe("'+86 138")
  expect(csvCell('-2+3')).toBe("'-2+3")
  expect(csvCell('@SUM(A1:A9)')).toBe("'@SUM(A1:A9)")
  expect(csvCell('\t=1+1')).toBe("'\t=1+1")
  expect(csvCell('\r=1+1')).toBe(`"'\r=1+1"`)
})

test('ordinary text, a formula character after the start, and numbers are written unchanged', () => {
  expect(csvCell('劳动和社会保障')).toBe('劳动和社会保障')
  expect(csvCell('2026-09')).toBe('2026-09')
  expect(csvCell('a=b')).toBe('a=b')
  expect(csvCell(0.6667)).toBe('0.6667')
  expect(csvCell(-3)).toBe('-3')
  expect(csvCell(null)).toBe('')
  expect(csvCell(undefined)).toBe('')
  expect(csvCell(Number.NaN)).toBe('')
})

test('separators, quotes and line breaks of either kind are quoted', () => {
  expect(csvCell('甲,乙')).toBe('"甲,乙"')
  expect(csvCell('他说"好"')).toBe('"他说""好"""')
  expect(csvCell('第一行\n第二行')).toBe('"第一行\n第二行"')
  expect(csvCell('第一行\r第二行')).toBe('"第一行\r第二行"')
})

test('a file starts with a byte-order mark and ends every row with CRLF', () => {
  expect(
    toCsv([
      ['分类', '数量'],
      ['=1+1', 2],
    ]),
  ).toBe("\uFEFF分类,数量\r\n'=1+1,2\r\n")
})
