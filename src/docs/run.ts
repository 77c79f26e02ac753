/**
 * `recruit-db docs`: the documentation model from the committed expected shapes (no store is
 * contacted) or from the live stores (introspected exactly as verify reads them), rendered, then
 * written to the output folder or compared with it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../config';
import { RecruitDbError } from '../errors';
import { ROOT } from '../paths';
import { readLiveShapes } from '../stores/live';
import { parseShape } from '../stores/shape-file';
import type { Capability } from '../stores/shapes';
import { MANIFEST } from '../summary/manifest';
import { expectedShapePath, loadExpectedShape, s3ShapePath } from '../verify/expected';
import { capabilityWords, mongoDocs, pgDocs, s3Docs } from './from-shapes';
import { diffDocs, isClean, prepareDocs, renderDocs, writeDocs, type DocsDiff } from './generate';
import type { CapabilityNote, DocsModel } from './model';

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
 * The model of the live stores, read as verify reads them (stores/live.ts) and turned into the same
 * canonical entries. Stores are read concurrently; the first that cannot be reached is thrown.
 */
export async function liveModel(config: Config): Promise<DocsModel> {
  const live = await readLiveShapes(config, {
    // PostgreSQL usually answers first: its pages and diagrams (most of the rendering) are made
    // while MongoDB and S3 are still being read.
    postgres: async (shape) => {
      const { isBookkeepingTable, postgresEntries } = await import('../stores/postgres/introspect');
      const doc = pgDocs(postgresEntries(shape), MANIFEST, `PostgreSQL ${shape.server.version} (live)`, isBookkeepingTable);
      prepareDocs(doc);
      return doc;
    },
    mongo: async (shape) => ({ entries: (await import('../stores/mongo/introspect')).mongoEntries(shape), server: `${shape.server.label} (live)`, capabilities: shape.capabilities }),
    s3: async ({ bucket }) => ({ entries: (await import('../stores/s3/introspect')).s3Entries(bucket), server: `${bucket.server} (live)`, capabilities: bucket.capabilities }),
  });
  const { postgres: pgDoc, mongo, s3 } = live;
  return {
    source: 'live stores',
    postgres: pgDoc,
    mongo: mongoDocs(mongo.entries, MANIFEST, new Set(pgDoc.tables.map((t) => t.name)), mongo.server, capabilityRecords(mongo.capabilities)),
    s3: s3Docs(s3.entries, s3.server, capabilityRecords(s3.capabilities)),
  };
}
