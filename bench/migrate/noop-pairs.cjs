'use strict';
/**
 * The no-op `migrate --only postgres` (issue 18.2) of several built checkouts against `node -e 0`,
 * interleaved in every round so that each round's load is the same for all of them; medians of
 * wall and CPU time (user + system of the process, read by bench/cpu-usage.cjs). The database is
 * the one the environment names (DATABASE_URL), already migrated: nothing is pending.
 *
 * A code cache holds what its first run compiled (src/codecache.ts), so compare builds whose caches
 * were made the same way (e.g. each by one migrate of an empty database after its build).
 *
 * With LAG_MS set, the database is reached through bench/migrate/lag-proxy.cjs, which holds every
 * packet that long each way: what the round trips cost when the server is not on this machine.
 *
 *   node bench/migrate/noop-pairs.cjs ROUNDS ROOT [ROOT...]    # e.g. 41 /path/to/main .
 *   LAG_MS=10 node bench/migrate/noop-pairs.cjs 21 /path/to/main .
 */
const { spawn, spawnSync } = require('node:child_process');
const { join, resolve } = require('node:path');

const [rounds, ...roots] = process.argv.slice(2);
if (!(Number(rounds) > 0) || roots.length === 0) {
  process.stderr.write('usage: node bench/migrate/noop-pairs.cjs ROUNDS ROOT [ROOT...]\n');
  process.exit(2);
}
const USAGE = join(__dirname, '..', 'cpu-usage.cjs');
const env = { ...process.env, NO_COLOR: '1' };
let proxy;
if (Number(process.env.LAG_MS) > 0) {
  const url = new URL(env.DATABASE_URL);
  const port = 20000 + (process.pid % 20000);
  proxy = spawn(process.execPath, [join(__dirname, 'lag-proxy.cjs'), String(port), url.port || '5432', process.env.LAG_MS], { stdio: ['ignore', 'pipe', 'inherit'] });
  const probe = `require('net').connect(${port}, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))`;
  for (let i = 0; spawnSync(process.execPath, ['-e', probe]).status !== 0; i++) if (i > 50) throw new Error('lag-proxy did not start');
  url.hostname = '127.0.0.1';
  url.port = String(port);
  env.DATABASE_URL = url.toString();
}
const runs = [{ name: '`node -e 0`', args: ['-e', '0'] }, ...roots.map((r) => ({ name: r, args: [join(resolve(r), 'bin/recruit-db'), 'migrate', '--only', 'postgres'] }))];

function once(args) {
  const t = process.hrtime.bigint();
  const p = spawnSync(process.execPath, ['-r', USAGE, ...args], { encoding: 'utf8', env });
  const wall = Number(process.hrtime.bigint() - t) / 1e6;
  if (p.status !== 0) throw new Error(`${args.join(' ')} exited ${p.status}: ${p.stderr.trim().split('\n').pop()}`);
  const m = /RDB_USAGE (\d+)/.exec(p.stderr);
  return { wall, cpu: m ? Number(m[1]) / 1000 : NaN };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const samples = runs.map(() => []);
for (const r of runs) once(r.args); // warm the page cache; a missing code cache is written here
for (let i = 0; i < Number(rounds); i++) runs.forEach((r, j) => samples[j].push(once(r.args)));
const node = { wall: median(samples[0].map((s) => s.wall)), cpu: median(samples[0].map((s) => s.cpu)) };
console.log(`| run | wall (median) | CPU (median) | above \`node -e 0\`: wall / CPU |\n| --- | ---: | ---: | ---: |`);
runs.forEach((r, j) => {
  const wall = median(samples[j].map((s) => s.wall));
  const cpu = median(samples[j].map((s) => s.cpu));
  console.log(`| ${r.name} | ${wall.toFixed(1)} ms | ${cpu.toFixed(1)} ms | ${j ? `${(wall - node.wall).toFixed(1)} / ${(cpu - node.cpu).toFixed(1)} ms` : ''} |`);
});
proxy?.kill();
