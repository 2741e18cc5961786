// Draws the extension's icon (images/icon.png, 128×128): a shield holding log lines, one of
// them flagged. Plain zlib + a hand-written PNG encoder, so no image library is needed.
//   node scripts/make-icon.mjs
import { writeFileSync, mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
// 4×4 samples per pixel smooth the edges.
const SS = 4;

const SHIELD = [0x1f, 0x5f, 0xa8];
const LINE = [0xf2, 0xf5, 0xfa];
const FLAG = [0xe5, 0x48, 0x3c];

/** Shield outline in unit coordinates (0..1): flat top with rounded corners, sides curving to a point. */
function inShield(x, y) {
  if (y < 0.08 || y > 0.94) return false;
  const half = y < 0.55 ? 0.40 : 0.40 * Math.sqrt(Math.max(0, 1 - ((y - 0.55) / 0.39) ** 2));
  if (Math.abs(x - 0.5) > half) return false;
  // Round the two top corners (radius 0.08).
  const r = 0.08;
  const cx = x < 0.5 ? 0.1 + r : 0.9 - r;
  const cy = 0.08 + r;
  if (y < cy && (x < 0.1 + r || x > 0.9 - r)) return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  return true;
}

/** Colour at a point, or undefined for transparent. */
function colourAt(x, y) {
  if (!inShield(x, y)) return undefined;
  // Four "log lines" of different lengths; the third is the flagged one.
  const lines = [
    [0.26, 0.24, 0.74],
    [0.38, 0.24, 0.66],
    [0.50, 0.24, 0.76, true],
    [0.62, 0.30, 0.64],
  ];
  for (const [ly, x0, x1, flagged] of lines) {
    if (Math.abs(y - ly) <= 0.035 && x >= x0 && x <= x1) return flagged ? FLAG : LINE;
  }
  return SHIELD;
}

const rgba = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let py = 0; py < SIZE; py++) {
  const row = py * (SIZE * 4 + 1);
  rgba[row] = 0; // filter: none
  for (let px = 0; px < SIZE; px++) {
    let r = 0, g = 0, b = 0, a = 0;
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const c = colourAt((px + (sx + 0.5) / SS) / SIZE, (py + (sy + 0.5) / SS) / SIZE);
        if (!c) continue;
        r += c[0]; g += c[1]; b += c[2]; a++;
      }
    }
    const o = row + 1 + px * 4;
    if (a > 0) {
      rgba[o] = Math.round(r / a);
      rgba[o + 1] = Math.round(g / a);
      rgba[o + 2] = Math.round(b / a);
    }
    rgba[o + 3] = Math.round((255 * a) / (SS * SS));
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // colour type: RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(rgba, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
mkdirSync('images', { recursive: true });
writeFileSync('images/icon.png', png);
console.log(`images/icon.png: ${png.length} bytes`);
