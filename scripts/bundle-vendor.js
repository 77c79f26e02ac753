#!/usr/bin/env node
'use strict';
/**
 * Part of `npm run build`: the drivers the PostgreSQL and MongoDB commands load, each bundled into one
 * file under dist/vendor/ (src/vendor.ts points `require('pg')`, `require('knex')` and `require('mongodb')` at them).
 *
 * Why: knex is ~300 small files (lodash's, mostly) and pg ~30; resolving, reading and compiling
 * them one by one was ~65 ms of a `migrate` on an idle machine and several times that on a busy
 * one. One file each loads in a fraction of that. Same code, same versions: the bundles are built
 * from node_modules at every build; what a driver only loads on demand (other databases' drivers,
 * pg-native) stays an ordinary require.
 */
const { buildSync } = require('esbuild');
const { join } = require('node:path');

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

for (const [name, b] of Object.entries(BUNDLES)) {
  buildSync({
    entryPoints: [join(ROOT, b.entry)],
    outfile: join(OUT, `${name}.js`),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: b.external,
    legalComments: 'eof',
    logLevel: 'error',
  });
}
