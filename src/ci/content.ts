import type { Config } from '../config';
import type { StoreName } from '../errors';
import type { SeedSpec } from './key';

/**
 * The one place the pool calls the seeder: `seed` fills a template and returns its content hash,
 * `liveContent` reads what a store holds now; both are the live fingerprint (seeds/index.ts
 * contentHash), however the seed itself hashed what it wrote.
 */
export interface Content {
  /** sha256 over the per-store hashes (seeds/index.ts ContentHash.hash). */
  hash: string;
  stores: Partial<Record<StoreName, string>>;
}

/** The live fingerprint's overall hash and those of the stores it covers (seeds/index.ts ContentHash). */
type Hashes = { hash: string } & Partial<Record<StoreName, { hash: string }>>;

function toContent(h: Hashes, stores: StoreName[]): Content {
  const out: Content = { hash: h.hash, stores: {} };
  for (const s of stores) if (h[s]) out.stores[s] = h[s]!.hash;
  return out;
}

/** Validates the seed inputs (unknown profile, bad seed) before anything is written. */
export async function checkSeed(spec: SeedSpec): Promise<void> {
  const { parseAsOf, parseProfile, parseSeed } = await import('../../seeds/core');
  parseProfile(spec.profile);
  parseSeed(spec.seed);
  parseAsOf(spec.asOf);
}

/**
 * Seeds the template with its seed record (src/seedrun.ts), so every stack copied from it carries a
 * finished seed in its store stamp: `status`, `verify` and `up` on a stack see a complete seed.
 */
export async function seed(config: Config, stores: StoreName[], spec: SeedSpec): Promise<Content> {
  const { recordedSeed, withHandles } = await import('../seedrun');
  const opts = { profile: spec.profile, seed: spec.seed, only: stores, truncate: false, ...(spec.asOf !== undefined ? { asOf: spec.asOf } : {}) };
  const result = await withHandles(config, (h) => recordedSeed(h, opts));
  // The template's hash is compared with liveContent of its copies: the live fingerprint, not the
  // hash of the COPY text the seed sent for PostgreSQL (see seeds/index.ts contentHash).
  const { liveHashAfterSeed } = await import('../../seeds/index');
  return toContent(await liveHashAfterSeed(config, result), stores);
}

export async function liveContent(config: Config, stores: StoreName[]): Promise<Content> {
  const { contentHash } = await import('../../seeds/index');
  return toContent(await contentHash(config, stores), stores);
}
