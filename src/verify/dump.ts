import { randomBytes } from 'node:crypto';
import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { requireStore, type Config } from '../config';
import { EXIT, RecruitDbError, type StoreName } from '../errors';
import { ROOT } from '../paths';
import { combineVariants, renderShape, selectVariant, sortObjects, type ShapeFile } from '../stores/shape-file';
import type { JsonValue, ShapeConditions, ShapeEntry } from '../stores/shapes';
import { describeDiff, diffEntries } from './deep';
import { describeConditions, expectedShapePath, s3ShapePath } from './expected';

/**
 * `recruit-db schema dump`: each store's expected shape, built from what decides it and checked
 * against a freshly migrated target on the configured server before it is written.
 *
 * - PostgreSQL: the migrations run (with recruit-db's own migrator) on PGlite, once without the
 *   optional extensions and once with each, which gives every capability variant; then on a scratch
 *   database of the configured server, whose shape must equal its variant, so what PGlite and the
 *   real server print differently can never hide in the file.
 * - MongoDB: the scripts run against an in-memory MongoDB (verify/mongo-sim.ts) with and without
 *   each feature a server may refuse, since a capable server may not be at hand (FerretDB has neither
 *   validators nor TTL indexes); then on a scratch database of the configured server, checked the same way.
 * - S3: the layout's bucket for each setting that changes it (https endpoint, KMS key, web origins),
 *   with the target-specific values written as ${placeholders}; then a scratch bucket bootstrapped on
 *   the configured server, which must read back as the layout asks.
 *
 * Scratch targets are named recruit_db_shape_* / recruit-db-shape-* and dropped afterwards.
 */
export interface DumpOptions {
  only?: StoreName[];
  /** Compare with the committed file instead of writing it. */
  check?: boolean;
  progress?: (line: string) => void;
}

export interface DumpResult {
  store: StoreName;
  /** The file, relative to the repository. */
  file: string;
  entries: number;
  /** The text differs from the committed file (with --check: nothing written). */
  changed: boolean;
  written: boolean;
  /** What the shape was checked against, e.g. "PostgreSQL 15.18 (with btree_gist, without pgvector)". */
  checkedAgainst: string[];
  /** With --check and a difference: the lines that differ, "-" committed, "+" fresh. */
  diff?: string[];
}

const ORDER: StoreName[] = ['postgres', 'mongo', 's3'];

export async function dumpExpectedShapes(config: Config, opts: DumpOptions = {}): Promise<DumpResult[]> {
  if (config.env === 'production') {
    throw new RecruitDbError({
      code: 'usage',
      message: 'refusing to dump expected shapes against production: the dump creates and drops scratch databases and a scratch bucket on the configured servers',
      hint: 'run it against a development or CI set of stores (RECRUIT_DB_ENV=development or test)',
    });
  }
  const stores = opts.only?.length ? ORDER.filter((s) => opts.only!.includes(s)) : ORDER;
  for (const s of stores) requireStore(config, s);
  const progress = opts.progress ?? (() => undefined);
  const results: DumpResult[] = [];
  // One store at a time: PGlite is CPU-bound, and a failure should name one store.
  for (const store of stores) {
    const built = store === 'postgres' ? await postgresShape(config, progress) : store === 'mongo' ? await mongoShape(config, progress) : await s3Shape(config, progress);
    const path = store === 's3' ? s3ShapePath() : expectedShapePath(store);
    const text = renderShape(built.file, built.header);
    const before = existsSync(path) ? readFileSync(path, 'utf8') : '';
    const changed = before !== text;
    const result: DumpResult = { store, file: relative(ROOT, path) || path, entries: built.file.entries.length, changed, written: false, checkedAgainst: built.checkedAgainst };
    if (changed && opts.check) result.diff = lineDiff(before, text);
    if (changed && !opts.check) {
      writeFileSync(path, text);
      result.written = true;
    }
    results.push(result);
  }
  return results;
}

/** Lines only in one of the two texts, in order ("-" committed, "+" fresh), at most 40. */
function lineDiff(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  const inA = new Set(a);
  const inB = new Set(b);
  const out = [...a.filter((l) => !inB.has(l)).map((l) => `- ${l}`), ...b.filter((l) => !inA.has(l)).map((l) => `+ ${l}`)];
  return out.length > 40 ? [...out.slice(0, 40), `... and ${out.length - 40} more`] : out;
}

