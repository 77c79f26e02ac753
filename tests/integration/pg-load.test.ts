/**
 * The PostgreSQL load path (copyTables) against a real server: the strategy chosen by size, the
 * deferred keys and indexes coming back exactly as migrated, and a generator that fails mid-table
 * leaving nothing behind and the connection usable.
 */
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyTables, DEFER_MIN_ROWS, DEFER_MIN_TOTAL, type CopyTable } from '../../src/stores/postgres/seed';
import { genContext, pgTables } from '../../seeds/postgres';
import { Topology, shapeFor } from '../../seeds/topology';
import { keysAndIndexes as definitions, latestTables } from '../helpers/pg';
import { migratedPgClient } from '../helpers/stores';

const keysAndIndexes = () => definitions(client);

let client: Client;
let drop: () => Promise<void>;

const ctx = genContext(new Topology(11, shapeFor('small')), 'array', Date.UTC(2026, 0, 1));
const specs = (expected?: (s: ReturnType<typeof pgTables>[number]) => number | undefined): CopyTable[] => latestTables(ctx, expected);
const rowCount = async () => (await client.query<{ n: number }>(`SELECT ((SELECT count(*) FROM users) + (SELECT count(*) FROM categories))::int AS n`)).rows[0].n;

beforeAll(async () => {
  ({ client, drop } = await migratedPgClient('rdbload'));
});

afterAll(async () => drop?.());

describe('copyTables', () => {
  it('a small load keeps every key in place; a big one defers them and puts them back exactly', async () => {
    const migrated = await keysAndIndexes();
    const small = await copyTables(client, specs(), undefined, { expectedTotal: DEFER_MIN_TOTAL - 1 });
    expect(small.deferred).toEqual([]);
    await client.query(`TRUNCATE ${pgTables().map((s) => `"${s.table}"`).join(', ')} CASCADE`);
    // The same rows announced as a big load: every table is at or above the threshold.
    const big = await copyTables(client, specs(() => DEFER_MIN_ROWS), undefined, { expectedTotal: DEFER_MIN_TOTAL });
    expect(big.deferred).toHaveLength(50);
    expect(big.rows).toEqual(small.rows);
    expect(big.sha256).toEqual(small.sha256);
    expect(await keysAndIndexes()).toEqual(migrated);
    await client.query(`TRUNCATE ${pgTables().map((s) => `"${s.table}"`).join(', ')} CASCADE`);
  });

  it('a generator that fails mid-table: that error, nothing written, keys intact, connection usable', async () => {
    await client.query(`TRUNCATE ${pgTables().map((s) => `"${s.table}"`).join(', ')} CASCADE`);
    const before = await keysAndIndexes();
    const list = specs(() => DEFER_MIN_ROWS).slice(0, 3);
    const failing = list[2];
    const rows = failing.rows;
    failing.rows = (function* () {
      let i = 0;
      for (const r of rows) {
        if (i++ === 5) throw new Error('generator broke at row 5');
        yield r;
      }
    })();
    await expect(copyTables(client, list, undefined, { deferChecks: true })).rejects.toThrow('generator broke at row 5');
    expect(await rowCount()).toBe(0);
    expect(await keysAndIndexes()).toEqual(before);
    expect((await client.query('SELECT 1 AS one')).rows[0].one).toBe(1);
  });
});
