import type { Document } from 'mongodb';
import type { CommandTarget } from './apply';

/**
 * An in-memory MongoDB that keeps the catalog only (collections, their options, their indexes),
 * with the MongoDB 7 semantics the migration scripts rely on: `create` of an existing collection
 * fails, `createIndexes` of an existing name is a no-op when the spec is the same, `collMod`
 * replaces validation settings, a validator with an empty `required` list is refused. A feature can be switched off, and is then refused the way FerretDB
 * refuses it (code 238, NotImplemented), so apply.ts's fallbacks run exactly as they do there.
 *
 * The migration scripts talk to their database only through a CommandTarget (the dry run depends on
 * that too), so running them here gives what they ask of a server with each set of capabilities:
 * the expected shape for a server nobody has at hand (a MongoDB with validators, when the machine
 * only has FerretDB). A command the simulation does not know is an error naming it, never ignored.
 */
/** Which features the simulated server has, by capability name (apply.ts FEATURES); absent: has it. */
export type SimulatedCapabilities = Record<string, boolean>;

/**
 * How a server without each feature refuses it, as FerretDB 1.24 does (code 238), by capability
 * name. A capability apply.ts records must have an entry here for the expected shape to say what a
 * server without it gets; partial indexes are here ahead of their use (FerretDB refuses
 * partialFilterExpression the same way).
 */
export const REFUSALS: Record<string, { collection?: (cmd: Document) => string | undefined; index?: (spec: Document) => string | undefined }> = {
  jsonSchemaValidator: { collection: (cmd) => (cmd.validator !== undefined ? `${Object.keys(cmd)[0]}: support for field "validator"` : undefined) },
  ttlIndex: { index: (spec) => (spec.expireAfterSeconds !== undefined ? 'Index option "expireAfterSeconds"' : undefined) },
  partialIndex: { index: (spec) => (spec.partialFilterExpression !== undefined ? 'Index option "partialFilterExpression"' : undefined) },
  // Not a refusal but a kind of deployment: with it the server is a mongos (hello says isdbgrid and
  // shardCollection works), without it a standalone, where the scripts only record "not sharded".
  sharding: {},
};

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

/** MongoDB's $jsonSchema is draft 4: an empty `required` list is a parse error, not "nothing required". */
function emptyRequired(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(emptyRequired);
  if (!value || typeof value !== 'object') return false;
  return Object.entries(value as Document).some(([k, v]) => (k === 'required' && Array.isArray(v) && v.length === 0) || emptyRequired(v));
}

function parseValidator(cmd: Document): void {
  if (cmd.validator !== undefined && emptyRequired(cmd.validator)) throw new SimError(9, 'FailedToParse', "$jsonSchema keyword 'required' cannot be an empty array");
}

export class SimulatedMongo implements CommandTarget {
  readonly databaseName = 'simulated';
  private readonly collections = new Map<string, SimCollection>();

  constructor(private readonly caps: SimulatedCapabilities) {}

  private get mongos(): boolean {
    return this.caps.sharding ?? true;
  }

  private refuse(kind: 'collection' | 'index', doc: Document): void {
    for (const [feature, rule] of Object.entries(REFUSALS)) {
      if (this.caps[feature] ?? true) continue;
      const what = rule[kind]?.(doc);
      if (what) throw notImplemented(what);
    }
  }

  admin(): { command(cmd: Document): Promise<Document> } {
    return {
      command: async (cmd: Document) => {
        const name = Object.keys(cmd)[0];
        if (name === 'buildInfo') return { ok: 1, version: '7.0.0', simulated: true };
        if (name === 'hello' || name === 'isMaster') return { ok: 1, isWritablePrimary: true, ...(this.mongos ? { msg: 'isdbgrid' } : {}) };
        if (name === 'shardCollection' && this.mongos) {
          this.need(String(cmd.shardCollection).split('.').slice(1).join('.'));
          return { ok: 1, collectionsharded: cmd.shardCollection };
        }
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
        this.refuse('collection', cmd);
        parseValidator(cmd);
        this.collections.set(coll, { options, indexes: [{ v: 2, key: { _id: 1 }, name: '_id_' }] });
        return { ok: 1 };
      }
      case 'collMod': {
        const c = this.need(coll);
        const changes = defined(cmd, ['collMod']);
        this.refuse('collection', cmd);
        parseValidator(cmd);
        Object.assign(c.options, changes);
        return { ok: 1 };
      }
      case 'createIndexes': {
        const c = this.collections.get(coll) ?? this.implicitCreate(coll);
        for (const spec of (cmd.indexes ?? []) as Document[]) {
          this.refuse('index', spec);
          const stored: Document = { v: 2, ...defined(spec, []) };
          const same = c.indexes.find((i) => i.name === spec.name);
          if (same && JSON.stringify(same) !== JSON.stringify(stored)) {
            throw new SimError(85, 'IndexOptionsConflict', `An existing index has the same name as the requested index: ${spec.name}`);
          }
          // The same key and options under another name is the same index to MongoDB.
          const unnamed = (d: Document) => JSON.stringify({ ...d, name: undefined });
          const twin = c.indexes.find((i) => i.name !== spec.name && unnamed(i) === unnamed(stored));
          if (twin) throw new SimError(85, 'IndexOptionsConflict', `Index already exists with a different name: ${twin.name}`);
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
          .map(([n, c]) => (cmd.nameOnly ? { name: n, type: 'collection' } : { name: n, type: 'collection', options: { ...c.options } }));
        return { ok: 1, cursor: { id: 0, ns: `${this.databaseName}.$cmd.listCollections`, firstBatch: batch } };
      }
      // Copies, not structuredClone: BSON values (a UUID in a partial filter) keep the driver's classes.
      case 'listIndexes':
        return { ok: 1, cursor: { id: 0, ns: `${this.databaseName}.${coll}`, firstBatch: this.need(coll).indexes.map((i) => ({ ...i })) } };
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
