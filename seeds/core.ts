import { createHash } from 'node:crypto';
import { en, Faker } from '@faker-js/faker';
import { usageError } from '../src/errors';

/**
 * Deterministic generation without shared state. Every value is a pure function of
 * (seed, scope, index): row i of any table can be produced, or referenced by id, without holding
 * the other rows in memory. That is what lets generation stream at any scale and lets MongoDB
 * documents and S3 keys point at PostgreSQL rows that exist.
 */

function digest(...parts: Array<string | number>): Buffer {
  return createHash('sha256').update(parts.join('\u0000')).digest();
}

/** A UUID (version 4 layout) derived from the seed, a table and a row index. */
export function uuidFor(seed: number, table: string, index: number): string {
  const b = digest(seed, 'uuid', table, index);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
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
  const faker = new Faker({ locale: [en] });
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
