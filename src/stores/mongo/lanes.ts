import type { Document } from 'mongodb';
import type { CommandTarget } from './apply';
import { INTERNAL } from './collections';
import { REFUSALS, SimulatedMongo, type SimulatedCapabilities } from './sim';

/**
 * Running the `up` of migration scripts concurrently on an EMPTY database, with the result a run
 * one by one gives. A fresh migrate is ~175 commands, each waiting for the one before; most of
 * them belong to different collections and do not depend on each other.
 *
 * Which scripts may overlap is learned, not declared: every script is first run against the
 * in-memory server (sim.ts) twice, once with every feature and once with none (apply.ts's
 * fallbacks take other paths, on the same collections), and the collections each one sends a
 * command to are noted. A script waits for every earlier script that shares a collection with it,
 * so on each collection the commands arrive in the order the one-by-one run sends them, and every
 * answer (exists or not, refused or not) is the one that run gets.
 *
 * The one thing all scripts share is the capability record (apply.ts `record`): its updates are
 * held back and sent at the end, in script order, in one ordered `update`, which leaves the same
 * documents (last writer's fields, collections in first-seen order) the one-by-one run leaves.
 */

/** Any collection: a command naming none (a listCollections without a name filter, say). */
const ANY = '*';

/** The collection a command is about, for the commands the scripts send. */
function collectionOf(cmd: Document): string {
  const name = Object.keys(cmd)[0];
  if (name === 'listCollections') return typeof cmd.filter?.name === 'string' ? cmd.filter.name : ANY;
  const value = cmd[name];
  return typeof value === 'string' ? value : ANY;
}

/** Read-only questions about the server: the same answer for every script, asked once per run. */
const PROBES = new Set(['buildInfo', 'hello', 'isMaster', 'ping']);

interface Script {
  up(db: CommandTarget, client: unknown): Promise<void>;
}

/**
 * The collections each script touches, or undefined when the scripts cannot be planned this way (a
 * script the simulation cannot run, or one that reads the capability record or writes bookkeeping):
 * the caller then runs them one by one.
 */
export async function touchedCollections(scripts: Script[]): Promise<Array<Set<string>> | undefined> {
  const touched = scripts.map(() => new Set<string>());
  const bookkeeping = new Set<string>(Object.values(INTERNAL));
  const none: SimulatedCapabilities = Object.fromEntries(Object.keys(REFUSALS).map((f) => [f, false]));
  for (const caps of [{}, none]) {
    const sim = new SimulatedMongo(caps);
    for (let i = 0; i < scripts.length; i++) {
      let refused = false;
      const note = (cmd: Document, admin: boolean) => {
        const name = Object.keys(cmd)[0];
        if (admin) {
          if (PROBES.has(name)) return;
          // shardCollection names its namespace "db.collection"; any other admin command: all.
          touched[i].add(name === 'shardCollection' ? String(cmd[name]).split('.').slice(1).join('.') : ANY);
          return;
        }
        const coll = collectionOf(cmd);
        if (coll === INTERNAL.capabilities && name === 'update') return;
        if (bookkeeping.has(coll)) refused = true;
        touched[i].add(coll);
      };
      const target: CommandTarget = {
        databaseName: sim.databaseName,
        command: (cmd) => {
          note(cmd, false);
          return sim.command(cmd);
        },
        admin: () => ({
          command: (cmd) => {
            note(cmd, true);
            return sim.admin().command(cmd);
          },
        }),
      };
      try {
        await scripts[i].up(target, undefined);
      } catch {
        return undefined;
      }
      if (refused) return undefined;
    }
  }
  return touched;
}

/** For each script, the earlier scripts it must wait for (they share a collection). */
export function lanesOf(touched: Array<Set<string>>): number[][] {
  const overlaps = (a: Set<string>, b: Set<string>) => a.has(ANY) || b.has(ANY) || [...a].some((c) => b.has(c));
  return touched.map((mine, i) => touched.slice(0, i).flatMap((theirs, j) => (overlaps(mine, theirs) ? [j] : [])));
}

/**
 * Scripts running at once. Each one in flight may need a connection of its own (a new one costs a
 * handshake and authentication); FerretDB's SQLite backend applies one write at a time per
 * database anyway, so beyond a few the overlap buys nothing there. A real MongoDB builds indexes
 * of different collections side by side.
 */
const LANES = 3;

/** What a concurrent run of scripts leaves to be written once they are done. */
export interface LaneRun {
  /** Per script, in order: undefined while it did not finish, else when it finished. */
  finishedAt: Array<Date | undefined>;
  /** Per script: its capability-record updates, held back (apply.ts `record`). */
  records: Document[][];
  /** The first script (in order) that failed, with its error. */
  failed?: { index: number; error: unknown };
}

