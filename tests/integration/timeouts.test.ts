/**
 * Issue 11.1: no command can hang. A server that accepts connections and never answers makes every
 * command of every store fail with exit 2 within its bound, naming the store and the endpoint.
 * Before the fix, every S3 command waited for ever (the HTTP layer only warned).
 */
import { HeadBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentServer } from '../../bench/reliability/servers';
import { createS3Client } from '../../src/stores/s3/connect';
import { runCli, type CliResult } from '../helpers/cli';
import { baseConfig, cliEnv } from '../helpers/stores';

let silent: Awaited<ReturnType<typeof silentServer>>;
beforeAll(async () => {
  silent = await silentServer();
});
afterAll(async () => silent?.close());

const TIMEOUT_S = 1;
// Per request: S3 tries twice; every command also pays process start-up on a loaded machine.
const BOUND_MS = TIMEOUT_S * 1000 * 3 + 10_000; // slack for process start-up on a loaded 2-core machine: a hang is unbounded

function envFor(store: 'postgres' | 'mongo' | 's3'): NodeJS.ProcessEnv {
  const at = `127.0.0.1:${silent.port}`;
  if (store === 'postgres') return cliEnv({ DATABASE_URL: `postgres://u:pw-${silent.port}@${at}/db` });
  if (store === 'mongo') return cliEnv({ MONGODB_URI: `mongodb://u:pw-${silent.port}@${at}/db` });
  return cliEnv({ AWS_ENDPOINT_URL_S3: `http://${at}`, S3_BUCKET: 'rdb-silent-bucket' });
}

const COMMANDS: Record<'postgres' | 'mongo' | 's3', string[][]> = {
  postgres: [['doctor'], ['migrate'], ['status'], ['verify'], ['seed'], ['up'], ['rollback'], ['reset', '--yes']],
  mongo: [['doctor'], ['migrate'], ['status'], ['verify'], ['seed'], ['up'], ['rollback'], ['reset', '--yes']],
  s3: [['doctor'], ['migrate'], ['status'], ['verify'], ['seed'], ['up'], ['reset', '--yes'], ['s3', 'status'], ['s3', 'bootstrap']],
};

describe.each(['postgres', 'mongo', 's3'] as const)('%s: a server that accepts and never answers', (store) => {
  it('every command ends with exit 2 within its bound, naming the store and the endpoint', async () => {
    const endpoint = store === 's3' ? `http://127.0.0.1:${silent.port}` : `127.0.0.1:${silent.port}`;
    const runs = COMMANDS[store].map((args, i) => {
      const only = args[0] === 's3' ? [] : ['--only', store];
      // Half of them through the environment: RECRUIT_DB_TIMEOUT is honoured, not shadowed by a flag default.
      const viaEnv = i % 2 === 0;
      const env = viaEnv ? { ...envFor(store), RECRUIT_DB_TIMEOUT: String(TIMEOUT_S) } : envFor(store);
      return runCli([...args, ...only, ...(viaEnv ? [] : ['--timeout', String(TIMEOUT_S)])], { env, timeoutMs: 60_000 }).then((r) => [args.join(' '), r] as const);
    });
    const results: Array<readonly [string, CliResult]> = [];
    for (let i = 0; i < runs.length; i += 3) results.push(...(await Promise.all(runs.slice(i, i + 3))));
    for (const [cmd, r] of results) {
      expect(r.signal, `${cmd} was killed: it hung`).toBeNull();
      expect(r.code, `${cmd}: ${r.stderr}`).toBe(2);
      expect(r.ms, cmd).toBeLessThan(BOUND_MS);
      const line = r.stderr.trim().split('\n').pop()!;
      expect(line, cmd).toMatch(new RegExp(`^recruit-db: ${store}: no answer from ${endpoint.replace(/[.]/g, '\\.')} within ${TIMEOUT_S}s \\(hint: `));
      expect(r.stdout + r.stderr, cmd).not.toContain(`pw-${silent.port}`);
    }
  });
});

describe('S3 uploads have a bound of their own', () => {
  it('an ordinary request gives up after the timeout, an upload after the (larger) upload timeout', async () => {
    const s3 = { ...baseConfig().s3!, endpoint: `http://127.0.0.1:${silent.port}`, bucket: 'rdb-silent-bucket' };
    const client = createS3Client(s3, 300, 1500);
    try {
      let t = Date.now();
      await expect(client.send(new HeadBucketCommand({ Bucket: s3.bucket }))).rejects.toMatchObject({ name: expect.stringMatching(/TimeoutError|AbortError/) });
      const head = Date.now() - t;
      t = Date.now();
      await expect(client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'k', Body: 'x' }))).rejects.toMatchObject({ name: expect.stringMatching(/TimeoutError|AbortError/) });
      const put = Date.now() - t;
      expect(head).toBeLessThan(1500);
      expect(put).toBeGreaterThanOrEqual(1500);
      expect(put).toBeLessThan(1500 * 2 + 2000);
    } finally {
      client.destroy();
    }
  });
});
