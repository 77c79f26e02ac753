import { existsSync } from 'node:fs';
import Module from 'node:module';
import { join } from 'node:path';
import { useCodeCache } from './codecache';

/** Drivers `npm run build` bundles into one file each (scripts/bundle-vendor.js). */
export const VENDOR_BUNDLES = ['pg', 'knex', 'mongodb', 'bson'] as const;

/**
 * The AWS SDK's bundle (dist/vendor/aws-sdk.js): it holds many packages, each required through a
 * one-line file dist/vendor/aws-sdk/<package>.js (scripts/bundle-vendor.js explains why).
 */
export const AWS_SDK_BUNDLE = 'aws-sdk';

/** The scopes the AWS SDK's packages live in: only these names are looked up among its files. */
const AWS_SDK_SCOPES = /^@(?:aws-sdk|smithy|aws)\//;

/**
 * Points every `require('pg')`, `require('knex')`, `require('mongodb')`, `require('bson')` and
 * `require` of a package of the AWS SDK in the process (ours and the libraries') at the single-file
 * bundles under dist/vendor/, when they exist: one file to read and compile instead of tens or
 * hundreds, compiled from its V8 code cache (./codecache). Run from the sources (tests, ts-node),
 * or from a build without them, the packages load from node_modules as usual; so does a package of
 * the SDK the bundle does not hold (the credential providers the default chain loads on demand),
 * whose own requires of the SDK then come back to the bundle.
 */
export function useVendorBundles(dir = join(__dirname, '..', 'vendor')): void {
  const bundles = new Map<string, string>();
  for (const name of VENDOR_BUNDLES) {
    const file = join(dir, `${name}.js`);
    if (existsSync(file)) bundles.set(name, file);
  }
  const awsSdk = join(dir, `${AWS_SDK_BUNDLE}.js`);
  const aws = existsSync(awsSdk);
  if (!bundles.size && !aws) return;
  useCodeCache(aws ? [...bundles.values(), awsSdk] : bundles.values());
  // Only processes that use S3 ask for these names, and each name once or twice: a stat each, remembered.
  const shims = new Map<string, string | undefined>();
  const shimOf = (request: string): string | undefined => {
    if (!shims.has(request)) {
      const file = join(dir, AWS_SDK_BUNDLE, `${request}.js`);
      shims.set(request, existsSync(file) ? file : undefined);
    }
    return shims.get(request);
  };
  const loader = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string };
  const resolve = loader._resolveFilename;
  loader._resolveFilename = function (request: string, ...rest: unknown[]): string {
    return bundles.get(request) ?? (aws && AWS_SDK_SCOPES.test(request) ? shimOf(request) : undefined) ?? resolve.call(this, request, ...rest);
  };
}
