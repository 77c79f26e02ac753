import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERNAL } from '../../src/stores/mongo/collections';
import { runCli } from '../helpers/cli';
import { baseConfig, cliEnv, dropMongoDatabase, freshMongoDbName } from '../helpers/stores';

const db = freshMongoDbName('rdb_mongo_sum');
let client: MongoClient;
let dir: string;
let env: NodeJS.ProcessEnv;

const script = (collection: string) =>
  `exports.up = async (db) => { await db.command({ create: '${collection}' }); };\nexports.down = async (db) => { await db.command({ drop: '${collection}' }); };\n`;
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Each script's state from `status --json`; status exits 1 exactly when a script was changed. */
async function states(): Promise<Record<string, string>> {
  const r = await runCli(['status', '--only', 'mongo', '--json'], { env });
  const entries: Array<{ name: string; state: string }> = JSON.parse(r.stdout).stores[0].result.entries;
  expect(r.code, r.stderr).toBe(entries.some((e) => e.state === 'changed') ? 1 : 0);
  return Object.fromEntries(entries.map((e) => [e.name, e.state]));
}

beforeAll(async () => {
  client = new MongoClient(baseConfig().mongo!.uri);
  await client.connect();
  dir = mkdtempSync(join(tmpdir(), 'rdb-mongo-sum-'));
  writeFileSync(join(dir, '20260101000001-first.js'), script('first'));
  writeFileSync(join(dir, '20260101000002-second.js'), script('second'));
  env = cliEnv({ MONGODB_DB: db, RECRUIT_DB_MONGO_MIGRATIONS_DIR: dir });
});
afterAll(async () => {
  await client.close();
  await dropMongoDatabase(db);
  rmSync(dir, { recursive: true, force: true });
});

describe('mongo migrate: checksums of applied scripts', () => {
  it('records each applied script\'s checksum beside its changelog entry', async () => {
    const r = await runCli(['migrate', '--only', 'mongo'], { env });
    expect(r.code, r.stderr).toBe(0);
    const log = await client.db(db).collection(INTERNAL.changelog).find({}).sort({ fileName: 1 }).toArray();
    expect(log.map((l) => [l.fileName, l.checksum])).toEqual([
      ['20260101000001-first.js', sha(join(dir, '20260101000001-first.js'))],
      ['20260101000002-second.js', sha(join(dir, '20260101000002-second.js'))],
    ]);
  });

  it('an edited applied script is "changed" in status, and migrate refuses, naming the file, applying nothing', async () => {
    writeFileSync(join(dir, '20260101000001-first.js'), script('first') + '// edited after it ran\n');
    writeFileSync(join(dir, '20260101000003-third.js'), script('third'));
    expect(await states()).toEqual({ '20260101000001-first': 'changed', '20260101000002-second': 'applied', '20260101000003-third': 'pending' });
    for (const args of [['migrate', '--only', 'mongo'], ['migrate', '--only', 'mongo', '--dry-run']]) {
      const r = await runCli(args, { env });
      expect(r.code, r.stderr).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`applied migration ${join(dir, '20260101000001-first.js')} was edited after it ran`);
      expect(lines[0]).toContain('--accept-changed');
    }
    expect((await client.db(db).listCollections({ name: 'third' }).toArray()).length).toBe(0);
  });

  it('--accept-changed records the new checksum and goes on', async () => {
    const r = await runCli(['migrate', '--only', 'mongo', '--accept-changed'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(await states()).toEqual({ '20260101000001-first': 'applied', '20260101000002-second': 'applied', '20260101000003-third': 'applied' });
    const first = await client.db(db).collection(INTERNAL.changelog).findOne({ fileName: '20260101000001-first.js' });
    expect(first?.checksum).toBe(sha(join(dir, '20260101000001-first.js')));
  });

  it('a script applied without a checksum (the plain migrate-mongo CLI) is adopted by the next migrate', async () => {
    await client.db(db).collection(INTERNAL.changelog).updateOne({ fileName: '20260101000002-second.js' }, { $unset: { checksum: '' } });
    writeFileSync(join(dir, '20260101000002-second.js'), script('second') + '// nobody can tell\n');
    expect((await states())['20260101000002-second']).toBe('applied');
    expect((await runCli(['migrate', '--only', 'mongo'], { env })).code).toBe(0);
    const second = await client.db(db).collection(INTERNAL.changelog).findOne({ fileName: '20260101000002-second.js' });
    expect(second?.checksum).toBe(sha(join(dir, '20260101000002-second.js')));
  });

  it('a changed script can still be rolled back', async () => {
    writeFileSync(join(dir, '20260101000003-third.js'), script('third') + '// edited again\n');
    expect((await states())['20260101000003-third']).toBe('changed');
    const r = await runCli(['rollback', '--only', 'mongo', '--steps', '1'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect((await states())['20260101000003-third']).toBe('pending');
  });
});
