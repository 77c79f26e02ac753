import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { baseConfig, cliEnv } from '../helpers/stores';

/** doctor against the three real stores that scripts/stores.sh starts, and against broken settings. */
const base = baseConfig();
const pgUrl = new URL(base.postgres!.url);
const mongoUrl = new URL(base.mongo!.uri);
const PG_PASSWORD = decodeURIComponent(pgUrl.password);
const MONGO_PASSWORD = decodeURIComponent(mongoUrl.password);
const S3_SECRET = base.s3!.secretAccessKey!;
const SECRETS = [PG_PASSWORD, MONGO_PASSWORD, S3_SECRET];

function withUrl(url: URL, change: (u: URL) => void): string {
  const u = new URL(url.toString());
  change(u);
  return u.toString();
}

function expectNoSecrets(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

describe('recruit-db doctor', () => {
  it('reports all three stores usable and names FerretDB as the MongoDB flavour', async () => {
    const r = await runCli(['doctor', '--json'], { env: cliEnv() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.usable).toBe(true);
    const byStore = Object.fromEntries(report.stores.map((s: { store: string }) => [s.store, s]));
    expect(byStore.postgres).toMatchObject({ reachable: true, authenticated: true, usable: true, flavour: 'PostgreSQL' });
    expect(byStore.postgres.version).toMatch(/^15\./);
    expect(byStore.postgres.details).toMatchObject({ pgvector: false, btree_gist: true });
    expect(byStore.mongo).toMatchObject({ reachable: true, authenticated: true, usable: true, flavour: 'FerretDB', version: '1.24.2' });
    expect(byStore.s3).toMatchObject({ reachable: true, authenticated: true, usable: true });
    expect(byStore.s3.target).toBe(base.s3!.endpoint);
    expectNoSecrets(r.stdout);
  });

  it('prints a human table by default, with passwords masked', async () => {
    const r = await runCli(['doctor'], { env: cliEnv() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^store\s+status\s+server/);
    expect(r.stdout).toMatch(/mongo\s+ok\s+FerretDB 1\.24\.2/);
    expect(r.stdout).toContain('postgres://recruit:****@');
    expectNoSecrets(r.stdout + r.stderr);
  });

  it('reports whether the bucket exists', async () => {
    const r = await runCli(['doctor', '--json', '--only', 's3'], { env: cliEnv({ S3_BUCKET: 'rdb-doctor-absent-bucket' }) });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).stores[0].details.bucketExists).toBe(false);
  });

  const cases: Array<{ name: string; store: string; env: Record<string, string>; line: RegExp }> = [
    { name: 'malformed Postgres URL', store: 'postgres', env: { DATABASE_URL: `postgres//recruit:${PG_PASSWORD}@localhost/db` }, line: /DATABASE_URL is not a valid URL.*hint: use the form/ },
    { name: 'refused Postgres port', store: 'postgres', env: { DATABASE_URL: withUrl(pgUrl, (u) => (u.port = '1')) }, line: /^recruit-db: postgres: connection refused at 127\.0\.0\.1:1 \(hint: / },
    { name: 'unknown Postgres host', store: 'postgres', env: { DATABASE_URL: withUrl(pgUrl, (u) => (u.hostname = 'no-such-host.invalid')) }, line: /^recruit-db: postgres: unknown host "no-such-host\.invalid" \(hint: / },
    { name: 'wrong Postgres password', store: 'postgres', env: { DATABASE_URL: withUrl(pgUrl, (u) => (u.password = 'wrong-pw-123')) }, line: /^recruit-db: postgres: authentication failed for user "recruit" \(hint: check the user and password/ },
    { name: 'missing Postgres database', store: 'postgres', env: { DATABASE_URL: withUrl(pgUrl, (u) => (u.pathname = '/no_such_db_xyz')) }, line: /^recruit-db: postgres: database "no_such_db_xyz" does not exist .*\(hint: create it/ },
    { name: 'malformed Mongo URI', store: 'mongo', env: { MONGODB_URI: `mongo://recruit:${MONGO_PASSWORD}@localhost/db` }, line: /MONGODB_URI must start with mongodb:\/\// },
    { name: 'refused Mongo port', store: 'mongo', env: { MONGODB_URI: withUrl(mongoUrl, (u) => (u.port = '1')) }, line: /^recruit-db: mongo: connection refused at 127\.0\.0\.1:1 \(hint: / },
    { name: 'unknown Mongo host', store: 'mongo', env: { MONGODB_URI: withUrl(mongoUrl, (u) => (u.hostname = 'no-such-host.invalid')) }, line: /^recruit-db: mongo: unknown host .*no-such-host\.invalid.*\(hint: / },
    { name: 'wrong Mongo password', store: 'mongo', env: { MONGODB_URI: withUrl(mongoUrl, (u) => (u.password = 'wrong-pw-123')) }, line: /^recruit-db: mongo: authentication failed at .*\(hint: check the user and password in MONGODB_URI\)/ },
    { name: 'malformed S3 endpoint', store: 's3', env: { AWS_ENDPOINT_URL_S3: 'localhost:5055' }, line: /AWS_ENDPOINT_URL_S3 must start with http/ },
    { name: 'refused S3 port', store: 's3', env: { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:1' }, line: /^recruit-db: s3: connection refused at http:\/\/127\.0\.0\.1:1 \(hint: / },
    { name: 'unknown S3 host', store: 's3', env: { AWS_ENDPOINT_URL_S3: 'http://no-such-host.invalid:5055' }, line: /^recruit-db: s3: unknown host in http:\/\/no-such-host\.invalid:5055 \(hint: / },
  ];

  it.each(cases)('$name: one line naming the store and a hint, exit 2, within the timeout, no secret', async ({ store, env, line }) => {
    const r = await runCli(['doctor', '--only', store, '--timeout', '3'], { env: cliEnv(env) });
    expect(r.code).toBe(2);
    const errorLines = r.stderr.trim().split('\n');
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(line);
    expect(errorLines[0]).toMatch(/hint: /);
    expect(r.ms).toBeLessThan(3000 + 5000); // the timeout plus process start-up on a loaded machine
    expectNoSecrets(r.stdout + r.stderr);
  });

  it('gives up on a silent server within the timeout', async () => {
    // A listening socket that never answers: the connect succeeds, the protocol never starts.
    const net = await import('node:net');
    const sockets: import('node:net').Socket[] = [];
    const server = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as import('node:net').AddressInfo).port;
    try {
      const r = await runCli(['doctor', '--only', 'postgres', '--timeout', '1'], { env: cliEnv({ DATABASE_URL: withUrl(pgUrl, (u) => (u.port = String(port))) }) });
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toMatch(/^recruit-db: postgres: no answer from 127\.0\.0\.1:\d+ within 1s \(hint: /);
      expect(r.ms).toBeLessThan(1000 + 5000);
      expectNoSecrets(r.stdout + r.stderr);
    } finally {
      sockets.forEach((s) => s.destroy());
      server.close();
    }
  });

  it('says which store is not configured', async () => {
    const r = await runCli(['doctor', '--json'], { env: cliEnv({ MONGODB_URI: undefined }) });
    expect(r.code).toBe(2);
    const mongo = JSON.parse(r.stdout).stores.find((s: { store: string }) => s.store === 'mongo');
    expect(mongo).toMatchObject({ configured: false, usable: false });
  });
});

describe('commands that have not landed', () => {
  it('--help lists the whole command set', async () => {
    const r = await runCli(['--help'], { env: cliEnv() });
    expect(r.code).toBe(0);
    for (const c of ['migrate', 'rollback', 'status', 'make', 'seed', 's3', 'verify', 'up', 'reset', 'doctor']) expect(r.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
  });

  it('an unknown command or option is a usage error (exit 2)', async () => {
    expect((await runCli(['frobnicate'], { env: cliEnv() })).code).toBe(2);
    expect((await runCli(['doctor', '--bogus'], { env: cliEnv() })).code).toBe(2);
  });
});
