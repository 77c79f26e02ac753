'use strict';
// Preload (`node -r`): records which npm packages a process loaded (from node_modules, or as one of
// the bundles under dist/vendor/; a package of the AWS SDK bundle by the name it was required by,
// from its file dist/vendor/aws-sdk/<package>.js), and whether Node's own fetch (undici) was loaded, into the JSON
// file named by RDB_RECORD_LOADS when the process exits. Files are seen both when resolved (ES
// modules such as faker), when compiled (the CLI may resolve the bundles itself), and in require's
// cache at exit (the CLI compiles its bundles itself, from their code cache: src/codecache.ts).
// `files` lists every CommonJS file in that cache.
const Module = require('module');
const { writeFileSync } = require('fs');

const packages = new Set();
const note = (file) => {
  const m = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(file) ?? /[\\/]dist[\\/]vendor[\\/]aws-sdk[\\/](@[^\\/]+[\\/][^\\/]+?)(?:\.js$|[\\/])/.exec(file) ?? /[\\/]dist[\\/]vendor[\\/](.+)\.js$/.exec(file);
  if (m) packages.add(m[1].replace(/\\/g, '/'));
};
const resolve = Module._resolveFilename;
Module._resolveFilename = function (...args) {
  const file = resolve.apply(this, args);
  note(file);
  return file;
};
const compile = Module.prototype._compile;
Module.prototype._compile = function (content, filename) {
  note(filename);
  return compile.apply(this, arguments);
};
process.on('exit', () => {
  const undici = process.moduleLoadList.some((m) => m.includes('internal/deps/undici'));
  const files = Object.keys(Module._cache);
  files.forEach(note);
  writeFileSync(process.env.RDB_RECORD_LOADS, JSON.stringify({ packages: [...packages].sort(), undici, files }));
});
