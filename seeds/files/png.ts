import { crc32, deflateSync } from 'node:zlib';
import { identicon, u32be, type FileInput } from './common';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  return Buffer.concat([u32be(data.length), typeAndData, u32be(crc32(typeAndData))]);
}

/** 32x32 truecolour (8-bit RGB), filter 0 on every row. */
export function png(input: FileInput): Buffer {
  const icon = identicon(input.rng);
  const { size } = icon;
  const raw = Buffer.alloc(size * (1 + size * 3));
  for (let y = 0; y < size; y++) {
    const row = y * (1 + size * 3);
    for (let x = 0; x < size; x++) {
      const c = icon.on(x, y) ? icon.fg : icon.bg;
      raw.set(c, row + 1 + x * 3);
    }
  }
  const ihdr = Buffer.concat([u32be(size), u32be(size), Buffer.from([8, 2, 0, 0, 0])]);
  // tEXt carries the per-key id, so two keys with the same picture still differ in bytes.
  const text = Buffer.from(`Comment\u0000recruit-db ${input.id}`, 'latin1');
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', ihdr), chunk('tEXt', text), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}
