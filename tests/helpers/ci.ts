import { randomBytes } from 'node:crypto';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { Client } from 'pg';
import type { Config } from '../../src/config';
import { openPool, type PoolOptions } from '../../src/ci';
import { CONTROL_DB, pgUrlWithDatabase } from '../../src/ci/names';
import { createS3Client } from '../../src/stores/s3/connect';
import { baseConfig } from './stores';

/** The shared stores, as a test target. */
export function ciConfig(): Config {
  return { ...baseConfig(), env: 'test' };
}

/** A pool of its own per test file: pools never see each other's templates, stacks or gc. */
export function uniquePool(prefix = 't'): string {
  return `${prefix}${Date.now().toString(36)}${randomBytes(2).toString('hex')}`.slice(0, 16);
}

/** Every object on the three servers named like the pool's (with a record or not). */
export async function namesOnServers(pool: string, config = ciConfig()): Promise<string[]> {
  const out: string[] = [];
  const pg = new Client({ connectionString: config.postgres!.url });
  await pg.connect();
  try {
    const r = await pg.query('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [`rdbci_${pool}_`]);
    out.push(...r.rows.map((x) => `postgres ${x.datname}`));
  } finally {
    await pg.end();
  }
  const { MongoClient } = await import('mongodb');
  const mongo = new MongoClient(config.mongo!.uri);
  try {
    const r = await mongo.db('admin').command({ listDatabases: 1, nameOnly: true });
    out.push(...(r.databases as Array<{ name: string }>).map((d) => d.name).filter((n) => n.startsWith(`rdbci_${pool}_`)).map((n) => `mongo ${n}`));
  } finally {
    await mongo.close();
  }
  const s3 = createS3Client(config.s3!, 10_000);
  try {
    const r = await s3.send(new ListBucketsCommand({}));
    out.push(...(r.Buckets ?? []).map((b) => b.Name!).filter((n) => n.startsWith(`rdbci-${pool}-`)).map((n) => `s3 ${n}`));
  } finally {
    s3.destroy();
  }
  return out.sort();
}

/** The pool's records in the control database. */
export async function poolRecords(pool: string, config = ciConfig()): Promise<{ templates: Array<Record<string, unknown>>; stacks: Array<Record<string, unknown>> }> {
  const pg = new Client({ connectionString: pgUrlWithDatabase(config.postgres!.url, CONTROL_DB) });
  await pg.connect();
  try {
    const templates = (await pg.query('SELECT * FROM recruit_db_ci_templates WHERE pool = $1', [pool])).rows;
    const stacks = (await pg.query('SELECT * FROM recruit_db_ci_stacks WHERE pool = $1', [pool])).rows;
    return { templates, stacks };
  } catch (err) {
    if ((err as { code?: string }).code === '3D000') return { templates: [], stacks: [] };
    throw err;
  } finally {
    await pg.end();
  }
}

/** Test teardown: every stack of the pool released, then everything else collected. */
export async function dropPool(pool: string, opts: PoolOptions = {}, config = ciConfig()): Promise<void> {
  const p = await openPool(config, { ...opts, pool, refill: false });
  try {
    for (const s of (await p.status()).stacks) if (s.state === 'leased') await p.release(s.id).catch(() => undefined);
    await p.control.query(`UPDATE recruit_db_ci_stacks SET lease_until = now() - interval '1 second' WHERE pool = $1 AND state <> 'ready'`, [pool]);
    const { gcPool } = await import('../../src/ci/gc');
    await gcPool(p, { all: true });
  } finally {
    await p.close({ release: false });
  }
}
