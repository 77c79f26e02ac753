import { createHash, createHmac } from 'node:crypto';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Config } from '../../src/config';
import { s3Error } from '../../src/stores/s3/connect';
import { encodeKey, responseError, routeOf, Signer, type Credentials } from '../../src/stores/s3/put';

const KEYS = ['users/resumes/plain.pdf', 'a b/c d.txt', 'ünï/cödé/文件.png', "x+y~z!*'().txt", 'deep/a//b/ /x', 'percent%20kept%2F.txt', 'q?a=1&b=2#frag', 'tab\there'];
const CREDS: Credentials = { accessKeyId: 'AKIDLEANPUT', secretAccessKey: 'not-a-real-secret/with+chars' };
const TOKEN: Credentials = { ...CREDS, sessionToken: 'FwoGZXIvYXdzEJr//////////session+token==' };

/** The hash constructor the SDK's signer wants (an HMAC when given a secret), on node:crypto. */
type Source = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: Source) => (typeof d === 'string' ? Buffer.from(d) : ArrayBuffer.isView(d) ? Buffer.from(d.buffer, d.byteOffset, d.byteLength) : Buffer.from(d));

class Sha256 {
  private readonly h;
  constructor(secret?: Source) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: Source) {
    this.h.update(bytes(data));
  }
  async digest() {
    return new Uint8Array(this.h.digest());
  }
}

