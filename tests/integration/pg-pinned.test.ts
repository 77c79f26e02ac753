/**
 * PostgreSQL migrations are snapshots: the SQL the first release's sixteen migrations send is pinned
 * here (a dry run on a fresh PostgreSQL 15 database: what `migrate --dry-run` prints), so a change to
 * a shared helper in src/stores/postgres/ddl.ts that would alter what an applied migration does
 * fails CI. New helpers (and new options of old ones) must leave these lines as they are.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresMigrator } from '../../src/stores/postgres/migrate';
import { baseConfig, freshPgDatabase } from '../helpers/stores';

let db: Awaited<ReturnType<typeof freshPgDatabase>>;
beforeAll(async () => {
  db = await freshPgDatabase('rdbpin');
});
afterAll(async () => {
  await db?.drop();
});

describe('first-release PostgreSQL migrations', () => {
  it('send exactly the pinned SQL (tests/integration/__pinned__/pg-first-release.sql)', async () => {
    const base = baseConfig();
    const m = await openPostgresMigrator({ ...base, env: 'test', postgres: { ...base.postgres!, url: db.url, database: db.database } });
    try {
      const r = await m.up({ dryRun: true, to: '0016_audit_logs_append_only' });
      await expect(r.plan!.join('\n') + '\n').toMatchFileSnapshot('__pinned__/pg-first-release.sql');
    } finally {
      await m.close();
    }
  });
});
