import { identicon, u16le, type FileInput } from './common';

/** GIF variable-width LZW (as in the GIF89a spec, appendix F), LSB-first codes. */
function lzw(minCodeSize: number, indices: number[]): Buffer {
  const clear = 1 << minCodeSize;
  const eoi = clear + 1;
  const out: number[] = [];
  let acc = 0;
  let nbits = 0;
  let codeSize = minCodeSize + 1;
  let next = eoi + 1;
  let table = new Map<number, number>();
  const emit = (code: number): void => {
    acc |= code << nbits;
    nbits += codeSize;
    while (nbits >= 8) {
      out.push(acc & 0xff);
      acc >>>= 8;
      nbits -= 8;
    }
  };
  emit(clear);
  let prefix = indices[0];
  for (let i = 1; i < indices.length; i++) {
    const k = indices[i];
    const key = (prefix << 8) | k;
    const found = table.get(key);
    if (found !== undefined) {
      prefix = found;
      continue;
    }
    emit(prefix);
    if (next === 4096) {
      emit(clear);
      next = eoi + 1;
      codeSize = minCodeSize + 1;
      table = new Map();
    } else {
      if (next >= 1 << codeSize) codeSize++;
      table.set(key, next++);
    }
    prefix = k;
  }
  emit(prefix);
  emit(eoi);
  if (nbits > 0) out.push(acc & 0xff);
  return Buffer.from(out);
}

function subBlocks(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += 255) {
    const part = data.subarray(i, i + 255);
    parts.push(Buffer.from([part.length]), part);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

/** GIF89a, a 2-entry global colour table, one image, a comment extension with the id. */
export function gif(input: FileInput): Buffer {
  const icon = identicon(input.rng, input.width, input.height);
  const { width, height } = icon;
  const indices: number[] = [];
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) indices.push(icon.on(x, y) ? 1 : 0);
  // Packed field: global colour table present, 8-bit colour resolution, table of 2^(0+1) entries.
  const screen = Buffer.concat([u16le(width), u16le(height), Buffer.from([0xf0, 0, 0])]);
  const palette = Buffer.from([...icon.bg, ...icon.fg]);
  const comment = Buffer.concat([Buffer.from([0x21, 0xfe]), subBlocks(Buffer.from(`recruit-db ${input.id}`, 'latin1'))]);
  const descriptor = Buffer.concat([Buffer.from([0x2c]), u16le(0), u16le(0), u16le(width), u16le(height), Buffer.from([0])]);
  // GIF's minimum LZW code size is 2 even for a 2-colour image.
  const image = Buffer.concat([Buffer.from([2]), subBlocks(lzw(2, indices))]);
  return Buffer.concat([Buffer.from('GIF89a', 'latin1'), screen, palette, comment, descriptor, image, Buffer.from([0x3b])]);
}
