/**
 * bench:seed — PostgreSQL load rate of the medium profile: (1) the seeder (generation + COPY in one
 * transaction), (a) batched Knex inserts of the same rows (1000 per batch, one transaction), (b) psql
 * \copy of the same rows from CSV files written beforehand (loading only, one transaction). Each
 * on a fresh, migrated database. Prints JSON; BENCHMARKS.md "seed" holds the figures.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import knexFactory from 'knex';
import { loadConfig, type Config } from '../../src/config';
import { openMigrator } from '../../src/stores/migrator';
import { freshPgDatabase } from '../../tests/helpers/stores';
import { runSeed } from '../../seeds/index';
import { Topology, shapeFor } from '../../seeds/topology';
import { genContext, pgTables } from '../../seeds/postgres';
import { Json } from '../../src/stores/postgres/seed';

const profile = (process.argv[2] ?? 'medium') as 'medium';

async function freshMigrated(): Promise<{ config: Config; drop: () => Promise<void>; url: string }> {
  const db = await freshPgDatabase('rdbbench');
  const base = loadConfig();
  const config: Config = { ...base, env: 'test', postgres: { ...base.postgres!, url: db.url, database: db.database } };
  const m = await openMigrator('postgres', config);
  try { await m.up({}); } finally { await m.close(); }
  return { config, drop: db.drop, url: db.url };
}

function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v instanceof Json ? v.value : v) : typeof v === 'boolean' ? (v ? 't' : 'f') : String(v);
  return /[",\n\r]/.test(s) || s === '' ? `"${s.replace(/"/g, '""')}"` : s;
}
const knexValue = (v: unknown) => (v instanceof Json ? JSON.stringify(v.value) : v !== null && typeof v === 'object' ? JSON.stringify(v) : v);

(async () => {
  const out: Record<string, unknown> = { profile, date: new Date().toISOString(), cpu: cpus()[0]?.model, cores: cpus().length, node: process.version };
  // (1) the seeder
  {
    const db = await freshMigrated();
    const r = await runSeed(db.config, { profile, seed: 1, only: ['postgres'] });
    out.seeder = { rows: r.timings.postgres!.units, seconds: r.timings.postgres!.ms / 1000, rowsPerSecond: Math.round(r.timings.postgres!.units / (r.timings.postgres!.ms / 1000)) };
    await db.drop();
  }
  // (a) batched Knex inserts (generation included, as for the seeder)
  {
    const db = await freshMigrated();
    const knex = knexFactory({ client: 'pg', connection: db.url });
    const t0 = Date.now();
    let rows = 0;
    const ctx = genContext(new Topology(1, shapeFor(profile)), 'array');
    await knex.transaction(async (trx) => {
      for (const spec of pgTables()) {
        let batch: Record<string, unknown>[] = [];
        for (const row of spec.rows(ctx)) {
          batch.push(Object.fromEntries(spec.columns.map((c, i) => [c, knexValue(row[i])])));
          if (batch.length === 1000) { await trx(spec.table).insert(batch); rows += batch.length; batch = []; }
        }
        if (batch.length) { await trx(spec.table).insert(batch); rows += batch.length; }
      }
    });
    const s = (Date.now() - t0) / 1000;
    out.knexBatched = { rows, seconds: s, rowsPerSecond: Math.round(rows / s) };
    await knex.destroy();
    await db.drop();
  }
  // (b) psql \copy from CSV written beforehand
  {
    const db = await freshMigrated();
    const dir = mkdtempSync(join(tmpdir(), 'rdb-bench-csv-'));
    const ctx = genContext(new Topology(1, shapeFor(profile)), 'array');
    const script: string[] = ['BEGIN;'];
    let rows = 0;
    for (const spec of pgTables()) {
      const file = join(dir, `${spec.table}.csv`);
      const ws = createWriteStream(file);
      let buf = '';
      for (const row of spec.rows(ctx)) {
        buf += row.map(csvField).join(',') + '\n';
        rows++;
        if (buf.length > 1 << 16) { if (!ws.write(buf)) await new Promise<void>((r) => ws.once('drain', () => r())); buf = ''; }
      }
      ws.end(buf);
      await new Promise<void>((r) => ws.once('finish', () => r()));
      script.push(`\\copy "${spec.table}" (${spec.columns.map((c) => `"${c}"`).join(', ')}) FROM '${file}' WITH (FORMAT csv)`);
    }
    script.push('COMMIT;');
    writeFileSync(join(dir, 'load.sql'), script.join('\n'));
    const t0 = Date.now();
    execFileSync('psql', ['-v', 'ON_ERROR_STOP=1', '-q', '-d', db.url, '-f', join(dir, 'load.sql')], { stdio: ['ignore', 'ignore', 'inherit'] });
    const s = (Date.now() - t0) / 1000;
    out.psqlCopy = { rows, seconds: s, rowsPerSecond: Math.round(rows / s) };
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  }
  const seeder = out.seeder as { rowsPerSecond: number };
  out.speedupVsKnex = +(seeder.rowsPerSecond / (out.knexBatched as { rowsPerSecond: number }).rowsPerSecond).toFixed(2);
  out.ratioPsqlOverSeeder = +((out.psqlCopy as { rowsPerSecond: number }).rowsPerSecond / seeder.rowsPerSecond).toFixed(2);
  console.log(JSON.stringify(out, null, 2));
})().catch((e) => { console.error(e); process.exit(1); });
