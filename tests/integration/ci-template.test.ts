/**
 * The CI template against the real servers: built once while others wait, rebuilt when a migration
 * file changes (and the old one collected), never used when half-built or failing its verify.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { MongoClient } from 'mongodb';
import { Client } from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openPool, type CiEvent, type PoolOptions } from '../../src/ci';
import { gcPool } from '../../src/ci/gc';
import { CONTROL_DB, pgUrlWithDatabase } from '../../src/ci/names';
import { liveContent } from '../../src/ci/content';
import { RecruitDbError } from '../../src/errors';
import { runVerify } from '../../src/verify/run';
import { BIN, runCli } from '../helpers/cli';
import { ciConfig, dropPool, namesOnServers, poolRecords, uniquePool } from '../helpers/ci';
import { cliEnv } from '../helpers/stores';

const REPO = resolve(__dirname, '../..');
const used: string[] = [];
function pool(prefix: string): string {
  const name = uniquePool(prefix);
  used.push(name);
  return name;
}

const saved = { pg: process.env.RECRUIT_DB_MIGRATIONS_DIR, mongo: process.env.RECRUIT_DB_MONGO_MIGRATIONS_DIR };
function restoreEnv(): void {
  for (const [k, v] of [['RECRUIT_DB_MIGRATIONS_DIR', saved.pg], ['RECRUIT_DB_MONGO_MIGRATIONS_DIR', saved.mongo]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}
afterEach(restoreEnv);
afterAll(async () => {
  restoreEnv();
  for (const d of copies) rmSync(d, { recursive: true, force: true });
  for (const p of used) {
    await dropPool(p, { stores: ['postgres', 'mongo'] });
    expect(await namesOnServers(p), p).toEqual([]);
  }
});

async function pgOne<T>(url: string, sql: string): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows[0] as T;
  } finally {
    await c.end();
  }
}

const copies: string[] = [];
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
/** A copy of a migrations folder whose imports still resolve (`../src` and packages: links beside it). */
function tempCopy(from: string): string {
  const root = mkdtempSync(join(tmpdir(), 'rdb-ci-mig-'));
  copies.push(root);
  symlinkSync(join(from, '..', 'src'), join(root, 'src'));
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
  cpSync(from, join(root, 'migrations'), { recursive: true });
  return join(root, 'migrations');
}

const PG_ONLY: PoolOptions = { stores: ['postgres'], refill: false };

