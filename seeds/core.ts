import { createHash } from 'node:crypto';
import type { Faker } from '@faker-js/faker';
import { usageError } from '../src/errors';

/**
 * Deterministic generation without shared state. Every value is a pure function of
 * (seed, scope, index): row i of any table can be produced, or referenced by id, without holding
 * the other rows in memory. That is what lets generation stream at any scale and lets MongoDB
 * documents and S3 keys point at PostgreSQL rows that exist.
 */

export function digest(...parts: Array<string | number>): Buffer {
  return createHash('sha256').update(parts.join('\u0000')).digest();
}

// sha256 once per (seed, kind, scope), then a cheap integer mix per index: hashing every row with
// sha256 cost ~8µs per id, which dominated generation at the large profile. The keys sit in one map
// per (seed, kind) looked up by the scope string alone: building a `${seed}${kind}${scope}` key per
// call cost more than the mixing itself. Int32Array, because every use is a bitwise op (same bits as
// uint32) and small ints stay unboxed.
type Kind = 'h32' | 'uuid' | 'rng';
type KeyMaps = Record<Kind, Map<string, Int32Array>>;
const keysBySeed = new Map<number, KeyMaps>();
let lastSeed = NaN;
let lastMaps: KeyMaps | undefined;

function scopeKey(seed: number, kind: Kind, scope: string): Int32Array {
  let maps = seed === lastSeed ? lastMaps : keysBySeed.get(seed);
  if (!maps) {
    maps = { h32: new Map(), uuid: new Map(), rng: new Map() };
    keysBySeed.set(seed, maps);
  }
  lastSeed = seed;
  lastMaps = maps;
  const m = maps[kind];
  let k = m.get(scope);
  if (!k) {
    const d = digest(seed, kind, scope);
    k = new Int32Array(8);
    for (let i = 0; i < 8; i++) k[i] = d.readInt32LE(i * 4);
    m.set(scope, k);
  }
  return k;
}

const scopedNames = new Map<string, Map<string, string>>();

/**
 * `${prefix}:${name}` as one cached string: scopes such as `born:${table}` are built per row, and a
 * freshly concatenated string must be flattened and hashed again for every key lookup.
 */
export function scoped(prefix: string, name: string): string {
  let m = scopedNames.get(prefix);
  if (!m) scopedNames.set(prefix, (m = new Map()));
  let s = m.get(name);
  if (s === undefined) m.set(name, (s = `${prefix}:${name}`));
  return s;
}

/** Zero-padded decimal digits by value ('07', '042'): text formatting on the generator's hot path. */
export const DIGITS2: readonly string[] = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
export const DIGITS3: readonly string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/** murmur3's finaliser: a bijection on 32-bit integers with good avalanche. */
export function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A whole-minute instant in [lo, hi) picked by the 32-bit hash h (lo when the window is shorter
 * than a minute). Every "when" of the generated history is one of these, inside the window its
 * causes leave open.
 */
export function within(lo: number, hi: number, h: number): number {
  const minutes = Math.floor((hi - lo) / MIN);
  return minutes <= 0 ? lo : lo + (h % minutes) * MIN;
}

/** A deterministic 32-bit hash of (seed, scope, index); cheap enough to call per row. */
export function hash32(seed: number, scope: string, index: number): number {
  const k = scopeKey(seed, 'h32', scope);
  return fmix32(fmix32((index >>> 0) ^ k[0]) ^ k[1] ^ Math.floor(index / 4294967296));
}

/** Two lowercase hex digits per byte value: a table lookup instead of toString(16) + padStart. */
const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const hex8 = (n: number) => HEX[n >>> 24] + HEX[(n >>> 16) & 255] + HEX[(n >>> 8) & 255] + HEX[n & 255];

/**
 * A UUID (version 4 layout) derived from the seed, a table and a row index. The first 32 bits are a
 * bijection of the index, so two indexes below 2^32 of one table can never share an id.
 */
