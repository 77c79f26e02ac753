import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Document } from 'mongodb';
import { FEATURES, type CommandTarget } from '../stores/mongo/apply';
import { mongoMigrationsDir } from '../stores/mongo/mmconfig';

/**
 * An in-memory MongoDB that keeps the catalog only (collections, their options, their indexes),
 * with the MongoDB 7 semantics the migration scripts rely on: `create` of an existing collection
 * fails, `createIndexes` of an existing name is a no-op when the spec is the same, `collMod`
 * replaces validation settings. A feature can be switched off, and is then refused the way FerretDB
 * refuses it (code 238, NotImplemented), so apply.ts's fallbacks run exactly as they do there.
 *
 * The migration scripts talk to their database only through a CommandTarget (the dry run depends on
 * that too), so running them here gives what they ask of a server with each set of capabilities:
 * the expected shape for a server nobody has at hand (a MongoDB with validators, when the machine
 * only has FerretDB). A command the simulation does not know is an error naming it, never ignored.
 */
export interface SimulatedCapabilities {
  /** $jsonSchema validators (FEATURES.validator). */
  validators: boolean;
  /** TTL indexes (FEATURES.ttl). */
  ttlIndexes: boolean;
}

interface SimCollection {
  options: Document;
  indexes: Document[];
}

class SimError extends Error {
  constructor(
    readonly code: number,
    readonly codeName: string,
    message: string,
  ) {
    super(message);
  }
}

const notImplemented = (what: string) => new SimError(238, 'NotImplemented', `${what} is not implemented yet`);

export class SimulatedMongo implements CommandTarget {
  readonly databaseName = 'simulated';
  private readonly collections = new Map<string, SimCollection>();

  constructor(private readonly caps: SimulatedCapabilities) {}

  admin(): { command(cmd: Document): Promise<Document> } {
    return {
      command: async (cmd: Document) => {
        const name = Object.keys(cmd)[0];
        if (name === 'buildInfo') return { ok: 1, version: '7.0.0', simulated: true };
        if (name === 'hello' || name === 'isMaster') return { ok: 1, isWritablePrimary: true };
        if (name === 'ping') return { ok: 1 };
        throw new Error(`the expected-shape simulation of MongoDB does not know the admin command "${name}" (src/verify/mongo-sim.ts)`);
      },
    };
  }

  async command(cmd: Document): Promise<Document> {
    const name = Object.keys(cmd)[0];
    const coll = String(cmd[name]);
    switch (name) {
      case 'ping':
        return { ok: 1 };
      case 'create': {
        if (this.collections.has(coll)) throw new SimError(48, 'NamespaceExists', `Collection ${this.databaseName}.${coll} already exists.`);
        const options = defined(cmd, ['create']);
        if (options.validator !== undefined && !this.caps.validators) throw notImplemented('create: support for field "validator"');
        this.collections.set(coll, { options, indexes: [{ v: 2, key: { _id: 1 }, name: '_id_' }] });
        return { ok: 1 };
      }
      case 'collMod': {
        const c = this.need(coll);
        const changes = defined(cmd, ['collMod']);
        if (changes.validator !== undefined && !this.caps.validators) throw notImplemented('collMod: support for field "validator"');
        Object.assign(c.options, changes);
        return { ok: 1 };
      }
      case 'createIndexes': {
        const c = this.collections.get(coll) ?? this.implicitCreate(coll);
        for (const spec of (cmd.indexes ?? []) as Document[]) {
          if (spec.expireAfterSeconds !== undefined && !this.caps.ttlIndexes) throw notImplemented('Index option "expireAfterSeconds"');
          const stored = { v: 2, ...defined(spec, []) };
          const same = c.indexes.find((i) => i.name === spec.name);
          if (same && JSON.stringify(same) !== JSON.stringify(stored)) {
            throw new SimError(85, 'IndexOptionsConflict', `An existing index has the same name as the requested index: ${spec.name}`);
          }
          if (!same) c.indexes.push(stored);
        }
        return { ok: 1 };
      }
      case 'dropIndexes': {
        const c = this.need(coll);
        const which = cmd.index;
        c.indexes = which === '*' ? c.indexes.filter((i) => i.name === '_id_') : c.indexes.filter((i) => !(Array.isArray(which) ? which : [which]).includes(i.name));
        return { ok: 1 };
      }
      case 'drop':
        this.collections.delete(coll);
        return { ok: 1 };
      case 'listCollections': {
        const filter = (cmd.filter ?? {}) as { name?: string };
        const batch = [...this.collections.entries()]
          .filter(([n]) => filter.name === undefined || n === filter.name)
          .map(([n, c]) => (cmd.nameOnly ? { name: n, type: 'collection' } : { name: n, type: 'collection', options: structuredClone(c.options) }));
        return { ok: 1, cursor: { id: 0, ns: `${this.databaseName}.$cmd.listCollections`, firstBatch: batch } };
      }
      case 'listIndexes':
        return { ok: 1, cursor: { id: 0, ns: `${this.databaseName}.${coll}`, firstBatch: structuredClone(this.need(coll).indexes) } };
      // Data commands: the scripts' bookkeeping (the capability record) holds no schema.
      case 'find':
        return { ok: 1, cursor: { id: 0, ns: `${this.databaseName}.${coll}`, firstBatch: [] } };
      case 'insert':
      case 'update':
      case 'delete':
        return { ok: 1, n: 0 };
      default:
        throw new Error(`the expected-shape simulation of MongoDB does not know the command "${name}" (src/verify/mongo-sim.ts)`);
    }
  }

  private need(coll: string): SimCollection {
    const c = this.collections.get(coll);
    if (!c) throw new SimError(26, 'NamespaceNotFound', `ns does not exist: ${this.databaseName}.${coll}`);
    return c;
  }

  private implicitCreate(coll: string): SimCollection {
    const c = { options: {}, indexes: [{ v: 2, key: { _id: 1 }, name: '_id_' }] };
    this.collections.set(coll, c);
    return c;
  }
}

function defined(doc: Document, without: string[]): Document {
  return Object.fromEntries(Object.entries(doc).filter(([k, v]) => v !== undefined && !without.includes(k)));
}

/** The compiled migration scripts, in the order migrate-mongo applies them. */
export function mongoScripts(dir = mongoMigrationsDir()): Array<{ name: string; path: string }> {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .sort()
    .map((f) => ({ name: f.replace(/\.js$/, ''), path: join(dir, f) }));
}

/** Runs every script's `up` against a simulated server with these capabilities. */
export async function simulateMongoMigrations(caps: SimulatedCapabilities, dir = mongoMigrationsDir()): Promise<{ target: SimulatedMongo; migrations: string[] }> {
  const target = new SimulatedMongo(caps);
  const scripts = mongoScripts(dir);
  for (const s of scripts) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(s.path);
    const script = (mod.default ?? mod) as { up(db: CommandTarget, client: unknown): Promise<void> };
    try {
      await script.up(target, undefined);
    } catch (err) {
      throw new Error(`simulating MongoDB migration ${s.name}: ${(err as Error).message}`);
    }
  }
  return { target, migrations: scripts.map((s) => s.name) };
}

export const SIMULATED_FEATURES = { validators: FEATURES.validator, ttlIndexes: FEATURES.ttl } as const;
