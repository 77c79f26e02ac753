/**
 * bench:seed — the PostgreSQL load of one profile (medium by default) against psql in the same run.
 * Every method loads the same rows (one generator, seed 1) into a fresh, migrated database, in one
 * transaction; the methods of a round run in rotated order; medians over the rounds.
 *
 *   seeder     `recruit-db seed --only postgres --json` (this build): the load phase it reports
 *              (timings.postgres: generation + COPY + keys), and the whole process beside it.
 *   before     the same command from BENCH_BEFORE=<another built checkout> (e.g. main), if given.
 *   psqlSame   `psql -1 -f`: drop the keys and indexes the seeder defers for this load, `\copy` every
 *              table from CSV, re-create them: the seeder's own strategy, without generation.
 *   psqlPlain  `psql -1 -f`: `\copy` every table with every key and index in place.
 *
 * The CSV files are written once beforehand (not timed). Targets (issue 18.4): medium, the seeder at
 * least 0.8x the speed of psqlSame; small, within 2x of psqlPlain. Writes the "seed: PostgreSQL
 * load" section of BENCHMARKS.md.
 *
 *   npm run build && npm run bench:seed [-- small|medium [rounds]]   # BENCH_BEFORE=/path
 */
import { createWriteStream, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '../../src/config';
import { deferrableKeys, Json, JsonText, liveColumns, tablesToDefer, type CopyTable } from '../../src/stores/postgres/seed';
import type { ProfileName } from '../../seeds/core';
import { genContext, liveTables, pgTables } from '../../seeds/postgres';
import { Topology, shapeFor } from '../../seeds/topology';
import { cliEnv, migratedPgDatabase } from '../../tests/helpers/stores';
import { REPO, list, load1, machineLine, median, rotated, timeOk, writeSection } from '../lib';

const profile = (process.argv[2] ?? 'medium') as ProfileName;
const rounds = Number(process.argv[3] ?? 3);
const BEFORE = process.env.BENCH_BEFORE;
// One as-of for every method and round, so all of them load the very same rows.
const BENCH_AS_OF = '2026-01-01';
const AS_OF_MS = Date.UTC(2026, 0, 1);

function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = v instanceof JsonText ? v.text : typeof v === 'object' ? JSON.stringify(v instanceof Json ? v.value : v) : typeof v === 'boolean' ? (v ? 't' : 'f') : String(v);
  return /[",\n\r]/.test(s) || s === '' ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The optional (newer-schema) columns the migrated database has, probed once per run. */
let present: Set<string> = new Set();

const specs = (): CopyTable[] => {
  const ctx = genContext(new Topology(1, shapeFor(profile)), 'array', AS_OF_MS);
  return liveTables(ctx, present).map((t, i) => ({ ...t, expectedRows: pgTables()[i].count(ctx) }));
};

/** Every table as CSV, once per benchmark run; returns the `\copy` lines and the row count. */
async function writeCsv(dir: string): Promise<{ rows: number; copies: string[] }> {
  const copies: string[] = [];
  let rows = 0;
  for (const spec of specs()) {
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
    copies.push(`\\copy "${spec.table}" (${spec.columns.map((c) => `"${c}"`).join(', ')}) FROM '${file}' WITH (FORMAT csv)`);
  }
  return { rows, copies };
}

/** The seeder's strategy as a psql script: the same drops, the loads, the same re-creations. */
async function sameStrategyScript(dir: string, copies: string[], rows: number): Promise<{ path: string; deferred: number; statements: number }> {
  const db = await migratedPgDatabase('rdbbench');
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    const deferred = tablesToDefer(specs(), { expectedTotal: rows });
    const plan = [...(await deferrableKeys(client, deferred)).values()];
    const drops = plan.flatMap((d) => d.drop);
    const creates = [...plan.flatMap((d) => d.indexes), ...plan.flatMap((d) => d.foreignKeys.map((k) => k.sql))];
    const path = join(dir, 'same.sql');
    writeFileSync(path, [...drops.map((s) => `${s};`), ...copies, ...creates.map((s) => `${s};`)].join('\n') + '\n');
    return { path, deferred: deferred.length, statements: drops.length + creates.length };
  } finally {
    await client.end();
    await db.drop();
  }
}

interface Run {
  /** The load itself, in ms. */
  ms: number;
  /** The whole process, in ms. */
  wallMs: number;
}

async function seeder(root: string): Promise<Run> {
  const db = await migratedPgDatabase('rdbbench');
  try {
    const t = await timeOk(process.execPath, [join(root, 'bin/recruit-db'), 'seed', '--profile', profile, '--seed', '1', '--as-of', BENCH_AS_OF, '--only', 'postgres', '--json'], { env: cliEnv({ DATABASE_URL: db.url }) });
    return { ms: JSON.parse(t.stdout).timings.postgres.ms, wallMs: t.ms };
  } finally {
    await db.drop();
  }
}

async function psql(script: string): Promise<Run> {
  const db = await migratedPgDatabase('rdbbench');
  try {
    const t = await timeOk('psql', ['-X', '-q', '-1', '-v', 'ON_ERROR_STOP=1', '-d', db.url, '-f', script]);
    return { ms: t.ms, wallMs: t.ms };
  } finally {
    await db.drop();
  }
}

(async () => {
  if (!existsSync(join(REPO, 'dist/src/cli/main.js'))) throw new Error('run `npm run build` first');
  const probe = new Client({ connectionString: loadConfig({}, process.env, REPO).postgres!.url });
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
  const loadStart = load1();
  try {
    const csv = await writeCsv(dir);
    const plain = join(dir, 'plain.sql');
    writeFileSync(plain, csv.copies.join('\n') + '\n');
    const same = await sameStrategyScript(dir, csv.copies, csv.rows);
    const methods: Array<[string, () => Promise<Run>]> = [
      ['seeder', () => seeder(REPO)],
      ['psqlSame', () => psql(same.path)],
      ['psqlPlain', () => psql(plain)],
      ...(BEFORE ? [['before', () => seeder(BEFORE)] as [string, () => Promise<Run>]] : []),
    ];
    const runs: Record<string, Run[]> = {};
    for (let r = 0; r < rounds; r++) {
      for (const [name, fn] of rotated(methods, r)) {
        const run = await fn();
        (runs[name] ??= []).push(run);
        process.stderr.write(`round ${r + 1}/${rounds} ${name}: ${(run.ms / 1000).toFixed(2)} s${run.wallMs !== run.ms ? ` (process ${(run.wallMs / 1000).toFixed(2)} s)` : ''}\n`);
      }
    }
    const m = (k: string) => median(runs[k].map((x) => x.ms));
    const rate = (k: string) => Math.round(csv.rows / (m(k) / 1000));
    const speedVsSame = m('psqlSame') / m('seeder');
    const vsPlain = m('seeder') / m('psqlPlain');
    const row = (what: string, k: string) => `| ${what} | ${list(runs[k].map((x) => x.ms / 1000), 2)} | ${(m(k) / 1000).toFixed(2)} | ${rate(k).toLocaleString('en-US')} |`;
    const targets =
      profile === 'small'
        ? `- seeder / psqlPlain: **${vsPlain.toFixed(2)}x** the time — target (small) within 2x: ${vsPlain <= 2 ? 'met' : '**not met**'}.`
        : `- seeder speed / psqlSame speed: **${speedVsSame.toFixed(2)}x** — target (medium) at least 0.8x: ${speedVsSame >= 0.8 ? 'met' : '**not met**'}.`;
    const body = `
### ${profile} profile (${csv.rows.toLocaleString('en-US')} rows in 50 tables, seed 1)

${rounds} rounds, methods in rotated order, each on a fresh migrated database, each one transaction;
medians. The machine was shared with other engineers' work (load average ${loadStart} at the start, ${load1()} at the end).

| method | runs (s) | median s | rows/s |
| --- | --- | ---: | ---: |
${row('seeder: `recruit-db seed --only postgres`, load phase (generation + COPY + keys)', 'seeder')}
| seeder, whole process (start-up, checks, connection) | ${list(runs.seeder.map((x) => x.wallMs / 1000), 2)} | ${(median(runs.seeder.map((x) => x.wallMs)) / 1000).toFixed(2)} | |
${BEFORE ? `${row('before this change (main), load phase', 'before')}\n` : ''}${row(`psqlSame: psql, the seeder's strategy (${same.deferred} tables deferred: ${same.statements} drop/re-create statements), CSV pre-written`, 'psqlSame')}
${row('psqlPlain: psql `\\copy`, every key live, CSV pre-written', 'psqlPlain')}

${targets}
- ${profile === 'small' ? `seeder speed / psqlSame speed: ${speedVsSame.toFixed(2)}x` : `seeder / psqlPlain: ${vsPlain.toFixed(2)}x the time`}${BEFORE ? `; before this change: ${(m('before') / 1000).toFixed(2)} s, ${(m('before') / m('seeder')).toFixed(2)}x the seeder's time now` : ''}.

Machine: ${machineLine(`PostgreSQL ${version} on loopback (fsync off, synchronous_commit off)`)}.
Date: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}. Reproduce: \`npm run build && npm run bench:seed -- ${profile} ${rounds}\`${BEFORE ? ' (BENCH_BEFORE=dir)' : ''}.
`;
    process.stdout.write(body);
    if (process.env.BENCH_WRITE !== '0') writeSection(`seed: PostgreSQL load, ${profile}`, body.replace(/^\n### [^\n]*\n/, ''));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
})().catch((e) => {
  process.stderr.write(`bench:seed: ${(e as Error).message}\n`);
  process.exit(1);
});