const amzDateOf = (d: string) => new Date(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`);

interface Captured {
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
}

/** The request the SDK would put on the wire for a PutObject (captured after signing; nothing is sent). */
async function sdkRequest(client: S3Client, bucket: string, key: string, body: Buffer): Promise<Captured> {
  const command = new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/pdf', CacheControl: 'public, max-age=60', ContentMD5: createHash('md5').update(body).digest('base64') });
  let captured: Captured | undefined;
  command.middlewareStack.add(
    () => async (args) => {
      captured = structuredClone(args.request as Captured);
      throw new Error('captured');
    },
    { step: 'deserialize', priority: 'low', name: 'testCapture' },
  );
  await expect(client.send(command)).rejects.toThrow('captured');
  return captured!;
}

const pathStyle = (creds: Credentials) =>
  new S3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:5055', forcePathStyle: true, credentials: creds, requestChecksumCalculation: 'WHEN_REQUIRED', maxAttempts: 1 });
const virtualHost = (creds: Credentials) => new S3Client({ region: 'eu-west-3', credentials: creds, requestChecksumCalculation: 'WHEN_REQUIRED', maxAttempts: 1 });

/** Signs what the SDK signed, with our signer: the SDK's own headers minus what signing adds. */
function resign(req: Captured, creds: Credentials, region: string): string {
  const headers = { ...req.headers };
  const date = amzDateOf(headers['x-amz-date']);
  const payload = headers['x-amz-content-sha256'];
  for (const h of ['authorization', 'x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token']) delete headers[h];
  new Signer(creds, region, 's3').sign('PUT', req.path, req.query, headers, payload, date);
  return headers.authorization;
}

describe('lean PUT: the SDK is the reference', () => {
  const body = Buffer.from('%PDF-1.4 lean put body\n');
  // The virtual-host reference is AWS itself: a shell that exported an emulator's endpoint
  // (eval "$(scripts/stores.sh env)") would otherwise point the SDK's client at it.
  const endpointVars = ['AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL'] as const;
  const saved = endpointVars.map((v) => process.env[v]);
  beforeAll(() => endpointVars.forEach((v) => delete process.env[v]));
  afterAll(() => endpointVars.forEach((v, i) => saved[i] !== undefined && (process.env[v] = saved[i])));

  for (const [label, make, region, host] of [
    ['path-style (moto)', pathStyle, 'us-east-1', '127.0.0.1'],
    ['virtual host (AWS)', virtualHost, 'eu-west-3', 'recruit-assets.s3.eu-west-3.amazonaws.com'],
  ] as const) {
    it(`${label}: the key's path, the route, and the signature equal the SDK's, for awkward keys and with a session token`, async () => {
      for (const creds of [CREDS, TOKEN]) {
        const client = make(creds);
        for (const key of KEYS) {
          const req = await sdkRequest(client, 'recruit-assets', key, body);
          const route = routeOf(req, key);
          expect(route, key).toBeDefined();
          expect(route!.hostname).toBe(host);
          expect(route!.prefix).toBe(label.startsWith('path') ? '/recruit-assets/' : '/');
          expect(route!.region).toBe(region);
          expect(route!.host).toBe(req.headers.host);
          expect(route!.prefix + encodeKey(key), key).toBe(req.path);
          expect(resign(req, creds, region), key).toBe(req.headers.authorization);
          if (creds.sessionToken) expect(req.headers['x-amz-security-token']).toBe(creds.sessionToken);
        }
        client.destroy();
      }
    });
  }

  it('the signature equals @smithy/signature-v4 on the headers the lean path sends', async () => {
    const date = new Date('2026-12-02T13:37:24Z');
    for (const creds of [CREDS, TOKEN]) {
      for (const key of KEYS) {
        const path = '/recruit-assets/' + encodeKey(key);
        const base = {
          host: '127.0.0.1:5055',
          'content-type': 'image/png',
          'content-length': String(body.length),
          'content-md5': createHash('md5').update(body).digest('base64'),
          'cache-control': 'public,  max-age=31536000 ',
        };
        const payload = createHash('sha256').update(body).digest('hex');
        const ours: Record<string, string> = { ...base };
        new Signer(creds, 'us-east-1', 's3').sign('PUT', path, { 'x-id': 'PutObject' }, ours, payload, date);
        const sdk = new SignatureV4({ credentials: creds, region: 'us-east-1', service: 's3', sha256: Sha256, uriEscapePath: false, applyChecksum: true });
        const signed = await sdk.sign(
          { method: 'PUT', protocol: 'http:', hostname: '127.0.0.1', port: 5055, path, query: { 'x-id': 'PutObject' }, headers: { ...base, 'x-amz-content-sha256': payload }, body },
          { signingDate: date },
        );
        expect(ours.authorization, key).toBe(signed.headers.authorization);
        expect(ours['x-amz-date']).toBe(signed.headers['x-amz-date']);
        // Cache-Control is not signed (a proxy may rewrite it), as in the SDK.
        expect(ours.authorization).not.toContain('cache-control');
      }
    }
  });

  it('a wrong secret gives another signature (the comparison can fail)', () => {
    const h1: Record<string, string> = { host: 'h' };
    const h2: Record<string, string> = { host: 'h' };
    const d = new Date('2026-12-02T00:00:00Z');
    new Signer(CREDS, 'us-east-1', 's3').sign('PUT', '/b/k', {}, h1, 'UNSIGNED-PAYLOAD', d);
    new Signer({ ...CREDS, secretAccessKey: 'other' }, 'us-east-1', 's3').sign('PUT', '/b/k', {}, h2, 'UNSIGNED-PAYLOAD', d);
    expect(h1.authorization).not.toBe(h2.authorization);
  });

  it('the cached signing key follows the day', () => {
    const signer = new Signer(CREDS, 'us-east-1', 's3');
    const sig = (d: string) => {
      const h: Record<string, string> = { host: 'h' };
      signer.sign('PUT', '/b/k', {}, h, 'UNSIGNED-PAYLOAD', new Date(d));
      return h.authorization;
    };
    const dayTwo = sig('2026-12-02T23:59:59Z');
    sig('2026-12-03T00:00:01Z');
    const fresh: Record<string, string> = { host: 'h' };
    new Signer(CREDS, 'us-east-1', 's3').sign('PUT', '/b/k', {}, fresh, 'UNSIGNED-PAYLOAD', new Date('2026-12-03T00:00:01Z'));
    expect(sig('2026-12-03T00:00:01Z')).toBe(fresh.authorization);
    expect(sig('2026-12-02T23:59:59Z')).toBe(dayTwo);
  });

  it('a request the lean path cannot reuse has no route (the SDK keeps it)', () => {
    const ok = { protocol: 'http:', hostname: 'h', path: '/b/k', query: {}, headers: { authorization: 'AWS4-HMAC-SHA256 Credential=A/20261202/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=x' } };
    expect(routeOf(ok, 'k')).toBeDefined();
    expect(routeOf({ ...ok, path: '/b/other' }, 'k')).toBeUndefined();
    expect(routeOf({ ...ok, headers: { authorization: 'AWS4-ECDSA-P256-SHA256 Credential=A/20261202/s3/aws4_request' } }, 'k')).toBeUndefined();
    expect(routeOf({ ...ok, protocol: 'ftp:' }, 'k')).toBeUndefined();
  });
});

describe('lean PUT errors read like the SDK path', () => {
  const s3: S3Config = { endpoint: 'http://127.0.0.1:5055', region: 'us-east-1', bucket: 'recruit-assets', forcePathStyle: true, webOrigins: [] };

  it('an S3 error document: name from <Code>, status in $metadata', () => {
    const e = responseError(403, '<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>') as Error & { $metadata: { httpStatusCode: number } };
    expect(e.name).toBe('AccessDenied');
    expect(e.message).toBe('Access Denied');
    expect(e.$metadata.httpStatusCode).toBe(403);
    expect(s3Error(e, s3, 5000, 'uploading k').code).toBe('forbidden');
    expect(s3Error(responseError(403, '<Error><Code>SignatureDoesNotMatch</Code></Error>'), s3, 5000).code).toBe('auth-failed');
    expect(s3Error(responseError(403, '<Error><Code>InvalidAccessKeyId</Code></Error>'), s3, 5000).code).toBe('auth-failed');
  });

  it('no body: a name from the status', () => {
    expect(responseError(403, '').name).toBe('Forbidden');
    expect(responseError(404, '').name).toBe('NotFound');
    const e = responseError(500, '');
    expect(e.name).toBe('Http500');
    expect(s3Error(e, s3, 5000, 'uploading k').message).toBe('uploading k: Http500: HTTP 500');
  });
});
