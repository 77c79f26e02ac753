import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { introspectPostgres } from '../../src/stores/postgres/introspect';
import { freshPgDatabase } from '../helpers/stores';

/**
 * introspectPostgres on a hand-made schema with the cases that are easy to get wrong: FK index
 * detection (multi-column in another order, an index that merely contains the columns, a partial
 * leading match), enum arrays, label order, array embeddings declared by comment.
 */
let db: Awaited<ReturnType<typeof freshPgDatabase>>;
let client: Client;

beforeAll(async () => {
  db = await freshPgDatabase('rdbintro');
  client = new Client({ connectionString: db.url });
  await client.connect();
  await client.query(`
    CREATE TYPE mood AS ENUM ('zeta', 'alpha', 'mid');
    CREATE TABLE parent (a int, b int, PRIMARY KEY (a, b));
    CREATE TABLE solo (id int PRIMARY KEY);
    CREATE TABLE child (
      id int PRIMARY KEY,
      pa int, pb int,
      s1 int REFERENCES solo (id),
      s2 int REFERENCES solo (id),
      s3 int CONSTRAINT child_s3_fk REFERENCES solo (id),
      feeling mood,
      moods mood[],
      embedding real[],
      vec_by_comment double precision[],
      plain_numbers real[],
      CONSTRAINT child_parent_fk FOREIGN KEY (pa, pb) REFERENCES parent (a, b)
    );
    CREATE INDEX child_pb_pa ON child (pb, pa);      -- same columns, other order: indexed
    CREATE INDEX child_x_s2 ON child (id, s2);       -- s2 not leading: not indexed
    CREATE INDEX child_s3_extra ON child (s3, pa);   -- s3 leads: indexed
    COMMENT ON COLUMN child.vec_by_comment IS 'recruit-db:embedding storage=array dims=384';
    CREATE TABLE no_pk (x int);
    CREATE VIEW not_a_table AS SELECT 1 AS one;
  `);
});

afterAll(async () => {
  await client?.end();
  await db?.drop();
});

describe('introspectPostgres', () => {
  it('reads tables, enums, keys, FK indexing, enum usage and embeddings from the catalogs', async () => {
    const shape = await introspectPostgres(client);
    expect(shape.server.versionNum).toBeGreaterThan(100000);
    expect(shape.tables).toEqual(['child', 'no_pk', 'parent', 'solo']);
    expect(shape.enums).toEqual({ mood: ['zeta', 'alpha', 'mid'] });
    expect(shape.primaryKeys).toEqual({ child: ['id'], parent: ['a', 'b'], solo: ['id'] });

    const fk = Object.fromEntries(shape.foreignKeys.map((f) => [f.columns.join('+'), f]));
    expect(fk['pa+pb']).toMatchObject({ table: 'child', constraint: 'child_parent_fk', referencedTable: 'parent', indexed: true });
    expect(fk['s1'].indexed).toBe(false);
    expect(fk['s2'].indexed).toBe(false);
    expect(fk['s3']).toMatchObject({ constraint: 'child_s3_fk', indexed: true });
    expect(shape.foreignKeys).toHaveLength(4);

    expect(shape.enumUsage).toEqual({
      mood: [
        { table: 'child', column: 'feeling' },
        { table: 'child', column: 'moods' },
      ],
    });
    expect(shape.embeddings).toEqual([
      { table: 'child', column: 'embedding', storage: 'array', dimensions: undefined, index: undefined },
      { table: 'child', column: 'vec_by_comment', storage: 'array', dimensions: 384, index: undefined },
    ]);
    expect(shape.extensions).toHaveProperty('plpgsql');
  });

  it('accepts a knex instance as well as a pg client', async () => {
    const { knex } = await import('knex');
    const k = knex({ client: 'pg', connection: db.url, pool: { min: 0, max: 1 } });
    try {
      const viaKnex = await introspectPostgres(k);
      expect(viaKnex).toEqual(await introspectPostgres(client));
    } finally {
      await k.destroy();
    }
  });
});
