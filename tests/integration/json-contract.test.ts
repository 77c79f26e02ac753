/**
 * Issue 12.5: one JSON contract. Every command under --json prints exactly one envelope on stdout,
 * on success and on failure (exit 2 included, commander's own usage errors included):
 * `{version, command, ok, exitCode, ...}`, and on failure `error: {store, code, message, hint}`.
 * The shapes are documented in docs/json.md. Before, seed/up/reset printed nothing on exit 2 and
 * there were six different top-level shapes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPool, uniquePool } from '../helpers/ci';
import { runCli, type CliResult } from '../helpers/cli';
import { freshStores } from '../helpers/stores';

let env: NodeJS.ProcessEnv;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ env, cleanup } = await freshStores('rdbjson'));
});
afterAll(async () => cleanup?.());

/** The envelope, checked field by field; returns it for command-specific checks. */
function envelope(r: CliResult, command: string | null): Record<string, unknown> {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(r.stdout);
  } catch {
    throw new Error(`${command}: stdout is not one JSON document (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
  expect(doc.version, command ?? '').toBe(1);
  expect(doc.command, command ?? '').toBe(command);
  expect(doc.exitCode, `${command}: ${r.stderr}`).toBe(r.code);
  expect(doc.ok).toBe(r.code === 0);
  if (r.code === 0) {
    expect(doc.error, command ?? '').toBeUndefined();
  } else {
    const error = doc.error as Record<string, unknown>;
    expect(Object.keys(error ?? {}).sort(), `${command}: ${r.stdout}`).toEqual(['code', 'hint', 'message', 'store']);
    expect(typeof error.code).toBe('string');
    expect(typeof error.message).toBe('string');
    expect(error.store === null || ['postgres', 'mongo', 's3'].includes(error.store as string)).toBe(true);
    expect(error.hint === null || typeof error.hint === 'string').toBe(true);
    // The stderr line says the same thing.
    expect(r.stderr).toContain(String(error.message));
  }
  return doc;
}

const json = (args: string[], extra: Record<string, string | undefined> = {}) => runCli([...args, '--json'], { env: { ...env, ...extra } });

describe('every command, on success, prints the envelope with its result', () => {
  it('in the order a user would run them', async () => {
    const doctor = envelope(await json(['doctor']), 'doctor');
    expect(doctor.usable).toBe(true);

    const migrate = envelope(await json(['migrate']), 'migrate');
    expect(typeof migrate.runId).toBe('string');
    expect((migrate.stores as Array<{ store: string }>).map((s) => s.store)).toEqual(['postgres', 'mongo', 's3']);

    const status = envelope(await json(['status']), 'status');
    expect((status.stores as Array<{ result: { meta: { env: string } } }>).every((s) => s.result.meta.env === 'test')).toBe(true);

    envelope(await json(['s3', 'bootstrap']), 's3 bootstrap');
    const s3status = envelope(await json(['s3', 'status']), 's3 status');
    expect(s3status.tags).toMatchObject({ app: 'recruit-db', env: 'test' });

    const seedPlan = envelope(await json(['seed', '--dry-run']), 'seed');
    expect(seedPlan.dryRun).toBe(true);
    const seed = envelope(await json(['seed', '--seed', '3']), 'seed');
    expect(seed.seed).toBe(3);

    const verify = envelope(await json(['verify']), 'verify');
    expect(verify).toMatchObject({ clean: false, strict: false });

    const up = envelope(await json(['up']), 'up');
    expect(up.verify).toMatchObject({ exitCode: 0 });

    const rollback = envelope(await json(['rollback', '--steps', '1']), 'rollback');
    expect((rollback.stores as Array<{ result: { done: string[] } }>).map((s) => s.result.done.length)).toEqual([1, 1]);

    const reset = envelope(await json(['reset', '--yes']), 'reset');
    expect((reset.dropped as Array<{ store: string }>).map((d) => d.store)).toEqual(['postgres', 'mongo', 's3']);

    const dir = mkdtempSync(join(tmpdir(), 'rdb-json-make-'));
    writeFileSync(join(dir, '0001_first.ts'), 'export {};\n');
    const make = envelope(await json(['make', 'add_thing', '--migrations-dir', dir]), 'make');
    expect(make).toMatchObject({ store: 'postgres', name: '0002_add_thing.ts' });
  });

  it('schema dump and docs', async () => {
    const dump = envelope(await json(['schema', 'dump', '--check', '--only', 's3']), 'schema dump');
    expect(dump).toMatchObject({ check: true, stores: [{ store: 's3', changed: false, written: false }] });
    const docs = envelope(await json(['docs', '--check']), 'docs');
    expect(docs).toMatchObject({ clean: true, source: 'committed expected shape' });
  });

  describe('ci', () => {
    const pool = uniquePool('json');
    afterAll(async () => dropPool(pool, { stores: ['postgres'], seed: false }));

    it('warm, acquire, status, release, gc', async () => {
      const ci = (args: string[]) => json(['ci', ...args, '--pool', pool, '--only', 'postgres', '--no-seed']);
      const warm = envelope(await ci(['warm', '--size', '1']), 'ci warm');
      expect(warm).toMatchObject({ pool, size: 1, available: 1, template: { built: true } });
      const acquire = envelope(await ci(['acquire', '--no-refill']), 'ci acquire');
      expect(acquire).toMatchObject({ pool, warm: true, stores: ['postgres'] });
      const status = envelope(await ci(['status']), 'ci status');
      expect((status.stacks as Array<{ id: string; state: string }>).find((x) => x.id === acquire.lease)).toMatchObject({ state: 'leased' });
      const release = envelope(await json(['ci', 'release', String(acquire.lease)]), 'ci release');
      expect(release.lease).toBe(acquire.lease);
      const gc = envelope(await ci(['gc', '--all']), 'ci gc');
      expect(gc).toMatchObject({ pool, kept: [] });
    });
  });
});

describe('every command, on failure, prints the envelope with the error', () => {
  const refused = { DATABASE_URL: 'postgres://u:pw@127.0.0.1:1/db', MONGODB_URI: 'mongodb://u:pw@127.0.0.1:1/db', AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:1' };
  const cases: Array<[string, string[], Record<string, string>, RegExp]> = [
    ['doctor', ['doctor', '--only', 'postgres'], refused, /connection refused/],
    ['migrate', ['migrate'], { S3_BUCKET: 'Bad_Bucket' }, /invalid bucket name/],
    ['rollback', ['rollback', '--only', 's3'], {}, /refusing to roll back s3/],
    ['status', ['status', '--only', 'mongo'], refused, /connection refused/],
    ['make', ['make', 'Not-Snake'], {}, /not snake_case/],
    ['seed', ['seed', '--profile', 'huge'], {}, /unknown profile/],
    ['s3 bootstrap', ['s3', 'bootstrap'], { S3_BUCKET: 'Bad_Bucket' }, /invalid bucket name/],
    ['s3 status', ['s3', 'status'], { RECRUIT_DB_WEB_ORIGINS: 'not-an-origin' }, /is not an origin/],
    ['verify', ['verify', '--summary', '/nonexistent/summary.md'], {}, /not found/],
    ['up', ['up', '--profile', 'huge'], {}, /unknown profile/],
    ['reset', ['reset', '--yes'], { RECRUIT_DB_ENV: 'production' }, /refusing to reset/],
    ['schema dump', ['schema', 'dump', '--check'], { RECRUIT_DB_ENV: 'production' }, /refusing to dump expected shapes against production/],
    ['schema snapshot', ['schema', 'snapshot', '--check'], { RECRUIT_DB_ENV: 'production' }, /refusing to make a schema snapshot against production/],
    ['docs', ['docs', '--live'], refused, /connection refused/],
    ['ci warm', ['ci', 'warm', '--size', '1'], { RECRUIT_DB_ENV: 'production' }, /refusing to run CI stacks against production/],
    ['ci acquire', ['ci', 'acquire', '--lease', 'soon'], {}, /--lease must be a duration/],
    ['ci release', ['ci', 'release', 'abcdefghij'], {}, /no CI stack with lease id abcdefghij/],
    ['ci gc', ['ci', 'gc', '--max-idle', 'forever'], {}, /--max-idle must be a duration/],
    ['ci status', ['ci', 'status'], refused, /connection refused/],
  ];
  it.each(cases)('%s', async (command, args, extra, message) => {
    const r = await json(args, extra);
    expect(r.code, r.stderr).toBe(2);
    const doc = envelope(r, command);
    expect((doc.error as { message: string }).message).toMatch(message);
  });

  it("commander's own usage errors too, naming the command when there is one", async () => {
    const bad = await json(['migrate', '--bogus']);
    expect(bad.code).toBe(2);
    expect((envelope(bad, 'migrate').error as { code: string }).code).toBe('usage');
    const unknown = await json(['frobnicate']);
    expect(unknown.code).toBe(2);
    envelope(unknown, null);
    const badOnly = await json(['seed', '--only', 'mysql']);
    expect((envelope(badOnly, 'seed').error as { message: string }).message).toMatch(/unknown store "mysql"/);
  });
});
