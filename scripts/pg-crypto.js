'use strict';
/**
 * Stands in for pg's lib/crypto/utils.js inside the dist/vendor/pg.js bundle (scripts/bundle-vendor.js).
 * pg computes SCRAM-SHA-256 with WebCrypto: loading Node's WebCrypto layer and running PBKDF2 on the
 * thread pool costs ~3-4 ms of CPU and several event-loop hops on every connection, a tenth of a
 * short command's own work. node:crypto computes the same bytes synchronously (the password and
 * messages as UTF-8, as WebCrypto's TextEncoder does). Same exports, async as pg awaits them;
 * tests/unit/pg-crypto.test.ts compares every function with pg's own.
 */
const nodeCrypto = require('crypto');

function randomBytes(length) {
  return nodeCrypto.randomBytes(length);
}

async function md5(string) {
  return nodeCrypto.createHash('md5').update(string, 'utf-8').digest('hex');
}

async function postgresMd5PasswordHash(user, password, salt) {
  const inner = await md5(password + user);
  const outer = await md5(Buffer.concat([Buffer.from(inner), salt]));
  return 'md5' + outer;
}

async function sha256(text) {
  return nodeCrypto.createHash('sha256').update(Buffer.from(text)).digest();
}

/** WebCrypto's names (SHA-256) are node:crypto's without the dash (sha256). */
async function hashByName(hashName, text) {
  return nodeCrypto.createHash(hashName.replace('-', '').toLowerCase()).update(Buffer.from(text)).digest();
}

async function hmacSha256(keyBuffer, msg) {
  return nodeCrypto.createHmac('sha256', Buffer.from(keyBuffer)).update(msg, 'utf8').digest();
}

async function deriveKey(password, salt, iterations) {
  return nodeCrypto.pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, 32, 'sha256');
}

module.exports = {
  postgresMd5PasswordHash,
  randomBytes,
  deriveKey,
  sha256,
  hashByName,
  hmacSha256,
  md5,
};
