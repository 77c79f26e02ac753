/**
 * What the benchmarks share: timing whole processes, medians, the machine line, and writing one
 * section of BENCHMARKS.md without touching the others.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';
import { join, resolve } from 'node:path';
import { maskUrl } from '../src/secrets';

export const REPO = resolve(__dirname, '..');

export interface Timed {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
  /** With `cpu`: user + system CPU time of the process, in ms (robust to a busy machine, unlike `ms`). */
  cpuMs?: number;
  /** With `cpu`: peak resident set size in MB. */
  maxRssMB?: number;
}

const USAGE = /\nRDB_USAGE (\d+) (\d+)\n$/;

export interface TimeOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** For a Node process: also its own CPU time and peak memory (bench/cpu-usage.cjs). */
  cpu?: boolean;
}

/** Runs a process to its end and times it (spawn to exit, as a user waits for it). */
export function timeProcess(cmd: string, args: string[], opts: TimeOptions = {}): Promise<Timed> {
  const argv = opts.cpu && cmd === process.execPath ? ['-r', join(__dirname, 'cpu-usage.cjs'), ...args] : args;
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, argv, { cwd: opts.cwd ?? REPO, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const u = USAGE.exec(stderr);
      if (!u) return resolvePromise({ ms, code, stdout, stderr });
      resolvePromise({ ms, code, stdout, stderr: stderr.slice(0, u.index), cpuMs: Number(u[1]) / 1000, maxRssMB: Math.round(Number(u[2]) / 1024) });
    });
  });
}

/** Like timeProcess, but a non-zero exit is an error naming the command (secrets masked). */
export async function timeOk(cmd: string, args: string[], opts: TimeOptions = {}): Promise<Timed> {
  const t = await timeProcess(cmd, args, opts);
  if (t.code !== 0) throw new Error(`${[cmd, ...args].map((a) => maskUrl(a)).join(' ')} exited ${t.code}: ${maskUrl((t.stderr || t.stdout).trim().split('\n').slice(-1)[0] ?? '')}`);
  return t;
}

/** The order to run A/B/... methods in round `i`: rotated, so no method always runs first or last. */
export function rotated<T>(items: readonly T[], i: number): T[] {
  const k = i % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

export function machineLine(extra = ''): string {
  const cpu = cpus();
  return `${cpu[0]?.model.trim() ?? 'unknown CPU'} x${cpu.length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${osType()} ${release()}, Node ${process.versions.node}${extra ? `, ${extra}` : ''}`;
}

/** The stores' servers, as their command lines name them (PostgreSQL's backends, FerretDB, moto). */
const SERVERS = { postgres: /^postgres|\/postgres\0/, ferretdb: /ferretdb/, moto: /moto\.server/ } as const;
export type ServerName = keyof typeof SERVERS;

/**
 * CPU time (user + system, ms) the stores' servers have used so far, read from /proc: each process's
 * own time plus that of its reaped children (a PostgreSQL backend that served a connection and
 * exited is counted in the postmaster's). The difference of two readings is the servers' share of
 * what ran between them, on machines where the servers run beside the benchmark (Linux only).
 */
export function serverCpuMs(): Record<ServerName, number> {
  const out: Record<ServerName, number> = { postgres: 0, ferretdb: 0, moto: 0 };
  // Linux's USER_HZ, fixed at 100 on every architecture Node runs on.
  const tick = 10;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
      const name = (Object.keys(SERVERS) as ServerName[]).find((k) => SERVERS[k].test(cmd));
      if (!name) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      // Fields after "pid (comm)": state is the first; utime, stime, cutime, cstime are 12th-15th.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out[name] += (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * tick;
    } catch {
      // the process ended between the listing and the read
    }
  }
  return out;
}

/** The 1-minute load average, for the "shared machine" line: other engineers' work runs beside the benchmark. */
export const load1 = () => loadavg()[0].toFixed(2);

// One place for medians and BENCHMARKS.md sections, shared with the other benchmarks.
export { median, writeBenchmarkSection as writeSection } from './common';

export const ms = (x: number) => x.toFixed(0);
export const list = (xs: number[], digits = 0) => xs.map((x) => x.toFixed(digits)).join(', ');
