import { MongoClient, type Document, type MongoClientOptions } from 'mongodb';
import { DEFAULT_UPLOAD_TIMEOUT_MS, type MongoConfig } from '../../config';
import { RecruitDbError } from '../../errors';
import type { MongoShape } from '../shapes';

/**
 * Connecting (and the handshake of every new connection) is bounded by the timeout; an operation
 * by socketTimeoutMS, a backstop large enough for a bulk insert batch, so a server that stops
 * answering mid-run cannot hold a command for ever. Callers with longer work (an index build in a
 * migration) pass their own socketTimeoutMS.
 */
export function mongoClientOptions(timeoutMs: number, extra: MongoClientOptions = {}): MongoClientOptions {
  return {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    socketTimeoutMS: Math.max(DEFAULT_UPLOAD_TIMEOUT_MS, timeoutMs * 6),
    appName: 'recruit-db',
    ...extra,
  };
}

function hostOf(uri: string): string {
  const m = /^mongodb(?:\+srv)?:\/\/(?:[^@/]*@)?([^/?]+)/.exec(uri);
  return m ? m[1] : '(unknown host)';
}

/** Translates a driver error into one line naming the problem and the fix. */
export function mongoError(err: unknown, mongo: MongoConfig, timeoutMs: number): RecruitDbError {
  const e = err as { name?: string; code?: number | string; message?: string; cause?: { code?: string; message?: string } };
  const text = `${e.message ?? ''} ${e.cause?.message ?? ''}`;
  const where = hostOf(mongo.uri);
  const make = (code: string, message: string, hint: string) => new RecruitDbError({ code, store: 'mongo', message, hint, cause: err });
  if (e.name === 'MongoParseError' || e.name === 'MongoAPIError' || /Invalid scheme|URI/i.test(e.message ?? '') && e.name !== 'MongoServerSelectionError') {
    return make('bad-uri', `MONGODB_URI is malformed: ${(e.message ?? '').split('\n')[0]}`, 'use the form mongodb://user:password@host:27017/recruit_db');
  }
  if (e.code === 18 || /Authentication failed/i.test(text)) {
    return make('auth-failed', `authentication failed at ${where}`, 'check the user and password in MONGODB_URI');
  }
  if (/ECONNREFUSED/.test(text)) {
    return make('unreachable', `connection refused at ${where}`, 'start the MongoDB server (bash scripts/stores.sh start) or fix host and port in MONGODB_URI');
  }
  if (/ENOTFOUND|EAI_AGAIN|getaddrinfo/.test(text)) {
    return make('unknown-host', `unknown host in ${where}`, 'fix the host name in MONGODB_URI');
  }
  if (e.name === 'MongoNetworkError' || e.name === 'MongoPoolClearedError' || /ECONNRESET|EPIPE|connection .*(closed|reset)|socket hang up/i.test(text)) {
    return make('connection-lost', `lost the connection to ${where} (${serverWords(err)})`, 'check that the MongoDB server is up (bash scripts/stores.sh status), then run the command again');
  }
  if (e.name === 'MongoServerSelectionError' || /timed out|timeout/i.test(text)) {
    return make('timeout', `no answer from ${where} within ${timeoutMs / 1000}s`, 'check host and port in MONGODB_URI, or raise --timeout');
  }
  return make('error', serverWords(err) || 'unknown error', 'rerun with --debug for details');
}

/**
 * A server's message as a user should read it: its first line, without the source locations
 * FerretDB prefixes ("[msg_createindexes.go:155 handler.(*Handler).MsgCreateIndexes] ...").
 */
export function serverWords(err: unknown): string {
  const message = String((err as { message?: unknown })?.message ?? err ?? '');
  return message
    .split('\n')[0]
    .replace(/\[[\w./-]+\.go:\d+[^\]]*\]\s*/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A connected client (the server answered a ping), or a RecruitDbError within the timeout. */
export async function connectMongo(mongo: MongoConfig, timeoutMs: number, extra: MongoClientOptions = {}): Promise<MongoClient> {
  let client: MongoClient | undefined;
  try {
    client = new MongoClient(mongo.uri, mongoClientOptions(timeoutMs, extra));
    await client.connect();
    await client.db(mongo.db).command({ ping: 1 });
    return client;
  } catch (err) {
    await client?.close().catch(() => undefined);
    throw mongoError(err, mongo, timeoutMs);
  }
}

export type MongoServer = MongoShape['server'];

/** Which server we are talking to: FerretDB, DocumentDB and Cosmos DB each lack parts of MongoDB. */
export async function probeMongoServer(client: MongoClient): Promise<MongoServer> {
  return probeMongoServerWith((cmd) => client.db('admin').command(cmd));
}

/** The same probe through any way of sending an admin command (a Db's admin(), a dry-run wrapper). */
export async function probeMongoServerWith(adminCommand: (cmd: Document) => Promise<Document>): Promise<MongoServer> {
  const info = await adminCommand({ buildInfo: 1 });
  const version = String(info.version ?? 'unknown');
  if (info.ferretdbVersion) {
    const fv = String(info.ferretdbVersion).replace(/^v/, '');
    return { flavour: 'ferretdb', version: fv, label: `FerretDB ${fv} (MongoDB ${version} compatible)` };
  }
  const hello = await adminCommand({ hello: 1 }).catch(() => ({}) as Record<string, unknown>);
  const hosts = JSON.stringify(hello);
  if (/docdb\.amazonaws\.com/.test(hosts)) return { flavour: 'documentdb', version, label: `Amazon DocumentDB ${version}` };
  if (/cosmos\.azure\.com/.test(hosts)) return { flavour: 'cosmosdb', version, label: `Azure Cosmos DB (MongoDB ${version})` };
  return { flavour: 'mongodb', version, label: `MongoDB ${version}` };
}
