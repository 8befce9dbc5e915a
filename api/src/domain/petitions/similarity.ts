/**
 * How alike two texts are, 0…1: Jaccard similarity of their character bigrams after dropping punctuation and
 * spaces. Chinese has no spaces between words, so character n-grams work where word tokens would not.
 */
export function textSimilarity(a: string, b: string): number {
  const left = bigrams(a)
  const right = bigrams(b)
  if (left.size === 0 || right.size === 0) return 0
  let shared = 0
  for (const gram of left) if (right.has(gram)) shared++
  return shared / (left.size + right.size - shared)
}

function bigrams(text: string): Set<string> {
  const chars = Array.from(text.toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, ''))
  const grams = new Set<string>()
  for (let i = 0; i + 1 < chars.length; i++) grams.add(`${chars[i]}${chars[i + 1]}`)
  return grams
}

/** Above this, a new petition is flagged for staff as a likely repeat of the citizen's own open one. */
export const REPEAT_SIMILARITY_THRESHOLD = 0.6