/**
 * Runs the scripts, each as soon as the earlier ones it waits for are done; `onStart` is told as
 * each begins. Never rejects: every script has settled (none still sending) when it returns, so
 * the caller records what finished while it still holds the lock.
 */
export async function runLanes(db: CommandTarget, client: unknown, scripts: Script[], waitsFor: number[][], onStart?: (index: number) => void, width = LANES): Promise<LaneRun> {
  const probes = new Map<string, Promise<Document>>();
  const admin = db.admin();
  const run: LaneRun = { finishedAt: scripts.map(() => undefined), records: scripts.map(() => []) };
  const errors: unknown[] = scripts.map(() => undefined);
  const targetFor = (i: number): CommandTarget => ({
    databaseName: db.databaseName,
    command: async (cmd, options) => {
      if (Object.keys(cmd)[0] === 'update' && cmd.update === INTERNAL.capabilities) {
        run.records[i].push(...(cmd.updates as Document[]));
        return { ok: 1, n: (cmd.updates as Document[]).length };
      }
      return db.command(cmd, options);
    },
    admin: () => ({
      command: (cmd) => {
        const name = Object.keys(cmd)[0];
        if (!PROBES.has(name)) return admin.command(cmd);
        const key = JSON.stringify(cmd);
        let p = probes.get(key);
        if (!p) {
          p = admin.command(cmd);
          probes.set(key, p);
        }
        return p;
      },
    }),
  });
  const done: Array<Promise<boolean>> = [];
  let running = 0;
  const queue: Array<() => void> = [];
  const slot = () => (running < width ? (running++, Promise.resolve()) : new Promise<void>((r) => queue.push(() => (running++, r()))));
  const free = () => {
    running--;
    queue.shift()?.();
  };
  for (let i = 0; i < scripts.length; i++) {
    done[i] = Promise.all(waitsFor[i].map((j) => done[j])).then(async (ok) => {
      // A script whose predecessor failed does not run: the one-by-one run never got to it.
      if (!ok.every(Boolean)) return false;
      await slot();
      onStart?.(i);
      try {
        await scripts[i].up(targetFor(i), client);
        run.finishedAt[i] = new Date();
        return true;
      } catch (err) {
        errors[i] = err;
        return false;
      } finally {
        free();
      }
    });
  }
  await Promise.all(done);
  const index = errors.findIndex((e) => e !== undefined);
  if (index >= 0) run.failed = { index, error: errors[index] };
  return run;
}

const isPlain = (v: unknown): v is Document => Boolean(v) && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;

/**
 * The capability-record updates of a run, folded into one upsert per document with the same
 * effect as applying them in order: a field's last $set or $unset wins, and the collections are
 * added with one $addToSet $each, in the order they were first added (what a sequence of $addToSet
 * leaves). Updates of another form are returned as they are, to be applied one after another.
 */
export function foldRecords(updates: Document[]): Document[] {
  const foldable = updates.every(
    (x) =>
      x.upsert === true && !x.multi && isPlain(x.q) && Object.keys(x.q).length === 1 && typeof x.q._id === 'string' && isPlain(x.u) &&
      Object.keys(x.u).every((op) => ['$set', '$unset', '$addToSet'].includes(op) && isPlain(x.u[op])) &&
      Object.entries((x.u.$addToSet ?? {}) as Document).every(([k, v]) => k === 'collections' && typeof v === 'string') &&
      !('collections' in (x.u.$set ?? {})) && !('collections' in (x.u.$unset ?? {})),
  );
  if (!foldable) return updates;
  const byId = new Map<string, { set: Document; unset: Set<string>; added: string[] }>();
  for (const x of updates) {
    const id = x.q._id as string;
    const f = byId.get(id) ?? { set: {}, unset: new Set<string>(), added: [] };
    byId.set(id, f);
    for (const [k, v] of Object.entries((x.u.$set ?? {}) as Document)) {
      f.set[k] = v;
      f.unset.delete(k);
    }
    for (const k of Object.keys((x.u.$unset ?? {}) as Document)) {
      delete f.set[k];
      f.unset.add(k);
    }
    const c = x.u.$addToSet?.collections as string | undefined;
    if (c !== undefined && !f.added.includes(c)) f.added.push(c);
  }
  return [...byId].map(([id, f]) => {
    const u: Document = { $set: f.set };
    if (f.added.length) u.$addToSet = { collections: { $each: f.added } };
    if (f.unset.size) u.$unset = Object.fromEntries([...f.unset].map((k) => [k, '']));
    return { q: { _id: id }, u, upsert: true };
  });
}
