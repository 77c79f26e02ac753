import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng, isoDay, parseAsOf, uuidFor } from '../../seeds/core';
import { APPLICATION_STATUSES, applicationPath, canTransition, isValidStatusPath, shortestPathTo, devPasswordHash, verifyPassword, DEV_PASSWORD } from '../../seeds/domain';
import { Topology, pairAt, shapeFor } from '../../seeds/topology';
import { genContext, pgTables } from '../../seeds/postgres';
import { copyField, copyKinds, copyLine, Json } from '../../src/stores/postgres/seed';
import { MANIFEST, enumLabels } from '../../src/summary/manifest';
import { REPO } from '../helpers/cli';

describe('seed domain and generators (pure)', () => {
  it('the state machine names exactly the application_status enum, in its order', () => {
    expect([...APPLICATION_STATUSES]).toEqual(enumLabels(MANIFEST, 'application_status'));
  });

  it('every status is reachable and generated paths are valid walks', () => {
    for (const s of APPLICATION_STATUSES) expect(isValidStatusPath(shortestPathTo(s), s)).toBe(true);
    for (let i = 0; i < 2000; i++) {
      const p = applicationPath(Rng.at(1, 'x', i), i);
      expect(isValidStatusPath(p, p[p.length - 1])).toBe(true);
    }
    expect(canTransition('hired', 'withdrawn')).toBe(false);
    expect(isValidStatusPath(['pending_admin_review', 'hired'], 'hired')).toBe(false);
  });

  it('uuids are unique per table and deterministic', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50_000; i++) seen.add(uuidFor(3, 'users', i));
    expect(seen.size).toBe(50_000);
    expect(uuidFor(3, 'users', 7)).toBe(uuidFor(3, 'users', 7));
    expect(uuidFor(3, 'users', 7)).not.toBe(uuidFor(4, 'users', 7));
    expect(uuidFor(3, 'users', 7)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('pairAt is one-to-one below A*B', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 30 * 17; i++) seen.add(pairAt(1, 'p', i, 30, 17).join(','));
    expect(seen.size).toBe(30 * 17);
  });

  it('COPY text escaping: NULL, backslash, tab, newline, CR, jsonb', () => {
    expect(copyField(null)).toBe('\\N');
    expect(copyField('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(copyField(true)).toBe('t');
    expect(copyField({ a: 'x\ty' })).toBe('{"a":"x\\\\ty"}'.replace('\\\\t', '\\\\t'));
    expect(copyField(new Json('text'))).toBe('"text"');
    expect(copyLine(['a', null, 3])).toBe('a\t\\N\t3\n');
  });

  it('COPY text with column kinds: the same text for every generated row, other values still escaped', () => {
    expect([...copyKinds(['id', 'user_id', 'gateway_payment_id', 'title', 'created_at', 'started_on'])]).toEqual([36, 36, 0, 0, 24, 0]);
    const kinds = copyKinds(['id', 'created_at']);
    expect(copyLine(['a\tb', 'x\ny'], kinds)).toBe('a\\tb\tx\\ny\n');
    const ctx = genContext(new Topology(1, shapeFor('small')), 'array', Date.UTC(2026, 0, 1));
    for (const spec of pgTables()) {
      const k = copyKinds([...spec.columns, ...(spec.optional ?? [])]);
      for (const row of spec.rows(ctx)) expect(copyLine(row, k)).toBe(copyLine(row));
    }
  });

  it('column kinds only skip the scan in columns the schema types uuid or timestamptz', () => {
    // The kinds come from column names; the expected shape (migrations/expected-shape.txt) says what
    // each column is, so a text `*_id` or `*_at` column added later fails here, not in a COPY.
    const shape = readFileSync(join(REPO, 'migrations/expected-shape.txt'), 'utf8');
    let checked = 0;
    for (const block of shape.split(/^table /m).slice(1)) {
      const columns = [...block.matchAll(/^  column (\S+): (.+)$/gm)].map((m) => ({ name: m[1], type: m[2] }));
      const kinds = copyKinds(columns.map((c) => c.name));
      columns.forEach((c, i) => {
        if (kinds[i] === 36) expect(c.type, `${block.split('\n')[0]}.${c.name}`).toMatch(/^uuid\b/);
        if (kinds[i] === 24) expect(c.type, `${block.split('\n')[0]}.${c.name}`).toMatch(/^timestamp with time zone\b/);
        if (kinds[i]) checked++;
      });
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('the same seed generates identical rows; another seed different ones', () => {
    const rows = (seed: number) => {
      const ctx = genContext(new Topology(seed, shapeFor('small')), 'array', Date.UTC(2026, 0, 1));
      return pgTables().map((t) => JSON.stringify([...t.rows(ctx)]));
    };
    expect(rows(5)).toEqual(rows(5));
    expect(rows(5)[0]).not.toEqual(rows(6)[0]);
  });

  it('overrides: fan-outs spread, derived tables refused, capacity checked', () => {
    expect(shapeFor('small', { student_skills: 200 }).skillsPerStudent).toBe(7);
    expect(() => shapeFor('small', { lesson_progress: 5 })).toThrow(/follows from enrollments/);
    expect(() => shapeFor('small', { applications: 10_000 })).toThrow(/at most 174 applications/);
    expect(() => shapeFor('small', { enrollments: 100 })).toThrow(/at most 58 enrollments/);
    expect(() => shapeFor('small', { quiz_attempts: 5 })).toThrow(/follows from enrollments/);
    expect(() => shapeFor('small', { student_badges: 5 })).toThrow(/criteria/);
    expect(shapeFor('small', { users: 500 }).students).toBeGreaterThan(250);
  });

  it('--as-of: a UTC calendar day, default the current one; impossible days refused', () => {
    expect(parseAsOf('2026-01-31')).toBe(Date.UTC(2026, 0, 31));
    expect(parseAsOf(undefined, Date.UTC(2026, 4, 7, 23, 59))).toBe(Date.UTC(2026, 4, 7));
    expect(isoDay(parseAsOf('2024-02-29'))).toBe('2024-02-29');
    for (const bad of ['2026-02-30', '2026-13-01', '31.01.2026', '2026-1-5', 'yesterday', '1999-12-31']) expect(() => parseAsOf(bad), bad).toThrow(/as-of/);
  });

  it('the dev password hash is scrypt, deterministic per seed, and verifies', () => {
    const h = devPasswordHash(9);
    expect(h).toBe(devPasswordHash(9));
    expect(h).not.toBe(devPasswordHash(10));
    expect(h.startsWith('scrypt$16384$8$1$')).toBe(true);
    expect(verifyPassword(DEV_PASSWORD, h)).toBe(true);
  });
});
