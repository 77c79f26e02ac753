/**
 * scripts/mongo-scram.js stands in for SASLprep and the WebCrypto hashes in the MongoDB driver's
 * SCRAM code (dist/vendor/mongodb.js). SASLprep: a printable-ASCII password is returned as it is,
 * without loading the package; anything else goes to the package; both must give what the package
 * gives, or throw where it throws. H, HMAC, HI: the bytes WebCrypto gives, and with the driver's
 * steps (lib/cmap/auth/scram.js) the client proofs and server signatures of RFC 5802 and RFC 7677.
 */
import { webcrypto } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = join(__dirname, '../..');
const load = createRequire(join(REPO, 'package.json'));
type Prep = (input: string, opts?: { allowUnassigned?: boolean }) => string;
type Method = 'sha1' | 'sha256';
interface Scram {
  saslprep: Prep;
  H(method: Method, text: Uint8Array): Promise<Uint8Array>;
  HMAC(method: Method, key: Uint8Array, text: Uint8Array | string): Promise<Uint8Array>;
  HI(data: string, salt: Uint8Array, iterations: number, method: Method): Promise<Uint8Array>;
}
const scram = load('./scripts/mongo-scram.js') as Scram;
const ours = scram.saslprep;
const theirs = (load('@mongodb-js/saslprep') as { saslprep: Prep }).saslprep;

/** What a call gives: its result, or the error's message. */
function outcome(prep: Prep, input: string): string {
  try {
    return `ok:${prep(input)}`;
  } catch (err) {
    return `error:${(err as Error).message}`;
  }
}

describe('SASLprep with an ASCII fast path', () => {
  it('matches the package on every ASCII character, alone and inside a password', () => {
    for (let c = 0; c < 0x80; c++) {
      const ch = String.fromCharCode(c);
      for (const input of [ch, `pass${ch}word`, `${ch}${ch}`]) expect(outcome(ours, input), `U+${c.toString(16)}`).toBe(outcome(theirs, input));
    }
  });

  it('matches the package on the examples of RFC 4013 section 3 and other non-ASCII input', () => {
    const cases = ['I\u00adX', 'user', 'USER', '\u00aa', '\u2168', '\u0007', '\u0627\u0031', 'x\u00a0y', 'pässwörd-ü-€', '\u200bzero-width', '\ufb01', '', ' leading and trailing '];
    for (const input of cases) expect(outcome(ours, input), JSON.stringify(input)).toBe(outcome(theirs, input));
    // RFC 4013's own answers, so an agreement above is not two equal mistakes.
    expect(ours('I\u00adX')).toBe('IX');
    expect(ours('\u00aa')).toBe('a');
    expect(ours('\u2168')).toBe('IX');
    expect(() => ours('\u0007')).toThrow(/Prohibited/);
    expect(() => ours('\u0627\u0031')).toThrow(/RandALCat/);
  });

  it('passes options through for the package to apply (unassigned code points)', () => {
    const unassigned = '\u0221';
    expect(outcome(ours, unassigned)).toBe(outcome(theirs, unassigned));
    expect(ours(unassigned, { allowUnassigned: true })).toBe(theirs(unassigned, { allowUnassigned: true }));
  });
});

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const hashName = (m: Method) => (m === 'sha256' ? 'SHA-256' : 'SHA-1');

/** The driver's client-final proof and expected server signature, from its steps, with our H, HMAC and HI. */
async function conversation(method: Method, password: string, clientNonce: string, serverFirst: string) {
  const dict = Object.fromEntries(serverFirst.split(',').map((p) => [p[0], p.slice(2)]));
  const salted = await scram.HI(password, Buffer.from(dict.s, 'base64'), Number(dict.i), method);
  const clientKey = await scram.HMAC(method, salted, 'Client Key');
  const serverKey = await scram.HMAC(method, salted, 'Server Key');
  const storedKey = await scram.H(method, clientKey);
  const withoutProof = `c=biws,r=${dict.r}`;
  const authMessage = [`n=user,r=${clientNonce}`, serverFirst, withoutProof].join(',');
  const clientSignature = await scram.HMAC(method, storedKey, authMessage);
  const proof = b64(Uint8Array.from(clientKey, (x, i) => x ^ clientSignature[i]));
  return { proof, serverSignature: b64(await scram.HMAC(method, serverKey, authMessage)) };
}

describe('SCRAM hashes on node:crypto', () => {
  it('give the client proof and server signature of RFC 7677 (SCRAM-SHA-256) and RFC 5802 (SCRAM-SHA-1)', async () => {
    // RFC 7677 section 3: user "user", password "pencil".
    const sha256 = await conversation('sha256', 'pencil', 'rOprNGfwEbeRWgbNEkqO', 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
    expect(sha256).toEqual({ proof: 'dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=', serverSignature: '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=' });
    // RFC 5802 section 5 (MongoDB's SCRAM-SHA-1 hashes an MD5 digest instead of the password; HI is the same).
    const sha1 = await conversation('sha1', 'pencil', 'fyko+d2lbbFgONRv9qkxdawL', 'r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096');
    expect(sha1).toEqual({ proof: 'v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=', serverSignature: 'rmF9pqV8S7suAoZWja4dJRkFsKQ=' });
  });

  it('give the bytes WebCrypto gives (the driver\'s own H, HMAC and HI), for UTF-8 text and binary keys', async () => {
    const { subtle } = webcrypto;
    const salt = Buffer.from('c2FsdHNhbHRzYWx0MTIzNA==', 'base64');
    for (const method of ['sha1', 'sha256'] as const) {
      const hash = { name: hashName(method) };
      for (const password of ['recruit', 'pässwörd-ü-€']) {
        const material = await subtle.importKey('raw', new TextEncoder().encode(password), { name: 'PBKDF2' }, false, ['deriveBits']);
        const theirs = new Uint8Array(await subtle.deriveBits({ name: 'PBKDF2', salt, iterations: 4096, hash }, material, method === 'sha256' ? 256 : 160));
        const mine = await scram.HI(password, salt, 4096, method);
        expect(b64(mine), `${method} ${password}`).toBe(b64(theirs));
        // Remembered: the same bytes again, and not confused with the other hash's.
        expect(b64(await scram.HI(password, salt, 4096, method))).toBe(b64(theirs));
        for (const text of ['Client Key', 'n=user,r=abc,r=abcdef,s=xyz,i=4096,c=biws,r=abcdef', 'ünïcode', new Uint8Array([0, 1, 254, 255])]) {
          const key = await subtle.importKey('raw', mine, { name: 'HMAC', hash }, false, ['sign']);
          const data = typeof text === 'string' ? new TextEncoder().encode(text) : text;
          expect(b64(await scram.HMAC(method, mine, text))).toBe(b64(new Uint8Array(await subtle.sign('HMAC', key, data))));
        }
        expect(b64(await scram.H(method, mine))).toBe(b64(new Uint8Array(await subtle.digest(hash, mine))));
      }
    }
  });
});
