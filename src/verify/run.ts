import { requireStore, type Config } from '../config';
import type { StoreName } from '../errors';
import { readLiveShapes, type LiveUse } from '../stores/live';
import type { DesiredBucket } from '../stores/s3/migrate';
import { MANIFEST, type Manifest } from '../summary/manifest';
import { loadSummary, manifestWarnings, type DocWarning } from '../summary/parse';
import { unfinishedSeedText, UNFINISHED_SEED_HINT, type StoreMeta } from '../stores/meta';
import { applyStrict, docReport, totalsOf, verdict as judge, type ExpectedShape, type StoreReport, type Verdict, type VerifyItem } from './compare';
import { loadExpectedShape } from './expected';

export interface VerifyOptions {
  /** Stores to check; empty or undefined: all three. */
  only?: StoreName[];
  /** Warnings count as failures. */
  strict?: boolean;
  /** A summary markdown file to check against instead of the shipped manifest. */
  summaryPath?: string;
}

export interface VerifyRun {
  /** The summary's own warnings first, then one report per selected store, in postgres, mongo, s3 order. */
  reports: StoreReport[];
  verdict: Verdict;
  /** What the stores were checked against: the summary file's path, or "shipped manifest". */
  contract: string;
}

const ORDER: StoreName[] = ['postgres', 'mongo', 's3'];

/** The contract to check against: a parsed summary file, or the shipped manifest with the same header checks. */
export function loadContract(summaryPath?: string): { manifest: Manifest; warnings: DocWarning[]; contract: string } {
  if (summaryPath) {
    const parsed = loadSummary(summaryPath);
    return { manifest: parsed.manifest, warnings: parsed.warnings, contract: parsed.path };
  }
  return { manifest: MANIFEST, warnings: manifestWarnings(MANIFEST), contract: 'shipped manifest' };
}

/**
 * Checks the selected live stores against their expected shapes and the documented contract. Stores
 * are read concurrently (stores/live.ts); the first store that cannot be reached (in store order) is
 * thrown as its RecruitDbError (exit 2), after every client has been closed. Drift is never thrown:
 * it is in the reports.
 */
export async function runVerify(config: Config, opts: VerifyOptions = {}): Promise<VerifyRun> {
  const { manifest, warnings, contract } = loadContract(opts.summaryPath);
  const stores = opts.only?.length ? ORDER.filter((s) => opts.only!.includes(s)) : ORDER;
  // Every selected store must be configured before any is contacted: a half-run verify proves nothing.
  for (const s of stores) requireStore(config, s);

  // The bucket the layout wants: bad settings (an origin that is not one) are refused before any store is contacted.
  const desired = stores.includes('s3') ? (await import('../stores/s3/migrate')).desiredBucket(config) : undefined;
  const needsOwner = desired && (await import('./s3')).needsOwner;
  const byStore = await readLiveShapes(config, judges(stores, manifest, desired), {
    // Only a judgement that hangs on the owner pays for the STS round trip.
    s3Owner: (bucket) => Boolean(needsOwner?.(bucket, desired!)),
    // The seed record: a seed that never finished is a failure item, never "clean".
    meta: true,
  });

  const strict = Boolean(opts.strict);
  const reports = [docReport(warnings), ...stores.map((s) => byStore[s]!)].map((r) => applyStrict(r, strict));
  return { reports, verdict: judge(reports, strict), contract };
}

/**
 * For `status`: what verify finds wrong with each store besides being behind (pending migrations are
 * status's own business) and besides what a server cannot do (capability warnings). A store with
 * differences here makes verify exit 1, so status must not exit 0 over it.
 */
export interface StoreDrift {
  store: StoreName;
  /** Missing, different and unexpected items, pending migrations excluded. */
  items: VerifyItem[];
}

export async function driftForStatus(config: Config, only?: StoreName[]): Promise<StoreDrift[]> {
  // A migrations folder without an expected shape (tests, custom folders) is not held to the summary by status.
  const stores = (only?.length ? ORDER.filter((s) => only.includes(s)) : ORDER).filter((s) => s === 's3' || loadExpectedShape(s) !== undefined);
  if (!stores.length) return [];
  const run = await runVerify(config, { only: stores });
  return run.reports
    .filter((r): r is StoreReport & { store: StoreName } => r.store !== 'summary')
    .map((r) => ({
      store: r.store,
      // Pending migrations and an unfinished seed are status's own lines, not drift.
      items: r.items.filter((i) => i.status !== 'ok' && i.status !== 'warning' && !(i.kind === 'migrations' && i.name === 'pending') && !isSeedItem(i)),
    }));
}

const isSeedItem = (i: VerifyItem) => i.kind === 'health' && i.name === 'seed';

/** A seed that began and never finished leaves incomplete data: a failure, never "clean". */
function withSeedRecord(report: StoreReport, meta: StoreMeta | undefined): StoreReport {
  const r = meta?.seed;
  if (r?.state !== 'started') return report;
  const items = [...report.items, { store: meta!.store, group: 'Health', kind: 'health' as const, name: 'seed', status: 'different' as const, detail: `${unfinishedSeedText(meta!.store, r)}; ${UNFINISHED_SEED_HINT}` }];
  return { ...report, items, totals: totalsOf(items) };
}

/** How each selected store's live shape is judged (the judging modules load only for the stores selected). */
function judges(stores: StoreName[], manifest: Manifest, desired: DesiredBucket | undefined): LiveUse<Partial<Record<StoreName, StoreReport>>> {
  const all: LiveUse<Record<StoreName, StoreReport>> = {
    postgres: async (shape, meta) => {
      const { listMigrationFiles } = await import('../stores/postgres/migrate');
      const { verifyPostgres } = await import('./postgres');
      return withSeedRecord(verifyPostgres(manifest, shape, withFiles('postgres', () => listMigrationFiles().map((f) => f.stem))), meta);
    },
    mongo: async (shape, meta) => {
      const { mongoScripts } = await import('./mongo-sim');
      const { verifyMongo } = await import('./mongo');
      return withSeedRecord(verifyMongo(manifest, shape, withFiles('mongo', () => mongoScripts().map((s) => s.name))), meta);
    },
    s3: async ({ bucket, owner }, meta) => {
      const { verifyS3 } = await import('./s3');
      return withSeedRecord(verifyS3(manifest, bucket, desired!, owner), meta);
    },
  };
  return Object.fromEntries(stores.map((s) => [s, all[s]])) as LiveUse<Partial<Record<StoreName, StoreReport>>>;
}

function withFiles(store: 'postgres' | 'mongo', files: () => string[]): ExpectedShape | undefined {
  const shape = loadExpectedShape(store);
  if (!shape) return undefined;
  let list: string[] | undefined;
  try {
    list = files();
  } catch {
    // An unbuilt or missing folder: status and migrate say so; the shape is still worth comparing.
  }
  return { ...shape, files: list };
}
