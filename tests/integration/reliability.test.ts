/**
 * Issue 11.3 (a killed MongoDB rollback; FerretDB's orphaned index), 11.5 (the MongoDB lock says
 * whom it waits for and takes a dead same-host holder's lock at once), 11.6 (a lost PostgreSQL
 * connection is exit 2, not a broken migration) and 12.8 (checksums after a plain-knex rollback and
 * re-apply). Each case failed before its fix.
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { Client } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { haveFerretDb, startFerretDb } from '../../bench/reliability/servers';
import { INTERNAL } from '../../src/stores/mongo/collections';
import { BIN, runCli } from '../helpers/cli';
import { baseConfig, cliEnv, freshMongoDbName, freshPgDatabase } from '../helpers/stores';

const cleanups: Array<() => Promise<void>> = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const c of cleanups) await c().catch(() => undefined);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'rdb-rel-'));
  dirs.push(d);
  for (const [name, body] of Object.entries(files)) writeFileSync(join(d, name), body);
  return d;
}

async function withMongo<T>(uri: string, fn: (m: MongoClient) => Promise<T>): Promise<T> {
  const m = new MongoClient(uri);
  await m.connect();
  try {
    return await fn(m);
  } finally {
    await m.close();
  }
}

const until = async (what: string, check: () => Promise<boolean>, ms = 30_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('a MongoDB rollback killed halfway (11.3)', () => {
  it('status says interrupted (exit 1), never "applied" for a dropped collection; the next migrate converges', async () => {
    const db = freshMongoDbName('rdb_rbkill');
    cleanups.push(() => withMongo(baseConfig().mongo!.uri, (m) => m.db(db).dropDatabase().then(() => undefined)));
    const script = (name: string, slowDown: boolean) =>
      `exports.up = async (db) => { const l = await db.command({ listCollections: 1, filter: { name: '${name}' } }); if (!l.cursor.firstBatch.length) await db.command({ create: '${name}' }); };\n` +
      `exports.down = async (db) => { const l = await db.command({ listCollections: 1, filter: { name: '${name}' } }); if (l.cursor.firstBatch.length) await db.command({ drop: '${name}' });${slowDown ? " if (process.env.SLOW) await new Promise((r) => setTimeout(r, 60000));" : ''} };\n`;
    const scripts = dir({ '20260101000001-a.js': script('coll_a', false), '20260101000002-b.js': script('coll_b', true) });
    const env = cliEnv({ MONGODB_DB: db, RECRUIT_DB_MONGO_MIGRATIONS_DIR: scripts });
    expect((await runCli(['migrate', '--only', 'mongo'], { env })).code).toBe(0);

    const child = spawn(process.execPath, [BIN, 'rollback', '--only', 'mongo'], { env: { ...env, SLOW: '1' }, stdio: 'ignore' });
    const collections = () => withMongo(baseConfig().mongo!.uri, async (m) => (await m.db(db).listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
    await until('the rollback to drop coll_b', async () => !(await collections()).includes('coll_b'));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));

    const status = await runCli(['status', '--only', 'mongo', '--json'], { env });
    expect(status.code).toBe(1);
    const entries = JSON.parse(status.stdout).stores[0].result.entries;
    expect(entries.map((e: { name: string; state: string }) => `${e.name}:${e.state}`)).toEqual(['20260101000001-a:applied', '20260101000002-b:interrupted']);
    const text = await runCli(['status', '--only', 'mongo'], { env });
    expect(text.stdout).toMatch(/note: the rollback of 20260101000002-b was interrupted/);

    const again = await runCli(['migrate', '--only', 'mongo'], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/re-applying 20260101000002-b, whose rollback was interrupted/);
    expect(await collections()).toContain('coll_b');
    expect((await runCli(['status', '--only', 'mongo'], { env })).code).toBe(0);

    // The other way to finish it: a rollback killed again, then a rollback completes the revert.
    const child2 = spawn(process.execPath, [BIN, 'rollback', '--only', 'mongo'], { env: { ...env, SLOW: '1' }, stdio: 'ignore' });
    await until('the rollback to drop coll_b again', async () => !(await collections()).includes('coll_b'));
    child2.kill('SIGKILL');
    await new Promise((r) => child2.on('close', r));
    const finish = await runCli(['rollback', '--only', 'mongo', '--json'], { env });
    expect(finish.code, finish.stderr).toBe(0);
    expect(JSON.parse(finish.stdout).stores[0].result.done[0]).toBe('20260101000002-b');
    expect(JSON.parse((await runCli(['status', '--only', 'mongo', '--json'], { env })).stdout).stores[0].result.entries.map((e: { state: string }) => e.state)).toEqual(['applied', 'pending']);
  });
});

describe('the MongoDB migration lock (11.5)', () => {
  const lockDoc = (holder: { host: string; pid: number }) => ({ _id: 'migrate', token: 'someone-else', holder, acquiredAt: new Date(), expiresAt: new Date(Date.now() + 10 * 60_000) });

  it("takes over at once when the holder ran on this host and its process is gone, and says so", async () => {
    const db = freshMongoDbName('rdb_deadpid');
    cleanups.push(() => withMongo(baseConfig().mongo!.uri, (m) => m.db(db).dropDatabase().then(() => undefined)));
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(gone.stdout);
    await withMongo(baseConfig().mongo!.uri, (m) => m.db(db).collection<{ _id: string }>(INTERNAL.lock).insertOne(lockDoc({ host: hostname(), pid: deadPid }) as never));
    const r = await runCli(['migrate', '--only', 'mongo'], { env: cliEnv({ MONGODB_DB: db }) });
    expect(r.code, r.stderr).toBe(0);
    expect(r.ms).toBeLessThan(20_000);
    expect(r.stdout).toContain(`took over the migration lock of ${hostname()} pid ${deadPid}: that process no longer exists`);
  });

  it('waits for a live holder (another host: its lease stands), saying for whom and since when, then exits 2 naming it', async () => {
    const db = freshMongoDbName('rdb_livelock');
    cleanups.push(() => withMongo(baseConfig().mongo!.uri, (m) => m.db(db).dropDatabase().then(() => undefined)));
    await withMongo(baseConfig().mongo!.uri, (m) => m.db(db).collection<{ _id: string }>(INTERNAL.lock).insertOne(lockDoc({ host: 'ci-runner-7', pid: 4242 }) as never));
    const r = await runCli(['migrate', '--only', 'mongo'], { env: cliEnv({ MONGODB_DB: db, RECRUIT_DB_LOCK_WAIT_MS: '1500' }) });
    expect(r.code).toBe(2);
    const [wait, error] = r.stderr.trim().split('\n');
    expect(wait).toMatch(/^mongo: waiting for the migration lock: waiting for the migration lock held by ci-runner-7 pid 4242, since \S+Z, lease until \S+Z/);
    expect(error).toMatch(/^recruit-db: mongo: another migration run holds the lock \(ci-runner-7 pid 4242, since /);
  });
});

describe('a PostgreSQL connection lost mid-migration (11.6)', () => {
  it('is exit 2 with a connection hint, not "migration failed, fix the file"', async () => {
    const db = await freshPgDatabase('rdb_connlost');
    cleanups.push(db.drop);
    const migrations = dir({
      '0001_slow.js': "exports.up = async (k) => { await k.schema.createTable('slow_t', (t) => { t.increments('id'); }); await k.raw('SELECT pg_sleep(60)'); };\nexports.down = async (k) => { await k.schema.dropTable('slow_t'); };\n",
    });
    const env = cliEnv({ DATABASE_URL: db.url, RECRUIT_DB_MIGRATIONS_DIR: migrations });
    const running = runCli(['migrate', '--only', 'postgres'], { env });
    const admin = new Client({ connectionString: baseConfig().postgres!.url });
    await admin.connect();
    try {
      await until('the migration to run', async () => (await admin.query(`SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND query LIKE '%pg_sleep(60)%'`, [db.database])).rowCount! > 0);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND query LIKE '%pg_sleep(60)%'`, [db.database]);
    } finally {
      await admin.end();
    }
    const r = await running;
    expect(r.code, r.stderr).toBe(2);
    const line = r.stderr.trim().split('\n').pop()!;
    expect(line).toMatch(/^recruit-db: postgres: lost the connection to 127\.0\.0\.1:\d+ while running migration 0001_slow\.ts \(its transaction was rolled back\)/);
    expect(line).toMatch(/hint: check that PostgreSQL is up/);
    expect(line).not.toMatch(/fix .*0001_slow/);
    const tables = new Client({ connectionString: db.url });
    await tables.connect();
    try {
      expect((await tables.query(`SELECT to_regclass('slow_t') AS t`)).rows[0].t).toBeNull();
    } finally {
      await tables.end();
    }
  });
});

describe('checksums after the plain knex CLI rolled a migration back and applied it again (12.8)', () => {
  it('the re-applied migration is adopted, not reported as edited', async () => {
    const db = await freshPgDatabase('rdb_knexagain');
    cleanups.push(db.drop);
    const migrations = dir({ '0001_a.js': "exports.up = async (k) => { await k.schema.createTable('a_t', (t) => { t.increments('id'); }); };\nexports.down = async (k) => { await k.schema.dropTable('a_t'); };\n" });
    const env = cliEnv({ DATABASE_URL: db.url, RECRUIT_DB_MIGRATIONS_DIR: migrations });
    expect((await runCli(['migrate', '--only', 'postgres'], { env })).code).toBe(0);

    // What `knex migrate:rollback`, an edit, and `knex migrate:latest` do to the bookkeeping: knex
    // deletes its row, and later inserts a new one (a new id, its own clock); our table is untouched.
    const c = new Client({ connectionString: db.url });
    await c.connect();
    try {
      await c.query(`DELETE FROM knex_migrations WHERE name = '0001_a.ts'`);
      appendFileSync(join(migrations, '0001_a.js'), '// edited before knex applied it again\n');
      await new Promise((r) => setTimeout(r, 20));
      await c.query(`INSERT INTO knex_migrations (name, batch, migration_time) VALUES ('0001_a.ts', 1, $1)`, [new Date()]);
    } finally {
      await c.end();
    }
    const s = await runCli(['status', '--only', 'postgres', '--json'], { env });
    expect(s.code, s.stdout).toBe(0);
    expect(JSON.parse(s.stdout).stores[0].result.entries[0].state).toBe('applied');
    expect((await runCli(['migrate', '--only', 'postgres'], { env })).code).toBe(0);
    const after = JSON.parse((await runCli(['status', '--only', 'postgres', '--json'], { env })).stdout).stores[0].result;
    expect(after.entries[0].state).toBe('applied');
    expect(after.notes.join(' ')).not.toMatch(/no current checksum/);
    // A real edit of an applied file is still caught.
    appendFileSync(join(migrations, '0001_a.js'), '// edited after it ran\n');
    expect((await runCli(['status', '--only', 'postgres'], { env })).code).toBe(1);
  });
});

describe.skipIf(!haveFerretDb())('FerretDB killed mid-createIndexes leaves an orphaned index (11.3)', () => {
  it('the next migrate converges by itself on an empty collection, and never shows server source frames', async () => {
    const ferret = await startFerretDb();
    cleanups.push(ferret.stop);
    const env = cliEnv({ MONGODB_URI: ferret.url, MONGODB_DB: 'orphans' });
    expect((await runCli(['migrate', '--only', 'mongo'], { env })).code).toBe(0);
    await withMongo(ferret.url, (m) => m.db('orphans').collection(INTERNAL.changelog).deleteOne({ fileName: '20260210000001-create-learning-progress.js' }));
    await ferret.kill();
    // The state a kill between FerretDB's two writes leaves: SQLite holds the index, FerretDB's catalogue does not.
    const orphan = spawnSync('python3', ['-c', `
import json, sqlite3
c = sqlite3.connect('${ferret.dataDir}/orphans.sqlite')
name, settings = c.execute("select name, settings from _ferretdb_collections where name = 'learning_progress'").fetchone()
s = json.loads(settings); s['indexes'] = [i for i in s['indexes'] if i['name'] != 'time']
c.execute('update _ferretdb_collections set settings = ? where name = ?', (json.dumps(s), name)); c.commit()
`]);
    expect(orphan.status, String(orphan.stderr)).toBe(0);
    expect(await ferret.start()).toBe(true);

    // Holding documents: it is not dropped; one line says why, in words, without ".go:NNN" frames.
    await withMongo(ferret.url, (m) => m.db('orphans').collection('learning_progress').insertOne({ a: 1 }));
    const refused = await runCli(['migrate', '--only', 'mongo'], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/learning_progress: the server holds an index its catalogue does not list .* holds 1 documents, so it is not re-created/);
    expect(refused.stderr).not.toMatch(/\.go:\d+/);

    await withMongo(ferret.url, (m) => m.db('orphans').collection('learning_progress').deleteMany({}));
    const r = await runCli(['migrate', '--only', 'mongo'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/applied 1 migration\n\s+20260210000001-create-learning-progress/);
    const indexes = await withMongo(ferret.url, async (m) => (await m.db('orphans').collection('learning_progress').indexes()).map((i) => i.name));
    expect(indexes).toContain('time');
    expect((await runCli(['migrate', '--only', 'mongo'], { env })).stdout).toMatch(/already up to date/);
  });
});