interface Built {
  file: ShapeFile;
  header: string[];
  checkedAgainst: string[];
}

const HEADER_COMMON = [
  'Written by `recruit-db schema dump`; do not edit by hand (a change to the migrations or the layout regenerates it in the same commit).',
  '`recruit-db verify` compares live stores with it at full depth; `recruit-db schema dump --check` fails when it is stale.',
  'Lines tagged [with X] / [without X] hold only on servers with / without capability X; "-" means absent there.',
];

/** The target's shape must be exactly its variant of the expected one; otherwise the dump is refused, naming the differences. */
function mustMatch(store: StoreName, expected: ShapeEntry[], conditions: ShapeConditions, actual: ShapeEntry[], what: string, ignore?: (e: ShapeEntry) => boolean): void {
  const diffs = diffEntries(selectVariant(expected, conditions), actual, ignore);
  if (!diffs.length) return;
  const shown = diffs.slice(0, 5).map((d) => {
    const e = d.expected ?? d.live!;
    return `${e.kind} ${e.name}${e.part ? ` ${e.part.kind} ${e.part.name}` : ''} ${d.status}: ${describeDiff(d)}`;
  });
  throw new RecruitDbError({
    code: 'shape-mismatch',
    store,
    message: `${what} (${describeConditions(conditions)}) does not match the expected shape built for it: ${diffs.length} difference(s): ${shown.join(' | ')}`,
    hint: 'a normalisation gap between servers, or migrations that do not behave the same everywhere: fix that before committing the shape',
    exitCode: EXIT.DRIFT,
  });
}

const scratchName = (sep: string) => ['recruit', 'db', 'shape', Date.now().toString(36), randomBytes(3).toString('hex')].join(sep);

// ------------------------------------------------------------------------------------- postgres

const PG_KINDS = ['extension', 'enum', 'domain', 'function', 'sequence', 'table', 'view'];

/** Loaded into every PGlite run: contrib extensions the configured PostgreSQL offers too, so a migration that requires one finds it. */
const PGLITE_ALWAYS = ['citext', 'pg_trgm', 'btree_gin'];

async function postgresShape(config: Config, progress: (l: string) => void): Promise<Built> {
  const { listMigrationFiles } = await import('../stores/postgres/migrate');
  const { isBookkeepingTable } = await import('../stores/postgres/introspect');
  const { PG_CAPABILITIES, pgConditions } = await import('./postgres');
  const { migratedPglite, migratedScratchDatabase } = await import('./pglite');
  const schemaOnly = (es: ShapeEntry[]) => es.filter((e) => !(e.kind === 'table' && isBookkeepingTable(e.name)));
  const migrations = listMigrationFiles().map((f) => f.stem);

  progress('postgres: migrating PGlite without the optional extensions');
  const baseline = await migratedPglite(config, PGLITE_ALWAYS);
  const runs: Array<{ capability: string; entries: ShapeEntry[] }> = [];
  for (const c of PG_CAPABILITIES) {
    progress(`postgres: migrating PGlite with ${c.extension}`);
    runs.push({ capability: c.capability, entries: schemaOnly((await migratedPglite(config, [...PGLITE_ALWAYS, c.extension])).entries) });
  }
  const entries = sortObjects(combineVariants(schemaOnly(baseline.entries), runs), PG_KINDS);

  const checkedAgainst: string[] = [];
  progress('postgres: migrating PGlite with every optional extension (the variants must combine)');
  const all = await migratedPglite(config, [...PGLITE_ALWAYS, ...PG_CAPABILITIES.map((c) => c.extension)]);
  mustMatch('postgres', entries, pgConditions(all.shape), schemaOnly(all.entries), `PGlite ${all.shape.server.version}`);
  checkedAgainst.push(`PGlite ${all.shape.server.version.split(' ')[0]} (${PG_CAPABILITIES.length + 2} runs)`);

  progress('postgres: migrating a scratch database on the configured server');
  const server = await migratedScratchDatabase(config, scratchName('_'));
  const conditions = pgConditions(server.shape);
  mustMatch('postgres', entries, conditions, schemaOnly(server.entries), `PostgreSQL ${server.shape.server.version}, freshly migrated`);
  checkedAgainst.push(`PostgreSQL ${server.shape.server.version.split(' ')[0]} (${describeConditions(conditions)})`);

  return {
    file: { migrations, entries },
    header: [
      'recruit-db expected shape: PostgreSQL (schema public), what migrations/ produce on a fresh database.',
      ...HEADER_COMMON,
      `Capabilities: ${PG_CAPABILITIES.map((c) => `${c.capability} (the ${c.extension} extension)`).join(', ')}.`,
      'Built on PGlite with each set of extensions; checked, before writing, against a freshly migrated database on the server the dump ran against.',
      'Not compared: extension versions, partitions of a partitioned table (made by date), bookkeeping tables (knex_migrations*, recruit_db_*); views by their columns (servers print their query differently).',
    ],
    checkedAgainst,
  };
}

