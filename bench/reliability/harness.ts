/**
 * The fault-injection harness (issue 11): every trial runs on fresh targets (a new PostgreSQL
 * database, MongoDB database and S3 bucket), injects one fault, lets the tool recover on its own,
 * and checks two things:
 *
 * - honest: while the fault's damage is there, no command says all is well (status/verify exit 1
 *   over an unfinished seed, never "clean"; a killed command never exits 0);
 * - recovered: the next plain command (migrate, up) exits 0 with no manual step, and the stores end
 *   exactly as a clean run leaves them (PostgreSQL schema dump, MongoDB collections and indexes,
 *   S3 layout, and the seeded content hash per store).
 *
 * Faults: SIGKILL at a random moment of migrate, rollback, seed and up, per store and for all three;
 * a store's server killed and restarted mid-run (private FerretDB, moto and PostgreSQL instances,
 * never the shared ones); a server that accepts and never answers; concurrent runs.
 * bench/reliability/run.ts runs many trials and writes RELIABILITY.md; tests/integration/
 * fault-injection.test.ts runs one of each in CI.
 */
import { spawnSync } from 'node:child_process';
import { MongoClient } from 'mongodb';
import type { Config } from '../../src/config';
import type { StoreName } from '../../src/errors';
import { startCli, runCli, type CliResult } from '../../tests/helpers/cli';
import { cliEnv, freshStores } from '../../tests/helpers/stores';
import { silentServer, startFerretDb, startMoto, startPgCluster, type PrivateServer } from './servers';

export type Target = StoreName | 'all';

export interface TrialResult {
  scenario: string;
  target: string;
  /** When the fault was injected, ms after the command started (or a note). */
  at?: number;
  honest: boolean;
  recovered: boolean;
  /** How long the recovering command took. */
  recoveryMs?: number;
  /** Why a check failed (first failure). */
  failure?: string;
  /** A fault of the server itself, not the tool's (e.g. a server that would not restart). */
  serverFault?: string;
}

export interface Reference {
  pgDump: string;
  mongoShape: string;
  hashes: Record<StoreName, string>;
  /** Clean durations, ms: the window random kills are drawn from. */
  ms: { migrate: number; rollback: number; seed: number; up: number };
}

