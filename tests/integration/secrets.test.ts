/**
 * Issue 11.2: no secret is ever printed. A corpus of awkward passwords (/, #, @, :, %, unicode,
 * URL-encoded forms) in all three URLs, from the environment and from .env, well-formed and not:
 * neither stderr nor --json stdout holds the password or any recognisable piece of it. Before the
 * fix, `DATABASE_URL is not a valid URL: postgres://u:Leak/Me-4242@...` printed it in clear, and
 * commander echoed it from `--only`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli';

/** Each password: distinctive letters around the characters that break naive masking. */
const CORPUS = [
  'Qzslash/Vkslash',
  'Qzhash#Vkhash',
  'Qzat@Vkat',
  'Qzcolon:Vkcolon',
  'Qzpct%Vkpct',
  'Qzenc%2FVkenc%23Wqenc',
  'Qzüñï€Vkcode',
  'Qzmix/#@:%Vkmix',
  'Qzsl//ashVkdbl',
];

/** The password as written, decoded, encoded, and each run of 4+ letters or digits in it. */
function leaks(password: string, text: string): string[] {
  const forms = new Set([password, encodeURIComponent(password)]);
  try {
    forms.add(decodeURIComponent(password));
  } catch {
    // not decodable: the raw form is the one to look for
  }
  for (const piece of password.split(/[^\p{L}\p{N}]+/u)) if (piece.length >= 4) forms.add(piece);
  return [...forms].filter((f) => text.includes(f));
}

const BASE = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  NO_COLOR: '1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  RECRUIT_DB_ENV: 'test',
};

/** The settings of one store, pointing at a closed port, with this password in them. */
function settings(store: 'postgres' | 'mongo' | 's3', password: string): Record<string, string> {
  switch (store) {
    case 'postgres':
      return { DATABASE_URL: `postgres://recruit:${password}@127.0.0.1:1/db` };
    case 'mongo':
      return { MONGODB_URI: `mongodb://recruit:${password}@127.0.0.1:1/db` };
    case 's3':
      return { AWS_ENDPOINT_URL_S3: `http://key:${password}@127.0.0.1:1`, S3_BUCKET: 'rdb-secret-test', AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: password };
  }
}

const encoded = (s: Record<string, string>) =>
  Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.replace(/(:\/\/[^:]+:)(.*)@/, (_m, head: string, pw: string) => `${head}${encodeURIComponent(pw)}@`)]));

function dotenvDir(vars: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rdb-secrets-'));
  writeFileSync(join(dir, '.env'), Object.entries(vars).map(([k, v]) => `${k}='${v}'`).join('\n') + '\n');
  return dir;
}

describe.each(['postgres', 'mongo', 's3'] as const)('%s: awkward passwords never reach any output', (store) => {
  it('stderr and --json, from the environment and from .env, raw and URL-encoded, and echoed flag values', async () => {
    const jobs: Array<Promise<[string, string, CliResult]>> = [];
    for (const pw of CORPUS) {
      const raw = settings(store, pw);
      const url = Object.values(raw)[0];
      const run = (label: string, args: string[], env: Record<string, string | undefined>, cwd?: string) =>
        jobs.push(runCli(args, { env: { ...BASE, ...env }, cwd, timeoutMs: 60_000 }).then((r) => [pw, label, r]));
      run('environment, raw, doctor --json', ['doctor', '--json', '--only', store, '--timeout', '2'], raw);
      run('.env, raw, migrate --json', ['migrate', '--json', '--only', store, '--timeout', '2'], {}, dotenvDir(raw));
      run('environment, encoded, status', ['status', '--only', store, '--timeout', '2'], encoded(raw));
      run('--env-file, encoded, seed --json', ['--env-file', join(dotenvDir(encoded(raw)), '.env'), 'seed', '--json', '--only', store, '--timeout', '2'], {});
      run('flag value echoed by the option parser', ['migrate', '--json', '--only', url], raw);
    }
    const results: Array<[string, string, CliResult]> = [];
    for (let i = 0; i < jobs.length; i += 6) results.push(...(await Promise.all(jobs.slice(i, i + 6))));
    for (const [pw, label, r] of results) {
      const out = r.stdout + r.stderr;
      expect(r.code, `${label} (${pw}): ${out}`).toBe(2);
      expect(leaks(pw, out), `${label} (${pw}) leaked in: ${out}`).toEqual([]);
      if (label.includes('--json')) expect(JSON.parse(r.stdout), label).toMatchObject({ ok: false, exitCode: 2, error: { message: expect.any(String) } });
    }
  });
});