export function uuidFor(seed: number, table: string, index: number): string {
  const k = scopeKey(seed, 'uuid', table);
  const hi = Math.floor(index / 4294967296) >>> 0;
  const a = fmix32(fmix32((index >>> 0) ^ k[0]) ^ k[1]);
  let b = fmix32(a ^ k[2] ^ fmix32(hi ^ k[3]));
  let c = fmix32(b ^ k[4]);
  const d = fmix32(c ^ k[5]);
  b = ((b & 0xffff0fff) | 0x00004000) >>> 0;
  c = ((c & 0x3fffffff) | 0x80000000) >>> 0;
  return `${hex8(a)}-${HEX[b >>> 24]}${HEX[(b >>> 16) & 255]}-${HEX[(b >>> 8) & 255]}${HEX[b & 255]}-${HEX[c >>> 24]}${HEX[(c >>> 16) & 255]}-${HEX[(c >>> 8) & 255]}${HEX[c & 255]}${hex8(d)}`;
}

/**
 * `s` as one flat string. Strings built by concatenation (uuids, timestamps) are ropes of their
 * pieces, ~400 bytes for a uuid; a string kept in a table should be flattened once (converting it
 * to a number makes V8 flatten it in place).
 */
export function flat(s: string): string {
  void Number(s);
  return s;
}

let jitTuned = false;

/**
 * V8 compiler budgets for a generation run, set once per process (compiler flags only: the output
 * is the same). Generation is one pass over ~50 row builders, each hot for its own table only; with
 * V8's defaults a cold medium run spent ~1.2 s of background CPU in TurboFan (a third of its CPU),
 * compiling builders with every helper inlined, some several times after deopts. A larger interrupt
 * budget optimises only what stays hot and a smaller cumulative inlining budget keeps each compile
 * small: round 1 ~15% less CPU, warm rounds unchanged (bench/seed/gen.ts, BENCHMARKS.md).
 */
export function tuneJitForGeneration(): void {
  if (jitTuned) return;
  jitTuned = true;
  (require('node:v8') as typeof import('node:v8')).setFlagsFromString('--interrupt-budget=400000 --max-inlined-bytecode-size-cumulative=300');
}

/** A small fast PRNG (sfc32) seeded from sha256 of the scope: independent streams per scope. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, ...scope: Array<string | number>) {
    const h = digest(seed, 'rng', ...scope);
    this.a = h.readUInt32LE(0);
    this.b = h.readUInt32LE(4);
    this.c = h.readUInt32LE(8);
    this.d = h.readUInt32LE(12);
  }

  /** The stream of row `index` in `scope`: like `new Rng(seed, scope, index)`, without a sha256 per row. */
  static at(seed: number, scope: string, index: number): Rng {
    const k = scopeKey(seed, 'rng', scope);
    const r = Object.create(Rng.prototype) as Rng;
    const lo = index >>> 0;
    const hi = Math.floor(index / 4294967296) >>> 0;
    r.a = fmix32(lo ^ k[0]);
    r.b = fmix32(lo ^ k[1] ^ 0x9e3779b9);
    r.c = fmix32(hi ^ k[2] ^ fmix32(lo + 0x7f4a7c15));
    r.d = fmix32(k[3] ^ fmix32(lo ^ 0x632be5ab));
    // sfc32 needs a few rounds before nearby seeds (index, index+1) give unrelated streams.
    for (let i = 0; i < 12; i++) r.next();
    return r;
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Integer in [min, max], inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  bool(p = 0.5): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks by weight: weighted([['a', 3], ['b', 1]]) gives 'a' three times as often. */
  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return items[items.length - 1][0];
  }

  /** Roughly normal (Irwin-Hall of 4), clamped to [min, max]. */
  normal(mean: number, sd: number, min = -Infinity, max = Infinity): number {
    const z = (this.next() + this.next() + this.next() + this.next() - 2) * Math.sqrt(3);
    return Math.min(max, Math.max(min, mean + z * sd));
  }

  /** k distinct integers from [0, n), in random order (k <= n). */
  sample(n: number, k: number): number[] {
    const chosen = new Set<number>();
    const out: number[] = [];
    while (out.length < Math.min(k, n)) {
      const v = Math.floor(this.next() * n);
      if (!chosen.has(v)) {
        chosen.add(v);
        out.push(v);
      }
    }
    return out;
  }
}

