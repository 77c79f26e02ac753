/**
 * scripts/pg-crypto.js stands in for pg's WebCrypto SCRAM helpers in the dist/vendor/pg.js bundle:
 * it must export what pg's own module exports and compute the same bytes for the same input.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = join(__dirname, '../..');
const load = createRequire(join(REPO, 'package.json'));
type Utils = Record<string, (...args: never[]) => unknown>;
const ours = load('./scripts/pg-crypto.js') as Utils;
const pgs = load('pg/lib/crypto/utils.js') as Utils;
const bytes = (v: unknown) => Buffer.from(v as ArrayBuffer).toString('hex');

describe('pg SCRAM helpers on node:crypto', () => {
  it('export the same functions as pg', () => {
    expect(Object.keys(ours).sort()).toEqual(Object.keys(pgs).sort());
  });

  it('compute the same keys, signatures and digests', async () => {
    const call = (u: Utils, name: string, ...args: unknown[]) => (u[name] as (...a: unknown[]) => Promise<unknown>)(...args);
    const salt = Buffer.from('c2FsdHNhbHRzYWx0MTIzNA==', 'base64');
    for (const password of ['recruit', 'pässwörd-ü-€', '']) {
      const mine = await call(ours, 'deriveKey', password, salt, 4096);
      expect(bytes(mine), password).toBe(bytes(await call(pgs, 'deriveKey', password, salt, 4096)));
      for (const msg of ['Client Key', 'Server Key', 'n=*,r=abc,r=abcdef,s=xyz,i=4096,c=biws,r=abcdef', 'ünïcode']) {
        expect(bytes(await call(ours, 'hmacSha256', mine, msg))).toBe(bytes(await call(pgs, 'hmacSha256', mine, msg)));
      }
      expect(bytes(await call(ours, 'sha256', mine))).toBe(bytes(await call(pgs, 'sha256', mine)));
      for (const name of ['SHA-256', 'SHA-384', 'SHA-512']) expect(bytes(await call(ours, 'hashByName', name, mine)), name).toBe(bytes(await call(pgs, 'hashByName', name, mine)));
      expect(await call(ours, 'postgresMd5PasswordHash', 'recruit', password, Buffer.from([1, 2, 3, 4]))).toBe(await call(pgs, 'postgresMd5PasswordHash', 'recruit', password, Buffer.from([1, 2, 3, 4])));
    }
    const nonce = (ours.randomBytes as (n: number) => Buffer)(18);
    expect(nonce).toHaveLength(18);
    expect(bytes(nonce)).not.toBe(bytes((ours.randomBytes as (n: number) => Buffer)(18)));
  });
});
