import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { S3Config } from '../../config';
import { DEFAULT_UPLOAD_TIMEOUT_MS } from '../../config';
import { ATTEMPTS, boundsOf } from './connect';

/**
 * A lean PutObject for the seeder's bulk uploads. Through the SDK each PUT costs ~2 ms of the
 * CLI's CPU (middleware stack, endpoint resolution, signing, object churn), a bare request a
 * quarter of that; on a 2-core machine that CPU is taken from the S3 server the seed waits for.
 *
 * What the SDK decides stays the SDK's: the first object goes through `client.send` with a
 * middleware that records the final request, and the rest reuse its route (protocol, host, port,
 * path-style or virtual host, signing region). Only static credentials take the lean path; a
 * credential chain (SSO, instance roles, refreshes) is the SDK's business, so without static keys
 * every object goes through the SDK. Errors are shaped like the SDK's (name from the XML <Code>,
 * $metadata.httpStatusCode, the socket error's code) so s3Error() words them the same way.
 */

export interface PutItem {
  key: string;
  body: Buffer;
  /** The raw MD5 of the body (the seeder hashes every body anyway): sent as Content-MD5. */
  md5: Buffer;
  contentType: string;
  cacheControl?: string;
}

export interface Putter {
  put(item: PutItem): Promise<void>;
  /** SDK sends so far (the first object, or every object on the fallback path). */
  readonly sdkSends: number;
  close(): void;
}

/** Where the SDK sent the first PutObject, reused for the rest. */
export interface Route {
  protocol: 'http:' | 'https:';
  hostname: string;
  port?: number;
  /** The Host header the SDK sent (with the port when it is not the default). */
  host: string;
  /** The path before the encoded key: "/bucket/" path-style, "/" on a virtual host. */
  prefix: string;
  query: Record<string, string>;
  region: string;
  service: string;
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The SDK's extended encodeURIComponent (RFC 3986: !'()* too). */
function escapeUri(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A query string in SigV4's canonical form (sorted, escaped); also what goes on the wire. */
export function canonicalQuery(query: Record<string, string>): string {
  return Object.keys(query)
    .sort()
    .map((k) => `${escapeUri(k)}=${escapeUri(query[k])}`)
    .join('&');
}

/** An object key as the SDK puts it in the path: each segment escaped, the slashes kept (S3 signs this path as is, no second encoding). */
export function encodeKey(key: string): string {
  return key.split('/').map(escapeUri).join('/');
}

interface RecordedRequest {
  protocol?: string;
  hostname?: string;
  port?: number;
  path?: string;
  query?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** The route of a recorded SDK PutObject of `key`, or undefined when it is not one the lean path can reuse. */
export function routeOf(request: RecordedRequest, key: string): Route | undefined {
  const { protocol, hostname, path, headers = {} } = request;
  if ((protocol !== 'http:' && protocol !== 'https:') || !hostname || !path) return undefined;
  const encoded = encodeKey(key);
  if (!path.endsWith(encoded)) return undefined;
  const prefix = path.slice(0, path.length - encoded.length);
  if (!prefix.endsWith('/')) return undefined;
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(request.query ?? {})) {
    if (typeof v !== 'string') return undefined;
    query[k] = v;
  }
  const scope = /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request,/.exec(headers.authorization ?? '');
  if (!scope) return undefined;
  const host = headers.host ?? (request.port ? `${hostname}:${request.port}` : hostname);
  return { protocol, hostname, port: request.port, host, prefix, query, region: scope[1], service: scope[2] };
}

// The SDK's signer leaves these out of the signature (a proxy may change them).
const UNSIGNED = new Set(['authorization', 'cache-control', 'connection', 'expect', 'from', 'keep-alive', 'max-forwards', 'pragma', 'referer', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'x-amzn-trace-id']);

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** SigV4 for S3 with the derived key cached per day (it changes only with the date, region and service). */
export class Signer {
  private keyDay = '';
  private key: Buffer = Buffer.alloc(0);

  constructor(
    private readonly creds: Credentials,
    private readonly region: string,
    private readonly service: string,
  ) {}

  /**
   * Adds x-amz-date, x-amz-content-sha256 (given as `payloadHash`), the session token and the
   * Authorization header to `headers` (lower-case names).
   */
  sign(method: string, path: string, query: Record<string, string>, headers: Record<string, string>, payloadHash: string, now = new Date()): void {
    const amzDate = now.toISOString().replace(/[-:]|\.\d{3}/g, '');
    const day = amzDate.slice(0, 8);
    headers['x-amz-date'] = amzDate;
    headers['x-amz-content-sha256'] = payloadHash;
    if (this.creds.sessionToken) headers['x-amz-security-token'] = this.creds.sessionToken;
    const names = Object.keys(headers)
      .filter((h) => !UNSIGNED.has(h) && !/^(proxy|sec)-/.test(h))
      .sort();
    const canonicalHeaders = names.map((h) => `${h}:${headers[h].trim().replace(/\s+/g, ' ')}\n`).join('');
    const signed = names.join(';');
    const canonical = `${method}\n${path}\n${canonicalQuery(query)}\n${canonicalHeaders}\n${signed}\n${payloadHash}`;
    const scope = `${day}/${this.region}/${this.service}/aws4_request`;
    const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
    if (this.keyDay !== day) {
      this.key = hmac(hmac(hmac(hmac(`AWS4${this.creds.secretAccessKey}`, day), this.region), this.service), 'aws4_request');
      this.keyDay = day;
    }
    const signature = createHmac('sha256', this.key).update(toSign).digest('hex');
    headers.authorization = `AWS4-HMAC-SHA256 Credential=${this.creds.accessKeyId}/${scope}, SignedHeaders=${signed}, Signature=${signature}`;
  }
}

/** An error shaped like the SDK's service errors, for a non-2xx answer. */
export function responseError(status: number, body: string): Error {
  const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(body)?.[1];
  const name = code || (status === 403 ? 'Forbidden' : status === 404 ? 'NotFound' : `Http${status}`);
  return Object.assign(new Error(message || `HTTP ${status}`), { name, $metadata: { httpStatusCode: status } });
}

function timeoutError(what: string): Error {
  return Object.assign(new Error(`${what} timed out`), { name: 'TimeoutError', $metadata: {} });
}

/** A socket error (ECONNREFUSED, ECONNRESET, ...) with its code kept, as the SDK keeps it. */
function networkError(err: Error & { code?: string }): Error {
  return Object.assign(new Error(err.message), { name: err.name === 'Error' ? (err.code ?? 'Error') : err.name, code: err.code, $metadata: {}, cause: err });
}

const retryable = (err: unknown) => {
  const e = err as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined) return status === 429 || status >= 500;
  return true; // network errors and per-try timeouts
};

