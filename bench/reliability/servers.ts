/**
 * Private server instances for fault injection: a FerretDB with its own data directory, a moto
 * S3 server, a throwaway PostgreSQL cluster, a TCP server that accepts and never answers, and
 * proxies that answer late or hold writes.
 * Each runs on its own port and can be killed (SIGKILL) and restarted; the shared stores the other
 * engineers use are never touched. Used by bench/reliability/run.ts and tests/integration/reliability.test.ts.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

const STATE = process.env.RECRUIT_DB_STATE ?? join(homedir(), '.cache', 'recruit-db');
export const FERRETDB_BIN = join(STATE, 'bin', 'ferretdb');
export const MOTO_PYTHON = join(STATE, 'moto-venv', 'bin', 'python');
const PG_BIN = '/usr/lib/postgresql/15/bin';

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function waitForPort(port: number, ms: number): Promise<boolean> {
  const { connect } = await import('node:net');
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((r) => {
      const c = connect(port, '127.0.0.1');
      c.once('connect', () => (c.destroy(), r(true)));
      c.once('error', () => r(false));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

export interface PrivateServer {
  port: number;
  /** What a client connects with. */
  url: string;
  /** SIGKILL, as a crash would. */
  kill(): Promise<void>;
  /** Start again on the same port and data. Resolves false when the server would not come up. */
  start(): Promise<boolean>;
  stop(): Promise<void>;
}

function killed(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => {
    child.once('exit', () => r());
    child.kill('SIGKILL');
  });
}

export function haveFerretDb(): boolean {
  return existsSync(FERRETDB_BIN);
}

export function haveMoto(): boolean {
  return existsSync(MOTO_PYTHON);
}

/** FerretDB (SQLite backend, no auth) with a data directory of its own. */
export async function startFerretDb(): Promise<PrivateServer & { dataDir: string }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'rdb-ferret-'));
  mkdirSync(join(dir, 'state'));
  let child: ChildProcess | undefined;
  const server = {
    port,
    url: `mongodb://127.0.0.1:${port}/`,
    dataDir: dir,
    async start() {
      child = spawn(FERRETDB_BIN, ['--handler=sqlite', `--sqlite-url=file:${dir}/`, `--listen-addr=127.0.0.1:${port}`, '--debug-addr=-', `--state-dir=${dir}/state`, '--telemetry=disable', '--log-level=error'], { stdio: 'ignore' });
      return waitForPort(port, 15_000);
    },
    kill: () => killed(child),
    async stop() {
      await killed(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  if (!(await server.start())) throw new Error('private FerretDB did not start');
  return server;
}

/** moto's S3 server; it keeps everything in memory, so a restart comes back empty (a lost emulator). */
export async function startMoto(): Promise<PrivateServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const server = {
    port,
    url: `http://127.0.0.1:${port}`,
    async start() {
      child = spawn(MOTO_PYTHON, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
      return waitForPort(port, 30_000);
    },
    kill: () => killed(child),
    stop: () => killed(child),
  };
  if (!(await server.start())) throw new Error('private moto did not start');
  return server;
}

/**
 * A throwaway PostgreSQL 15 cluster (initdb as the postgres user, trust auth on loopback, fsync off),
 * killed with `pg_ctl stop -m immediate` (the crash a power loss is) and restarted with crash recovery.
 */
export async function startPgCluster(): Promise<PrivateServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'rdb-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const as = (args: string[]) => spawnSync('runuser', ['-u', 'postgres', '--', ...args], { encoding: 'utf8' });
  const init = as([`${PG_BIN}/initdb`, '-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const opts = `-c port=${port} -c listen_addresses=127.0.0.1 -c fsync=off -c unix_socket_directories=${dir}`;
  const server = {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async start() {
      const r = as([`${PG_BIN}/pg_ctl`, '-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', 'start']);
      return r.status === 0 && waitForPort(port, 15_000);
    },
    async kill() {
      as([`${PG_BIN}/pg_ctl`, '-D', data, '-m', 'immediate', 'stop']);
    },
    async stop() {
      as([`${PG_BIN}/pg_ctl`, '-D', data, '-m', 'immediate', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  if (!(await server.start())) throw new Error('private PostgreSQL cluster did not start');
  return server;
}

export function canRunPgCluster(): boolean {
  return process.getuid?.() === 0 && existsSync(`${PG_BIN}/initdb`) && spawnSync('runuser', ['--help']).status === 0;
}

/** A TCP server that accepts every connection and never sends a byte. */
export async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets: Socket[] = [];
  const server: Server = createServer((s) => {
    sockets.push(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      sockets.forEach((s) => s.destroy());
      await new Promise((r) => server.close(r));
    },
  };
}

/** bench/migrate/lag-proxy.cjs in front of `targetPort` on loopback: a server that answers `lagMs` late, each way. */
export async function laggingProxy(targetPort: number, lagMs: number): Promise<{ port: number; close(): Promise<void> }> {
  const port = await freePort();
  const proxy = spawn(process.execPath, [join(__dirname, '..', 'migrate', 'lag-proxy.cjs'), String(port), String(targetPort), String(lagMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    proxy.stdout!.once('data', () => resolve());
    proxy.once('exit', (code) => reject(new Error(`lag-proxy exited ${code}`)));
  });
  return { port, close: () => killed(proxy) };
}

export interface WriteGate {
  /** The endpoint to give the client instead of the real one. */
  url: string;
  /** Requests that changed something and were held, so far. */
  held(): number;
  /** Lets held and later writes through (a gate never released keeps them unanswered). */
  release(): void;
  close(): Promise<void>;
}

/**
 * An HTTP proxy in front of an S3 endpoint that answers reads (GET, HEAD) at once and holds every
 * write (PUT, POST, DELETE) until `release()`: planning (reads only) passes, the bootstrap's first
 * write waits. So a test decides when S3 finishes relative to the other stores, or makes S3 stop
 * answering exactly when its execute phase begins.
 */
export async function writeGatedHttpProxy(target: string): Promise<WriteGate> {
  const { createServer: createHttpServer, request } = await import('node:http');
  const upstream = new URL(target);
  let open = false;
  let held = 0;
  const waiting: Array<() => void> = [];
  const server = createHttpServer((req, res) => {
    const forward = () => {
      const out = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      out.on('error', () => res.destroy());
      req.pipe(out);
    };
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    if (open || req.method === 'GET' || req.method === 'HEAD') return forward();
    held++;
    waiting.push(forward);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held: () => held,
    release() {
      open = true;
      waiting.splice(0).forEach((f) => f());
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
