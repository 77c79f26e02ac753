/**
 * bench:seed — PostgreSQL load rate of one profile (medium by default), all methods in the same run,
 * each on a fresh, migrated database, each in one transaction, each repeated (default 3 rounds,
 * methods interleaved per round), medians reported:
 *
 *   seeder        `runSeed(--only postgres)`, end to end as a user runs it: generation + COPY (foreign
 *                 keys and plain indexes dropped for the load, re-created before COPY commits).
 *   seederPlain   the same generation + COPY with every constraint and index in place during the load
 *                 (copyTables deferChecks: false), to show what the deferred checks buy.
 *   knexBatched   (a) knex batchInsert, 1000 rows per INSERT, one transaction. Each table's rows are
 *                 generated into memory BEFORE its timer starts: only inserting is timed.
 *   psqlCopy      (b) `psql -1 -f` running `\copy table FROM file CSV` per table. The CSV files are
 *                 written once beforehand (not timed): only loading is timed.
 *
 * The baselines therefore exclude generation and the seeder includes it. All load the same rows (one
 * generator, one seed). Prints JSON; BENCHMARKS.md "seed" holds the figures.
 *
 *   ts-node --transpile-only bench/seed/run.ts [profile] [rounds]
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory from 'knex';
import { Client } from 'pg';
import { loadConfig } from '../../src/config';
import { migratedPgDatabase } from '../../tests/helpers/stores';
import { runSeed } from '../../seeds/index';
import { Topology, shapeFor } from '../../seeds/topology';
import { genContext, liveTables } from '../../seeds/postgres';
import { copyTables, Json, JsonText, liveColumns } from '../../src/stores/postgres/seed';
import type { ProfileName } from '../../seeds/core';

const profile = (process.argv[2] ?? 'medium') as ProfileName;
const rounds = Number(process.argv[3] ?? 3);
// One as-of for every method and round, so all of them load the very same rows.
const BENCH_AS_OF = '2026-01-01';
const AS_OF_MS = Date.UTC(2026, 0, 1);

function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = v instanceof JsonText ? v.text : typeof v === 'object' ? JSON.stringify(v instanceof Json ? v.value : v) : typeof v === 'boolean' ? (v ? 't' : 'f') : String(v);
  return /[",\n\r]/.test(s) || s === '' ? `"${s.replace(/"/g, '""')}"` : s;
}
const knexValue = (v: unknown) => (v instanceof JsonText ? v.text : v instanceof Json ? JSON.stringify(v.value) : v !== null && typeof v === 'object' ? JSON.stringify(v) : v);

/** The optional (newer-schema) columns the migrated database has, probed once per run. */
let present: Set<string> = new Set();

interface Run {
  rows: number;
  seconds: number;
}

async function seeder(): Promise<Run> {
  const db = await migratedPgDatabase('rdbbench');
  try {
    const r = await runSeed(db.config, { profile, seed: 1, asOf: BENCH_AS_OF, only: ['postgres'] });
    return { rows: r.timings.postgres!.units, seconds: r.timings.postgres!.ms / 1000 };
  } finally {
    await db.drop();
  }
}

async function seederPlain(): Promise<Run> {
  const db = await migratedPgDatabase('rdbbench');
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    const t0 = process.hrtime.bigint();
    const ctx = genContext(new Topology(1, shapeFor(profile)), 'array', AS_OF_MS);
    const counts = await copyTables(client, liveTables(ctx, present), undefined, { deferChecks: false });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    return { rows: Object.values(counts).reduce((a, b) => a + b, 0), seconds };
  } finally {
    await client.end();
    await db.drop();
  }
}

async function knexBatched(): Promise<Run> {
  const db = await migratedPgDatabase('rdbbench');
  const knex = knexFactory({ client: 'pg', connection: db.url });
  let rows = 0;
  let ns = 0n;
  try {
    const ctx = genContext(new Topology(1, shapeFor(profile)), 'array', AS_OF_MS);
    await knex.transaction(async (trx) => {
      for (const spec of liveTables(ctx, present)) {
        const objects: Record<string, unknown>[] = [];
        for (const row of spec.rows) {
          const o: Record<string, unknown> = {};
          for (let i = 0; i < spec.columns.length; i++) o[spec.columns[i]] = knexValue(row[i]);
          objects.push(o);
        }
        const t0 = process.hrtime.bigint();
        await knex.batchInsert(spec.table, objects, 1000).transacting(trx);
        ns += process.hrtime.bigint() - t0;
        rows += objects.length;
      }
    });
    return { rows, seconds: Number(ns) / 1e9 };
  } finally {
    await knex.destroy();
    await db.drop();
  }
}

