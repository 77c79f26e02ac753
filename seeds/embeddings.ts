import { EMBEDDING_DIMENSIONS } from '../src/stores/postgres/ddl';
import { DIGITS3, Rng } from './core';
import { T } from './topology';

/**
 * Skill-based stand-in embeddings (384 dims, as the schema's columns): each skill has a fixed unit
 * vector made of its track's direction plus its own noise; a profile's embedding is the
 * proficiency-weighted sum of its skills' vectors, normalised. Students and jobs sharing skills (or
 * a track) therefore score a higher cosine than unrelated ones, as a real model would rank them.
 */
export type EmbeddingStorage = 'pgvector' | 'array';

const skillCache = new Map<string, Float64Array>();

function gaussianUnit(r: Rng): Float64Array {
  const v = new Float64Array(EMBEDDING_DIMENSIONS);
  for (let i = 0; i < v.length; i++) v[i] = r.normal(0, 1);
  return normalise(v);
}

function normalise(v: Float64Array): Float64Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i] * v[i];
  n = Math.sqrt(n) || 1;
  for (let i = 0; i < v.length; i++) v[i] /= n;
  return v;
}

export function skillVector(seed: number, skill: number): Float64Array {
  const key = `${seed}:${skill}`;
  let v = skillCache.get(key);
  if (!v) {
    const track = gaussianUnit(Rng.at(seed, 'track_vector', skill % T));
    const own = gaussianUnit(Rng.at(seed, 'skill_vector', skill));
    v = new Float64Array(EMBEDDING_DIMENSIONS);
    for (let i = 0; i < v.length; i++) v[i] = 0.6 * track[i] + 0.8 * own[i];
    normalise(v);
    skillCache.set(key, v);
  }
  return v;
}

/** Vectors for what a profile says besides its skills (title, seniority, wording): a fixed pool. */
export const CONTEXT_VECTORS = 512;
const contextCache = new Map<string, Float64Array>();
function contextVector(seed: number, c: number): Float64Array {
  const key = `${seed}:${c}`;
  let v = contextCache.get(key);
  if (!v) contextCache.set(key, (v = gaussianUnit(Rng.at(seed, 'context_vector', c))));
  return v;
}

/**
 * Weighted sum of skill vectors plus a little of a context vector (so two profiles with the same
 * skills still differ, as their texts do: `context` picks the vector and, from its upper bits, a
 * weight of 8-20% of the skills'), normalised; values rounded as they will be stored.
 */
export function embeddingOf(seed: number, skills: ReadonlyArray<readonly [number, number]>, context?: number): Float64Array {
  const out = new Float64Array(EMBEDDING_DIMENSIONS);
  let total = 0;
  for (const [skill, weight] of skills) {
    const v = skillVector(seed, skill);
    total += weight;
    for (let i = 0; i < out.length; i++) out[i] += weight * v[i];
  }
  if (context !== undefined) {
    const v = contextVector(seed, context % CONTEXT_VECTORS);
    const weight = (0.08 + 0.12 * ((context >>> 16) / 65536)) * total;
    for (let i = 0; i < out.length; i++) out[i] += weight * v[i];
  }
  normalise(out);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(out[i] * 1e6) / 1e6;
  return out;
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / (Math.sqrt(na * nb) || 1);
}

/** Three digits without trailing zeros ('120' -> '12'); only used for a non-zero group. */
const D3_TRIMMED: readonly string[] = DIGITS3.map((d) => d.replace(/0+$/, ''));

/**
 * String(x) for x = n / 1e6 (what embeddingOf stores), from the integer n: 384 Number-to-string
 * conversions per row were the slowest part of generating an embedding row. Byte-identical to
 * String(x): no exponent form occurs because |x| is 0 or at least 1e-6, and -0 prints as '0'.
 */
function micros(x: number): string {
  const n = Math.round(x * 1e6);
  if (n === 0) return '0';
  const a = n < 0 ? -n : n;
  const whole = Math.floor(a / 1e6);
  const frac = a - whole * 1e6;
  const sign = n < 0 ? '-' : '';
  if (frac === 0) return `${sign}${whole}`;
  const hi = Math.floor(frac / 1000);
  const lo = frac - hi * 1000;
  return `${sign}${whole}.${lo === 0 ? D3_TRIMMED[hi] : DIGITS3[hi] + D3_TRIMMED[lo]}`;
}

/** The text form PostgreSQL reads: '[...]' for pgvector, '{...}' for real[]. */
export function formatEmbedding(v: Float64Array, storage: EmbeddingStorage): string {
  let body = v.length ? micros(v[0]) : '';
  for (let i = 1; i < v.length; i++) body += `,${micros(v[i])}`;
  return storage === 'pgvector' ? `[${body}]` : `{${body}}`;
}
