#!/usr/bin/env node
'use strict';
/**
 * Part of `npm run build`, after tsc: the drivers the PostgreSQL, MongoDB and S3 commands load, each
 * bundled into one file under dist/vendor/ (src/vendor.ts points `require('pg')`, `require('knex')`,
 * `require('mongodb')`, `require('bson')` and the AWS SDK's packages at them), and the CLI itself
 * (our compiled modules and commander) in dist/src/cli.bundle.js, which bin/recruit-db runs. All of them load through V8 code caches
 * (src/codecache.ts).
 *
 * Why: knex is ~300 small files (lodash's, mostly) and pg ~30; resolving, reading and compiling
 * them one by one was ~65 ms of a `migrate` on an idle machine and several times that on a busy
 * one. One file each loads in a fraction of that. Same code, same versions: the bundles are built
 * from node_modules at every build; what a driver only loads on demand (other databases' drivers,
 * pg-native) stays an ordinary require.
 */
const { build, buildSync } = require('esbuild');
const { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } = require('node:fs');
const { builtinModules } = require('node:module');
const { dirname, join, relative, resolve, sep } = require('node:path');

const ROOT = join(__dirname, '..');
const OUT = join(ROOT, 'dist/vendor');

/**
 * Every bundle is written without whitespace and with esbuild's syntax shortening, names kept (stack
 * traces still name functions): ~30 % less source to read, decode and check against its code cache
 * on every start. And ASCII only (checked after the build): one non-ASCII character anywhere makes
 * V8 hold the whole source as two-byte characters, twice the bytes to decode and keep. Together,
 * ~6 ms of a no-op `migrate --only postgres` (BENCHMARKS.md, migrate).
 */
const COMPACT = { minifyWhitespace: true, minifySyntax: true, charset: 'ascii' };

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
  // One file already, but ~150 kB compiled at every MongoDB command: here it loads from a code cache.
  bson: { entry: 'node_modules/bson/lib/bson.cjs', external: [] },
};

/**
 * The MongoDB driver's SCRAM code with SASLprep behind an ASCII fast path and its hashes on
 * node:crypto instead of WebCrypto (scripts/mongo-scram.js says why). The driver's H, HMAC and HI
 * are dropped and taken from there; the rest of its SCRAM (messages, nonce, proof, checks) is its own.
 */
const mongoScram = {
  name: 'recruit-db-mongo-scram',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]mongodb[\\/]lib[\\/]cmap[\\/]auth[\\/]scram\.js$/ }, (args) => {
      const ours = JSON.stringify(join(__dirname, 'mongo-scram.js'));
      let source = readFileSync(args.path, 'utf8');
      // A driver whose SCRAM changed shape would silently keep its own code: fail the build instead.
      const changed = (what) => new Error(`${args.path}: ${what} not found as expected; check scripts/mongo-scram.js against this driver`);
      const saslprep = 'require("@mongodb-js/saslprep")';
      if (source.split(saslprep).length !== 2) throw changed(saslprep);
      source = source.replace(saslprep, `require(${ours})`);
      // tsc's output: a top-level function ends at the first "}" in column 0.
      const own = /^async function (H|HMAC|HI)\([^)]*\) \{\n[\s\S]*?\n\}\n/gm;
      const dropped = (source.match(own) ?? []).map((f) => /^async function (\w+)/.exec(f)[1]).sort();
      if (dropped.join() !== 'H,HI,HMAC') throw changed(`async functions H, HMAC and HI (found: ${dropped.join() || 'none'})`);
      source = `${source.replace(own, '')}\nconst { H, HMAC, HI } = require(${ours});\n`;
      return { contents: source, resolveDir: dirname(args.path), loader: 'js' };
    });
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
    plugins: name === 'pg' ? [pgCrypto] : name === 'mongodb' ? [mongoScram] : [],
    legalComments: 'eof',
    ...COMPACT,
    logLevel: 'error',
  }),
);

/**
 * The AWS SDK (@aws-sdk/client-s3, @smithy/node-http-handler and the ~30 files of @aws-sdk/* and
 * @smithy/* they require) in dist/vendor/aws-sdk.js. Unlike the drivers above it is many packages,
 * and what stays outside still requires them by name: the credential providers the default chain
 * loads only when it gets that far (SSO, shared files, process, web identity, container and
 * instance metadata), @aws-sdk/client-sts (doctor). So the bundle exports every package it holds
 * by its name, each through a getter (a package initialises when first required, as in
 * node_modules), and dist/vendor/aws-sdk/<package>.js is a one-line file per package that
 * src/vendor.ts resolves that name to: one instance of each package in the process, wherever it is
 * required from. Resolved as Node resolves them (require condition, "main"), so the bundle holds
 * the very files node_modules would load.
 */