// ------------------------------------------------------------------------------------- mongo

async function mongoShape(config: Config, progress: (l: string) => void): Promise<Built> {
  const { introspectMongoTarget, mongoEntries } = await import('../stores/mongo/introspect');
  const { simulateMongoMigrations, simulatedFeatures } = await import('./mongo-sim');
  const { mongoConditions } = await import('./mongo');
  const features = simulatedFeatures();
  const simulate = async (present: string[]) => {
    const { target, migrations } = await simulateMongoMigrations(Object.fromEntries(features.map((f) => [f, present.includes(f)])));
    return { entries: mongoEntries(await introspectMongoTarget(target)), migrations };
  };
  progress('mongo: running the migration scripts against a simulated MongoDB, with and without each capability');
  const baseline = await simulate([]);
  const runs = [];
  for (const f of features) runs.push({ capability: f, entries: (await simulate([f])).entries });
  const entries = combineVariants(baseline.entries, runs);
  mustMatch('mongo', entries, {}, (await simulate(features)).entries, 'the simulated MongoDB with every capability');

  progress('mongo: migrating a scratch database on the configured server');
  const live = await migratedScratchMongo(config, scratchName('_'));
  const conditions = mongoConditions(live.shape);
  mustMatch('mongo', entries, conditions, live.entries, `${live.shape.server.label}, freshly migrated`);
  const checkedAgainst = [`a simulated MongoDB 7 (${features.length + 2} runs)`, `${live.shape.server.label} (${describeConditions(conditions)})`];
  return {
    file: { migrations: baseline.migrations, entries },
    header: [
      'recruit-db expected shape: MongoDB, what mongo-migrations/ produce on a fresh database.',
      ...HEADER_COMMON,
      `Capabilities: ${features.join(', ')}; a server without one gets what src/stores/mongo/apply.ts falls back to.`,
      'Built on a simulated MongoDB with and without each; checked, before writing, against a freshly migrated database on the server the dump ran against.',
      'Not compared: bookkeeping collections (changelog*, recruit_db_*, system.*).',
    ],
    checkedAgainst,
  };
}

async function migratedScratchMongo(config: Config, db: string) {
  const { openMigrator } = await import('../stores/migrator');
  const { connectMongo } = await import('../stores/mongo/connect');
  const { introspectMongo, mongoEntries } = await import('../stores/mongo/introspect');
  const mongo = requireStore(config, 'mongo');
  const scratch: Config = { ...config, mongo: { ...mongo, db } };
  const client = await connectMongo(mongo, config.timeoutMs);
  try {
    const m = await openMigrator('mongo', scratch);
    try {
      await m.up({});
    } finally {
      await m.close();
    }
    const shape = await introspectMongo(client, db);
    return { shape, entries: mongoEntries(shape) };
  } finally {
    await client.db(db).dropDatabase().catch(() => undefined);
    await client.close().catch(() => undefined);
  }
}

// ------------------------------------------------------------------------------------- s3

/** Stand-ins for the target's own settings, written into the file as ${placeholders}. */
const S3_PLACEHOLDERS: ReadonlyArray<[string, string]> = [
  ['recruit-db-shape-bucket', '${bucket}'],
  ['arn:aws:kms:us-east-1:111122223333:key/placeholder', '${kms_key_id}'],
  ['https://web-origin.placeholder', '${web_origins}'],
  ['shape-env', '${env}'],
];

function withPlaceholders(v: JsonValue): JsonValue {
  if (typeof v === 'string') return S3_PLACEHOLDERS.reduce((s, [from, to]) => s.split(from).join(to), v);
  if (Array.isArray(v)) return v.map(withPlaceholders);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withPlaceholders(x)]));
  return v;
}

