import { LsbBitWriter, identicon, riffChunk, u32le, type FileInput } from './common';

/**
 * Lossless WebP (VP8L) with no transforms and only "simple" prefix codes: each channel has one
 * or two symbols, so a two-colour image costs at most 3 bits a pixel and the encoder stays tiny.
 */
export function webp(input: FileInput): Buffer {
  const icon = identicon(input.rng, input.width, input.height);
  const { width, height } = icon;
  const w = new LsbBitWriter();
  w.write(0x2f, 8);
  w.write(width - 1, 14);
  w.write(height - 1, 14);
  w.write(0, 1); // alpha_is_used
  w.write(0, 3); // version
  w.write(0, 1); // no transform
  w.write(0, 1); // no colour cache
  w.write(0, 1); // no meta prefix codes

  // VP8L reads a pixel as green, red, blue, alpha.
  const channels: Array<[number, number]> = [
    [icon.bg[1], icon.fg[1]],
    [icon.bg[0], icon.fg[0]],
    [icon.bg[2], icon.fg[2]],
    [255, 255],
  ];
  const simpleCode = (symbols: number[]): void => {
    w.write(1, 1); // simple code
    w.write(symbols.length - 1, 1);
    if (symbols[0] <= 1) {
      w.write(0, 1);
      w.write(symbols[0], 1);
    } else {
      w.write(1, 1);
      w.write(symbols[0], 8);
    }
    if (symbols.length === 2) w.write(symbols[1], 8);
  };
  // Two distinct symbols get 1-bit canonical codes: the smaller value is 0. Equal values collapse to a 0-bit code.
  const twoSymbol = channels.map(([a, b]) => a !== b);
  channels.forEach(([a, b], i) => simpleCode(twoSymbol[i] ? [a, b] : [a]));
  simpleCode([0]); // distance code, never used

  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const fg = icon.on(x, y);
      channels.forEach(([a, b], i) => {
        if (!twoSymbol[i]) return;
        const value = fg ? b : a;
        w.write(value === Math.max(a, b) ? 1 : 0, 1);
      });
    }
  }
  const vp8l = w.finish();
  const canvas = Buffer.alloc(10);
  canvas[0] = 0x04; // XMP metadata present
  canvas.writeUIntLE(width - 1, 4, 3);
  canvas.writeUIntLE(height - 1, 7, 3);
  // The extended (VP8X) layout is what allows a metadata chunk; it carries the per-key id.
  const xmp = Buffer.from(
    `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier>recruit-db ${input.id}</dc:identifier></rdf:Description></rdf:RDF></x:xmpmeta>`,
    'utf8',
  );
  const body = Buffer.concat([Buffer.from('WEBP', 'latin1'), riffChunk('VP8X', canvas), riffChunk('VP8L', vp8l), riffChunk('XMP ', xmp)]);
  return Buffer.concat([Buffer.from('RIFF', 'latin1'), u32le(body.length), body]);
}

