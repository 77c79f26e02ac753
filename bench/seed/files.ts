/**
 * Generation-only timing for the S3 seed: every body of a profile made by fileFor (no store), CPU
 * time per content type, and a sha256 over `key NUL body` of all of them so a generator change can
 * be checked for byte-identical output. `ts-node --transpile-only bench/seed/files.ts medium [--json]`.
 */
import { createHash } from 'node:crypto';
import { Topology, shapeFor } from '../../seeds/topology';
import { genContext } from '../../seeds/postgres';
import { allAssets, assetMeta } from '../../seeds/assets';
import { fileFor } from '../../seeds/files';

const profile = (process.argv[2] ?? 'medium') as 'small' | 'medium' | 'large';
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const ctx = genContext(new Topology(1, shapeFor(profile)), 'array', Date.UTC(2026, 0, 1));
const all = createHash('sha256');
const by = new Map<string, { n: number; bytes: number; cpuMs: number }>();
const c0 = cpuMs();
let metaMs = 0;
for (const a of allAssets(ctx.w)) {
  const m0 = cpuMs();
  const meta = assetMeta(ctx.w, a);
  const s = cpuMs();
  metaMs += s - m0;
  const body = fileFor(a.contentType, 1, a.key, meta);
  const t = by.get(a.contentType) ?? { n: 0, bytes: 0, cpuMs: 0 };
  t.cpuMs += cpuMs() - s;
  t.n++;
  t.bytes += body.length;
  by.set(a.contentType, t);
  all.update(a.key).update('\u0000').update(body);
}
const total = cpuMs() - c0;
const rows = [...by].map(([type, t]) => ({ type, objects: t.n, bytes: t.bytes, cpuMs: +t.cpuMs.toFixed(0), usPerObject: +((1000 * t.cpuMs) / t.n).toFixed(0) }));
const out = { profile, cpuMs: +total.toFixed(0), metaCpuMs: +metaMs.toFixed(0), objects: rows.reduce((a, r) => a + r.objects, 0), bytes: rows.reduce((a, r) => a + r.bytes, 0), sha256: all.digest('hex'), types: rows };
if (process.argv.includes('--json')) process.stdout.write(JSON.stringify(out) + '\n');
else {
  console.log(`${profile}: ${out.objects} objects, ${(out.bytes / 1e6).toFixed(1)} MB, ${out.cpuMs} ms CPU (assetMeta ${out.metaCpuMs} ms), sha256 ${out.sha256}`);
  console.table(rows);
}
