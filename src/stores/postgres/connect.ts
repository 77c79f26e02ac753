import type { Client, ClientConfig } from 'pg';
import { pgDriver } from './driver';
import type { PostgresConfig } from '../../config';
import { RecruitDbError } from '../../errors';
import { maskUrl } from '../../secrets';

export function pgClientConfig(pg: PostgresConfig, timeoutMs: number): ClientConfig {
  return {
    connectionString: pg.url,
    connectionTimeoutMillis: timeoutMs,
    application_name: 'recruit-db',
  };
}

/** Translates a pg/network error into one line naming the problem and the fix. */
export function pgError(err: unknown, pg: PostgresConfig, timeoutMs: number): RecruitDbError {
  const e = err as { code?: string; message?: string; errno?: string };
  const where = `${pg.host}:${pg.port}`;
  const make = (code: string, message: string, hint: string) =>
    new RecruitDbError({ code, store: 'postgres', message, hint, cause: err });
  if (isConnectionLoss(err) && e.code !== 'ECONNREFUSED') {
    return make('connection-lost', `lost the connection to ${where} (${firstLine(e.message) || e.code})`, 'check that PostgreSQL is up (bash scripts/stores.sh status), then run the command again');
  }
  switch (e.code) {
    case 'ECONNREFUSED':
      return make('unreachable', `connection refused at ${where}`, 'start PostgreSQL (bash scripts/stores.sh start) or fix host and port in DATABASE_URL');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return make('unknown-host', `unknown host "${pg.host}"`, 'fix the host name in DATABASE_URL');
    case 'ETIMEDOUT':
      return make('timeout', `no answer from ${where} within ${timeoutMs / 1000}s`, 'check the host and port in DATABASE_URL, or raise --timeout');
    case '28P01':
    case '28000':
      return make('auth-failed', `authentication failed for user "${pg.user}"`, 'check the user and password in DATABASE_URL');
    case '3D000':
      return make('no-database', `database "${pg.database}" does not exist on ${where}`, `create it (createdb ${pg.database}) or fix the database name in DATABASE_URL`);
    case '42501':
      return make('no-privilege', `permission denied for user "${pg.user}": ${firstLine(e.message)}`, 'grant the role the privilege named, or use a role that owns the database');
  }
  if (/timeout/i.test(e.message ?? '')) {
    return make('timeout', `no answer from ${where} within ${timeoutMs / 1000}s`, 'check the host and port in DATABASE_URL, or raise --timeout');
  }
  return make('error', `${firstLine(e.message) || 'unknown error'} (${maskUrl(pg.url)})`, 'rerun with --debug for details');
}

/**
 * The server or the network went away (as opposed to the server refusing a statement): the
 * connection-failure SQLSTATEs (08xxx), the shutdown ones (57P01-57P03), and the driver's own
 * socket errors. A command reports these as exit 2, never as a broken migration.
 */
export function isConnectionLoss(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  if (typeof e?.code === 'string' && (/^08/.test(e.code) || ['57P01', '57P02', '57P03', 'ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ETIMEDOUT'].includes(e.code))) return true;
  return /Connection terminated|connection (?:was )?(?:ended|closed)|Client has encountered a connection error|terminating connection/i.test(e?.message ?? '');
}

function firstLine(s: string | undefined): string {
  return (s ?? '').split('\n')[0];
}

/** A connected client, or a RecruitDbError within the timeout. */
export async function connectPg(pg: PostgresConfig, timeoutMs: number): Promise<Client> {
  const client = new (pgDriver().Client)(pgClientConfig(pg, timeoutMs));
  // An idle client that loses its server emits 'error'; without a listener that would crash the CLI.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (err) {
    await client.end().catch(() => undefined);
    throw pgError(err, pg, timeoutMs);
  }
}

export interface PgProbe {
  version: string;
  versionNum: number;
  /** Extensions the server can install (pg_available_extensions), name -> default version. */
  available: Record<string, string>;
}

/** The probe's columns: a query of their own, or beside another one-row query (one round trip less). */
export const PROBE_COLUMNS = `current_setting('server_version') AS server_version, current_setting('server_version_num') AS num,
            (SELECT json_object_agg(name, default_version) FROM pg_available_extensions WHERE name IN ('vector', 'btree_gist', 'pgcrypto', 'citext')) AS available`;

export interface ProbeRow {
  server_version: string;
  num: string;
  available: Record<string, string> | null;
}

export function probeOf(row: ProbeRow): PgProbe {
  return { version: row.server_version, versionNum: Number(row.num), available: row.available ?? {} };
}

export async function probePg(client: Client): Promise<PgProbe> {
  // One round trip: every command that talks to PostgreSQL starts with this.
  const r = await client.query<ProbeRow>(`SELECT ${PROBE_COLUMNS}`);
  return probeOf(r.rows[0]);
}
