/**
 * Staff password hashing with PBKDF2-HMAC-SHA256 from WebCrypto, which Node and every edge runtime provide
 * (scrypt and argon2 are not in WebCrypto). The iteration count follows OWASP's 2023 guidance for PBKDF2-SHA256
 * and is stored in the hash, so it can be raised later without breaking existing hashes.
 * Format: `pbkdf2-sha256$<iterations>$<salt b64url>$<hash b64url>`.
 */
export const PBKDF2_ITERATIONS = 600_000

const encoder = new TextEncoder()

const toB64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url')
const fromB64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64url'))

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(password.normalize('NFKC')), 'PBKDF2', false, [
    'deriveBits',
  ])
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations },
    key,
    256,
  )
  return new Uint8Array(bits)
}

export async function hashPassword(password: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16))
  return `pbkdf2-sha256$${iterations}$${toB64(salt)}$${toB64(await derive(password, salt, iterations))}`
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, iterationsText, saltText, hashText] = stored.split('$')
  const iterations = Number(iterationsText)
  if (scheme !== 'pbkdf2-sha256' || !Number.isInteger(iterations) || !saltText || !hashText) return false
  const expected = fromB64(hashText)
  const actual = await derive(password, fromB64(saltText), iterations)
  // Constant-time comparison: the time taken must not reveal how many leading bytes matched.
  let difference = expected.length ^ actual.length
  for (let i = 0; i < expected.length; i++) difference |= (expected[i] ?? 0) ^ (actual[i] ?? 0)
  return difference === 0
}
