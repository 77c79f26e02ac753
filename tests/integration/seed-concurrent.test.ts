/**
 * Issue 18.5: a seed of several stores runs them at once, each its own pipeline. What must not change:
 * the data (each store's hash seeded alongside the others is its hash seeded alone), the output (in
 * store order whichever store finished first), and the fault guarantees (item 6): a store that fails
 * stops the others, the seed reports that store's error, and every store it covered still says its
 * seed never finished until `up` redoes it.
 */
import { Client } from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config';
import { contentHash } from '../../seeds/index';
import { seedCounts } from '../../src/seedrun';
import { runCli } from '../helpers/cli';
import { migratedTargets } from '../helpers/fixtures';

/** One as-of for every run compared here: the default (today, UTC) could change between two of them at midnight. */
const AS_OF = '2026-06-30';

const STORES = ['postgres', 'mongo', 's3'] as const;
const migrated = migratedTargets();
// Several seeds per case: on a loaded 2-core machine a case can take minutes.
const LONG = 300_000;

describe('a three-store seed runs the stores at once', () => {
  let all: { config: Config; env: NodeJS.ProcessEnv };
  let seeded: { stores: string[]; hash: string; timings: Record<string, unknown> } & Record<string, { hash: string; counts: Record<string, number> }>;

  beforeAll(async () => {
    all = await migrated('rdbconc');
    const r = await runCli(['seed', '--json', '--seed', '3', '--as-of', AS_OF], { env: all.env });
    expect(r.code, r.stderr).toBe(0);
    seeded = JSON.parse(r.stdout);
  }, LONG);

  it('writes what each store seeded alone gets, and reports it in store order', async () => {
    const alone = await Promise.all(
      STORES.map(async (store) => {
        const f = await migrated('rdbconc1');
        const r = await runCli(['seed', '--json', '--seed', '3', '--as-of', AS_OF, '--only', store], { env: f.env });
        expect(r.code, r.stderr).toBe(0);
        return JSON.parse(r.stdout)[store] as { hash: string; counts: Record<string, number> };
      }),
    );
    STORES.forEach((store, i) => expect(seeded[store], store).toEqual(alone[i]));
    expect(seeded.stores).toEqual([...STORES]);
    expect(Object.keys(seeded.timings)).toEqual([...STORES]);
    // MongoDB's and S3's reported hashes are what is live (PostgreSQL's is the COPY text's: seed-hash.test.ts).
    const live = await contentHash(all.config);
    expect([live.mongo!.hash, live.s3!.hash]).toEqual([seeded.mongo.hash, seeded.s3.hash]);
  }, LONG);

  it('prints one row per store, in store order', async () => {
    const f = await migrated('rdbconc2');
    const r = await runCli(['seed', '--seed', '3', '--as-of', AS_OF], { env: f.env });
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => /^(postgres|mongo|s3)\s/.test(l));
    expect(rows.map((l) => l.split(/\s+/)[0])).toEqual([...STORES]);
    rows.forEach((l, i) => expect(l).toContain(seeded[STORES[i]].hash.slice(0, 16)));
  });
});

describe('a store failing mid-seed', () => {
  let f: { config: Config; env: NodeJS.ProcessEnv };
  const users = 2000;

  beforeAll(async () => {
    f = await migrated('rdbconcfail');
    // The first rows PostgreSQL loads fail: the other stores are barely started.
    const c = new Client({ connectionString: f.config.postgres!.url });
    await c.connect();
    try {
      await c.query(`CREATE FUNCTION recruit_db_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$`);
      await c.query('CREATE TRIGGER recruit_db_test_refuse BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION recruit_db_test_refuse()');
    } finally {
      await c.end();
    }
  }, LONG);

  it('stops the other stores, reports the failing store, and leaves every store unfinished until up redoes it', async () => {
    const r = await runCli(['seed', '--json', '--set', `users=${users}`], { env: f.env });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.error).toMatchObject({ store: 'postgres' });
    expect(out.error.message).toMatch(/refused by the test/);
    // Stopped at their next document or object, not run to the end.
    const full = await seedCounts({ seed: 1, overrides: { users } }, ['mongo', 's3'], 'array');
    const live = await contentHash(f.config, ['mongo', 's3']);
    const sum = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
    expect(sum(live.s3!.counts)).toBeLessThan(full.plan.s3!.units);
    expect(sum(live.mongo!.counts)).toBeLessThan(full.plan.mongo!.units);

    const status = await runCli(['status'], { env: f.env });
    expect(status.code).toBe(1);
    for (const store of STORES) expect(status.stderr).toMatch(new RegExp(`recruit-db: ${store}: a seed started at \\S+ \\(seed 1, profile small, as of \\d{4}-\\d{2}-\\d{2}\\) never finished`));

    const c = new Client({ connectionString: f.config.postgres!.url });
    await c.connect();
    await c.query('DROP TRIGGER recruit_db_test_refuse ON users; DROP FUNCTION recruit_db_test_refuse()').finally(() => c.end());
    const up = await runCli(['up'], { env: f.env });
    expect(up.code, up.stderr).toBe(0);
    for (const store of STORES) expect(up.stdout).toMatch(new RegExp(`^${store}\\s.*redid the seed started at \\S+ that never finished`, 'm'));
    expect((await runCli(['status'], { env: f.env })).code).toBe(0);
  }, LONG);
});