/** A Faker whose output depends only on (seed, scope): reseeded per row, so rows are independent. */
export function fakerFor(seed: number, ...scope: Array<string | number>): Faker {
  // Loaded on first use (~100 ms): parsing a profile or a seed, which every seeding command does
  // first, must not pay for it.
  const { Faker, base, en } = require('@faker-js/faker') as typeof import('@faker-js/faker');
  const faker = new Faker({ locale: [en, base] });
  faker.seed(digest(seed, 'faker', ...scope).readUInt32LE(0));
  return faker;
}

export const PROFILES = ['small', 'medium', 'large'] as const;
export type ProfileName = (typeof PROFILES)[number];

export function parseProfile(value: string | undefined): ProfileName {
  const p = (value ?? 'small') as ProfileName;
  if (!PROFILES.includes(p)) throw usageError(`unknown profile "${value}"`, `use one of ${PROFILES.join(', ')}`);
  return p;
}

export function parseSeed(value: string | number | undefined): number {
  if (value === undefined || value === '') return 1;
  const s = String(value).trim();
  if (!/^-?\d+$/.test(s) || !Number.isSafeInteger(Number(s))) throw usageError(`seed must be an integer, got "${value}"`, 'pass e.g. --seed 42');
  return Number(s);
}

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
const DAY_MS = DAY;

/**
 * The as-of day: `YYYY-MM-DD` (a calendar day, UTC) or undefined for the current UTC day, as the
 * instant 00:00:00Z of that day. Generated history ends before it and scheduled things start after it;
 * same seed and same as-of give byte-identical stores.
 */
export function parseAsOf(value: string | number | Date | undefined, now: number = Date.now()): number {
  if (value === undefined || value === '') return Math.floor(now / DAY_MS) * DAY_MS;
  if (value instanceof Date || typeof value === 'number') {
    const ms = value instanceof Date ? value.getTime() : value;
    if (!Number.isFinite(ms)) throw usageError(`as-of must be a date, got "${String(value)}"`, 'pass e.g. --as-of 2026-01-31');
    return Math.floor(ms / DAY_MS) * DAY_MS;
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  // Date.UTC rolls 2026-02-30 over into March: a day that does not exist is refused, not moved.
  if (!m || Number.isNaN(ms) || isoDay(ms) !== value.trim()) throw usageError(`as-of must be a calendar day YYYY-MM-DD, got "${value}"`, 'pass e.g. --as-of 2026-01-31');
  const year = Number(m[1]);
  if (year < 2000 || year > 2100) throw usageError(`as-of ${value} is out of range`, 'pick a day between 2000-01-01 and 2100-12-31');
  return ms;
}

/** `YYYY-MM-DD` of an instant (UTC). */
export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `--set users=500,jobs=20` style overrides: table -> row count. */
export function parseOverrides(values: string[] | undefined, known: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of (values ?? []).flatMap((v) => v.split(','))) {
    const m = /^\s*([a-z_]+)\s*=\s*(\d+)\s*$/.exec(item);
    if (!m) throw usageError(`bad override "${item}"`, 'use table=count, e.g. --set users=500');
    if (!known.includes(m[1])) throw usageError(`bad override "${item}": unknown table or collection "${m[1]}"`, 'name one of the seeded tables or collections');
    out[m[1]] = Number(m[2]);
  }
  return out;
}
