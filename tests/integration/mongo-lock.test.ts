import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERNAL } from '../../src/stores/mongo/collections';
import { BIN, REPO, runCli } from '../helpers/cli';
import { baseConfig, cliEnv, freshMongoDbName } from '../helpers/stores';

// Separate node processes run the compiled CLI (run `npm run build` first).
let client: MongoClient;
const dbs: string[] = [];
const dirs: string[] = [];
const fresh = () => {
  const db = freshMongoDbName('rdb_mongo_lock');
  dbs.push(db);
  return db;
};

beforeAll(async () => {
  client = new MongoClient(baseConfig().mongo!.uri);
  await client.connect();
});
afterAll(async () => {
  for (const db of dbs) await client.db(db).dropDatabase().catch(() => undefined);
  await client.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('mongo migration lock', () => {
  it('4 concurrent migrate processes apply each script once', async () => {
    const db = fresh();
    const env = cliEnv({ MONGODB_DB: db });
    const runs = await Promise.all([1, 2, 3, 4].map(() => runCli(['migrate', '--only', 'mongo'], { env })));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const log = await client.db(db).collection(INTERNAL.changelog).find({}).toArray();
    const scripts = readdirSync(join(REPO, 'mongo-migrations')).filter((f) => /^\d{14}-.*\.ts$/.test(f)).length;
    expect(log).toHaveLength(scripts);
    expect(new Set(log.map((l) => l.fileName)).size).toBe(scripts);
    // Exactly one run did the work; the others found nothing pending.
    expect(runs.filter((r) => new RegExp(`applied ${scripts} migrations`).test(r.stdout))).toHaveLength(1);
    expect(await client.db(db).collection(INTERNAL.lock).countDocuments()).toBe(0);
  });

  it('a SIGKILLed run does not block the next one beyond its lease', async () => {
    const db = fresh();
    const dir = mkdtempSync(join(tmpdir(), 'rdb-mongo-slow-'));
    dirs.push(dir);
    writeFileSync(
      join(dir, '20260101000001-slow.js'),
      `exports.up = async (db) => { if (process.env.SLOW) await new Promise((r) => setTimeout(r, 60000)); await db.command({ create: 'slow_done' }); };\nexports.down = async (db) => { await db.command({ drop: 'slow_done' }); };\n`,
    );
    const env = cliEnv({ MONGODB_DB: db, RECRUIT_DB_MONGO_MIGRATIONS_DIR: dir, RECRUIT_DB_MONGO_LOCK_LEASE_MS: '1500' });
    const child = spawn(process.execPath, [BIN, 'migrate', '--only', 'mongo'], { env: { ...env, SLOW: '1' }, stdio: 'ignore' });
    const lock = client.db(db).collection(INTERNAL.lock);
    const until = Date.now() + 20_000;
    while (!(await lock.findOne({})) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(await lock.findOne({}), 'the slow run took the lock').not.toBeNull();
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));

    const started = Date.now();
    const next = await runCli(['migrate', '--only', 'mongo'], { env });
    expect(next.code, next.stderr).toBe(0);
    expect(next.stdout).toContain('20260101000001-slow');
    expect(Date.now() - started).toBeLessThan(15_000);
    const log = await client.db(db).collection(INTERNAL.changelog).find({}).toArray();
    expect(log.map((l) => l.fileName)).toEqual(['20260101000001-slow.js']);
    expect(await lock.countDocuments()).toBe(0);
  });
});
