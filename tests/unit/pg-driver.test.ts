import { describe, expect, it } from 'vitest';
import { pgDriver } from '../../src/stores/postgres/driver';

describe('the pg driver loader', () => {
  it('gives the pg module and leaves the global Response as it was (defined, working)', async () => {
    const before = Object.getOwnPropertyDescriptor(globalThis, 'Response');
    const pg = pgDriver();
    expect(typeof pg.Client).toBe('function');
    expect(pgDriver()).toBe(pg);
    expect(Object.getOwnPropertyDescriptor(globalThis, 'Response')).toEqual(before);
    expect(await new Response('still here').text()).toBe('still here');
  });
});
