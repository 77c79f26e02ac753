/**
 * The V8 code cache the compiled CLI loads its bundles through (src/codecache.ts): each case runs a
 * real Node process against the compiled module (npm run build), as bin/recruit-db does, on a
 * module of its own in a temp folder. What must hold: the cache is written once and then used, and
 * an edited module, a corrupt cache or a cache from elsewhere never runs anything but the source.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, REPO } from '../helpers/cli';

const CODECACHE = join(REPO, 'dist/src/codecache.js');

/** Requires `file` through the code cache in a fresh process; its stdout is what the module printed. */
function load(file: string): string {
  const script = `require(${JSON.stringify(CODECACHE)}).useCodeCache([${JSON.stringify(file)}]); require(${JSON.stringify(file)});`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim();
}

function moduleFile(body: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rdb-codecache-'));
  writeFileSync(join(dir, 'helper.js'), 'module.exports = "helper";\n');
  const file = join(dir, 'mod.js');
  writeFileSync(file, body);
  return file;
}

// A function called at load time, so its compiled code is in the cache, as the CLI's are.
const source = (n: number) => `function answer() { return ${n} + require('./helper') + require.resolve('./helper').endsWith('helper.js') + (__dirname === ${'require("path").dirname(__filename)'}); }\nconsole.log(answer());\n`;

describe('code cache', () => {
  it('is written by the first run and used, unchanged, by the next', () => {
    const file = moduleFile(source(1));
    expect(load(file)).toBe('1helpertruetrue');
    const cache = `${file}.cli.v8cache`;
    expect(existsSync(cache)).toBe(true);
    const first = readFileSync(cache);
    expect(first.length).toBeGreaterThan(100);
    const mtime = statSync(cache).mtimeMs;
    expect(load(file)).toBe('1helpertruetrue');
    // Accepted: a rejected or stale cache would have been written again.
    expect(statSync(cache).mtimeMs).toBe(mtime);
    expect(readFileSync(cache).equals(first)).toBe(true);
  });

  it('an edited module of the same length runs the new code, and its cache is renewed', () => {
    const file = moduleFile(source(1));
    load(file);
    const cache = `${file}.cli.v8cache`;
    const before = readFileSync(cache);
    // Same length, so V8's own check (source length) would accept the old code.
    writeFileSync(file, source(2));
    const later = new Date(statSync(file).mtimeMs + 10_000);
    utimesSync(file, later, later);
    expect(load(file)).toBe('2helpertruetrue');
    expect(readFileSync(cache).equals(before)).toBe(false);
    expect(load(file)).toBe('2helpertruetrue');
  });

  it('a corrupt cache with a matching key is rejected by V8 and replaced', () => {
    const file = moduleFile(source(3));
    load(file);
    const cache = `${file}.cli.v8cache`;
    const header = readFileSync(cache, 'utf8').split('\n')[0];
    writeFileSync(cache, Buffer.concat([Buffer.from(`${header}\n`), Buffer.alloc(4096, 7)]));
    expect(load(file)).toBe('3helpertruetrue');
    const renewed = readFileSync(cache);
    expect(renewed.subarray(header.length + 1).equals(Buffer.alloc(4096, 7))).toBe(false);
  });

  it('the CLI runs from its bundle, whatever its cache file holds', () => {
    const bundle = join(REPO, 'dist/src/cli.bundle.js');
    expect(existsSync(bundle), 'npm run build makes the CLI bundle').toBe(true);
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    const trace = join(mkdtempSync(join(tmpdir(), 'rdb-codecache-')), 'loads.json');
    const r = spawnSync(process.execPath, ['-r', join(REPO, 'tests/helpers/record-loads.cjs'), '--', BIN, '--version'], { encoding: 'utf8', env: { ...process.env, RDB_RECORD_LOADS: trace } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
    expect((JSON.parse(readFileSync(trace, 'utf8')) as { files: string[] }).files).toContain(bundle);
    // bin names the cache by the command line: no command, the 'cli' one.
    expect(existsSync(`${bundle}.cli.v8cache`)).toBe(true);
  });
  it('keeps one cache per command: a run of one never replaces or shapes another\'s', () => {
    const file = moduleFile(source(4));
    const run = (name: string) => {
      const script = `require(${JSON.stringify(CODECACHE)}).useCodeCache([${JSON.stringify(file)}], [], ${JSON.stringify(name)}); require(${JSON.stringify(file)});`;
      const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout.trim();
    };
    expect(run('migrate')).toBe('4helpertruetrue');
    const migrate = `${file}.migrate.v8cache`;
    const mtime = statSync(migrate).mtimeMs;
    expect(existsSync(`${file}.status.v8cache`)).toBe(false);
    expect(run('status')).toBe('4helpertruetrue');
    expect(existsSync(`${file}.status.v8cache`)).toBe(true);
    expect(run('migrate')).toBe('4helpertruetrue');
    expect(statSync(migrate).mtimeMs).toBe(mtime);
  });

  it('names a command line\'s cache by its first word that is not an option', async () => {
    const { cacheVariant } = (await import(CODECACHE)) as typeof import('../../src/codecache');
    expect(cacheVariant(['migrate', '--only', 'postgres'])).toBe('migrate');
    expect(cacheVariant(['--json', 'status'])).toBe('status');
    expect(cacheVariant(['--version'])).toBe('cli');
    expect(cacheVariant([])).toBe('cli');
    // Never a path or anything that is not a plain word in a file name.
    expect(cacheVariant(['--env-file', '../x/.env', 'up'])).toBe('cli');
    expect(cacheVariant(['Migrate'])).toBe('cli');
  });

  it('takes every module under a folder it is given, and only those', () => {
    const file = moduleFile(source(3));
    const dir = file.slice(0, file.lastIndexOf('/'));
    const script = `require(${JSON.stringify(CODECACHE)}).useCodeCache([], [${JSON.stringify(dir)}]); require(${JSON.stringify(file)});`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('3helpertruetrue');
    // The module and the helper it required, both under the folder; a sibling folder's name that
    // merely starts the same is not under it.
    expect(existsSync(`${file}.cli.v8cache`)).toBe(true);
    expect(existsSync(join(dir, 'helper.js.cli.v8cache'))).toBe(true);
    const sibling = `${dir}-x`;
    const r2 = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(CODECACHE)}).useCodeCache([], [${JSON.stringify(dir)}]); require('fs').mkdirSync(${JSON.stringify(sibling)}); require('fs').writeFileSync(${JSON.stringify(sibling + '/m.js')}, 'module.exports = 1;'); require(${JSON.stringify(sibling + '/m.js')});`], { encoding: 'utf8' });
    expect(r2.status, r2.stderr).toBe(0);
    expect(existsSync(`${sibling}/m.js.cli.v8cache`)).toBe(false);
  });
});
