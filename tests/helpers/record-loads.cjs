'use strict';
// Preload (`node -r`): records which npm packages a process loaded, and whether Node's own fetch
// (undici) was loaded, into the JSON file named by RDB_RECORD_LOADS when the process exits.
const Module = require('module');
const { writeFileSync } = require('fs');

const packages = new Set();
const resolve = Module._resolveFilename;
Module._resolveFilename = function (...args) {
  const file = resolve.apply(this, args);
  const m = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(file);
  if (m) packages.add(m[1].replace(/\\/g, '/'));
  return file;
};
process.on('exit', () => {
  const undici = process.moduleLoadList.some((m) => m.includes('internal/deps/undici'));
  writeFileSync(process.env.RDB_RECORD_LOADS, JSON.stringify({ packages: [...packages].sort(), undici }));
});