const AWS_SDK_ENTRIES = ['@aws-sdk/client-s3', '@smithy/node-http-handler'];
const AWS_SDK_ON_DEMAND = [
  '@aws-sdk/credential-provider-http',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-web-identity',
  '@smithy/credential-provider-imds',
  // the browser's user-agent parser, never reached in Node
  'bowser',
];
const AWS_SDK_SHIMS = join(OUT, 'aws-sdk');
const awsResolve = { platform: 'node', format: 'cjs', target: 'node20', conditions: [], mainFields: ['main'], external: AWS_SDK_ON_DEMAND, logLevel: 'error' };

/** The package names the SDK's files require one another by (a first, unwritten pass). */
function awsSdkPackages() {
  const builtins = new Set(builtinModules);
  const names = new Set(AWS_SDK_ENTRIES);
  const { metafile } = buildSync({
    ...awsResolve,
    stdin: { contents: AWS_SDK_ENTRIES.map((p) => `require(${JSON.stringify(p)});`).join('\n'), resolveDir: ROOT },
    bundle: true,
    write: false,
    metafile: true,
  });
  for (const input of Object.values(metafile.inputs)) {
    for (const i of input.imports) {
      const name = i.original ?? i.path;
      if (!i.external && !/^[./]/.test(name) && !name.startsWith('node:') && !builtins.has(name)) names.add(name);
    }
  }
  return [...names].sort();
}

function awsSdkBuild() {
  const names = awsSdkPackages();
  rmSync(AWS_SDK_SHIMS, { recursive: true, force: true });
  for (const name of names) {
    const shim = join(AWS_SDK_SHIMS, `${name}.js`);
    mkdirSync(dirname(shim), { recursive: true });
    const bundle = relative(dirname(shim), join(OUT, 'aws-sdk.js')).split(sep).join('/');
    writeFileSync(shim, `'use strict';\n// ${name}, from the one-file AWS SDK bundle (scripts/bundle-vendor.js).\nmodule.exports = require('${bundle}')[${JSON.stringify(name)}];\n`);
  }
  const contents = names.map((name) => `Object.defineProperty(exports, ${JSON.stringify(name)}, { enumerable: true, get: () => require(${JSON.stringify(name)}) });`).join('\n');
  return build({ ...awsResolve, stdin: { contents, resolveDir: ROOT, sourcefile: 'aws-sdk-packages.js' }, outfile: join(OUT, 'aws-sdk.js'), bundle: true, legalComments: 'eof', ...COMPACT });
}

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
/**
 * commander requires child_process at load, for executable subcommands (`git-style` separate
 * programs), which recruit-db has none of: loading it (with dgram, the socket list and the rest) was
 * ~4 ms of every command. The bundle's copy requires it when a subcommand would be spawned. The
 * line must be there as written: a commander that changed it fails the build instead of loading
 * something else.
 */
const COMMANDER_CHILD_PROCESS = "const childProcess = require('node:child_process');";
const lazyChildProcess = {
  name: 'recruit-db-commander-lazy-child-process',
  setup(build) {
    build.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes(COMMANDER_CHILD_PROCESS)) throw new Error(`${args.path}: no "${COMMANDER_CHILD_PROCESS}" line to make lazy (commander changed: update scripts/bundle-vendor.js)`);
      return { contents: source.replace(COMMANDER_CHILD_PROCESS, "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };"), loader: 'js' };
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
  plugins: [splitShared, lazyChildProcess],
  legalComments: 'eof',
  ...COMPACT,
  logLevel: 'error',
});

Promise.all([...vendorBuilds, awsSdkBuild(), cliBuild]).then(
  () => {
    // Code caches of earlier builds (one per module and command, src/codecache.ts): whatever they
    // were made from was just rewritten, so this only saves the disk.
    for (const f of readdirSync(DIST, { recursive: true })) if (String(f).endsWith('.v8cache')) rmSync(join(DIST, String(f)), { force: true });
    for (const file of [CLI_BUNDLE, ...[...Object.keys(BUNDLES), 'aws-sdk'].map((name) => join(OUT, `${name}.js`))]) {
      const text = readFileSync(file, 'latin1');
      const at = text.search(/[^\x00-\x7f]/);
      if (at >= 0) {
        const line = text.slice(0, at).split('\n').length;
        process.stderr.write(`${relative(ROOT, file)}:${line}: a non-ASCII character esbuild did not escape (in a regular expression literal?): write it as \\u escapes in the source\n`);
        process.exitCode = 1;
      }
    }
  },
  () => {
    process.exitCode = 1;
  },
);
