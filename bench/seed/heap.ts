/**
 * Generation-only memory: the profile's world built, every PostgreSQL table's rows (and, with
 * `--mongo`, every MongoDB collection's documents) generated and serialised without a store, with
 * the retained heap after each table (after a full GC) and the world's memo tables at the end, so the
 * tables that hold memory show without a 9-minute seed. Peak RSS: run it under `/usr/bin/time -v`.
 *   node --expose-gc -r ts-node/register/transpile-only bench/seed/heap.ts large [--mongo] [--snapshot]
 */
import { writeHeapSnapshot } from 'node:v8';
import { Topology, shapeFor } from '../../seeds/topology';
import { genContext, pgTables } from '../../seeds/postgres';
import { mongoCollections } from '../../seeds/mongo';
import { copyLine } from '../../src/stores/postgres/seed';

const profile = (process.argv[2] ?? 'large') as 'small' | 'medium' | 'large';
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const mb = (n: number) => Math.round(n / 1048576);
const heap = () => {
  gc();
  return mb(process.memoryUsage().heapUsed);
};

const t0 = Date.now();
console.log(`start heap ${heap()} MB`);
const ctx = genContext(new Topology(1, shapeFor(profile)), 'array', Date.UTC(2026, 0, 1));
console.log(`world heap ${heap()} MB`);
let peakHeap = 0;
const line = (name: string, n: number) => {
  const h = heap();
  peakHeap = Math.max(peakHeap, h);
  console.log(`${name.padEnd(32)} ${String(n).padStart(9)} rows  heap ${String(h).padStart(4)} MB  rss ${mb(process.memoryUsage().rss)} MB  ${((Date.now() - t0) / 1000).toFixed(0)} s`);
};
for (const spec of pgTables()) {
  let n = 0;
  let bytes = 0;
  for (const row of spec.rows(ctx)) {
    bytes += copyLine(row).length;
    n++;
  }
  line(spec.table, n);
}
if (process.argv.includes('--mongo')) {
  for (const spec of mongoCollections()) {
    let n = 0;
    for (const _ of spec.docs(ctx)) n++;
    line(`mongo:${spec.name}`, n);
  }
}
if (process.argv.includes('--snapshot')) console.log(`snapshot ${writeHeapSnapshot()}`);
const memo = (ctx.w as unknown as { memo: Map<{ name: string }, unknown> }).memo;
console.log(`memo tables: ${[...memo.keys()].map((k) => k.name).join(', ')}`);
console.log(JSON.stringify({ profile, peakRetainedHeapMB: peakHeap, finalHeapMB: heap(), maxRssMB: mb(process.resourceUsage().maxRSS * 1024) }));
