/**
 * `recruit-db ci` as a CI job uses it (the compiled CLI, real processes, real servers): export lines a
 * shell evaluates, no secret on any output, atomic hand-outs across processes, a background refill,
 * and bad input refused with one line before anything is written.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDotenv } from '../../src/config';
import { BIN, REPO, runCli, type CliResult } from '../helpers/cli';
import { ciConfig, dropPool, namesOnServers, poolRecords, uniquePool } from '../helpers/ci';
import { baseConfig, cliEnv } from '../helpers/stores';

const POOL = uniquePool('cli');
const PG_POOL = uniquePool('clipg');
const env = cliEnv({ RECRUIT_DB_ENV: 'test' });

function secrets(): string[] {
  const c = baseConfig();
  return [decodeURIComponent(new URL(c.postgres!.url).password), decodeURIComponent(new URL(c.mongo!.uri).password), c.s3!.secretAccessKey!].filter((s) => s && s.length >= 4);
}

function expectNoSecrets(r: CliResult): void {
  for (const s of secrets()) {
    expect(r.stdout).not.toContain(s);
    expect(r.stderr).not.toContain(s);
  }
}

async function ci(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const r = await runCli(['ci', ...args], { env: { ...env, ...extra } });
  expectNoSecrets(r);
  return r;
}

beforeAll(async () => {
  const r = await ci(['warm', '--size', '2', '--pool', POOL]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/^ci warm: pool \S+, template [0-9a-f]{10} built in \d+ ms; 2 stack\(s\) copied, 2 of 2 ready$/m);
});

afterAll(async () => {
  await dropPool(POOL);
  await dropPool(PG_POOL, { stores: ['postgres'] });
  expect(await namesOnServers(POOL)).toEqual([]);
  expect(await namesOnServers(PG_POOL)).toEqual([]);
});

describe('recruit-db ci', () => {
  it('acquire prints export lines a shell evaluates into a stack that verifies clean; credentials only in a 0600 file', async () => {
    const script = `set -e; eval "$("${process.execPath}" "${BIN}" ci acquire --pool ${POOL} --no-refill)"; printf '%s\\n' "$RECRUIT_DB_CI_LEASE" "$MONGODB_DB" "$S3_BUCKET"; "${process.execPath}" "${BIN}" verify >/dev/null; echo verify=$?`;
    const sh = spawnSync('bash', ['-c', script], { env, cwd: '/', encoding: 'utf8' });
    expectNoSecrets({ code: sh.status, signal: null, stdout: sh.stdout, stderr: sh.stderr, ms: 0 });
    expect(sh.status, sh.stderr).toBe(0);
    const [lease, mongoDb, bucket, verified] = sh.stdout.trim().split('\n');
    expect(lease).toMatch(/^[a-z0-9]{10}$/);
    expect(mongoDb).toBe(`rdbci_${POOL}_s_${lease}`);
    expect(bucket).toBe(`rdbci-${POOL}-s-${lease}`);
    expect(verified).toBe('verify=0');

    const status = JSON.parse((await ci(['status', '--json', '--pool', POOL])).stdout);
    expect(status.stacks.find((s: { id: string }) => s.id === lease)).toMatchObject({ state: 'leased', forLease: false });
    const rel = await ci(['release', lease]);
    expect(rel.code, rel.stderr).toBe(0);
    expect(rel.stdout).toBe(`ci release: stack ${lease} dropped\n`);
    expect((await namesOnServers(POOL)).filter((n) => n.includes(lease))).toEqual([]);
  });

  it('acquire --json: one plain object; the env file works as recruit-db --env-file and goes with release', async () => {
    const r = await ci(['acquire', '--json', '--pool', POOL, '--no-refill']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ version: 1, command: 'ci acquire', ok: true, warm: true, pool: POOL, stores: ['postgres', 'mongo', 's3'] });
    expect(out.lease).toMatch(/^[a-z0-9]{10}$/);
    expect(out.handoutMs).toBeGreaterThan(0);
    expect(out.env).toMatchObject({ MONGODB_DB: out.names.mongo, S3_BUCKET: out.names.s3, RECRUIT_DB_CI_LEASE: out.lease });
    expect(out.env.DATABASE_URL).toMatch(new RegExp(`\\*\\*\\*\\*@.*/${out.names.postgres}$`));
    expect(statSync(out.envFile).mode & 0o777).toBe(0o600);
    const file = parseDotenv(readFileSync(out.envFile, 'utf8'));
    expect(file.DATABASE_URL).toBe(ciConfig().postgres!.url.replace(/\/[^/]*$/, `/${out.names.postgres}`));
    expect(file.AWS_SECRET_ACCESS_KEY).toBe(baseConfig().s3!.secretAccessKey);
    // Nothing but the file: the CLI reads every setting of the stack from it.
    const bare = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' };
    const v = await runCli(['--env-file', out.envFile, 'verify', '--json'], { env: bare });
    expect(v.code, v.stderr).toBe(0);
    expect(JSON.parse(v.stdout).stores.map((s: { store: string }) => s.store)).toEqual(['summary', 'postgres', 'mongo', 's3']);
    expect((await ci(['release', out.lease])).code).toBe(0);
    expect(existsSync(out.envFile)).toBe(false);
    const again = await ci(['release', out.lease]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^recruit-db: no CI stack with lease id [a-z0-9]{10}: released already, or reclaimed by gc after its lease ran out \(hint: .*\)\n$/);
  });

  it('after a hand-out, a background process refills the pool to its size', async () => {
    const r = await ci(['acquire', '--json', '--pool', POOL]);
    expect(r.code, r.stderr).toBe(0);
    const lease = JSON.parse(r.stdout).lease;
    const deadline = Date.now() + 90_000;
    let ready = 0;
    while (Date.now() < deadline) {
      ready = (await poolRecords(POOL)).stacks.filter((s) => s.state === 'ready').length;
      if (ready >= 2) break;
      await new Promise((res) => setTimeout(res, 200));
    }
    expect(ready).toBe(2);
    expect((await ci(['release', lease])).code).toBe(0);
  });

  it('a warm acquire loads the PostgreSQL driver and no other driver or generator', async () => {
    // The refill above left the pool full: this hand-out is warm.
    // The recorder counts a driver loaded from node_modules or from its bundle (npm run build's dist/vendor).
    const out = join(mkdtempSync(join(tmpdir(), 'rdb-ci-load-')), 'loaded.json');
    const r = await ci(['acquire', '--json', '--pool', POOL, '--no-refill'], { NODE_OPTIONS: `--require=${join(REPO, 'tests/helpers/record-loads.cjs')}`, RDB_RECORD_LOADS: out });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).warm).toBe(true);
    const packages = new Set((JSON.parse(readFileSync(out, 'utf8')) as { packages: string[] }).packages);
    expect(packages.has('pg')).toBe(true);
    for (const heavy of ['mongodb', '@aws-sdk/client-s3', '@faker-js/faker', 'knex', 'migrate-mongo', 'pg-copy-streams']) expect(packages.has(heavy), heavy).toBe(false);
    expect((await ci(['release', JSON.parse(r.stdout).lease])).code).toBe(0);
  });

  it('processes acquiring at once never get the same stack', async () => {
    const warm = await ci(['warm', '--size', '12', '--only', 'postgres', '--pool', PG_POOL]);
    expect(warm.code, warm.stderr).toBe(0);
    const worker = async () => {
      const leases: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await ci(['acquire', '--json', '--only', 'postgres', '--pool', PG_POOL, '--no-refill']);
        expect(r.code, r.stderr).toBe(0);
        const out = JSON.parse(r.stdout);
        expect(out.warm).toBe(true);
        leases.push(out.lease);
      }
      return leases;
    };
    const all = (await Promise.all([worker(), worker(), worker(), worker()])).flat();
    expect(all).toHaveLength(12);
    expect(new Set(all).size).toBe(12);
    const leased = (await poolRecords(PG_POOL)).stacks.filter((s) => s.state === 'leased').map((s) => s.id).sort();
    expect(leased).toEqual([...all].sort());
  });

  it('refuses bad input with one line and exit 2, writing nothing', async () => {
    const bad = uniquePool('bad');
    const cases: Array<[string[], RegExp]> = [
      [['warm', '--size', '-1', '--pool', bad], /pool size must be a whole number from 0 to 1000, got -1/],
      [['warm', '--size', 'many', '--pool', bad], /pool size must be a whole number/],
      [['acquire', '--lease', 'soon', '--pool', bad], /--lease must be a duration such as 90s, 30m or 2h, got "soon"/],
      [['acquire', '--pool', 'Bad_Name'], /CI pool name "Bad_Name" is not valid/],
      [['acquire', '--profile', 'huge', '--pool', bad], /unknown profile "huge"/],
      [['acquire', '--seed-value', '1.5', '--pool', bad], /seed must be an integer/],
      [['release', 'nope'], /"nope" is not a CI lease id/],
      [['gc', '--max-idle', 'forever', '--pool', bad], /--max-idle must be a duration/],
    ];
    for (const [args, message] of cases) {
      const r = await ci(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout, args.join(' ')).toBe('');
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
    expect(await poolRecords(bad)).toEqual({ templates: [], stacks: [] });
    expect(await namesOnServers(bad)).toEqual([]);
  });
});
