import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repository (or installed package) root, found by walking up to our package.json. The same
 * code runs compiled from dist/src and as TypeScript under vitest, at different depths.
 */
function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'recruit-db') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`recruit-db: cannot find its package.json above ${start}`);
    dir = up;
  }
}

export const ROOT = findRoot(__dirname);
/** True when running the compiled JavaScript (dist/), false under a TypeScript loader. */
export const COMPILED = __filename.endsWith('.js');

/** A folder of loadable code: dist/<name> when compiled, the source folder otherwise. */
export function codeDir(name: string): string {
  return COMPILED ? join(ROOT, 'dist', name) : join(ROOT, name);
}

export function packageVersion(): string {
  return JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
}