/** Writes every table as CSV (once per benchmark run) and the psql script that loads them. */
async function writeCsv(dir: string): Promise<{ rows: number; seconds: number; script: string }> {
  const t0 = process.hrtime.bigint();
  const ctx = genContext(new Topology(1, shapeFor(profile)), 'array', AS_OF_MS);
  const script: string[] = [];
  let rows = 0;
  for (const spec of liveTables(ctx, present)) {
    const file = join(dir, `${spec.table}.csv`);
    const ws = createWriteStream(file);
    let buf = '';
    for (const row of spec.rows) {
      let line = '';
      for (let i = 0; i < row.length; i++) line += (i ? ',' : '') + csvField(row[i]);
      buf += line + '\n';
      rows++;
      if (buf.length > 1 << 18) {
        if (!ws.write(buf)) await new Promise<void>((r) => ws.once('drain', () => r()));
        buf = '';
      }
    }
    ws.end(buf);
    await new Promise<void>((r) => ws.once('finish', () => r()));
    script.push(`\\copy "${spec.table}" (${spec.columns.map((c) => `"${c}"`).join(', ')}) FROM '${file}' WITH (FORMAT csv)`);
  }
  const path = join(dir, 'load.sql');
  writeFileSync(path, script.join('\n') + '\n');
  return { rows, seconds: Number(process.hrtime.bigint() - t0) / 1e9, script: path };
}

async function psqlCopy(script: string, rows: number): Promise<Run> {
  const db = await migratedPgDatabase('rdbbench');
  try {
    const t0 = process.hrtime.bigint();
    // -1: the whole script in one transaction, as the other methods.
    execFileSync('psql', ['-X', '-q', '-1', '-v', 'ON_ERROR_STOP=1', '-d', db.url, '-f', script], { stdio: ['ignore', 'ignore', 'inherit'] });
    return { rows, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
  } finally {
    await db.drop();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

(async () => {
  const probe = new Client({ connectionString: loadConfig().postgres!.url });
  await probe.connect();
  const version = (await probe.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0].v;
  await probe.end();
  const probeDb = await migratedPgDatabase('rdbbench');
  const probeClient = new Client({ connectionString: probeDb.url });
  await probeClient.connect();
  present = await liveColumns(probeClient, ['audit_logs']);
  await probeClient.end();
  await probeDb.drop();
  const dir = mkdtempSync(join(tmpdir(), 'rdb-bench-csv-'));
  try {
    const csv = await writeCsv(dir);
    const methods: Record<string, () => Promise<Run>> = { seeder, seederPlain, knexBatched, psqlCopy: () => psqlCopy(csv.script, csv.rows) };
    const runs: Record<string, Run[]> = {};
    for (let r = 0; r < rounds; r++) {
      for (const [name, fn] of Object.entries(methods)) {
        const run = await fn();
        (runs[name] ??= []).push(run);
        console.error(`round ${r + 1}/${rounds} ${name}: ${run.rows} rows in ${run.seconds.toFixed(2)} s`);
      }
    }
    const summary: Record<string, { rows: number; seconds: number[]; medianSeconds: number; rowsPerSecond: number }> = {};
    for (const [name, list] of Object.entries(runs)) {
      const m = median(list.map((x) => x.seconds));
      summary[name] = { rows: list[0].rows, seconds: list.map((x) => +x.seconds.toFixed(2)), medianSeconds: +m.toFixed(2), rowsPerSecond: Math.round(list[0].rows / m) };
    }
    const rate = (k: string) => summary[k].rowsPerSecond;
    console.log(
      JSON.stringify(
        {
          profile,
          rounds,
          date: new Date().toISOString(),
          machine: { cpu: cpus()[0]?.model, nproc: cpus().length, memoryGiB: +(totalmem() / 2 ** 30).toFixed(1), node: process.version, postgres: version },
          csvWrite: { rows: csv.rows, seconds: +csv.seconds.toFixed(2) },
          ...summary,
          seederOverKnex: +(rate('seeder') / rate('knexBatched')).toFixed(2),
          psqlOverSeeder: +(rate('psqlCopy') / rate('seeder')).toFixed(2),
          knexTimes10OverPsql: +((10 * rate('knexBatched')) / rate('psqlCopy')).toFixed(2),
        },
        null,
        2,
      ),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
