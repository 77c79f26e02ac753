import { readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { dirname, sep } from 'node:path';
import vm from 'node:vm';

/**
 * V8 code caches for the one-file bundles `npm run build` makes (the CLI, pg, knex): compiling them
 * from source is most of a short command's module loading; deserialising what V8 compiled last time
 * is a fraction of it. Node 20 has no module.enableCompileCache (Node 22), hence this.
 *
 * The cache sits beside its bundle (`<bundle>.<command>.v8cache`), written at exit by the first run
 * of that command that found none (or a stale or rejected one), so it holds what that command
 * compiled; anything else compiles lazily as usual. One cache per command, because a cache holds only
 * what its first run compiled: with one for all, a `--version` run first after a build left every
 * later `migrate` compiling most of its functions from source (~10 ms of a no-op). It is keyed like Python's .pyc: the bundle's size and mtime, plus Node's version
 * and architecture. V8 itself checks only the source length, so without that key an edited bundle of
 * the same length could run old code. A stale, unreadable or corrupt cache is ignored (V8 rejects
 * data that does not deserialise), an unwritable folder just means no cache: never an error.
 */

export const CACHE_SUFFIX = '.v8cache';

/**
 * A cache, or one being written: neither is code. Whatever hashes the tool's files (src/ci/key.ts)
 * must skip both, or a run writing its cache at exit changes the key another process computes at
 * that moment, and a template built then is never warm for anyone.
 */
export function isCodeCacheFile(name: string): boolean {
  return name.endsWith(CACHE_SUFFIX);
}

/**
 * Where a cache is written before its rename. It ends in the suffix too, so every rule for caches
 * covers it (isCodeCacheFile; the build deleting old caches also deletes one a killed run left);
 * no reader opens it, as a variant has no dot.
 */
export function tmpCacheFile(cacheFile: string, pid = process.pid): string {
  return `${cacheFile}.${pid}.tmp${CACHE_SUFFIX}`;
}

interface Pending {
  script: vm.Script;
  cacheFile: string;
  key: string;
}

const files = new Set<string>();
const folders: string[] = [];
let variant = 'cli';

/**
 * The cache variant of a command line (its arguments after the script): the first word that is
 * not an option, which is the command in every usage the help shows; 'cli' when there is none
 * (`--version`, `--help`). A global option's value written before the command names a variant of
 * its own: only a separate cache, never a wrong one (V8 checks what it is given).
 */
export function cacheVariant(args: readonly string[]): string {
  const word = args.find((a) => !a.startsWith('-'));
  return word && /^[a-z][a-z0-9-]{0,23}$/.test(word) ? word : 'cli';
}
const pending: Pending[] = [];
let installed = false;

type Extensions = Record<string, (module: Module, filename: string) => void>;

/**
 * Loads the given files (absolute paths, CommonJS), and every .js file under the given folders,
 * through their code cache whenever they are required. The folders are our own compiled modules
 * the bundle leaves separate (those the migration scripts share with the CLI, and the scripts): a
 * MongoDB migrate requires ~27 of them, each compiled from source on every run otherwise.
 */
export function useCodeCache(paths: Iterable<string>, under: Iterable<string> = [], cacheName = 'cli'): void {
  variant = cacheName;
  for (const p of paths) files.add(p);
  for (const d of under) folders.push(d.endsWith(sep) ? d : d + sep);
  if (installed) return;
  installed = true;
  const extensions = (Module as unknown as { _extensions: Extensions })._extensions;
  const js = extensions['.js'];
  extensions['.js'] = function (module: Module, filename: string) {
    if (files.has(filename) || folders.some((d) => filename.startsWith(d))) return compileCached(module, filename);
    return js.call(this, module, filename);
  };
  process.once('exit', writeCaches);
}

function cacheKey(filename: string): string {
  const st = statSync(filename);
  return `recruit-db v8 code cache: node ${process.version} ${process.arch}, source ${st.size} bytes, mtime ${st.mtimeMs}`;
}

/** The cached data when its key matches this source, else undefined. */
function readCache(cacheFile: string, key: string): Buffer | undefined {
  let buf: Buffer;
  try {
    buf = readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  const nl = buf.indexOf(10);
  return nl > 0 && buf.toString('utf8', 0, nl) === key ? buf.subarray(nl + 1) : undefined;
}

/** What Module.prototype._compile does for a CommonJS file, with V8's cached data. */
function compileCached(module: Module, filename: string): void {
  const source = readFileSync(filename, 'utf8');
  const cacheFile = `${filename}.${variant}${CACHE_SUFFIX}`;
  const key = cacheKey(filename);
  const cachedData = readCache(cacheFile, key);
  const script = new vm.Script(Module.wrap(source), { filename, cachedData });
  if (!cachedData || script.cachedDataRejected) pending.push({ script, cacheFile, key });
  const fn = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => void;
  const loader = Module as unknown as { _resolveFilename(request: string, parent: Module, isMain: boolean, options?: unknown): string; _cache: unknown };
  const req = ((id: string) => module.require(id)) as NodeJS.Require;
  req.resolve = ((request: string, options?: unknown) => loader._resolveFilename(request, module, false, options)) as NodeJS.RequireResolve;
  req.main = require.main;
  req.cache = loader._cache as NodeJS.Require['cache'];
  req.extensions = require.extensions;
  fn.call(module.exports, module.exports, req, module, filename, dirname(filename));
}

/** At exit: the caches this run lacked, from what it compiled. Written whole or not at all (rename). */
function writeCaches(): void {
  for (const p of pending.splice(0)) {
    const tmp = tmpCacheFile(p.cacheFile);
    try {
      writeFileSync(tmp, Buffer.concat([Buffer.from(`${p.key}\n`), p.script.createCachedData()]));
      renameSync(tmp, p.cacheFile);
    } catch {
      try {
        unlinkSync(tmp);
      } catch {
        // nothing was written
      }
    }
  }
}
