/**
 * bin/recruit-db runs the CLI bundle only while it is newer than the build's tsc stamp
 * (dist/.tsbuildinfo), else the emitted modules one by one. A type check (an editor's, a bare `tsc`,
 * `tsc --noEmit`) must not move that stamp: before tsconfig.build.json it did, and every command after
 * a check took the slow path until the next `npm run build`. Run in a scratch project that holds the
 * repository's real bin and tsconfig files, so tsc's writes cannot disturb the tree the other tests use.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'rdb-stamp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(rel: string, text: string): void {
  mkdirSync(join(dir, rel, '..'), { recursive: true });
  writeFileSync(join(dir, rel), text);
}

function tsc(...args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), ...args], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

/** Which entry bin/recruit-db ran: the bundle or the emitted modules. */
function entry(): string {
  const r = spawnSync(process.execPath, [join(dir, 'bin/recruit-db')], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim();
}

describe('the build stamp bin/recruit-db trusts', () => {
  it('a type check leaves the CLI on its bundle; an emit makes it run the emitted modules', () => {
    for (const f of ['tsconfig.json', 'tsconfig.build.json', 'bin/recruit-db']) {
      mkdirSync(join(dir, f, '..'), { recursive: true });
      copyFileSync(join(REPO, f), join(dir, f));
    }
    symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
    write('src/cli/main.ts', "export function main(): void {\n  console.log('modules');\n}\n");
    write('src/codecache.ts', 'export function useCodeCache(..._args: unknown[]): void {}\nexport function cacheVariant(): string {\n  return "cli";\n}\n');
    const build = tsc('-p', 'tsconfig.build.json');
    expect(build.status, build.out).toBe(0);
    expect(entry()).toBe('modules');
    // What scripts/bundle-vendor.js does after tsc: the bundle, newer than the stamp.
    write('dist/src/cli.bundle.js', "exports.main = () => console.log('bundle');\n");
    expect(entry()).toBe('bundle');

    // A developer edits a file and checks it, every way a check is run.
    write('src/cli/main.ts', "export function main(): void {\n  console.log('modules, edited');\n}\n");
    for (const args of [[], ['--noEmit'], ['-p', 'tsconfig.json']]) {
      const check = tsc(...args);
      expect(check.status, `tsc ${args.join(' ')}: ${check.out}`).toBe(0);
      expect(entry(), `after tsc ${args.join(' ')}`).toBe('bundle');
    }
    // A check still checks.
    write('src/cli/main.ts', "export function main(): number {\n  return 'not a number';\n}\n");
    const bad = tsc();
    expect(bad.status).not.toBe(0);
    expect(bad.out).toMatch(/src\/cli\/main\.ts.*TS2322/);

    // An emit (the build's own tsc, without the bundle step): the bundle is stale, never run.
    write('src/cli/main.ts', "export function main(): void {\n  console.log('modules, emitted');\n}\n");
    expect(tsc('-p', 'tsconfig.build.json').status).toBe(0);
    expect(entry()).toBe('modules, emitted');
  });
});
