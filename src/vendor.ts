import { existsSync } from 'node:fs';
import Module from 'node:module';
import { join } from 'node:path';
import { useCodeCache } from './codecache';

/** Drivers `npm run build` bundles into one file each (scripts/bundle-vendor.js). */
export const VENDOR_BUNDLES = ['pg', 'knex', 'mongodb'] as const;

/**
 * Points every `require('pg')`, `require('knex')` and `require('mongodb')` in the process (ours and the libraries') at
 * the single-file bundles under dist/vendor/, when they exist: one file to read and compile instead
 * of hundreds, compiled from its V8 code cache (./codecache). Run from the sources (tests, ts-node),
 * or from a build without them, the packages load from node_modules as usual.
 */
export function useVendorBundles(dir = join(__dirname, '..', 'vendor')): void {
  const bundles = new Map<string, string>();
  for (const name of VENDOR_BUNDLES) {
    const file = join(dir, `${name}.js`);
    if (existsSync(file)) bundles.set(name, file);
  }
  if (!bundles.size) return;
  useCodeCache(bundles.values());
  const loader = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string };
  const resolve = loader._resolveFilename;
  loader._resolveFilename = function (request: string, ...rest: unknown[]): string {
    return bundles.get(request) ?? resolve.call(this, request, ...rest);
  };
}
