/**
 * `recruit-db docs`: the documentation model from the committed expected shapes (no store is
 * contacted) or from the live stores (introspected exactly as verify reads them), rendered, then
 * written to the output folder or compared with it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { requireStore, type Config } from '../config';
import { RecruitDbError } from '../errors';
import { ROOT } from '../paths';
import { parseShape } from '../stores/shape-file';
import type { Capability, ShapeEntry } from '../stores/shapes';
import { MANIFEST } from '../summary/manifest';
import { expectedShapePath, loadExpectedShape, s3ShapePath } from '../verify/expected';
import { capabilityWords, mongoDocs, pgDocs, s3Docs } from './from-shapes';
import { diffDocs, isClean, prepareDocs, renderDocs, writeDocs, type DocsDiff } from './generate';
import type { CapabilityNote, DocsModel, PgDocs } from './model';

export const DEFAULT_OUT = 'docs/schema';

export interface DocsRunOptions {
  /** Output folder; default docs/schema of this project. */
  out?: string;
  check: boolean;
  live: boolean;
  /** Loaded only with --live. */
  config: () => Config;
}

export interface DocsRunResult {
  out: string;
  source: string;
  files: number;
  clean: boolean;
  diff: DocsDiff;
}

export async function runDocs(opts: DocsRunOptions): Promise<DocsRunResult> {
  const model = opts.live ? await liveModel(opts.config()) : committedModel();
  const files = renderDocs(model);
  const out = opts.out ? resolve(opts.out) : join(ROOT, DEFAULT_OUT);
  const diff = opts.check ? diffDocs(out, files) : writeDocs(out, files);
  return { out, source: model.source, files: files.size, clean: isClean(diff), diff };
}

/** The model of what the migrations produce: the committed expected shapes, read from disk only. */
export function committedModel(): DocsModel {
  const pg = loadExpectedShape('postgres');
  const mongo = loadExpectedShape('mongo');
  for (const [store, shape] of [['postgres', pg], ['mongo', mongo]] as const) {
    if (!shape) {
      throw new RecruitDbError({
        code: 'no-expected-shape',
        store,
        message: `no committed expected shape at ${expectedShapePath(store)}`,
        hint: 'write it with `recruit-db schema dump`, or document the live stores with `recruit-db docs --live`',
      });
    }
  }
  const s3Path = s3ShapePath();
  const s3 = existsSync(s3Path) ? parseShape(readFileSync(s3Path, 'utf8'), s3Path) : { migrations: [], entries: [] };
  const pgDoc = pgDocs(pg!.entries, MANIFEST, `the expected shape of ${migrationsLabel(pg!.migrations)}`);
  return {
    source: 'committed expected shape',
    postgres: pgDoc,
    mongo: mongoDocs(mongo!.entries, MANIFEST, new Set(pgDoc.tables.map((t) => t.name)), `the expected shape of ${migrationsLabel(mongo!.migrations)}`),
    s3: s3Docs(s3.entries, 'the layout in s3-layout/'),
  };
}

function migrationsLabel(migrations: readonly string[]): string {
  if (!migrations.length) return 'no migration';
  return `${migrations.length} migration${migrations.length > 1 ? 's' : ''} (up to ${migrations[migrations.length - 1]})`;
}

/** What the live server could not apply, as notes (the migrations recorded it; verify warns about it). */
function capabilityRecords(list: readonly Capability[]): CapabilityNote[] {
  return list
    .filter((c) => !c.supported)
    .map((c) => ({
      store: c.store,
      feature: c.feature,
      withFeature: capabilityWords(c.feature)?.withFeature ?? 'applied',
      without: c.reason ?? capabilityWords(c.feature)?.without ?? 'not applied',
      objects: [],
      inThisShape: `not supported by ${c.server}`,
    }));
}

/**
 * The model of the live stores, read by the introspection verify uses and turned into the same
 * canonical entries. Stores are read concurrently; the first that cannot be reached is thrown.
 */
