import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERNAL } from '../../src/stores/mongo/collections';
import { runCli } from '../helpers/cli';
import { baseConfig, cliEnv, freshMongoDbName } from '../helpers/stores';

const db = freshMongoDbName('rdb_mongo_bad');
const base = baseConfig().mongo!;
const password = decodeURIComponent(new URL(base.uri).password);
let client: MongoClient;
let dir: string;

beforeAll(async () => {
  client = new MongoClient(base.uri);
  await client.connect();
  dir = mkdtempSync(join(tmpdir(), 'rdb-mongo-throw-'));
  writeFileSync(join(dir, '20260101000001-ok.js'), `exports.up = async (db) => { await db.command({ create: 'ok_done' }); };\nexports.down = async (db) => { await db.command({ drop: 'ok_done' }); };\n`);
  writeFileSync(join(dir, '20260101000002-throws.js'), `exports.up = async () => { throw new Error('boom from the script'); };\nexports.down = async () => {};\n`);
});
afterAll(async () => {
  await client.db(db).dropDatabase().catch(() => undefined);
  await client.close();
  rmSync(dir, { recursive: true, force: true });
});

function expectOneLine(r: { code: number | null; stdout: string; stderr: string }) {
  expect(r.code).not.toBe(0);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(r.stdout + r.stderr).not.toContain(password);
  return lines[0];
}

describe('mongo migrate: bad input', () => {
  it('unreachable server: one line, exit 2', async () => {
    const uri = base.uri.replace(/@[^/]+/, '@127.0.0.1:1');
    const r = await runCli(['migrate', '--only', 'mongo', '--timeout', '2'], { env: cliEnv({ MONGODB_URI: uri, MONGODB_DB: db }) });
    expect(r.code).toBe(2);
    expect(expectOneLine(r)).toMatch(/mongo: .*(refused|no answer)/);
  });

  it('wrong password: one line, exit 2, password never shown', async () => {
    const u = new URL(base.uri);
    u.password = 'definitely-wrong-pw';
    const r = await runCli(['migrate', '--only', 'mongo'], { env: cliEnv({ MONGODB_URI: u.toString(), MONGODB_DB: db }) });
    expect(r.code).toBe(2);
    const line = expectOneLine(r);
    expect(line).toMatch(/authentication failed/);
    expect(line).not.toContain('definitely-wrong-pw');
  });

  it('a script that throws: one line, non-zero, not recorded as applied', async () => {
    const env = cliEnv({ MONGODB_DB: db, RECRUIT_DB_MONGO_MIGRATIONS_DIR: dir });
    const r = await runCli(['migrate', '--only', 'mongo'], { env });
    const line = expectOneLine(r);
    expect(line).toContain('20260101000002-throws');
    expect(line).toContain('boom from the script');
    const log = await client.db(db).collection(INTERNAL.changelog).find({}).toArray();
    expect(log.map((l) => l.fileName)).toEqual(['20260101000001-ok.js']);
    expect(await client.db(db).collection(INTERNAL.lock).countDocuments()).toBe(0);
    const status = await runCli(['status', '--only', 'mongo', '--json'], { env });
    expect(JSON.stringify(JSON.parse(status.stdout))).toMatch(/20260101000002-throws","state":"pending"/);
  });
});