const only = (t: Target) => (t === 'all' ? [] : ['--only', t]);
const storesOf = (t: Target): StoreName[] => (t === 'all' ? ['postgres', 'mongo', 's3'] : [t]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- state of a set of stores ----------------------------------------------------------------

export function pgDump(url: string): string {
  const r = spawnSync('pg_dump', ['--schema-only', '--no-owner', '--exclude-table=recruit_db_*', '--exclude-table=knex_migrations*', url], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pg_dump failed: ${r.stderr}`);
  return r.stdout.replace(/^\\(un)?restrict .*$/gm, '');
}

export async function mongoShape(uri: string, db: string): Promise<string> {
  const m = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
  await m.connect();
  try {
    const out: Record<string, string[]> = {};
    for (const c of await m.db(db).listCollections({}, { nameOnly: true }).toArray()) {
      if (c.name.startsWith('recruit_db_') || c.name.startsWith('changelog') || c.name.startsWith('system.')) continue;
      out[c.name] = (await m.db(db).collection(c.name).indexes()).map((i) => `${i.name}:${JSON.stringify(i.key)}:${Boolean(i.unique)}`).sort();
    }
    return JSON.stringify(Object.fromEntries(Object.entries(out).sort()));
  } finally {
    await m.close();
  }
}

export async function hashes(config: Config, stores: StoreName[]): Promise<Partial<Record<StoreName, string>>> {
  const { contentHash } = await import('../../seeds/index');
  const h = await contentHash(config, stores);
  return Object.fromEntries(stores.map((s) => [s, h[s]!.hash]));
}

/** Where the migrated shape of `stores` differs from the reference; undefined when it does not. */
async function shapeDiff(config: Config, env: NodeJS.ProcessEnv, stores: StoreName[], ref: Reference): Promise<string | undefined> {
  if (stores.includes('postgres') && pgDump(config.postgres!.url) !== ref.pgDump) return 'PostgreSQL schema differs from a clean migrate';
  if (stores.includes('mongo') && (await mongoShape(config.mongo!.uri, config.mongo!.db)) !== ref.mongoShape) return 'MongoDB collections or indexes differ from a clean migrate';
  if (stores.includes('s3')) {
    const st = await runCli(['s3', 'status'], { env });
    if (st.code !== 0) return `s3 status exit ${st.code}: ${st.stdout.split('\n').pop()}`;
  }
  return undefined;
}

async function hashDiff(config: Config, stores: StoreName[], ref: Reference): Promise<string | undefined> {
  const h = await hashes(config, stores);
  const off = stores.filter((s) => h[s] !== ref.hashes[s]);
  return off.length ? `content of ${off.join(', ')} differs from a clean seed` : undefined;
}

// ---- the reference: one clean run ---------------------------------------------------------------

export async function reference(rounds = 3): Promise<Reference> {
  const t = await freshStores('rdbrelref');
  try {
    const timed = async (args: string[]) => {
      const r = await runCli(args, { env: t.env });
      if (r.code !== 0) throw new Error(`reference ${args.join(' ')} failed: ${r.stderr}`);
      return r.ms;
    };
    // Medians of several rounds, so one slow run on a shared machine does not put most kills after the end.
    const ms = { migrate: [] as number[], rollback: [] as number[], seed: [] as number[], up: [] as number[] };
    let pg = '';
    let mongo = '';
    let h = {} as Record<StoreName, string>;
    for (let i = 0; i < rounds; i++) {
      ms.migrate.push(await timed(['migrate']));
      if (i === 0) {
        pg = pgDump(t.config.postgres!.url);
        mongo = await mongoShape(t.config.mongo!.uri, t.config.mongo!.db);
      }
      ms.seed.push(await timed(['seed', ...(i ? ['--truncate'] : [])]));
      if (i === 0) h = (await hashes(t.config, ['postgres', 'mongo', 's3'])) as Record<StoreName, string>;
      ms.rollback.push(await timed(['rollback', '--all']));
      ms.up.push(await timed(['reset', '--yes']));
      await timed(['rollback', '--all']);
    }
    const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    return { pgDump: pg, mongoShape: mongo, hashes: h, ms: { migrate: mid(ms.migrate), rollback: mid(ms.rollback), seed: mid(ms.seed), up: mid(ms.up) } };
  } finally {
    await t.cleanup();
  }
}

/** SIGKILL the command at `at` ms (or when it ends, if sooner). */
async function killAt(args: string[], env: NodeJS.ProcessEnv, at: number): Promise<CliResult> {
  const run = startCli(args, { env, timeoutMs: 180_000 });
  const timer = setTimeout(() => run.child.kill('SIGKILL'), at);
  const r = await run.done;
  clearTimeout(timer);
  return r;
}

const pick = (max: number, rnd: () => number) => Math.round(rnd() * max);

// ---- trials ----------------------------------------------------------------------------------------

export async function killMigrate(ref: Reference, target: Target, rnd = Math.random): Promise<TrialResult> {
  const t = await freshStores('rdbrelkm');
  const at = pick(ref.ms.migrate, rnd);
  const res: TrialResult = { scenario: 'kill migrate', target, at, honest: true, recovered: false };
  try {
    const killed = await killAt(['migrate', ...only(target)], t.env, at);
    if (killed.signal !== 'SIGKILL' && killed.code !== 0) return { ...res, honest: false, failure: `killed run exited ${killed.code}: ${killed.stderr}` };
    const rec = await runCli(['migrate', ...only(target)], { env: t.env });
    res.recoveryMs = rec.ms;
    if (rec.code !== 0) return { ...res, failure: `next migrate exit ${rec.code}: ${rec.stderr.trim().split('\n').pop()}` };
    const diff = await shapeDiff(t.config, t.env, storesOf(target), ref);
    const st = await runCli(['status', ...only(target)], { env: t.env });
    return { ...res, recovered: !diff && st.code === 0, failure: diff ?? (st.code ? `status exit ${st.code}` : undefined) };
  } finally {
    await t.cleanup().catch(() => undefined);
  }
}

/** After a killed rollback: status never says applied for what is gone; migrate converges. */
export async function killRollback(ref: Reference, target: 'postgres' | 'mongo', rnd = Math.random): Promise<TrialResult> {
  const t = await freshStores('rdbrelkr');
  const at = pick(ref.ms.rollback, rnd);
  const res: TrialResult = { scenario: 'kill rollback', target, at, honest: true, recovered: false };
  try {
    if ((await runCli(['migrate', '--only', target], { env: t.env })).code !== 0) throw new Error('setup migrate failed');
    await killAt(['rollback', '--all', '--only', target], t.env, at);
    const st = await runCli(['status', '--only', target, '--json'], { env: t.env });
    const entries: Array<{ name: string; state: string }> = JSON.parse(st.stdout).stores[0].result?.entries ?? [];
    if (target === 'mongo') {
      const m = new MongoClient(t.config.mongo!.uri);
      await m.connect();
      try {
        const live = new Set((await m.db(t.config.mongo!.db).listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
        const { collectionDef } = await import('../../src/stores/mongo/collections');
        // Only a create script names the collection it owns; later scripts change collections in place.
        const created = (name: string): string | undefined => (/^\d+-create-/.test(name) ? collectionDef(name.replace(/^\d+-create-/, '').replace(/-/g, '_')).name : undefined);
        const lying = entries.filter((e) => {
          const owned = e.state === 'applied' ? created(e.name) : undefined;
          return owned !== undefined && !live.has(owned);
        });
        if (lying.length) res.honest = false;
        if (lying.length) res.failure = `status says applied for dropped ${lying.map((e) => e.name).join(', ')}`;
      } finally {
        await m.close();
      }
    }
    const rec = await runCli(['migrate', '--only', target], { env: t.env });
    res.recoveryMs = rec.ms;
    if (rec.code !== 0) return { ...res, failure: res.failure ?? `next migrate exit ${rec.code}: ${rec.stderr.trim().split('\n').pop()}` };
    const diff = await shapeDiff(t.config, t.env, [target], ref);
    return { ...res, recovered: !diff, failure: res.failure ?? diff };
  } finally {
    await t.cleanup().catch(() => undefined);
  }
}

/** After a killed seed: status and verify say so unless it finished; up redoes it exactly. */
export async function killSeed(ref: Reference, target: Target, rnd = Math.random): Promise<TrialResult> {
  const t = await freshStores('rdbrelks');
  const at = pick(ref.ms.seed, rnd);
  const res: TrialResult = { scenario: 'kill seed', target, at, honest: true, recovered: false };
  const stores = storesOf(target);
  try {
    if ((await runCli(['migrate'], { env: t.env })).code !== 0) throw new Error('setup migrate failed');
    const killed = await killAt(['seed', ...only(target)], t.env, at);
    const complete = !(await hashDiff(t.config, stores, ref));
    const { isStoreEmpty } = await import('../../seeds/index');
    // Killed before its first write: empty stores are a clean state, not incomplete data.
    const empty = (await Promise.all(stores.map((s) => isStoreEmpty(t.config, s)))).every(Boolean);
    const st = await runCli(['status', ...only(target)], { env: t.env });
    const vf = await runCli(['verify', ...only(target)], { env: t.env });
    if (killed.code === 0 && !complete) res.failure = 'the killed seed exited 0 with incomplete data';
    // Incomplete data must never be reported as fine; complete data may still be flagged unfinished
    // (killed after the last write, before the record said finished): that is honest too.
    if (!complete && !empty && (st.code === 0 || vf.code === 0)) res.failure ??= `incomplete data, yet status exit ${st.code}, verify exit ${vf.code}`;
    res.honest = !res.failure;
    const rec = await runCli(['up', ...only(target)], { env: t.env });
    res.recoveryMs = rec.ms;
    if (rec.code !== 0) return { ...res, failure: res.failure ?? `next up exit ${rec.code}: ${rec.stderr.trim().split('\n').pop()}` };
    const diff = await hashDiff(t.config, stores, ref);
    return { ...res, recovered: !diff, failure: res.failure ?? diff };
  } finally {
    await t.cleanup().catch(() => undefined);
  }
}

export async function killUp(ref: Reference, rnd = Math.random): Promise<TrialResult> {
  const t = await freshStores('rdbrelku');
  const at = pick(ref.ms.up, rnd);
  const res: TrialResult = { scenario: 'kill up', target: 'all', at, honest: true, recovered: false };
  try {
    const killed = await killAt(['up'], t.env, at);
    if (killed.code === 0 && killed.signal === null) {
      // Finished before the kill: it must have been complete.
      const diff = await hashDiff(t.config, ['postgres', 'mongo', 's3'], ref);
      if (diff) return { ...res, honest: false, failure: `up exited 0 but ${diff}` };
    }
    // Seeded partly (some data, not all of it): verify must fail. Not migrated yet, or migrated and
    // still empty, is a state verify may pass or fail on its schema alone.
    const incomplete = await hashDiff(t.config, ['postgres', 'mongo', 's3'], ref).catch(() => 'unreadable');
    const { isStoreEmpty } = await import('../../seeds/index');
    const empties = await Promise.all((['postgres', 'mongo', 's3'] as StoreName[]).map((s) => isStoreEmpty(t.config, s).catch(() => true)));
    const vf = await runCli(['verify'], { env: t.env });
    if (incomplete && !empties.every(Boolean) && vf.code === 0) {
      res.honest = false;
      res.failure = 'verify exit 0 over partly seeded stores';
    }
    const rec = await runCli(['up'], { env: t.env });
    res.recoveryMs = rec.ms;
    if (rec.code !== 0) return { ...res, failure: res.failure ?? `next up exit ${rec.code}: ${rec.stderr.trim().split('\n').pop()}` };
    const diff = (await shapeDiff(t.config, t.env, ['postgres', 'mongo', 's3'], ref)) ?? (await hashDiff(t.config, ['postgres', 'mongo', 's3'], ref));
    return { ...res, recovered: !diff, failure: res.failure ?? diff };
  } finally {
    await t.cleanup().catch(() => undefined);
  }
}

/**
 * A store's server killed at a random moment of `up` and restarted half a second later: the running
 * command ends (exit 0 if it was done, else exit 2 naming the connection, never exit 1 blaming a file,
 * never a hang), and the next `up` converges.
 */
export async function restartStore(ref: Reference, store: StoreName, rnd = Math.random): Promise<TrialResult> {
  const res: TrialResult = { scenario: 'server killed and restarted during up', target: store, honest: true, recovered: false };
  let server: PrivateServer | undefined;
  const t = await freshStores('rdbrelrs');
  try {
    let config = t.config;
    let env = t.env;
    if (store === 'postgres') {
      server = await startPgCluster();
      spawnSync('psql', [server.url, '-qc', 'CREATE DATABASE rdb_restart']);
      const url = server.url.replace(/\/postgres$/, '/rdb_restart');
      config = { ...config, postgres: { ...config.postgres!, url, port: server.port, database: 'rdb_restart', user: 'postgres' } };
      env = { ...env, DATABASE_URL: url };
    } else if (store === 'mongo') {
      server = await startFerretDb();
      config = { ...config, mongo: { uri: server.url, db: 'rdb_restart' } };
      env = { ...env, MONGODB_URI: server.url, MONGODB_DB: 'rdb_restart' };
    } else {
      server = await startMoto();
      config = { ...config, s3: { ...config.s3!, endpoint: server.url } };
      env = { ...env, AWS_ENDPOINT_URL_S3: server.url };
    }
    const at = pick(ref.ms.up, rnd);
    res.at = at;
    const run = startCli(['up', '--timeout', '3'], { env, timeoutMs: 180_000 });
    await Promise.race([sleep(at), run.done]);
    await server.kill();
    await sleep(500);
    if (!(await server.start())) {
      res.serverFault = `${store} server would not start again after the kill`;
      return res;
    }
    const first = await run.done;
    if (first.signal) return { ...res, honest: false, failure: `the running up hung (killed by the harness after ${first.ms} ms)` };
    if (first.code === 1 && /fix |migration .* failed/.test(first.stderr)) return { ...res, honest: false, failure: `exit 1 blaming a file: ${first.stderr.trim().split('\n').pop()}` };
    if (first.code !== 0 && first.code !== 2) res.failure = `running up exit ${first.code}: ${first.stderr.trim().split('\n').pop()}`;
    res.honest = !res.failure;
    const rec = await runCli(['up', '--timeout', '5'], { env });
    res.recoveryMs = rec.ms;
    if (rec.code !== 0) return { ...res, failure: res.failure ?? `next up exit ${rec.code}: ${rec.stderr.trim().split('\n').pop()}` };
    const diff = await hashDiff(config, ['postgres', 'mongo', 's3'], ref);
    return { ...res, recovered: !diff, failure: res.failure ?? diff };
  } finally {
    await server?.stop().catch(() => undefined);
    await t.cleanup().catch(() => undefined);
  }
}

/** Every command against a server that accepts and never answers ends with exit 2 within its bound. */
export async function silent(store: StoreName): Promise<TrialResult & { maxMs: number }> {
  const s = await silentServer();
  const at = `127.0.0.1:${s.port}`;
  const env =
    store === 'postgres'
      ? cliEnv({ DATABASE_URL: `postgres://u:p@${at}/db` })
      : store === 'mongo'
        ? cliEnv({ MONGODB_URI: `mongodb://u:p@${at}/db` })
        : cliEnv({ AWS_ENDPOINT_URL_S3: `http://${at}`, S3_BUCKET: 'rdb-silent' });
  let maxMs = 0;
  let failure: string | undefined;
  try {
    for (const args of [['doctor'], ['migrate'], ['status'], ['verify'], ['seed'], ['up']]) {
      const r = await runCli([...args, '--only', store, '--timeout', '2'], { env, timeoutMs: 60_000 });
      maxMs = Math.max(maxMs, r.ms);
      if (r.signal || r.code !== 2 || !/no answer from/.test(r.stderr)) failure ??= `${args[0]}: ${r.signal ? 'hung' : `exit ${r.code}`}`;
    }
  } finally {
    await s.close();
  }
  return { scenario: 'server accepts and never answers (--timeout 2)', target: store, honest: !failure, recovered: !failure, failure, maxMs };
}

/** N concurrent migrate: each migration applied once, no lock left behind. */
export async function concurrentMigrate(ref: Reference, n = 8): Promise<TrialResult> {
  const t = await freshStores('rdbrelcm');
  try {
    const runs = await Promise.all(Array.from({ length: n }, () => runCli(['migrate'], { env: t.env })));
    const bad = runs.find((r) => r.code !== 0);
    const diff = await shapeDiff(t.config, t.env, ['postgres', 'mongo', 's3'], ref);
    const { Client } = await import('pg');
    const c = new Client({ connectionString: t.config.postgres!.url });
    await c.connect();
    const twice = (await c.query('SELECT name FROM knex_migrations GROUP BY name HAVING count(*) > 1')).rowCount;
    const locked = (await c.query('SELECT 1 FROM knex_migrations_lock WHERE is_locked = 1')).rowCount;
    await c.end();
    const failure = bad ? `a run exited ${bad.code}: ${bad.stderr.trim().split('\n').pop()}` : twice ? 'a migration was applied twice' : locked ? 'the lock row was left set' : diff;
    return { scenario: `${n} concurrent migrate`, target: 'all', honest: !failure, recovered: !failure, failure };
  } finally {
    await t.cleanup().catch(() => undefined);
  }
}

/** N concurrent seed on the same empty targets: one seeds, the others wait and refuse cleanly. */
export async function concurrentSeed(ref: Reference, n = 4): Promise<TrialResult> {
  const t = await freshStores('rdbrelcs');
  try {
    if ((await runCli(['migrate'], { env: t.env })).code !== 0) throw new Error('setup migrate failed');
    const runs = await Promise.all(Array.from({ length: n }, () => runCli(['seed'], { env: t.env })));
    const winners = runs.filter((r) => r.code === 0).length;
    const ugly = runs.find((r) => /XX000|cache lookup failed|unexpected error/.test(r.stderr));
    const wrong = runs.find((r) => r.code !== 0 && !(r.code === 2 && /already holds data/.test(r.stderr)));
    const diff = await hashDiff(t.config, ['postgres', 'mongo', 's3'], ref);
    const failure = winners !== 1 ? `${winners} runs seeded` : ugly ? `internal error shown: ${ugly.stderr.trim().split('\n').pop()}` : wrong ? `a loser exited ${wrong.code}: ${wrong.stderr.trim().split('\n').pop()}` : diff;
    return { scenario: `${n} concurrent seed`, target: 'all', honest: !ugly && !wrong, recovered: !failure, failure };
  } finally {
    await t.cleanup().catch(() => undefined);
  }
}
