import { identicon, u16be, type FileInput } from './common';

/**
 * A baseline (SOF0) JPEG encoder for two-colour images: YCbCr 4:4:4, the example quantisation and
 * Huffman tables of ITU-T T.81 Annex K, a straightforward float DCT. Blocks of one colour
 * (most of them) skip the DCT.
 */

// Annex K.1 tables, natural (row-major) order.
const Q_LUMA = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55,
  64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const Q_CHROMA = [17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99, ...Array<number>(32).fill(99)];

/** ZIGZAG[k] = natural index of the k-th coefficient in zigzag order. */
const ZIGZAG: number[] = (() => {
  const order: number[] = [];
  for (let s = 0; s < 15; s++) {
    const cells: number[] = [];
    for (let y = 0; y < 8; y++) {
      const x = s - y;
      if (x >= 0 && x < 8) cells.push(y * 8 + x);
    }
    // Even diagonals run bottom-left to top-right, odd ones the other way.
    order.push(...(s % 2 === 0 ? cells.reverse() : cells));
  }
  return order;
})();

interface HuffSpec {
  bits: number[];
  values: number[];
}

/** Annex K.3 AC tables list their first symbols in frequency order and the rest ascending. */
function acValues(head: number[]): number[] {
  const all: number[] = [0x00, 0xf0];
  for (let run = 0; run < 16; run++) for (let size = 1; size <= 10; size++) all.push((run << 4) | size);
  const rest = all.filter((v) => !head.includes(v)).sort((a, b) => a - b);
  return [...head, ...rest];
}

const DC_LUMA: HuffSpec = { bits: [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0], values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] };
const DC_CHROMA: HuffSpec = { bits: [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] };
const AC_LUMA: HuffSpec = {
  bits: [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d],
  values: acValues([
    0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1, 0x15,
    0x52, 0xd1, 0xf0, 0x24, 0x33, 0x62, 0x72, 0x82,
  ]),
};
const AC_CHROMA: HuffSpec = {
  bits: [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77],
  values: acValues([
    0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71, 0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xa1, 0xb1, 0xc1, 0x09, 0x23,
    0x33, 0x52, 0xf0, 0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25, 0xf1,
  ]),
};

/** Canonical Huffman codes (T.81 Annex C), indexed by symbol (0-255); a length of 0 marks no code. */
interface HuffCodes {
  code: Uint16Array;
  len: Uint8Array;
}

function codes(spec: HuffSpec): HuffCodes {
  const out: HuffCodes = { code: new Uint16Array(256), len: new Uint8Array(256) };
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    for (let i = 0; i < spec.bits[len - 1]; i++) {
      out.code[spec.values[k]] = code++;
      out.len[spec.values[k++]] = len;
    }
    code <<= 1;
  }
  return out;
}

class JpegBitWriter {
  // A growing byte array, not number[]: a 1280x720 image is ~14,000 blocks, tens of KB of entropy-coded data.
  private out = new Uint8Array(1 << 14);
  private size = 0;
  private acc = 0;
  private n = 0;

  /** `bits` at most 24: acc then never holds more than 31. */
  write(value: number, bits: number): void {
    this.acc = (this.acc << bits) | (value & ((1 << bits) - 1));
    this.n += bits;
    while (this.n >= 8) {
      this.n -= 8;
      this.pushByte((this.acc >>> this.n) & 0xff);
    }
    this.acc &= (1 << this.n) - 1;
  }

  private pushByte(byte: number): void {
    if (this.size + 2 > this.out.length) {
      const grown = new Uint8Array(this.out.length * 2);
      grown.set(this.out);
      this.out = grown;
    }
    this.out[this.size++] = byte;
    if (byte === 0xff) this.out[this.size++] = 0;
  }

  finish(): Buffer {
    // Pad the last byte with 1-bits (T.81 F.1.2.3); a 0xFF in entropy-coded data is followed by a
    // stuffed zero (pushByte).
    if (this.n > 0) this.write((1 << (8 - this.n)) - 1, 8 - this.n);
    return Buffer.from(this.out.buffer, 0, this.size);
  }
}

function category(v: number): number {
  let a = Math.abs(v);
  let n = 0;
  while (a > 0) {
    n++;
    a >>= 1;
  }
  return n;
}

function valueBits(v: number, cat: number): number {
  return v >= 0 ? v : v + (1 << cat) - 1;
}

const COS: number[][] = Array.from({ length: 8 }, (_, x) => Array.from({ length: 8 }, (__, u) => Math.cos(((2 * x + 1) * u * Math.PI) / 16)));

function fdctQuantize(block: number[], q: number[]): number[] {
  const out = new Array<number>(64);
  for (let v = 0; v < 8; v++) {
    for (let u = 0; u < 8; u++) {
      let sum = 0;
      for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) sum += block[y * 8 + x] * COS[x][u] * COS[y][v];
      const cu = u === 0 ? Math.SQRT1_2 : 1;
      const cv = v === 0 ? Math.SQRT1_2 : 1;
      out[v * 8 + u] = Math.round((0.25 * cu * cv * sum) / q[v * 8 + u]);
    }
  }
  return out;
}

function segment(marker: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0xff, marker]), u16be(body.length + 2), body]);
}

