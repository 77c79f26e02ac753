import { expectedHardening } from '../../s3-layout';
import { requireStore, type Config } from '../config';
import { RecruitDbError, type StoreName } from '../errors';
import { MANIFEST, type Manifest } from '../summary/manifest';
import { loadSummary, manifestWarnings, type DocWarning } from '../summary/parse';
import { unfinishedSeedText, UNFINISHED_SEED_HINT, type StoreMeta } from '../stores/meta';
import { applyStrict, docReport, totalsOf, verdict as judge, verifyMongo, verifyPostgres, verifyS3, type StoreReport, type Verdict } from './compare';

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
 * Checks the selected live stores against the documented contract. Stores are read concurrently;
 * the first store that cannot be reached (in store order) is thrown as its RecruitDbError (exit 2),
 * after every client has been closed. Drift is never thrown: it is in the reports.
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

/** A seed that began and never finished leaves incomplete data: a failure, never "clean". */
function withSeedRecord(report: StoreReport, meta: StoreMeta): StoreReport {
  const r = meta.seed;
  if (r?.state !== 'started') return report;
  const items = [...report.items, { store: meta.store, group: 'Health', kind: 'health' as const, name: 'seed', status: 'different' as const, detail: `${unfinishedSeedText(meta.store, r)}; ${UNFINISHED_SEED_HINT}` }];
  return { ...report, items, totals: totalsOf(items) };
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

async function checkPostgres(config: Config, manifest: Manifest): Promise<StoreReport> {
  const pg = requireStore(config, 'postgres');
  const { connectPg, pgError } = await import('../stores/postgres/connect');
  const { introspectPostgres } = await import('../stores/postgres/introspect');
  const client = await connectPg(pg, config.timeoutMs);
  try {
    const { readPgMeta } = await import('../stores/postgres/meta');
    return withSeedRecord(verifyPostgres(manifest, await introspectPostgres(client)), await readPgMeta(client));
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
  const client = await connectMongo(mongo, config.timeoutMs);
  try {
    const { readMongoMeta } = await import('../stores/mongo/meta');
    return withSeedRecord(verifyMongo(manifest, await introspectMongo(client, mongo.db)), await readMongoMeta(client.db(mongo.db)));
  } catch (err) {
    throw err instanceof RecruitDbError ? err : mongoError(err, mongo, config.timeoutMs);
  } finally {
    await client.close().catch(() => undefined);
  }
}

async function checkS3(config: Config, manifest: Manifest): Promise<StoreReport> {
  const s3 = requireStore(config, 's3');
  const { createS3Client, s3Error } = await import('../stores/s3/connect');
  const { introspectS3 } = await import('../stores/s3/introspect');
  const client = createS3Client(s3, config.timeoutMs);
  try {
    const { readS3Meta } = await import('../stores/s3/meta');
    return withSeedRecord(verifyS3(manifest, await introspectS3(client, config), expectedHardening(config)), await readS3Meta(client, s3, config.timeoutMs));
  } catch (err) {
    throw err instanceof RecruitDbError ? err : s3Error(err, s3, config.timeoutMs);
  } finally {
    client.destroy();
  }
}