describe('the CI template', () => {
  it('is built by one of several concurrent callers; the others wait for it and copy it', async () => {
    const name = pool('once');
    const events: CiEvent[] = [];
    const pools = await Promise.all([0, 1, 2].map(() => openPool(ciConfig(), { ...PG_ONLY, pool: name, onEvent: (e) => events.push(e) })));
    try {
      const stacks = await Promise.all(pools.map((p) => p.acquire()));
      expect(events.filter((e) => e.type === 'template-build')).toHaveLength(1);
      expect(events.filter((e) => e.type === 'template-built')).toHaveLength(1);
      expect(new Set(stacks.map((s) => s.id)).size).toBe(3);
      const hash = stacks[0].contentHash;
      for (const s of stacks) {
        expect(s.warm).toBe(false);
        expect(s.contentHash).toBe(hash);
        expect((await liveContent(s.config, ['postgres'])).hash).toBe(hash);
      }
      expect((await poolRecords(name)).templates).toHaveLength(1);
    } finally {
      for (const p of pools) await p.close();
    }
  });

  it('a changed migration file (either store) changes the key, builds a new template, and gc collects the old one', async () => {
    const name = pool('mig');
    const opts: PoolOptions = { stores: ['postgres', 'mongo'], seed: false, refill: false, pool: name };
    process.env.RECRUIT_DB_MIGRATIONS_DIR = tempCopy(join(REPO, 'migrations'));
    process.env.RECRUIT_DB_MONGO_MIGRATIONS_DIR = tempCopy(join(REPO, 'dist', 'mongo-migrations'));
    const first = await openPool(ciConfig(), opts);
    const oldKey = first.key().key;
    await first.warm(1);
    const oldStack = await first.acquire();
    await first.warm(1);

    // An edit that changes each store's last migration file but not the shape it builds (so the new
    // template still verifies against the committed contract): the recorded checksums show which file ran.
    const pgFile = join(process.env.RECRUIT_DB_MIGRATIONS_DIR, readdirSync(process.env.RECRUIT_DB_MIGRATIONS_DIR).filter((f) => /^\d{4}_.*\.ts$/.test(f)).sort().at(-1)!);
    const mongoFile = join(process.env.RECRUIT_DB_MONGO_MIGRATIONS_DIR, readdirSync(process.env.RECRUIT_DB_MONGO_MIGRATIONS_DIR).filter((f) => f.endsWith('.js')).sort().at(-1)!);
    const before = { pg: sha(pgFile), mongo: sha(mongoFile) };
    for (const f of [pgFile, mongoFile]) appendFileSync(f, '\n// ci probe: an edit of the file, not of the shape\n');
    const after = { pg: sha(pgFile), mongo: sha(mongoFile) };
    const second = await openPool(ciConfig(), opts);
    try {
      const newKey = second.key();
      expect(newKey.key).not.toBe(oldKey);
      expect(newKey.lineage).toBe(first.key().lineage);
      const events: CiEvent[] = [];
      const fresh = await openPool(ciConfig(), { ...opts, onEvent: (e) => events.push(e) });
      const stack = await fresh.acquire();
      await fresh.close({ release: false });
      expect(events.map((e) => e.type)).toContain('template-built');
      expect(stack.templateKey).toBe(newKey.key);
      const pgName = basename(pgFile);
      const recorded = (url: string) => pgOne<{ checksum: string }>(url, `SELECT checksum FROM recruit_db_migration_checksums WHERE name = '${pgName}'`);
      expect(await recorded(stack.config.postgres!.url)).toEqual({ checksum: after.pg });
      expect(await recorded(oldStack.config.postgres!.url)).toEqual({ checksum: before.pg });
      const mongo = new MongoClient(stack.config.mongo!.uri);
      try {
        const logged = async (db: string) => (await mongo.db(db).collection('changelog').findOne({ fileName: basename(mongoFile) }))?.checksum;
        expect(await logged(stack.config.mongo!.db)).toBe(after.mongo);
        expect(await logged(oldStack.config.mongo!.db)).toBe(before.mongo);
      } finally {
        await mongo.close();
      }
      expect((await runVerify(stack.config, { only: ['postgres', 'mongo'] })).verdict.exitCode).toBe(0);

      // gc with the new files: the old template and its ready stack go, its leased stack stays.
      const r = await gcPool(second);
      expect(r.templates.map((t) => t.key)).toEqual([oldKey]);
      expect(r.templates[0].reason).toMatch(/older key/);
      expect(r.stacks).toHaveLength(1);
      const left = await poolRecords(name);
      expect(left.templates.map((t) => t.key)).toEqual([newKey.key]);
      expect(left.stacks.map((s) => s.id).sort()).toEqual([oldStack.id, stack.id].sort());
      await oldStack.release();
      await second.release(stack.id);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('a template that does not verify clean is never used, and leaves nothing behind', async () => {
    const name = pool('drift');
    process.env.RECRUIT_DB_MIGRATIONS_DIR = tempCopy(join(REPO, 'migrations'));
    writeFileSync(join(process.env.RECRUIT_DB_MIGRATIONS_DIR, '0099_undocumented.ts'), "import type { Knex } from 'knex';\nexport async function up(knex: Knex) { await knex.raw('CREATE TABLE undocumented (id int)'); }\nexport async function down(knex: Knex) { await knex.raw('DROP TABLE undocumented'); }\n");
    const p = await openPool(ciConfig(), { ...PG_ONLY, pool: name, seed: false });
    try {
      const err = await p.acquire().catch((e) => e);
      expect(err).toBeInstanceOf(RecruitDbError);
      expect((err as RecruitDbError).exitCode).toBe(1);
      expect((err as RecruitDbError).oneLine()).toMatch(/^the CI template does not verify against the summary: \d+ failure\(s\), first: postgres \S+ \S+ unexpected \(hint: /);
      const records = await poolRecords(name);
      expect(records.templates.map((t) => t.state)).toEqual(['failed']);
      expect(records.stacks).toEqual([]);
      expect(await namesOnServers(name)).toEqual([]);
    } finally {
      await p.close();
    }
  });

  it('a builder killed halfway leaves a template that is never copied: the next caller rebuilds it', async () => {
    const name = pool('kill');
    const env = cliEnv({ RECRUIT_DB_ENV: 'test' });
    // The compiled CLI and this TypeScript process must agree on the key.
    const status = await runCli(['ci', 'status', '--json', '--only', 'postgres', '--pool', name], { env });
    expect(status.code, status.stderr).toBe(0);
    const p = await openPool(ciConfig(), { ...PG_ONLY, pool: name });
    expect(JSON.parse(status.stdout).current.key).toBe(p.key().key);

    const child = spawn(process.execPath, [BIN, 'ci', 'warm', '--only', 'postgres', '--pool', name], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    let done = false;
    const exited = new Promise((r) => child.on('exit', () => r((done = true))));
    // Connections kept open and polled often: the build takes seconds, and it must be caught halfway.
    const watch = new Client({ connectionString: pgUrlWithDatabase(ciConfig().postgres!.url, CONTROL_DB) });
    await watch.connect();
    let halfBuilt = false;
    try {
      const deadline = Date.now() + 120_000;
      while (!halfBuilt && !done && Date.now() < deadline) {
        const r = await watch
          .query(
            `SELECT t.state = 'building' AND EXISTS (SELECT 1 FROM pg_database WHERE datname = t.pg_database) AS ok
               FROM recruit_db_ci_templates t WHERE t.pool = $1`,
            [name],
          )
          .catch(() => ({ rows: [] as Array<{ ok: boolean }> }));
        halfBuilt = Boolean(r.rows[0]?.ok);
        if (!halfBuilt) await new Promise((res) => setTimeout(res, 10));
      }
    } finally {
      await watch.end();
    }
    child.kill('SIGKILL');
    await exited;
    expect(halfBuilt, `the build was not caught halfway (child stderr: ${stderr.trim()})`).toBe(true);
    expect((await poolRecords(name)).templates.map((t) => t.state)).toEqual(['building']);

    const events: CiEvent[] = [];
    const q = await openPool(ciConfig(), { ...PG_ONLY, pool: name, onEvent: (e) => events.push(e) });
    try {
      const stack = await q.acquire();
      expect(events.map((e) => e.type).filter((t) => t.startsWith('template'))).toEqual(['template-build', 'template-built']);
      expect((await runVerify(stack.config, { only: ['postgres'] })).verdict.exitCode).toBe(0);
      expect((await liveContent(stack.config, ['postgres'])).hash).toBe(stack.contentHash);
      expect((await poolRecords(name)).templates.map((t) => t.state)).toEqual(['ready']);
    } finally {
      await q.close();
      await p.close();
    }
  });
});
