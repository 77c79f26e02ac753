/**
 * scripts/mongo-saslprep.js stands in for @mongodb-js/saslprep in the MongoDB driver's SCRAM code
 * (dist/vendor/mongodb.js): a printable-ASCII password is returned as it is, without loading the
 * package; anything else goes to the package. Both must give what the package gives, or throw where
 * it throws.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = join(__dirname, '../..');
const load = createRequire(join(REPO, 'package.json'));
type Prep = (input: string, opts?: { allowUnassigned?: boolean }) => string;
const ours = (load('./scripts/mongo-saslprep.js') as { saslprep: Prep }).saslprep;
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
