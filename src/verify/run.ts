import { requireStore, type Config } from '../config';
import { RecruitDbError, type StoreName } from '../errors';
import { MANIFEST, type Manifest } from '../summary/manifest';
import { loadSummary, manifestWarnings, type DocWarning } from '../summary/parse';
import { applyStrict, docReport, verdict as judge, type ExpectedShape, type StoreReport, type Verdict, type VerifyItem } from './compare';
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
 * are read concurrently; the first store that cannot be reached (in store order) is thrown as its
 * RecruitDbError (exit 2), after every client has been closed. Drift is never thrown: it is in the reports.
 */
export async function runVerify(config: Config, opts: VerifyOptions = {}): Promise<VerifyRun> {
  const { manifest, warnings, contract } = loadContract(opts.summaryPath);
  const stores = opts.only?.length ? ORDER.filter((s) => opts.only!.includes(s)) : ORDER;
  // Every selected store must be configured before any is contacted: a half-run verify proves nothing.
  for (const s of stores) requireStore(config, s);

  const settled = await Promise.allSettled(stores.map((s) => checkStore(s, config, manifest)));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;

  const strict = Boolean(opts.strict);
  const reports = [docReport(warnings), ...settled.map((r) => (r as PromiseFulfilledResult<StoreReport>).value)].map((r) => applyStrict(r, strict));
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
      items: r.items.filter((i) => i.status !== 'ok' && i.status !== 'warning' && !(i.kind === 'migrations' && i.name === 'pending')),
    }));
}

async function checkStore(store: StoreName, config: Config, manifest: Manifest): Promise<StoreReport> {
  switch (store) {
    case 'postgres':
      return checkPostgres(config, manifest);
    case 'mongo':
      return checkMongo(config, manifest);
    case 's3':
      return checkS3(config, manifest);
  }
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

async function checkPostgres(config: Config, manifest: Manifest): Promise<StoreReport> {
  const pg = requireStore(config, 'postgres');
  const { connectPg, pgError } = await import('../stores/postgres/connect');
  const { introspectPostgres } = await import('../stores/postgres/introspect');
  const { listMigrationFiles } = await import('../stores/postgres/migrate');
  const { verifyPostgres } = await import('./postgres');
  const expected = withFiles('postgres', () => listMigrationFiles().map((f) => f.stem));
  const client = await connectPg(pg, config.timeoutMs);
  try {
    return verifyPostgres(manifest, await introspectPostgres(client), expected);
  } catch (err) {
    throw err instanceof RecruitDbError ? err : pgError(err, pg, config.timeoutMs);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function checkMongo(config: Config, manifest: Manifest): Promise<StoreReport> {
  const mongo = requireStore(config, 'mongo');
  const { connectMongo, mongoError } = await import('../stores/mongo/connect');
  const { introspectMongo } = await import('../stores/mongo/introspect');
  const { mongoScripts } = await import('./mongo-sim');
  const { verifyMongo } = await import('./mongo');
  const expected = withFiles('mongo', () => mongoScripts().map((s) => s.name));
  const client = await connectMongo(mongo, config.timeoutMs);
  try {
    return verifyMongo(manifest, await introspectMongo(client, mongo.db), expected);
  } catch (err) {
    throw err instanceof RecruitDbError ? err : mongoError(err, mongo, config.timeoutMs);
  } finally {
    await client.close().catch(() => undefined);
  }
}

async function checkS3(config: Config, manifest: Manifest): Promise<StoreReport> {
  const s3 = requireStore(config, 's3');
  const { createS3Client, s3Error } = await import('../stores/s3/connect');
  const { bucketOwner, readBucket } = await import('../stores/s3/introspect');
  const { desiredBucket } = await import('../stores/s3/migrate');
  const { needsOwner, verifyS3 } = await import('./s3');
  const desired = desiredBucket(config);
  const client = createS3Client(s3, config.timeoutMs);
  try {
    const live = await readBucket(client, s3, config.timeoutMs);
    // Only a judgement that hangs on the owner pays for the STS round trip.
    const owner = needsOwner(live, desired) ? await bucketOwner(client, s3, config.timeoutMs) : undefined;
    return verifyS3(manifest, live, desired, owner);
  } catch (err) {
    throw err instanceof RecruitDbError ? err : s3Error(err, s3, config.timeoutMs);
  } finally {
    client.destroy();
  }
}
