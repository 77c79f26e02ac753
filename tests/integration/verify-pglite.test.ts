/**
 * A clean migrate verifies clean on PGlite (PostgreSQL 18 in WASM) with pgvector and without
 * btree_gist, the opposite variant of the machine's PostgreSQL 15 on both capabilities, through the
 * same path as `recruit-db verify` (runVerify: connect, introspect, the committed expected shape).
 */
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config';
import { openMigrator } from '../../src/stores/migrator';
import type { VerifyRun } from '../../src/verify/run';
import { runVerify } from '../../src/verify/run';
import { baseConfig } from '../helpers/stores';

let db: PGlite;
let server: PGLiteSocketServer;
let config: Config;

beforeAll(async () => {
  db = await PGlite.create({ extensions: { vector } });
  server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 8 });
  await server.start();
  const [host, port] = server.getServerConn().split(':');
  const base = baseConfig();
  config = { ...base, env: 'test', postgres: { url: `postgres://postgres@${host}:${port}/postgres`, host, port: Number(port), database: 'postgres', user: 'postgres' } };
  const m = await openMigrator('postgres', config);
  try {
    await m.up({});
  } finally {
    await m.close();
  }
});

afterAll(async () => {
  await server?.stop();
  await db?.close();
});

describe('verify on PGlite after a clean migrate', () => {
  let run: VerifyRun;
  beforeAll(async () => {
    run = await runVerify(config, { only: ['postgres'] });
  });

  it('is clean: no failure, no warning (pgvector is there), every documented table and enum ok', () => {
    const pg = run.reports.find((r) => r.store === 'postgres')!;
    expect(pg.items.filter((i) => i.status !== 'ok')).toEqual([]);
    expect(pg.totals.ok).toBe(50 + 21 + 1 + 1);
    expect(run.verdict.exitCode).toBe(0);
  });

  it('was compared in its own variant of the expected shape', () => {
    const pg = run.reports.find((r) => r.store === 'postgres')!;
    expect(pg.items.find((i) => i.kind === 'shape')?.detail).toMatch(/ definitions compared with .*migrations\/expected-shape\.txt \(without btree_gist, with pgvector\)$/);
    expect(pg.items.find((i) => i.kind === 'embedding')).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^pgvector /) });
  });

  it('and a change made there is caught the same way', async () => {
    await db.exec('ALTER TABLE job_embeddings DROP CONSTRAINT job_embeddings_job_id_unique');
    const again = await runVerify(config, { only: ['postgres'] });
    const pg = again.reports.find((r) => r.store === 'postgres')!;
    expect(pg.items.filter((i) => i.status !== 'ok').map((i) => [i.kind, i.name, i.status, i.expected])).toEqual([['constraint', 'job_embeddings.job_embeddings_job_id_unique', 'missing', 'UNIQUE (job_id)']]);
  });
});