interface Bounds {
  /** Connecting may take this long. */
  connectMs: number;
  /** A request may sit this long without a byte either way. */
  idleMs: number;
  /** Every try of one object, the pauses included. */
  deadlineMs: number;
}

/** The lean transport: one keep-alive agent, SigV4, two tries. Exported for the tests' scripted servers. */
export class LeanPut {
  private readonly agent: http.Agent;
  private readonly signer: Signer;

  constructor(
    private readonly route: Route,
    creds: Credentials,
    private readonly bounds: Bounds,
    concurrency: number,
  ) {
    const options = { keepAlive: true, maxSockets: concurrency, timeout: bounds.idleMs };
    this.agent = route.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
    this.signer = new Signer(creds, route.region, route.service);
  }

  async put(item: PutItem): Promise<void> {
    const path = this.route.prefix + encodeKey(item.key);
    const search = canonicalQuery(this.route.query);
    const payloadHash = sha256Hex(item.body);
    const md5 = item.md5.toString('base64');
    const deadline = { hit: false, abort: () => undefined as void };
    const timer = setTimeout(() => {
      deadline.hit = true;
      deadline.abort();
    }, this.bounds.deadlineMs);
    timer.unref();
    try {
      for (let attempt = 1; ; attempt++) {
        const headers: Record<string, string> = {
          host: this.route.host,
          'content-type': item.contentType,
          'content-length': String(item.body.length),
          'content-md5': md5,
        };
        if (item.cacheControl !== undefined) headers['cache-control'] = item.cacheControl;
        // Signed per try: x-amz-date must be close to the server's clock.
        this.signer.sign('PUT', path, this.route.query, headers, payloadHash);
        try {
          await this.once(search ? `${path}?${search}` : path, headers, item.body, deadline);
          return;
        } catch (err) {
          if (deadline.hit) throw timeoutError(`uploading ${item.key}`);
          if (attempt >= ATTEMPTS || !retryable(err)) throw err;
        }
        await new Promise((r) => setTimeout(r, Math.random() * 200));
        if (deadline.hit) throw timeoutError(`uploading ${item.key}`);
      }
    } finally {
      clearTimeout(timer);
    }
  }

