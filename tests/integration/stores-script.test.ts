/**
 * Issue 12.9: scripts/stores.sh runs the project's own PostgreSQL cluster (its own data directory
 * and port) with its settings applied to it alone, and in effect (reloaded/restarted), never
 * editing a system cluster's configuration. Before, it appended fsync = off & co. to the system
 * cluster's postgresql.conf and never reloaded it.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { describe, expect, it } from 'vitest';
import { parseDotenv } from '../../src/config';
import { REPO, runProcess } from '../helpers/cli';

const SYSTEM_CONF = '/etc/postgresql/15/main/postgresql.conf';
const digest = (path: string) => (existsSync(path) ? createHash('sha256').update(readFileSync(path)).digest('hex') : 'absent');

describe('scripts/stores.sh start', () => {
  it("runs its own cluster with its settings in effect, and leaves the system cluster's configuration alone", async () => {
    const before = digest(SYSTEM_CONF);
    const envFile = join(mkdtempSync(join(tmpdir(), 'rdb-stores-')), 'stores.env');
    const r = await runProcess('bash', ['scripts/stores.sh', 'start'], { cwd: REPO, env: { ...process.env, RECRUIT_DB_ENV_FILE: envFile }, timeoutMs: 280_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(digest(SYSTEM_CONF)).toBe(before);

    const url = parseDotenv(readFileSync(envFile, 'utf8')).DATABASE_URL;
    expect(new URL(url).port).not.toBe('5432');
    const c = new Client({ connectionString: url });
    await c.connect();
    try {
      const names = `('fsync', 'full_page_writes', 'synchronous_commit', 'max_connections', 'listen_addresses')`;
      const rows = (await c.query<{ name: string; setting: string; source: string }>(`SELECT name, setting, source FROM pg_settings WHERE name IN ${names} ORDER BY name`)).rows;
      expect(Object.fromEntries(rows.map((x) => [x.name, x.setting]))).toEqual({ fsync: 'off', full_page_writes: 'off', listen_addresses: '127.0.0.1', max_connections: '200', synchronous_commit: 'off' });
      for (const row of rows) expect(row.source, row.name).toBe('configuration file');
      // In effect from the file the script wrote for this cluster (sourcefile is for superusers only: peer auth).
      const port = new URL(url).port;
      const files =
        process.getuid?.() === 0
          ? spawnSync('runuser', ['-u', 'postgres', '--', 'psql', '-p', port, '-d', 'postgres', '-tAc', `SELECT DISTINCT sourcefile FROM pg_settings WHERE name IN ${names}`], { encoding: 'utf8' }).stdout.trim()
          : (await c.query<{ f: string }>(`SELECT DISTINCT sourcefile AS f FROM pg_settings WHERE name IN ${names}`)).rows.map((x) => x.f).join('\n');
      expect(files).toMatch(/^(\/etc\/postgresql\/15\/recruitdb\/conf\.d|.*\/pg-data)\/recruit-db\.conf$/);
    } finally {
      await c.end();
    }

    // Idempotent: a second start changes nothing and restarts nothing.
    const again = await runProcess('bash', ['scripts/stores.sh', 'start'], { cwd: REPO, env: { ...process.env, RECRUIT_DB_ENV_FILE: envFile }, timeoutMs: 120_000 });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(/restarting|creating|starting PostgreSQL/);
  });

  it('the README says it needs root and what a non-root user does instead', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    expect(readme).toMatch(/needs root/);
    expect(readme).toMatch(/non-root/i);
  });
});
