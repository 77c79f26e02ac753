import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { FEATURES, type CommandTarget } from '../../src/stores/mongo/apply';
import { INTERNAL } from '../../src/stores/mongo/collections';
import { coveredBy, fastForward, readFastForward } from '../../src/stores/mongo/fastforward';
import { introspectMongoTarget, mongoEntries } from '../../src/stores/mongo/introspect';
import { foldRecords } from '../../src/stores/mongo/lanes';
import { SimulatedMongo, mongoScripts } from '../../src/verify/mongo-sim';
import { REPO } from '../helpers/cli';

/**
 * The fast path stands for the scripts it lists: on the simulated server, for every combination
 * of the features apply.ts records, it leaves the catalogue the scripts leave, and the same
 * capabilities (supported or not, on which collections, in which order); its list is the scripts'
 * sources, checksum for checksum.
 */
const SOURCES = join(REPO, 'mongo-migrations');
const features = Object.values(FEATURES);
const combinations = Array.from({ length: 2 ** features.length }, (_, n) => Object.fromEntries(features.map((f, i) => [f, Boolean(n & (1 << i))])));

/** A target that keeps the capability-record updates sent through it. */
function recording(sim: SimulatedMongo, updates: Document[]): CommandTarget {
  return {
    databaseName: sim.databaseName,
    command: (cmd) => {
      if (cmd.update === INTERNAL.capabilities) updates.push(...(cmd.updates as Document[]));
      return sim.command(cmd);
    },
    admin: () => sim.admin(),
  };
}

/** One document per feature, as the store holds them (by _id). */
const capabilities = (updates: Document[]) =>
  foldRecords(updates)
    .map((u) => ({ _id: String(u.q._id), supported: u.u.$set.supported, collections: u.u.$addToSet?.collections.$each }))
    .sort((a, b) => (a._id < b._id ? -1 : 1));

describe('the MongoDB fast path to the released state', () => {
  const ff = readFastForward()!;

  it('lists every script it stands for, with the checksum of its source', () => {
    expect(ff.release).toBe('release2');
    const sources = readdirSync(SOURCES).filter((f) => f.endsWith('.ts')).sort();
    // Release 2 is the latest: it stands for every script there is (a third release adds scripts after it).
    expect(ff.scripts.map(([name]) => `${name}.ts`)).toEqual(sources);
    for (const [name, sum] of ff.scripts) expect(createHash('sha256').update(readFileSync(join(SOURCES, `${name}.ts`))).digest('hex'), `${name}: regenerate mongo-migrations/fast-forward.json only if the released state still stands for it`).toBe(sum);
  });

  it.each(combinations)('leaves the catalogue and capabilities the scripts leave (%o)', async (caps) => {
    const viaScripts = new SimulatedMongo(caps);
    const scriptUpdates: Document[] = [];
    for (const s of mongoScripts()) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(s.path);
      await (mod.default ?? mod).up(recording(viaScripts, scriptUpdates), undefined);
    }
    const direct = new SimulatedMongo(caps);
    const run = await fastForward(direct, undefined, ff);
    expect(run.failed).toBeUndefined();
    expect(mongoEntries(await introspectMongoTarget(direct))).toEqual(mongoEntries(await introspectMongoTarget(viaScripts)));
    expect(capabilities(run.records.flat())).toEqual(capabilities(scriptUpdates));
  });

  it('covers the pending scripts only when they begin with exactly the listed ones, unedited', () => {
    const names = ff.scripts.map(([n]) => n);
    const sums = new Map(ff.scripts);
    const sum = (n: string) => sums.get(n) ?? 'other';
    expect(coveredBy(ff, names, sum)).toBe(names.length);
    expect(coveredBy(ff, [...names, '20300101000000-later'], sum)).toBe(names.length);
    expect(coveredBy(ff, names.slice(1), sum)).toBe(0);
    expect(coveredBy(ff, names.slice(0, -1), sum)).toBe(0);
    expect(coveredBy(ff, names, (n) => (n === names[3] ? 'edited' : sum(n)))).toBe(0);
    expect(coveredBy(undefined, names, sum)).toBe(0);
  });
});