async function s3Shape(config: Config, progress: (l: string) => void): Promise<Built> {
  const { desiredBucket } = await import('../stores/s3/migrate');
  const { s3Entries } = await import('../stores/s3/introspect');
  const { desiredView } = await import('./s3');
  const s3 = requireStore(config, 's3');
  const reference = (over: { https?: boolean; kms?: boolean; origins?: boolean }): ShapeEntry[] => {
    const c: Config = {
      ...config,
      env: 'shape-env' as Config['env'],
      s3: {
        ...s3,
        bucket: S3_PLACEHOLDERS[0][0],
        endpoint: over.https ? 'https://s3.placeholder' : 'http://s3.placeholder',
        kmsKeyId: over.kms ? S3_PLACEHOLDERS[1][0] : undefined,
        webOrigins: over.origins ? [S3_PLACEHOLDERS[2][0]] : [],
        webOriginsConfigured: true,
      },
    };
    return s3Entries(desiredView(desiredBucket(c))).map((e) => ({ ...e, name: String(withPlaceholders(e.name)), value: withPlaceholders(e.value) }));
  };
  progress('s3: rendering the layout for each setting that changes it');
  const entries = combineVariants(reference({}), [
    { capability: 'https', entries: reference({ https: true }) },
    { capability: 'kms_key', entries: reference({ kms: true }) },
    { capability: 'web_origins', entries: reference({ origins: true }) },
  ]);
  mustMatch('s3', entries, { https: true, kms_key: true, web_origins: true }, reference({ https: true, kms: true, origins: true }), 'the layout with every setting');

  progress('s3: bootstrapping a scratch bucket on the configured server');
  const checked = await bootstrappedScratchBucket(config, scratchName('-'));
  return {
    file: { migrations: [], entries },
    header: [
      'recruit-db expected shape: S3, what s3-layout/ asks of the bucket (the bootstrap applies it; verify computes it for the target).',
      ...HEADER_COMMON,
      'Settings: https (an https or AWS endpoint: TLS-only policy), kms_key (RECRUIT_DB_S3_KMS_KEY_ID), web_origins (RECRUIT_DB_WEB_ORIGINS).',
      '${bucket}, ${env}, ${kms_key_id} and ${web_origins} stand for the target\'s own values.',
      'Checked, before writing, against a scratch bucket bootstrapped on the server the dump ran against.',
    ],
    checkedAgainst: [checked],
  };
}

/** Bootstraps a scratch bucket, reads it back, and requires it to be what the layout asks. Deletes it after. */
async function bootstrappedScratchBucket(config: Config, bucket: string): Promise<string> {
  const { bootstrapS3, deleteBucket, desiredBucket } = await import('../stores/s3/migrate');
  const { createS3Client } = await import('../stores/s3/connect');
  const { readBucket, s3Entries } = await import('../stores/s3/introspect');
  const { desiredView, liveView, S3_PART_FEATURE } = await import('./s3');
  const s3 = { ...requireStore(config, 's3'), bucket };
  const scratch: Config = { ...config, s3 };
  const client = createS3Client(s3, config.timeoutMs);
  try {
    await bootstrapS3(scratch, { client });
    const live = await readBucket(client, s3, config.timeoutMs);
    const desired = desiredBucket(scratch);
    const unsupported = new Set(live.capabilities.filter((c) => !c.supported).map((c) => c.feature));
    // A setting the server cannot hold has no live entry: it is a capability, not a mismatch.
    const expected = s3Entries(desiredView(desired)).filter((e) => !e.part || !unsupported.has(S3_PART_FEATURE[e.part.kind]));
    const diffs = diffEntries(expected, s3Entries(liveView(live, desired)));
    if (diffs.length) {
      throw new RecruitDbError({
        code: 'shape-mismatch',
        store: 's3',
        message: `${live.server} does not read back what the bootstrap wrote: ${diffs.map((d) => `${(d.expected ?? d.live!).part?.kind ?? 'bucket'} ${d.status}: ${describeDiff(d, 'the layout')}`).join(' | ')}`,
        hint: 'a normalisation gap in src/stores/s3/introspect.ts (canonical rules) or a server that changes what it stores',
        exitCode: EXIT.DRIFT,
      });
    }
    const tls = desired.capabilities.some((c) => c.feature === 'tlsOnlyPolicy');
    return `${live.server} (${[tls ? 'without https' : 'with https', desired.encryption.kmsKeyId ? 'with kms_key' : 'without kms_key', desired.corsRule ? 'with web_origins' : 'without web_origins'].join(', ')})`;
  } finally {
    await deleteBucket(client, bucket).catch(() => undefined);
    client.destroy();
  }
}
