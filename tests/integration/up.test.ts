/**
 * `recruit-db up` and `reset` against the real stores: the whole job in one command, safe to re-run,
 * and never against production without being told.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config';
import { contentHash, truncateStore } from '../../seeds/index';
import { REPO, runCli } from '../helpers/cli';
import { freshStores } from '../helpers/stores';

const PG_MIGRATIONS = readdirSync(join(REPO, 'migrations')).filter((f) => /^\d{4}_.*\.ts$/.test(f)).length;
const MONGO_MIGRATIONS = readdirSync(join(REPO, 'mongo-migrations')).filter((f) => /^\d{14}-.*\.ts$/.test(f)).length;

let config: Config;
let env: NodeJS.ProcessEnv;
let cleanup: () => Promise<void>;
let firstHash: string;

beforeAll(async () => {
  ({ config, env, cleanup } = await freshStores('rdbup'));
});
afterAll(async () => cleanup?.());

async function tableCount(): Promise<number> {
  const pg = new Client({ connectionString: config.postgres!.url });
  await pg.connect();
  try {
    const r = await pg.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'");
    return r.rows[0].n;
  } finally {
    await pg.end();
  }
}

describe('recruit-db up', () => {
  it('refuses bad input before writing anything', async () => {
    for (const args of [['--profile', 'huge'], ['--seed-value', '1.5']]) {
      const r = await runCli(['up', ...args], { env });
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    const prod = await runCli(['up'], { env: { ...env, RECRUIT_DB_ENV: 'production' } });
    expect(prod.code).toBe(2);
    expect(prod.stderr).toMatch(/refusing to seed during up: the target is production.*--no-seed/);
    expect(await tableCount()).toBe(0);
  });


  it('migrates, bootstraps, seeds and verifies in one run, and summarises it', async () => {
    const r = await runCli(['up', '--json'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const byStore = Object.fromEntries(out.stores.map((s: { store: string }) => [s.store, s]));
    expect(byStore.postgres.applied).toHaveLength(PG_MIGRATIONS);
    expect(byStore.mongo.applied).toHaveLength(MONGO_MIGRATIONS);
    expect(byStore.s3.applied.length).toBeGreaterThan(9);
    for (const s of ['postgres', 'mongo', 's3']) expect(byStore[s].seeded).toBeGreaterThan(0);
    expect(out.verify.exitCode).toBe(0);
    firstHash = (await contentHash(config)).hash;
  });

  it('a second run applies nothing and does not duplicate data', async () => {
    const r = await runCli(['up'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^postgres\s+nothing new\s+skipped/m);
    expect(r.stdout).toMatch(/^mongo\s+nothing new\s+skipped/m);
    expect(r.stdout).toMatch(/^s3\s+nothing new\s+skipped/m);
    expect(r.stdout).toMatch(/^verify: clean/m);
    expect((await contentHash(config)).hash).toBe(firstHash);
  });

  it('re-seeds a store that lost its data, says it was seeded alone, and gives the same content', async () => {
    await truncateStore(config, 's3');
    const r = await runCli(['up'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^postgres\s+nothing new\s+skipped/m);
    expect(r.stdout).toMatch(/^s3\s+nothing new\s+[1-9]\d*\s+.*seeded alone \(seed 1, profile small, as of \d{4}-\d{2}-\d{2}\): it matches postgres and mongo only if they were seeded the same way/m);
    expect((await contentHash(config)).hash).toBe(firstHash);
  });
});

describe('recruit-db reset', () => {
  it('refuses production and changes nothing', async () => {
    const r = await runCli(['reset'], { env: { ...env, RECRUIT_DB_ENV: 'production' } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^recruit-db: refusing to reset: the target is production .*--allow-production/);
    expect((await contentHash(config)).hash).toBe(firstHash);
  });

  it('drops what recruit-db owns and runs up again: same seed, same data', async () => {
    const pg = new Client({ connectionString: config.postgres!.url });
    await pg.connect();
    try {
      // Data that is not the seed's: reset must remove it.
      await pg.query("UPDATE skills SET name = name || ' (edited)' WHERE id = (SELECT id FROM skills LIMIT 1)");
    } finally {
      await pg.end();
    }
    expect((await contentHash(config)).hash).not.toBe(firstHash);
    const r = await runCli(['reset', '--json'], { env });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const pgSummary = out.stores.find((s: { store: string }) => s.store === 'postgres');
    expect(pgSummary.applied).toHaveLength(PG_MIGRATIONS);
    expect((await contentHash(config)).hash).toBe(firstHash);
  });
});
