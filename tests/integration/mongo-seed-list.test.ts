/**
 * MONGODB_URI as MongoDB defines it: a seed list of several hosts (a replica set's members, a
 * sharded cluster's routers) is a connection string the driver takes, though no WHATWG URL. The
 * CLI once refused it as "not a valid URL", so no replica-set target could be migrated or verified.
 * Here both names of the one FerretDB server (127.0.0.1 and localhost) make the seed list.
 */
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli';
import { baseConfig, cliEnv, freshMongoDbName } from '../helpers/stores';

const base = baseConfig().mongo!;
const password = decodeURIComponent(new URL(base.uri).password);
const { hostname, port } = new URL(base.uri);
const db = freshMongoDbName('rdb_seedlist');
/** The server's address twice, under two names, as a replica set's connection string lists its members. */
const seedList = base.uri.replace(/@[^/]+\//, `@${hostname}:${port},localhost:${port}/`);

afterAll(async () => {
  const client = new MongoClient(base.uri);
  await client.db(db).dropDatabase().catch(() => undefined);
  await client.close();
});

function oneLine(r: CliResult): string {
  expect(r.stdout + r.stderr).not.toContain(password);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  return lines[0];
}

describe('a MongoDB seed list of several hosts', () => {
  it('migrates and verifies through it; no output shows the password', async () => {
    expect(seedList).toContain(`,localhost:${port}/`);
    const env = cliEnv({ MONGODB_URI: seedList, MONGODB_DB: db });
    const m = await runCli(['migrate', '--only', 'mongo'], { env });
    expect(m.code, m.stderr).toBe(0);
    const v = await runCli(['verify', '--only', 'mongo', '--json'], { env });
    expect(v.code, v.stderr).toBe(0);
    const out = JSON.parse(v.stdout);
    expect(out.ok).toBe(true);
    expect(out.stores.find((s: { store: string }) => s.store === 'mongo')).toMatchObject({ failures: 0, totals: { missing: 0, different: 0, unexpected: 0 } });
    for (const r of [m, v, await runCli(['doctor', '--only', 'mongo'], { env })]) expect(r.stdout + r.stderr).not.toContain(password);
  });

  it('none of its hosts answering: one line naming them, exit 2', async () => {
    const uri = base.uri.replace(/@[^/]+\//, '@127.0.0.1:1,127.0.0.1:2/');
    const r = await runCli(['status', '--only', 'mongo', '--timeout', '2'], { env: cliEnv({ MONGODB_URI: uri, MONGODB_DB: db }) });
    expect(r.code).toBe(2);
    expect(oneLine(r)).toMatch(/^recruit-db: mongo: .*127\.0\.0\.1:1,127\.0\.0\.1:2/);
  });

  it.each([
    ['an unescaped @ in the password', `mongodb://u:pa@ss-word@${hostname}:${port}/${db}`, /has an unescaped character in its user name or password \(escape @ : \/ \? #/],
    ['an unescaped / in the password', `mongodb://u:pa/ss-word@${hostname}:${port}/${db}`, /has an unescaped character in its user name or password/],
    ['an empty member', `mongodb://u:pw-1234@${hostname}:${port},/${db}`, /malformed host/],
    ['a port out of range', `mongodb://u:pw-1234@${hostname}:${port},${hostname}:70000/${db}`, /port out of range \("127\.0\.0\.1:70000"\)|port out of range/],
    ['mongodb+srv with several hosts', `mongodb+srv://u:pw-1234@a.example.com,b.example.com/${db}`, /mongodb\+srv:\/\/ takes one/],
  ])('%s: refused before connecting, one line, exit 2, the password not shown', async (_what, uri, pattern) => {
    const r = await runCli(['migrate', '--only', 'mongo'], { env: cliEnv({ MONGODB_URI: uri, MONGODB_DB: db }) });
    expect(r.code).toBe(2);
    const line = oneLine(r);
    expect(line).toMatch(pattern);
    expect(line).toMatch(/\(hint: use the form mongodb:\/\//);
    for (const secret of ['pa@ss-word', 'pa/ss-word', 'ss-word', 'u:pa', 'pw-1234']) expect(line).not.toContain(secret);
  });
});