export async function liveModel(config: Config): Promise<DocsModel> {
  // Every store must be configured before any is contacted: half the docs of a target prove nothing.
  for (const store of ['postgres', 'mongo', 's3'] as const) requireStore(config, store);
  // PostgreSQL usually answers first: its pages and diagrams (most of the rendering) are made
  // while MongoDB and S3 are still being read.
  const early = livePostgres(config).then((p) => {
    const doc = pgDocs(p.entries, MANIFEST, p.server, p.infrastructure);
    prepareDocs(doc);
    return doc;
  });
  const [pg, mongo, s3] = await Promise.allSettled([early, liveMongo(config), liveS3(config)]);
  const failed = [pg, mongo, s3].find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  const pgDoc = (pg as PromiseFulfilledResult<PgDocs>).value;
  const m = (mongo as PromiseFulfilledResult<{ entries: ShapeEntry[]; server: string; capabilities: Capability[] }>).value;
  const s = (s3 as PromiseFulfilledResult<{ entries: ShapeEntry[]; server: string; capabilities: Capability[] }>).value;
  return {
    source: 'live stores',
    postgres: pgDoc,
    mongo: mongoDocs(m.entries, MANIFEST, new Set(pgDoc.tables.map((t) => t.name)), m.server, capabilityRecords(m.capabilities)),
    s3: s3Docs(s.entries, s.server, capabilityRecords(s.capabilities)),
  };
}

/** Reads through an open client and closes it whatever happens; a foreign error becomes the store's one-line error (exit 2). */
async function reading<C, T>(client: C, close: (c: C) => unknown, translate: (err: unknown) => RecruitDbError, work: (c: C) => Promise<T>): Promise<T> {
  try {
    return await work(client);
  } catch (err) {
    throw err instanceof RecruitDbError ? err : translate(err);
  } finally {
    await Promise.resolve()
      .then(() => close(client))
      .catch(() => undefined);
  }
}

async function livePostgres(config: Config): Promise<{ entries: ShapeEntry[]; server: string; infrastructure: (t: string) => boolean }> {
  const pg = requireStore(config, 'postgres');
  const { connectPg, pgError } = await import('../stores/postgres/connect');
  const { introspectPostgres, isBookkeepingTable, postgresEntries } = await import('../stores/postgres/introspect');
  return reading(await connectPg(pg, config.timeoutMs), (c) => c.end(), (err) => pgError(err, pg, config.timeoutMs), async (client) => {
    const shape = await introspectPostgres(client);
    return { entries: postgresEntries(shape), server: `PostgreSQL ${shape.server.version} (live)`, infrastructure: isBookkeepingTable };
  });
}

async function liveMongo(config: Config): Promise<{ entries: ShapeEntry[]; server: string; capabilities: Capability[] }> {
  const mongo = requireStore(config, 'mongo');
  const { connectMongo, mongoError } = await import('../stores/mongo/connect');
  const { introspectMongo, mongoEntries } = await import('../stores/mongo/introspect');
  return reading(await connectMongo(mongo, config.timeoutMs), (c) => c.close(), (err) => mongoError(err, mongo, config.timeoutMs), async (client) => {
    const shape = await introspectMongo(client, mongo.db);
    return { entries: mongoEntries(shape), server: `${shape.server.label} (live)`, capabilities: shape.capabilities };
  });
}

async function liveS3(config: Config): Promise<{ entries: ShapeEntry[]; server: string; capabilities: Capability[] }> {
  const s3 = requireStore(config, 's3');
  const { createS3Client, s3Error } = await import('../stores/s3/connect');
  const { readBucket, s3Entries } = await import('../stores/s3/introspect');
  return reading(createS3Client(s3, config.timeoutMs), (c) => c.destroy(), (err) => s3Error(err, s3, config.timeoutMs), async (client) => {
    const bucket = await readBucket(client, s3, config.timeoutMs);
    return { entries: s3Entries(bucket), server: `${bucket.server} (live)`, capabilities: bucket.capabilities };
  });
}
