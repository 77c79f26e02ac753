/** How a failed PostgreSQL load is reported: the server's refusal is a seed bug, a lost socket is not. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { seedPgError } from '../../src/stores/postgres/seed';

const config = loadConfig({}, { DATABASE_URL: 'postgres://u:secret@127.0.0.1:5433/db' }, '/nonexistent');

describe('seedPgError', () => {
  it('a socket error during COPY (EPIPE, five capitals like a SQLSTATE) is the connection, exit 2, never "a bug in the seed generators"', () => {
    for (const code of ['EPIPE', 'ECONNRESET']) {
      const e = seedPgError(Object.assign(new Error(`write ${code}`), { code }), config);
      expect(e.code, code).not.toBe('seed-failed');
      expect(e.exitCode, code).toBe(2);
      expect(e.message).not.toContain('secret');
    }
  });

  it('a constraint the server refuses is the seed failing, with its table and constraint', () => {
    const e = seedPgError(Object.assign(new Error('duplicate key value'), { code: '23505', table: 'users', constraint: 'users_email_unique' }), config);
    expect(e.code).toBe('seed-failed');
    expect(e.message).toMatch(/\(23505 on users, constraint users_email_unique\)/);
  });
});