function dht(tableClass: number, id: number, spec: HuffSpec): Buffer {
  return Buffer.concat([Buffer.from([(tableClass << 4) | id]), Buffer.from(spec.bits), Buffer.from(spec.values)]);
}

const TABLES = [
  { q: Q_LUMA, dc: codes(DC_LUMA), ac: codes(AC_LUMA) },
  { q: Q_CHROMA, dc: codes(DC_CHROMA), ac: codes(AC_CHROMA) },
  { q: Q_CHROMA, dc: codes(DC_CHROMA), ac: codes(AC_CHROMA) },
];

/** Y, Cb, Cr (level-shifted) of an RGB colour. */
function ycc([r, g, b]: readonly [number, number, number]): [number, number, number] {
  return [0.299 * r + 0.587 * g + 0.114 * b - 128, -0.168736 * r - 0.331264 * g + 0.5 * b, 0.5 * r - 0.418688 * g - 0.081312 * b];
}

export function jpeg(input: FileInput): Buffer {
  const icon = identicon(input.rng, input.width, input.height);
  const { width, height } = icon;
  const colours = [ycc(icon.bg), ycc(icon.fg)];
  // The image is padded to whole 8x8 blocks by repeating its last row and column (T.81 A.2.4).
  const at = (c: number, x: number, y: number) => colours[icon.on(Math.min(x, width - 1), Math.min(y, height - 1)) ? 1 : 0][c];
  const tables = TABLES;
  const bits = new JpegBitWriter();
  const put = (table: HuffCodes, symbol: number): void => bits.write(table.code[symbol], table.len[symbol]);
  // A block inside one cell is one colour: its DCT is the DC term alone (8 x the value).
  const dcOf = colours.map((ycc) => ycc.map((v, c) => Math.round((8 * v) / tables[c].q[0])));
  // A one-colour block after one of the same colour (most blocks) has a zero DC difference in every
  // component: its bits (DC category 0, then end-of-block, per component) are one fixed string.
  let same = 0;
  let sameLen = 0;
  for (const t of tables) {
    same = (((same << t.dc.len[0]) | t.dc.code[0]) << t.ac.len[0x00]) | t.ac.code[0x00];
    sameLen += t.dc.len[0] + t.ac.len[0x00];
  }
  if (sameLen > 24) throw new Error('jpeg: the zero-difference block code is longer than the bit writer takes');
  const pred = [0, 0, 0];
  /** The colour whose DC values `pred` holds, or -1 (start, or after a block of two colours). */
  let predColour = -1;
  for (let by = 0; by < height; by += 8) {
    for (let bx = 0; bx < width; bx += 8) {
      if (icon.oneCell(bx, by)) {
        const colour = icon.on(Math.min(bx, width - 1), Math.min(by, height - 1)) ? 1 : 0;
        if (colour === predColour) {
          bits.write(same, sameLen);
          continue;
        }
        const dc = dcOf[colour];
        for (let c = 0; c < 3; c++) {
          const diff = dc[c] - pred[c];
          pred[c] = dc[c];
          const dcCat = category(diff);
          put(tables[c].dc, dcCat);
          if (dcCat > 0) bits.write(valueBits(diff, dcCat), dcCat);
          put(tables[c].ac, 0x00);
        }
        predColour = colour;
        continue;
      }
      predColour = -1;
      for (let c = 0; c < 3; c++) {
        const block: number[] = [];
        for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) block.push(at(c, bx + x, by + y));
        const coef = fdctQuantize(block, tables[c].q);
        const diff = coef[0] - pred[c];
        pred[c] = coef[0];
        const dcCat = category(diff);
        put(tables[c].dc, dcCat);
        if (dcCat > 0) bits.write(valueBits(diff, dcCat), dcCat);
        let run = 0;
        for (let k = 1; k < 64; k++) {
          const v = coef[ZIGZAG[k]];
          if (v === 0) {
            run++;
            continue;
          }
          while (run > 15) {
            put(tables[c].ac, 0xf0);
            run -= 16;
          }
          const cat = category(v);
          put(tables[c].ac, (run << 4) | cat);
          bits.write(valueBits(v, cat), cat);
          run = 0;
        }
        if (run > 0) put(tables[c].ac, 0x00);
      }
    }
  }
  const jfif = Buffer.from([0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const dqt = (id: number, q: number[]): Buffer => Buffer.from([id, ...ZIGZAG.map((i) => q[i])]);
  const sof0 = Buffer.concat([Buffer.from([8]), u16be(height), u16be(width), Buffer.from([3, 1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1])]);
  const sos = Buffer.from([3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, jfif),
    segment(0xfe, Buffer.from(`recruit-db ${input.id}`, 'latin1')),
    segment(0xdb, Buffer.concat([dqt(0, Q_LUMA), dqt(1, Q_CHROMA)])),
    segment(0xc0, sof0),
    segment(0xc4, Buffer.concat([dht(0, 0, DC_LUMA), dht(1, 0, AC_LUMA), dht(0, 1, DC_CHROMA), dht(1, 1, AC_CHROMA)])),
    segment(0xda, sos),
    bits.finish(),
    Buffer.from([0xff, 0xd9]),
  ]);
}
