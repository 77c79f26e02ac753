/**
 * Generation-only timing: every PostgreSQL table of a profile generated and serialised to COPY text
 * (no database), with a sha256 per table so a generator change can be checked for byte-identical
 * output. Reports wall time and CPU time (user + system of this process): on a shared machine the
 * wall time moves with the load, the CPU time much less. `--rounds n` repeats the whole profile in
 * one process (fresh world each time) and reports each round, so JIT warm-up is visible.
 * `--dist ROOT` runs the compiled code under ROOT/dist (what `recruit-db seed` runs; ROOT may be an
 * export of another commit, built, for an A/B in the same run) instead of the sources through ts-node.
 * `ts-node --transpile-only bench/seed/gen.ts medium [--rounds 3] [--json] [--dist .]`.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';

type Modules = [typeof import('../../seeds/topology'), typeof import('../../seeds/postgres'), typeof import('../../src/stores/postgres/seed')];
const distAt = process.argv.indexOf('--dist');
const from = (rel: string) => (distAt > 0 ? resolve(process.argv[distAt + 1], 'dist', rel) : resolve(__dirname, '../..', rel));
/* eslint-disable @typescript-eslint/no-require-imports */
const [{ Topology, shapeFor }, { genContext, pgTables }, { copyLine, copyKinds }] = [require(from('seeds/topology')), require(from('seeds/postgres')), require(from('src/stores/postgres/seed'))] as Modules;

const profile = (process.argv[2] ?? 'medium') as 'small' | 'medium' | 'large';
const roundsAt = process.argv.indexOf('--rounds');
const rounds = roundsAt > 0 ? Number(process.argv[roundsAt + 1]) : 1;
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function round() {
  const t0 = process.hrtime.bigint();
  const c0 = cpuMs();
  const ctx = genContext(new Topology(1, shapeFor(profile)), 'array', Date.UTC(2026, 0, 1));
  const setupMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const setupCpuMs = cpuMs() - c0;
  const tables: Array<{ table: string; rows: number; ms: number; cpuMs: number; usPerRow: number; bytes: number; sha: string }> = [];
  let total = 0;
  let totalMs = 0;
  let totalCpu = 0;
  for (const spec of pgTables()) {
    const h = createHash('sha256');
    const s = process.hrtime.bigint();
    const cs = cpuMs();
    let n = 0;
    let bytes = 0;
    let buf = '';
    // As the seeder does (Generator.run); an older build (--dist) has no copyKinds and ignores it.
    const kinds = copyKinds?.([...spec.columns, ...(spec.optional ?? [])]);
    for (const row of spec.rows(ctx)) {
      buf += copyLine(row, kinds);
      n++;
      if (buf.length >= 1 << 16) {
        h.update(buf);
        bytes += buf.length;
        buf = '';
      }
    }
    h.update(buf);
    bytes += buf.length;
    const ms = Number(process.hrtime.bigint() - s) / 1e6;
    const cpu = cpuMs() - cs;
    tables.push({ table: spec.table, rows: n, ms: +ms.toFixed(1), cpuMs: +cpu.toFixed(1), usPerRow: +((cpu * 1000) / Math.max(1, n)).toFixed(2), bytes, sha: h.digest('hex').slice(0, 16) });
    total += n;
    totalMs += ms;
    totalCpu += cpu;
  }
  const all = createHash('sha256');
  for (const t of tables) all.update(`${t.table}:${t.sha}\n`);
  const summary = {
    profile,
    rows: total,
    setupMs: +setupMs.toFixed(0),
    setupCpuMs: +setupCpuMs.toFixed(0),
    genMs: +totalMs.toFixed(0),
    genCpuMs: +totalCpu.toFixed(0),
    usPerRow: +((totalMs * 1000) / total).toFixed(2),
    cpuUsPerRow: +((totalCpu * 1000) / total).toFixed(2),
    rowsPerSecond: Math.round(total / (totalMs / 1000)),
    hash: all.digest('hex').slice(0, 16),
  };
  return { summary, tables };
}

const results = Array.from({ length: rounds }, round);
const last = results[results.length - 1];
if (process.argv.includes('--json')) console.log(JSON.stringify(rounds === 1 ? last : { rounds: results.map((r) => r.summary), tables: last.tables }, null, 2));
else {
  for (const t of [...last.tables].sort((a, b) => b.cpuMs - a.cpuMs)) console.log(`${t.table.padEnd(30)} ${String(t.rows).padStart(8)} rows ${t.ms.toFixed(0).padStart(7)} ms ${t.cpuMs.toFixed(0).padStart(7)} cpu ms ${t.usPerRow.toFixed(2).padStart(8)} cpu µs/row  ${t.sha}`);
  for (const r of results) console.log(JSON.stringify(r.summary));
}
