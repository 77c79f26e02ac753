/**
 * The fast formatters the generators use must print exactly what the slow built-ins print: the
 * generated data (and so every content hash) would otherwise change silently.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Rng, uuidFor } from '../../seeds/core';
import { formatEmbedding } from '../../seeds/embeddings';
import { iso, genContext, pgTables } from '../../seeds/postgres';
import { Topology, shapeFor } from '../../seeds/topology';
import { copyLine } from '../../src/stores/postgres/seed';

describe('seed formatters', () => {
  it('iso(ms) is Date#toISOString byte for byte', () => {
    const r = new Rng(1, 'iso-test');
    const edge = [0, 1, 999, 1000, 59_999, 86_399_999, 86_400_000, -1, -86_400_001, Date.UTC(2026, 0, 1), Date.UTC(2024, 1, 29, 23, 59, 59, 999), 4102444800000];
    for (const ms of edge) expect(iso(ms), String(ms)).toBe(new Date(ms).toISOString());
    for (let i = 0; i < 100_000; i++) {
      const ms = Math.floor((r.next() * 2 - 0.5) * 4e12);
      expect(iso(ms)).toBe(new Date(ms).toISOString());
    }
    // Whole minutes (nearly every generated instant) take their own path, and consecutive instants
    // of one day reuse the last day's text: both against Date, alternating days and odd offsets.
    for (let i = 0; i < 20_000; i++) {
      const minute = Math.floor((r.next() * 2 - 0.5) * 6e7) * 60_000;
      for (const ms of [minute, minute + 60_000 * (i % 3), minute + (i % 997), minute - 86_400_000]) expect(iso(ms), String(ms)).toBe(new Date(ms).toISOString());
    }
    expect(iso(1.5)).toBe(new Date(1.5).toISOString());
  });

  it('formatEmbedding prints each value as String() does', () => {
    const r = new Rng(1, 'emb-test');
    const fixed = [0, -0, 1, -1, 0.000001, -0.000001, 0.1, -0.12, 0.123456, 0.5, 0.00012, 0.010203];
    for (let round = 0; round < 500; round++) {
      const v = new Float64Array(384);
      for (let i = 0; i < v.length; i++) v[i] = round === 0 && i < fixed.length ? fixed[i] : Math.round((r.next() * 2 - 1) * (r.bool(0.1) ? 1e-3 : 1) * 1e6) / 1e6;
      const body = Array.from(v, (x) => String(x)).join(',');
      expect(formatEmbedding(v, 'array')).toBe(`{${body}}`);
      expect(formatEmbedding(v, 'pgvector')).toBe(`[${body}]`);
    }
  });

  it('uuids keep their values (ids are referenced across stores and runs)', () => {
    expect(uuidFor(1, 'users', 0)).toBe(uuidFor(1, 'users', 0));
    const h = createHash('sha256');
    for (let i = 0; i < 1000; i++) h.update(uuidFor(1, 'users', i) + uuidFor(7, 'payments:enrollments', i * 7919));
    expect(h.digest('hex').slice(0, 16)).toBe(UUID_GOLDEN);
  });

  /** The small profile's COPY text for one seed and as-of, with a sha256 per table. */
  function smallText(asOf: number, strip = false): { all: string; tables: Record<string, string> } {
    const ctx = genContext(new Topology(1, shapeFor('small')), 'array', asOf);
    const h = createHash('sha256');
    const tables: Record<string, string> = {};
    for (const spec of pgTables()) {
      const t = createHash('sha256');
      h.update(`${spec.table}\n`);
      for (const row of spec.rows(ctx)) {
        const line = strip ? copyLine(row).replace(/\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}\.\d{3}Z)?/g, 'T') : copyLine(row);
        h.update(line);
        t.update(line);
      }
      tables[spec.table] = t.digest('hex').slice(0, 16);
    }
    return { all: h.digest('hex').slice(0, 16), tables };
  }

  it('the small profile generates the pinned COPY text (seed 1, as of 2026-01-01)', () => {
    expect(smallText(Date.UTC(2026, 0, 1)).all).toBe(SMALL_GOLDEN);
  });

  it('same seed and same as-of give the same text; another as-of moves the times and nothing else', () => {
    const a = smallText(Date.UTC(2026, 0, 1));
    expect(smallText(Date.UTC(2026, 0, 1))).toEqual(a);
    const later = smallText(Date.UTC(2026, 1, 5));
    expect(later.all).not.toBe(a.all);
    // With every date and timestamp blanked, the two as-of days give identical tables: statuses,
    // counters and links are decided by intervals, never by the calendar.
    expect(smallText(Date.UTC(2026, 1, 5), true)).toEqual(smallText(Date.UTC(2026, 0, 1), true));
  });
});

// A deliberate data change updates these: the uuids are the ones of the commit before the
// generator speed-up; the small profile's text is the one of the as-of / causality rework (issue 15),
// with reminders scheduled after as-of (notifications unsent, queued).
const UUID_GOLDEN = 'd65b433683a8965f';
const SMALL_GOLDEN = '2af0cae923b33043';
