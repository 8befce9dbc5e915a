const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d

/**
 * Whether JSON text nests arrays and objects deeper than `maxDepth`, decided by one pass over the raw text that
 * counts brackets outside strings. It runs before `JSON.parse`: V8 parses a megabyte of `[[[…]]]` without
 * overflowing, but building and then validating a million nested arrays holds the event loop for a second or
 * more, and every other request waits. The scan stops at the first bracket past the limit, so a hostile body
 * costs at most one linear read. Text that is not JSON is left for `JSON.parse` to refuse.
 */
export function exceedsJsonDepth(text: string, maxDepth: number): boolean {
  let depth = 0
  let isInString = false
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at)
    if (isInString) {
      if (code === BACKSLASH) at++
      else if (code === QUOTE) isInString = false
    } else if (code === QUOTE) {
      isInString = true
    } else if (code === OPEN_BRACKET || code === OPEN_BRACE) {
      depth++
      if (depth > maxDepth) return true
    } else if (code === CLOSE_BRACKET || code === CLOSE_BRACE) {
      depth--
    }
  }
  return false
}
