import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { usageError } from '../errors';

/**
 * Where `ci acquire` puts a stack's settings: they carry the caller's credentials, which never go to
 * stdout (a CI log), so they go to a file only its owner can read, as scripts/stores.sh does with .env.
 */
export function envDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.RECRUIT_DB_CI_DIR ? resolve(env.RECRUIT_DB_CI_DIR) : join(tmpdir(), `recruit-db-ci-${process.getuid?.() ?? 'user'}`);
}

export function defaultEnvFile(id: string): string {
  return join(envDir(), `${id}.env`);
}

export function writeEnvFile(id: string, text: string, path?: string): string {
  const file = path ? resolve(path) : defaultEnvFile(id);
  try {
    if (!path) mkdirSync(envDir(), { recursive: true, mode: 0o700 });
    writeFileSync(file, `# recruit-db ci: stack ${id}; \`recruit-db ci release ${id}\` drops it and this file\n${text}\n`, { mode: 0o600 });
  } catch (err) {
    throw usageError(`cannot write the stack's settings to ${file}: ${(err as Error).message}`, 'pass --env-out with a writable path, or set RECRUIT_DB_CI_DIR');
  }
  return file;
}

/** Removes the default file of a released stack (a file chosen with --env-out is the caller's). */
export function removeEnvFile(id: string): void {
  const file = defaultEnvFile(id);
  if (existsSync(file)) rmSync(file, { force: true });
}
