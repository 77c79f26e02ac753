#!/usr/bin/env node
'use strict';
/**
 * Part of `npm run build`, after tsc: the drivers the PostgreSQL and MongoDB commands load, each
 * bundled into one file under dist/vendor/ (src/vendor.ts points `require('pg')`, `require('knex')`
 * and `require('mongodb')` at them), and the CLI itself (our compiled modules and commander) in
 * dist/src/cli.bundle.js, which bin/recruit-db runs. All of them load through V8 code caches
 * (src/codecache.ts).
 *
 * Why: knex is ~300 small files (lodash's, mostly) and pg ~30; resolving, reading and compiling
 * them one by one was ~65 ms of a `migrate` on an idle machine and several times that on a busy
 * one. One file each loads in a fraction of that. Same code, same versions: the bundles are built
 * from node_modules at every build; what a driver only loads on demand (other databases' drivers,
 * pg-native) stays an ordinary require.
 */
const { build, buildSync } = require('esbuild');
const { readFileSync, readdirSync, rmSync } = require('node:fs');
const { join, relative, resolve, sep } = require('node:path');

const ROOT = join(__dirname, '..');
const OUT = join(ROOT, 'dist/vendor');

const BUNDLES = {
  pg: { entry: 'node_modules/pg/lib/index.js', external: ['pg-native', 'pg-cloudflare', 'cloudflare:sockets'] },
  // pg stays outside the knex bundle, so knex and recruit-db share one driver (the pg bundle).
  knex: {
    entry: 'node_modules/knex/knex.js',
    external: ['pg', 'pg-native', 'pg-query-stream', 'mysql', 'mysql2', 'sqlite3', 'better-sqlite3', 'tedious', 'oracledb', 'mariadb', 'mariadb/callback'],
  },
  // ~120 files. bson stays outside, so the driver and the code that builds ObjectIds and UUIDs share
  // one bson (instanceof); what the driver loads only on demand (compression, Kerberos, client-side
  // encryption, cloud credentials, SOCKS) stays an ordinary require.
  mongodb: {
    entry: 'node_modules/mongodb/lib/index.js',
    external: ['bson', 'kerberos', 'snappy', '@mongodb-js/zstd', 'mongodb-client-encryption', '@aws-sdk/credential-providers', 'gcp-metadata', 'socks', 'aws4'],
  },
};

/** pg's WebCrypto SCRAM helpers, replaced by node:crypto ones in the bundle (see scripts/pg-crypto.js). */
const pgCrypto = {
  name: 'recruit-db-pg-crypto',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]pg[\\/]lib[\\/]crypto[\\/]utils\.js$/ }, () => ({
      contents: readFileSync(join(__dirname, 'pg-crypto.js'), 'utf8'),
      resolveDir: __dirname,
      loader: 'js',
    }));
  },
};

const vendorBuilds = Object.entries(BUNDLES).map(([name, b]) =>
  build({
    entryPoints: [join(ROOT, b.entry)],
    outfile: join(OUT, `${name}.js`),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: b.external,
    plugins: name === 'pg' ? [pgCrypto] : [],
    legalComments: 'eof',
    logLevel: 'error',
  }),
);

/**
 * The CLI in one file: ~30 of our modules and commander for a `migrate`, 150 for every command,
 * read and compiled as one (from its code cache) instead of resolved and compiled one by one.
 * Packages stay ordinary requires (pg and knex resolve to their bundles; the MongoDB driver, the AWS
 * SDK and faker load only for the commands that use them).
 *
 * Our modules that the migration scripts import (dist/migrations, dist/mongo-migrations: ddl,
 * mongo/apply and what they import) stay separate files, required by the bundle: a migration must
 * share one instance of them, and of errors.ts's RecruitDbError, with the CLI that runs it.
 */
const DIST = join(ROOT, 'dist');
const SRC = join(DIST, 'src');
const scriptEntries = ['migrations', 'mongo-migrations'].flatMap((d) =>
  readdirSync(join(DIST, d)).filter((f) => f.endsWith('.js')).map((f) => join(DIST, d, f)),
);
const { metafile } = buildSync({ entryPoints: scriptEntries, bundle: true, write: false, outdir: join(DIST, '.scripts'), platform: 'node', format: 'cjs', packages: 'external', metafile: true, logLevel: 'error' });
const shared = new Set(Object.keys(metafile.inputs).map((f) => resolve(ROOT, f)).filter((f) => f.startsWith(SRC + sep)));
// One instance per process: bin/recruit-db loads it to load this bundle.
shared.add(join(SRC, 'codecache.js'));

const BUNDLED_PACKAGES = new Set(['commander']);
const splitShared = {
  name: 'recruit-db-shared-modules',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      if (!args.path.startsWith('.')) return BUNDLED_PACKAGES.has(args.path) ? undefined : { external: true };
      const file = require.resolve(resolve(args.resolveDir, args.path));
      if (!shared.has(file)) return undefined;
      const rel = relative(SRC, file).split(sep).join('/');
      return { path: `./${rel}`, external: true };
    });
  },
};
const CLI_BUNDLE = join(SRC, 'cli.bundle.js');
const cliBuild = build({
  entryPoints: [join(SRC, 'cli/main.js')],
  outfile: CLI_BUNDLE,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  plugins: [splitShared],
  legalComments: 'eof',
  logLevel: 'error',
});

Promise.all([...vendorBuilds, cliBuild]).then(
  () => {
    // Caches of the previous build: their key no longer matches, so this only saves the disk.
    for (const file of [CLI_BUNDLE, ...Object.keys(BUNDLES).map((name) => join(OUT, `${name}.js`))]) rmSync(`${file}.v8cache`, { force: true });
  },
  () => {
    process.exitCode = 1;
  },
);
