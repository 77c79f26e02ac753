'use strict';
/**
 * Stands in, inside the dist/vendor/mongodb.js bundle (scripts/bundle-vendor.js), for what the
 * MongoDB driver's SCRAM code (lib/cmap/auth/scram.js) takes from elsewhere:
 *
 * - SASLprep (`require("@mongodb-js/saslprep")`): the driver requires it when it loads, and it
 *   builds its code-point tables (~20 ms of CPU) right then, on every MongoDB command, for a
 *   password it prepares once, if at all. A password of printable ASCII is its own SASLprep
 *   (RFC 4013: nothing in U+0020-U+007E is mapped, changed by NFKC, prohibited, unassigned or
 *   right-to-left), so the tables load only for any other password.
 * - H, HMAC and HI, which the driver computes with WebCrypto: an importKey and a sign, each a
 *   promise through WebCrypto's argument checks, for each of the four HMACs of every connection's
 *   handshake (~9 ms of a `migrate --only mongo` in a CPU profile). node:crypto gives the same bytes
 *   synchronously; PBKDF2 stays asynchronous, on the thread pool as WebCrypto runs it, and
 *   remembered per password, salt and count as the driver does (a pool's later connections skip it).
 *
 * tests/unit/mongo-scram.test.ts checks them against the package and RFC 5802/7677's examples.
 */
const { createHash, createHmac, pbkdf2 } = require('crypto');

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

let fullSaslprep;

function saslprep(input, opts) {
  if (typeof input === 'string' && PRINTABLE_ASCII.test(input)) return input;
  fullSaslprep ??= require('@mongodb-js/saslprep');
  return fullSaslprep.saslprep(input, opts);
}

/** The driver names its hashes 'sha1' and 'sha256', as node:crypto does. */
const digestOf = (method) => (method === 'sha256' ? 'sha256' : 'sha1');
const LENGTH = { sha1: 20, sha256: 32 };

async function H(method, text) {
  return createHash(digestOf(method)).update(text).digest();
}

async function HMAC(method, key, text) {
  return createHmac(digestOf(method), key).update(text).digest();
}

const hiCache = new Map();
const HI_CACHE_MAX = 200;

async function HI(data, salt, iterations, method) {
  const digest = digestOf(method);
  const key = `${digest}_${data}_${Buffer.from(salt).toString('base64')}_${iterations}`;
  const known = hiCache.get(key);
  if (known) return known;
  const salted = await new Promise((resolve, reject) =>
    pbkdf2(Buffer.from(data, 'utf8'), salt, iterations, LENGTH[digest], digest, (err, bytes) => (err ? reject(err) : resolve(bytes))),
  );
  if (hiCache.size >= HI_CACHE_MAX) hiCache.clear();
  hiCache.set(key, salted);
  return salted;
}

module.exports = { saslprep, H, HMAC, HI };
