import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../tests/helpers/cli';

/** What the benchmarks share: timing a whole Node process, medians, and their section of BENCHMARKS.md. */

export interface Timed {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node ...args` to completion, timed from spawn to close (start-up included). */
export function timeNode(args: string[], env: NodeJS.ProcessEnv, cwd = '/'): Promise<Timed> {
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ ms: Number(process.hrtime.bigint() - started) / 1e6, code, stdout, stderr }));
  });
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Replaces one "## name" section of BENCHMARKS.md (up to the next "## " heading), or appends it:
 * each benchmark owns its section and leaves the others as they are. Returns the file's path.
 */
export function writeBenchmarkSection(name: string, body: string): string {
  const file = join(REPO, 'BENCHMARKS.md');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const heading = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^## ${heading}\\n[\\s\\S]*?(?=^## |(?![\\s\\S]))`, 'm');
  // The dated runs written by hand under a section (### headings the new body does not have) are
  // the history its ratios are read against: a rerun adds its table, it does not erase them.
  const kept = (re.exec(current)?.[0] ?? '')
    .split(/^(?=### )/m)
    .slice(1)
    .filter((sub) => !body.includes(sub.split('\n')[0]));
  const section = `## ${name}\n\n${body.trim()}\n${kept.length ? `\n${kept.map((k) => k.trim()).join('\n\n')}\n` : ''}`;
  const next = re.test(current) ? current.replace(re, section + '\n') : `${current.replace(/\s*$/, '')}\n\n${section}`;
  writeFileSync(file, next.replace(/\n{3,}/g, '\n\n').replace(/\s*$/, '\n'));
  return file;
}
