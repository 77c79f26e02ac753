import { describe, expect, it } from 'vitest';
import chalk from 'chalk';
import { Output, progressText, table } from '../../src/cli/output';

describe('seed progress line', () => {
  it('shows the rate so far and the time left at that rate', () => {
    expect(progressText({ store: 'postgres', name: 'users', done: 5000, total: 20000 }, 2000)).toBe('postgres: users 5000/20000 (2500/s, ~6s left)');
  });

  it('rounds the time left up and never goes below zero when the estimate was short', () => {
    expect(progressText({ store: 'mongo', name: 'event_log', done: 300, total: 301 }, 1000)).toBe('mongo: event_log 300/301 (300/s, ~1s left)');
    expect(progressText({ store: 's3', name: 'users/profiles/', done: 50, total: 40 }, 1000)).toBe('s3: users/profiles/ 50/40 (50/s, ~0s left)');
  });

  it('says the time left is unknown before anything was written', () => {
    expect(progressText({ store: 'postgres', name: 'users', done: 0, total: 100 }, 0)).toBe('postgres: users 0/100 (0/s, time left unknown)');
  });
});

describe('table', () => {
  it('aligns columns by visible width, ignoring colour codes, without trailing spaces', () => {
    const red = (s: string) => `\x1b[31m${s}\x1b[39m`;
    expect(table([['store', 'state'], [red('pg'), 'ok'], ['mongo', '']])).toBe(`store  state\n${red('pg')}     ok\nmongo`);
  });
});

describe('colours off', () => {
  it('the painter returns the text unchanged, as chalk with colour off does, for every style and chain', () => {
    const off = new Output({ color: false }).c;
    const chalkOff = new chalk.Instance({ level: 0 });
    for (const paint of [off.green, off.bold, off.red.bold, off.yellow.dim.underline]) expect(paint('drift: 3')).toBe('drift: 3');
    expect(off.bold('a', 'b')).toBe(chalkOff.bold('a', 'b'));
    expect(off.level).toBe(0);
  });
});
