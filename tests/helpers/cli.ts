import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(__dirname, '../..');
export const BIN = join(REPO, 'bin/recruit-db');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs the compiled CLI as a user would (a real process). cwd defaults to an empty temp folder so
 * the repo's .env cannot leak into a test that sets its own environment.
 */
export function runCli(args: string[], opts: { env: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number }): Promise<CliResult> {
  return startCli(args, opts).done;
}

/** The same, with the process at hand: fault injection kills it while it runs. */
export function startCli(args: string[], opts: { env: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number }): { child: ChildProcess; done: Promise<CliResult> } {
  const started = Date.now();
  const cwd = opts.cwd ?? mkdtempSync(join(tmpdir(), 'rdb-cli-'));
  // `node -- BIN`, as the bin's shebang runs it: Node reads none of the tool's own flags (--env-file).
  const child = spawn(process.execPath, ['--', BIN, ...args], { cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const done = collect(child, opts.timeoutMs ?? 240_000).then(({ status, signal, stdout, stderr }) => ({ code: status, signal, stdout, stderr, ms: Date.now() - started }));
  return { child, done };
}

/**
 * Calls `then` once, the first time the running command's stderr (read as a whole, not chunk by
 * chunk) matches `pattern`: e.g. to release the lock it says it waits for.
 */
export function onStderr(run: { child: ChildProcess }, pattern: RegExp, then: () => unknown): void {
  let seen = '';
  let fired = false;
  run.child.stderr!.on('data', (d: Buffer) => {
    seen += d;
    if (fired || !pattern.test(seen)) return;
    fired = true;
    Promise.resolve()
      .then(then)
      .catch(() => undefined);
  });
}

/**
 * Any command as a child process, awaited rather than run with spawnSync: a test worker blocked in
 * spawnSync for a minute misses vitest's own RPC deadline (60 s), which fails the whole run with
 * `Timeout calling "onTaskUpdate"` even though every test passed.
 */
export function runProcess(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs: number }): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  return collect(child, opts.timeoutMs).then(({ status, stdout, stderr }) => ({ status, stdout, stderr }));
}

/** A child's output, whole, once it has closed; SIGKILLed after `timeoutMs` (a hang fails the test, it does not stall the run). */
function collect(child: ChildProcess, timeoutMs: number): Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolvePromise({ status, signal, stdout, stderr });
    });
  });
}
