// Draws the four tabBar icons as small PNGs (WeChat's tabBar takes only PNG/JPG files, ≤ 40 KB, 81×81 suggested).
// Shapes are plain geometry so the icons can be regenerated without a design tool:
//   node scripts/generate-tab-icons.mjs
import { writeFileSync } from 'node:fs'
import { deflateSync } from 'node:zlib'

const SIZE = 81
const SAMPLES = 4 // supersampling per axis, for smooth edges
const COLORS = { normal: [0x4a, 0x4a, 0x4a], active: [0x0b, 0x57, 0xa4] }

const inRect = (x, y, x0, y0, x1, y1) => x >= x0 && x <= x1 && y >= y0 && y <= y1
const inCircle = (x, y, cx, cy, r) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r
const inRing = (x, y, x0, y0, x1, y1, w) =>
  inRect(x, y, x0, y0, x1, y1) && !inRect(x, y, x0 + w, y0 + w, x1 - w, y1 - w)

/** Each shape answers "is this point (0..1 square) ink?". */
const SHAPES = {
  home(x, y) {
    const roof = y >= 0.12 && y <= 0.5 && Math.abs(x - 0.5) <= (y - 0.12) * 1.15 + 0.02 && y >= 0.12
    const body = inRect(x, y, 0.22, 0.46, 0.78, 0.88)
    const door = inRect(x, y, 0.42, 0.62, 0.58, 0.88)
    return (roof || body) && !door
  },
  petitions(x, y) {
    const frame = inRing(x, y, 0.2, 0.1, 0.8, 0.9, 0.07)
    const lines = [0.32, 0.48, 0.64].some((ly) => inRect(x, y, 0.32, ly, 0.68, ly + 0.06))
    return frame || lines
  },
  receptions(x, y) {
    const frame = inRing(x, y, 0.12, 0.18, 0.88, 0.88, 0.07)
    const header = inRect(x, y, 0.12, 0.18, 0.88, 0.36)
    const rings = inRect(x, y, 0.28, 0.08, 0.36, 0.26) || inRect(x, y, 0.64, 0.08, 0.72, 0.26)
    const days = [0.3, 0.5, 0.7].some((cx) =>
      [0.52, 0.72].some((cy) => inRect(x, y, cx - 0.06, cy - 0.05, cx + 0.06, cy + 0.05)),
    )
    return frame || header || rings || days
  },
  me(x, y) {
    const head = inCircle(x, y, 0.5, 0.32, 0.18)
    const shoulders = y >= 0.58 && y <= 0.9 && ((x - 0.5) / 0.36) ** 2 + ((y - 0.9) / 0.32) ** 2 <= 1
    return head || shoulders
  },
}

function crc32(bytes) {
  let crc = ~0
  for (const byte of bytes) {
    crc ^= byte
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1))
  }
  return ~crc >>> 0
}

function chunk(type, data) {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}

function png(shape, [r, g, b]) {
  const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1))
  for (let py = 0; py < SIZE; py++) {
    raw[py * (SIZE * 4 + 1)] = 0 // filter: none
    for (let px = 0; px < SIZE; px++) {
      let hits = 0
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          if (shape((px + (sx + 0.5) / SAMPLES) / SIZE, (py + (sy + 0.5) / SAMPLES) / SIZE)) hits++
        }
      }
      const offset = py * (SIZE * 4 + 1) + 1 + px * 4
      raw[offset] = r
      raw[offset + 1] = g
      raw[offset + 2] = b
      raw[offset + 3] = Math.round((255 * hits) / (SAMPLES * SAMPLES))
    }
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(SIZE, 0)
  header.writeUInt32BE(SIZE, 4)
  header[8] = 8 // bit depth
  header[9] = 6 // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

const outDir = new URL('../src/assets/tab/', import.meta.url)
for (const [name, shape] of Object.entries(SHAPES)) {
  for (const [state, color] of Object.entries(COLORS)) {
    const file = new URL(`${name}${state === 'active' ? '-active' : ''}.png`, outDir)
    writeFileSync(file, png(shape, color))
  }
}
