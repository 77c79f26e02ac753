import { crc32, deflateSync } from 'node:zlib';
import { identicon, u32be, type FileInput, type Identicon } from './common';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  return Buffer.concat([u32be(data.length), typeAndData, u32be(crc32(typeAndData))]);
}

/**
 * IDAT chunks by size and grid: the pixel rows hold palette indexes, not colours, so two images of
 * one size and grid have the same IDAT, and a seed's thousands of PNGs come in a few hundred of them.
 * Deflate is deterministic, so a cached chunk is the bytes a fresh one would be. Bounded, to stay
 * small whatever the sizes asked for.
 */
const IDATS = new Map<string, Buffer>();
const IDAT_CACHE_MAX = 4096;

/**
 * A two-colour image as an indexed PNG (colour type 3, 1 bit per pixel, a 2-entry PLTE), filter 0
 * on every row: a 1200x800 picture is 120 KB of raw rows, so even large images encode quickly.
 */
export function png(input: FileInput): Buffer {
  const icon = identicon(input.rng, input.width, input.height);
  const { width, height } = icon;
  const cacheKey = `${width}x${height}:${icon.pattern}`;
  let idat = IDATS.get(cacheKey);
  if (!idat) {
    idat = chunk('IDAT', deflateSync(pixelRows(icon), { level: 6 }));
    if (IDATS.size < IDAT_CACHE_MAX) IDATS.set(cacheKey, idat);
  }
  const ihdr = Buffer.concat([u32be(width), u32be(height), Buffer.from([1, 3, 0, 0, 0])]);
  const plte = Buffer.from([...icon.bg, ...icon.fg]);
  // tEXt carries the per-key id, so two keys with the same picture still differ in bytes.
  const text = Buffer.from(`Comment\u0000recruit-db ${input.id}`, 'latin1');
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', ihdr), chunk('PLTE', plte), chunk('tEXt', text), idat, chunk('IEND', Buffer.alloc(0))]);
}

/** Filter byte 0, then 1 bit per pixel (1 = foreground), each row. */
function pixelRows(icon: Identicon): Buffer {
  const { width, height } = icon;
  const stride = 1 + Math.ceil(width / 8);
  const raw = Buffer.alloc(height * stride);
  // Rows of one cell row are equal: build each distinct row once and copy it.
  let prev = -1;
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    if (prev >= 0 && icon.sameRow(prev, y)) {
      raw.copy(raw, row, prev * stride, prev * stride + stride);
      continue;
    }
    for (let x = 0; x < width; x++) if (icon.on(x, y)) raw[row + 1 + (x >> 3)] |= 0x80 >> (x & 7);
    prev = y;
  }
  return raw;
}
