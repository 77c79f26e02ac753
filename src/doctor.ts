import type { Config } from './config';
import { RecruitDbError, type StoreName } from './errors';
import { maskUrl } from './secrets';
import type { Capability } from './stores/shapes';

export interface StoreCheck {
  store: StoreName;
  configured: boolean;
  /** Where it connected, with any password masked. */
  target?: string;
  reachable: boolean;
  authenticated: boolean;
  usable: boolean;
  flavour?: string;
  version?: string;
  details: Record<string, string | boolean | number>;
  capabilities: Capability[];
  error?: { code: string; message: string; hint?: string };
  ms: number;
}

const REACHED_CODES = new Set(['auth-failed', 'no-database', 'no-privilege', 'forbidden']);

function failed(store: StoreName, target: string | undefined, err: unknown, started: number): StoreCheck {
  const e =
    err instanceof RecruitDbError
      ? err
      : new RecruitDbError({ code: 'error', store, message: err instanceof Error ? err.message.split('\n')[0] : String(err) });
  const reachable = REACHED_CODES.has(e.code);
  return {
    store,
    configured: true,
    target,
    reachable,
    authenticated: reachable && e.code !== 'auth-failed',
    usable: false,
    details: {},
    capabilities: [],
    error: { code: e.code, message: e.message, hint: e.hint },
    ms: Date.now() - started,
  };
}

function notConfigured(store: StoreName): StoreCheck {
  return {
    store,
    configured: false,
    reachable: false,
    authenticated: false,
    usable: false,
    details: {},
    capabilities: [],
    error: { code: 'not-configured', message: 'not configured', hint: 'see the configuration table in the README' },
    ms: 0,
  };
}

/** A promise that rejects with a timeout error for the store once the budget is spent. */
function withDeadline<T>(store: StoreName, target: string, timeoutMs: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new RecruitDbError({ code: 'timeout', store, message: `no answer from ${target} within ${timeoutMs / 1000}s`, hint: 'check the address, or raise --timeout' })),
      timeoutMs,
    );
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

async function checkPostgres(config: Config): Promise<StoreCheck> {
  const pg = config.postgres;
  if (!pg) return notConfigured('postgres');
  const started = Date.now();
  const target = maskUrl(pg.url);
  // Each store's driver is loaded only when that store is checked.
  const { connectPg, probePg } = await import('./stores/postgres/connect');
  try {
    return await withDeadline('postgres', `${pg.host}:${pg.port}`, config.timeoutMs + 500, (async () => {
      const client = await connectPg(pg, config.timeoutMs);
      try {
        const probe = await probePg(client);
        const capabilities: Capability[] = ['vector', 'btree_gist'].map((name) => ({
          store: 'postgres',
          feature: name === 'vector' ? 'pgvector' : name,
          supported: name in probe.available,
          server: `PostgreSQL ${probe.version}`,
          reason: name in probe.available ? undefined : `extension "${name}" is not available on this server`,
        }));
        return {
          store: 'postgres' as const,
          configured: true,
          target,
          reachable: true,
          authenticated: true,
          usable: true,
          flavour: 'PostgreSQL',
          version: probe.version,
          details: { database: pg.database, user: pg.user, pgvector: 'vector' in probe.available, btree_gist: 'btree_gist' in probe.available },
          capabilities,
          ms: Date.now() - started,
        };
      } finally {
        await client.end().catch(() => undefined);
      }
    })());
  } catch (err) {
    return failed('postgres', target, err, started);
  }
}

async function checkMongo(config: Config): Promise<StoreCheck> {
  const mongo = config.mongo;
  if (!mongo) return notConfigured('mongo');
  const started = Date.now();
  const target = maskUrl(mongo.uri);
  const { connectMongo, probeMongoServer } = await import('./stores/mongo/connect');
  const { readCapabilities } = await import('./stores/mongo/apply');
  try {
    return await withDeadline('mongo', target, config.timeoutMs + 500, (async () => {
      const client = await connectMongo(mongo, config.timeoutMs);
      try {
        const server = await probeMongoServer(client);
        // What the migrations recorded they could not apply here (empty until `migrate` has run).
        const capabilities = await readCapabilities(client.db(mongo.db));
        return {
          store: 'mongo' as const,
          configured: true,
          target,
          reachable: true,
          authenticated: true,
          usable: true,
          flavour: server.flavour === 'ferretdb' ? 'FerretDB' : server.flavour === 'mongodb' ? 'MongoDB' : server.label,
          version: server.version,
          details: { database: mongo.db, server: server.label, capabilityRecord: capabilities.length ? capabilities.length : 'none (run migrate)' },
          capabilities,
          ms: Date.now() - started,
        };
      } finally {
        await client.close().catch(() => undefined);
      }
    })());
  } catch (err) {
    return failed('mongo', target, err, started);
  }
}

async function checkS3(config: Config): Promise<StoreCheck> {
  const s3 = config.s3;
  if (!s3) return notConfigured('s3');
  const started = Date.now();
  const { createS3Client, headBucket, s3Target } = await import('./stores/s3/connect');
  const target = s3Target(s3);
  const client = createS3Client(s3, config.timeoutMs);
  try {
    return await withDeadline('s3', target, config.timeoutMs * 2 + 500, (async () => {
      const bucket = await headBucket(client, s3, config.timeoutMs);
      if (bucket === 'forbidden') {
        throw new RecruitDbError({ code: 'forbidden', store: 's3', message: `bucket "${s3.bucket}" exists but is not accessible with these credentials`, hint: 'it belongs to another account; choose another S3_BUCKET' });
      }
      return {
        store: 's3' as const,
        configured: true,
        target,
        reachable: true,
        authenticated: true,
        usable: true,
        flavour: s3.endpoint ? 'S3-compatible' : 'Amazon S3',
        details: { bucket: s3.bucket, region: s3.region, bucketExists: bucket === 'exists' },
        capabilities: [],
        ms: Date.now() - started,
      };
    })());
  } catch (err) {
    return failed('s3', target, err, started);
  } finally {
    client.destroy();
  }
}

export async function runDoctor(config: Config, only?: StoreName[]): Promise<StoreCheck[]> {
  const checks: Record<StoreName, (c: Config) => Promise<StoreCheck>> = { postgres: checkPostgres, mongo: checkMongo, s3: checkS3 };
  const stores = only ?? (['postgres', 'mongo', 's3'] as StoreName[]);
  return Promise.all(stores.map((s) => checks[s](config)));
}
