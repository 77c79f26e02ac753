import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import type { CommandTarget } from '../../src/stores/mongo/apply';
import { foldRecords, lanesOf, touchedCollections } from '../../src/stores/mongo/lanes';
import { REPO } from '../helpers/cli';

/**
 * The planning half of the concurrent migrate of an empty MongoDB database (src/stores/mongo/lanes.ts):
 * which scripts wait for which, and the folding of the capability-record updates. The FerretDB half
 * (same shape, same records, same changelog as one by one) is tests/integration/mongo-concurrent-migrate.test.ts.
 */
const DIR = join(REPO, 'dist', 'mongo-migrations');
const scripts = () =>
  readdirSync(DIR)
    .filter((f) => f.endsWith('.js'))
    .sort()
    .map((f) => ({ name: f.replace(/\.js$/, ''), ...(require(join(DIR, f)) as { up(db: CommandTarget): Promise<void> }) }));

describe('lanes of the MongoDB migration scripts', () => {
  it('lets the first release run side by side and orders each later script after the ones on its collections', async () => {
    const all = scripts();
    const touched = await touchedCollections(all);
    expect(touched).toBeDefined();
    const waits = lanesOf(touched!).map((w, i) => [all[i].name, w.map((j) => all[j].name.slice(0, 14))]);
    const of = (name: string) => waits.find(([n]) => String(n).includes(name))![1];
    // The ten first-release scripts each create their own collection: none waits.
    for (const [name, w] of waits.slice(0, 10)) expect(w, String(name)).toEqual([]);
    expect(of('xapi-statements-lrs-shape')).toEqual(['20260210000002']);
    expect(of('event-log-uuid')).toEqual(['20260210000009']);
    expect(of('user-sessions-expire-at')).toEqual(['20260210000005']);
    expect(of('validators-without-empty-required')).toEqual(['20260210000001', '20260210000003', '20260210000004', '20260210000006', '20260210000010']);
    // Shard keys: on a mongos it indexes and shards the seven large collections, so it follows every
    // script on them, 13 of 16 (the simulation with every feature shows it; FerretDB would send it nothing).
    expect(of('shard-keys')).toHaveLength(13);
  });

  it('refuses to plan a script the simulation cannot run, or one that touches bookkeeping', async () => {
    const bad = { up: async (db: CommandTarget) => void (await db.command({ renameCollection: 'x' })) };
    expect(await touchedCollections([...scripts(), bad])).toBeUndefined();
    const meta = { up: async (db: CommandTarget) => void (await db.command({ update: 'recruit_db_meta', updates: [] })) };
    expect(await touchedCollections([meta])).toBeUndefined();
  });

  it('orders every script after one that names no collection', () => {
    const touched = [new Set(['a']), new Set(['*']), new Set(['b'])];
    expect(lanesOf(touched)).toEqual([[], [0], [1]]);
  });
});

describe('folding capability-record updates', () => {
  const rec = (id: string, coll: string, set: Document, unset?: Document) => ({ q: { _id: id }, u: { $set: set, $addToSet: { collections: coll }, ...(unset ? { $unset: unset } : {}) }, upsert: true });
  /** Applies updates of the record's form to documents, as MongoDB does. */
  const apply = (docs: Map<string, Document>, updates: Document[]) => {
    for (const x of updates) {
      const d = docs.get(x.q._id) ?? { _id: x.q._id };
      Object.assign(d, x.u.$set);
      for (const k of Object.keys(x.u.$unset ?? {})) delete d[k];
      const add = x.u.$addToSet?.collections;
      const list: string[] = (d.collections ??= []);
      for (const c of add === undefined ? [] : typeof add === 'string' ? [add] : (add.$each as string[])) if (!list.includes(c)) list.push(c);
      docs.set(x.q._id, d);
    }
    return docs;
  };

  it('leaves what the updates one by one leave, with one upsert per document', () => {
    const updates = [
      rec('ttl', 'b', { supported: false, serverError: 'no' }),
      rec('validator', 'a', { supported: true }, { serverError: '', fallback: '' }),
      rec('ttl', 'a', { supported: true }, { serverError: '' }),
      rec('validator', 'b', { supported: false, serverError: 'nope', fallback: 'plain' }),
      rec('validator', 'a', { supported: false, serverError: 'nope again', fallback: 'left' }),
    ];
    const folded = foldRecords(updates);
    expect(folded).toHaveLength(2);
    const start = () => new Map<string, Document>([['ttl', { _id: 'ttl', collections: ['c'], fallback: 'old' }]]);
    expect([...apply(start(), folded)]).toEqual([...apply(start(), updates)]);
    expect(apply(new Map(), folded).get('validator')).toEqual({ _id: 'validator', supported: false, serverError: 'nope again', fallback: 'left', collections: ['a', 'b'] });
  });

  it('passes updates of another form through unchanged', () => {
    const odd = [rec('x', 'a', { supported: true }), { q: { _id: 'x' }, u: { $pull: { collections: 'a' } } }];
    expect(foldRecords(odd)).toBe(odd);
  });
});
