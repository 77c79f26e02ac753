/**
 * Generation-only timing: every PostgreSQL table of a profile generated and serialised to COPY text
 * (no database), with a sha256 per table so a generator change can be checked for byte-identical
 * output. `ts-node --transpile-only bench/seed/gen.ts medium [--json]`.
 */
import { createHash } from 'node:crypto';
import { Topology, shapeFor } from '../../seeds/topology';
import { genContext, pgTables } from '../../seeds/postgres';
import { copyLine } from '../../src/stores/postgres/seed';

const profile = (process.argv[2] ?? 'medium') as 'small' | 'medium' | 'large';
const t0 = process.hrtime.bigint();
const ctx = genContext(new Topology(1, shapeFor(profile)), 'array', Date.UTC(2026, 0, 1));
const setupMs = Number(process.hrtime.bigint() - t0) / 1e6;
const tables: Array<{ table: string; rows: number; ms: number; usPerRow: number; bytes: number; sha: string }> = [];
let total = 0;
let totalMs = 0;
for (const spec of pgTables()) {
  const h = createHash('sha256');
  const s = process.hrtime.bigint();
  let n = 0;
  let bytes = 0;
  let buf = '';
  for (const row of spec.rows(ctx)) {
    buf += copyLine(row);
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
  tables.push({ table: spec.table, rows: n, ms: +ms.toFixed(1), usPerRow: +((ms * 1000) / Math.max(1, n)).toFixed(2), bytes, sha: h.digest('hex').slice(0, 16) });
  total += n;
  totalMs += ms;
}
const all = createHash('sha256');
for (const t of tables) all.update(`${t.table}:${t.sha}\n`);
const summary = { profile, rows: total, setupMs: +setupMs.toFixed(0), genMs: +totalMs.toFixed(0), usPerRow: +((totalMs * 1000) / total).toFixed(2), rowsPerSecond: Math.round(total / (totalMs / 1000)), hash: all.digest('hex').slice(0, 16) };
if (process.argv.includes('--json')) console.log(JSON.stringify({ summary, tables }, null, 2));
else {
  for (const t of [...tables].sort((a, b) => b.ms - a.ms)) console.log(`${t.table.padEnd(30)} ${String(t.rows).padStart(8)} rows ${t.ms.toFixed(0).padStart(7)} ms ${t.usPerRow.toFixed(2).padStart(8)} µs/row  ${t.sha}`);
  console.log(JSON.stringify(summary));
}
