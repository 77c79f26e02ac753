import { createHash } from 'node:crypto';
import { Rng } from '../core';

/** What every generator receives: the same inputs always give the same bytes. */
export interface FileInput {
  seed: number;
  key: string;
  rng: Rng;
  /** A short hex id derived from (seed, key): embedded in every format so different keys never give equal bytes. */
  id: string;
  title: string;
  lines: string[];
  /** Image dimensions (pixels; 32x32 unless the asset's kind asks for more). */
  width: number;
  height: number;
}

export interface FileMeta {
  title?: string;
  lines?: string[];
  width?: number;
  height?: number;
}

export function fileInput(contentType: string, seed: number, key: string, meta?: FileMeta): FileInput {
  const id = createHash('sha256').update(`${seed}\u0000${key}`).digest('hex').slice(0, 16);
  return {
    seed,
    key,
    rng: new Rng(seed, 'file', contentType, key),
    id,
    title: meta?.title ?? `recruit-db sample ${id}`,
    lines: meta?.lines ?? [],
    width: meta?.width ?? 32,
    height: meta?.height ?? 32,
  };
}

export type Rgb = readonly [number, number, number];

/**
 * A two-colour identicon: a 4x4 grid mirrored left/right, stretched over width x height pixels.
 * Cell edges are snapped to multiples of 8 pixels, so every 8x8 JPEG block lies inside one cell
 * (one colour) when the dimensions are multiples of 8: large images then cost little to encode.
 */
export interface Identicon {
  width: number;
  height: number;
  fg: Rgb;
  bg: Rgb;
  /** true where the pixel takes the foreground colour. */
  on(x: number, y: number): boolean;
  /** true when the 8x8 block at (bx, by) lies inside one cell (edge pixels repeated). */
  oneCell(bx: number, by: number): boolean;
  /** true when rows y1 and y2 are in the same cell row (so identical). */
  sameRow(y1: number, y2: number): boolean;
  /** The on/off grid as a number (bit 4 * row + column): equal for two icons exactly when `on` is. */
  pattern: number;
}

/** Cell index of each pixel coordinate along one axis: 4 cells, edges on multiples of 8 where possible. */
function cellsAlong(n: number): Uint8Array {
  const edges = [0, 1, 2, 3].map((k) => (n >= 32 ? Math.round((k * n) / 4 / 8) * 8 : Math.round((k * n) / 4)));
  const out = new Uint8Array(n);
  for (let x = 0, c = 0; x < n; x++) {
    while (c < 3 && x >= edges[c + 1]) c++;
    out[x] = c;
  }
  return out;
}

export function identicon(rng: Rng, width = 32, height = width): Identicon {
  const hue = rng.next();
  const fg = hslToRgb(hue, 0.55 + rng.next() * 0.3, 0.35 + rng.next() * 0.2);
  const bg = hslToRgb(hue, 0.2, 0.92);
  const cells: boolean[][] = [];
  for (let row = 0; row < 4; row++) {
    const left = [rng.bool(), rng.bool()];
    cells.push([left[0], left[1], left[1], left[0]]);
  }
  // A blank grid would make a plain square: force at least one cell on.
  if (!cells.some((r) => r.some(Boolean))) cells[1] = [false, true, true, false];
  const cx = cellsAlong(width);
  const cy = cellsAlong(height);
  const last = (a: Uint8Array, i: number) => a[Math.min(i, a.length - 1)];
  let pattern = 0;
  for (let row = 0; row < 4; row++) for (let col = 0; col < 4; col++) if (cells[row][col]) pattern |= 1 << (4 * row + col);
  return { width, height, fg, bg, pattern, on: (x, y) => cells[cy[y]][cx[x]], oneCell: (bx, by) => last(cx, bx) === last(cx, bx + 7) && last(cy, by) === last(cy, by + 7), sameRow: (y1, y2) => cy[y1] === cy[y2] };
}

function hslToRgb(h: number, s: number, l: number): Rgb {
  const f = (n: number): number => {
    const k = (n + h * 12) % 12;
    const a = s * Math.min(l, 1 - l);
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

/** Little-endian bit packing (GIF LZW, WebP VP8L). */
export class LsbBitWriter {
  private bytes: number[] = [];
  private acc = 0;
  private n = 0;

  write(value: number, bits: number): void {
    for (let i = 0; i < bits; i++) {
      this.acc |= ((value >>> i) & 1) << this.n;
      if (++this.n === 8) {
        this.bytes.push(this.acc);
        this.acc = 0;
        this.n = 0;
      }
    }
  }

  finish(): Buffer {
    if (this.n > 0) this.bytes.push(this.acc);
    this.acc = 0;
    this.n = 0;
    return Buffer.from(this.bytes);
  }
}

export function u16le(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v);
  return b;
}
export function u32le(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b;
}
export function u16be(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v);
  return b;
}
export function u32be(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
}

/** Printable ASCII only: PDF base fonts, ID3 Latin-1 and RIFF INFO all want plain bytes. */
export function ascii(text: string): string {
  return text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^\x20-\x7e]/g, '?');
}

export function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** A RIFF chunk: id, little-endian size, data, a pad byte when the size is odd. */
export function riffChunk(id: string, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from(id, 'latin1'), u32le(data.length), data, data.length % 2 === 1 ? Buffer.from([0]) : Buffer.alloc(0)]);
}