  private once(path: string, headers: Record<string, string>, body: Buffer, deadline: { abort: () => void }): Promise<void> {
    return new Promise((resolve, reject) => {
      const mod = this.route.protocol === 'https:' ? https : http;
      const req = mod.request({ agent: this.agent, protocol: this.route.protocol, hostname: this.route.hostname, port: this.route.port, method: 'PUT', path, headers, timeout: this.bounds.idleMs });
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        reject(err);
        req.destroy();
      };
      deadline.abort = () => fail(timeoutError('upload'));
      req.on('socket', (socket) => {
        if (!socket.connecting) return;
        const t = setTimeout(() => fail(timeoutError('connect')), this.bounds.connectMs);
        socket.once('connect', () => clearTimeout(t));
        socket.once('close', () => clearTimeout(t));
      });
      req.on('timeout', () => fail(timeoutError('upload')));
      req.on('error', (err) => fail(networkError(err)));
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => {
          // Only an error's body is read; a success's is drained.
          if (status >= 300) chunks.push(c);
        });
        res.on('error', (err) => fail(networkError(err)));
        res.on('end', () => {
          if (settled) return;
          settled = true;
          if (status >= 200 && status < 300) resolve();
          else reject(responseError(status, Buffer.concat(chunks).toString('utf8')));
        });
      });
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Credentials the lean path may use: static keys only. */
function staticCredentials(s3: S3Config): Credentials | undefined {
  if (!s3.accessKeyId || !s3.secretAccessKey) return undefined;
  return { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, sessionToken: s3.sessionToken };
}

/**
 * A putter for the seeder's objects in `s3.bucket`, at most `concurrency` in flight. The bounds come
 * from the client (createS3Client): connect within its timeout, no silence longer than the upload
 * timeout, every try of one object within the upload timeout times ATTEMPTS plus a second, as the
 * SDK path's deadline.
 */
export function createPutter(client: S3Client, s3: S3Config, concurrency: number): Putter {
  const creds = staticCredentials(s3);
  const b = boundsOf(client) ?? { timeoutMs: DEFAULT_UPLOAD_TIMEOUT_MS, uploadTimeoutMs: DEFAULT_UPLOAD_TIMEOUT_MS };
  const bounds: Bounds = { connectMs: b.timeoutMs, idleMs: b.uploadTimeoutMs, deadlineMs: b.uploadTimeoutMs * ATTEMPTS + 1000 };
  let sdkSends = 0;
  let learned: Promise<LeanPut | undefined> | undefined;
  let lean: LeanPut | undefined;

  const sdkPut = (item: PutItem, record?: (request: RecordedRequest) => void) => {
    sdkSends++;
    const command = new PutObjectCommand({ Bucket: s3.bucket, Key: item.key, Body: item.body, ContentType: item.contentType, CacheControl: item.cacheControl, ContentMD5: item.md5.toString('base64') });
    if (record) {
      // The deserialize step sees the request as it goes on the wire: endpoint resolved, signed.
      command.middlewareStack.add(
        (next) => async (args) => {
          record(args.request as RecordedRequest);
          return next(args);
        },
        { step: 'deserialize', priority: 'low', name: 'recruitDbRecordRoute' },
      );
    }
    return client.send(command).then(() => undefined);
  };

  return {
    get sdkSends() {
      return sdkSends;
    },
    async put(item) {
      if (!creds) return sdkPut(item);
      if (!learned) {
        let request: RecordedRequest | undefined;
        const first = sdkPut(item, (r) => (request = r));
        // The others wait for the first: its route serves them all, and a failure stops the seed anyway.
        learned = first.then(
          () => {
            const route = request && routeOf(request, item.key);
            lean = route && new LeanPut(route, creds, bounds, concurrency);
            return lean;
          },
          () => undefined,
        );
        return first;
      }
      const via = await learned;
      return via ? via.put(item) : sdkPut(item);
    },
    close() {
      lean?.close();
    },
  };
}
