import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import type { S3Config } from '../../src/config';
import { createS3Client, s3Error } from '../../src/stores/s3/connect';
import { createPutter, type PutItem } from '../../src/stores/s3/put';
import { baseConfig, dropBucket, freshBucketName } from '../helpers/stores';

const config = baseConfig();
const buckets: string[] = [];
const servers: Server[] = [];

afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  for (const b of buckets) await dropBucket(config, b);
});

const item = (key: string, body: Buffer | string, contentType = 'application/octet-stream', cacheControl?: string): PutItem => {
  const b = Buffer.isBuffer(body) ? body : Buffer.from(body);
  return { key, body: b, md5: createHash('md5').update(b).digest(), contentType, cacheControl };
};

async function freshBucket(): Promise<S3Config> {
  const s3 = { ...config.s3!, bucket: freshBucketName('leanput') };
  const client = createS3Client(s3, config.timeoutMs);
  await client.send(new CreateBucketCommand({ Bucket: s3.bucket }));
  client.destroy();
  buckets.push(s3.bucket);
  return s3;
}

const AWKWARD = ['users/resumes/plain.pdf', 'a b/c d.txt', 'ünï/cödé/文件.png', "x+y~z!*'().txt", 'deep/a//b/ /x', 'percent%20kept%2F.txt', 'q?a=1&b=2#frag', 'plus+and space +.bin'];

describe('lean PUT against moto', () => {
  it('awkward keys round-trip byte for byte, with one SDK send for all of them, and the headers land', async () => {
    const s3 = await freshBucket();
    const client = createS3Client(s3, config.timeoutMs, config.uploadTimeoutMs);
    const putter = createPutter(client, s3, 4);
    const items = AWKWARD.map((k, i) => item(k, Buffer.concat([Buffer.from(k), Buffer.alloc(i * 997, i)]), i % 2 ? 'image/png' : 'text/plain', i % 3 ? undefined : 'public, max-age=31536000'));
    try {
      await Promise.all(items.map((i) => putter.put(i)));
      expect(putter.sdkSends).toBe(1);
      for (const i of items) {
        const r = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: i.key }));
        expect(Buffer.from(await r.Body!.transformToByteArray()).equals(i.body), i.key).toBe(true);
        expect(r.ETag?.replace(/"/g, '')).toBe(i.md5.toString('hex'));
        expect(r.ContentType).toBe(i.contentType);
        expect(r.CacheControl).toBe(i.cacheControl);
      }
    } finally {
      putter.close();
      client.destroy();
    }
  });

  it('without static keys every object goes through the SDK', async () => {
    const s3 = await freshBucket();
    const client = createS3Client(s3, config.timeoutMs, config.uploadTimeoutMs);
    const putter = createPutter(client, { ...s3, accessKeyId: undefined, secretAccessKey: undefined }, 4);
    try {
      for (const k of ['one', 'two', 'three']) await putter.put(item(k, k));
      expect(putter.sdkSends).toBe(3);
      const h = await client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: 'three' }));
      expect(h.ETag?.replace(/"/g, '')).toBe(createHash('md5').update('three').digest('hex'));
    } finally {
      putter.close();
      client.destroy();
    }
  });
});

type Script = (n: number, req: IncomingMessage, res: ServerResponse) => void;

/** A local server that answers the first request (the SDK's) with 200 and the rest as `script` says; `seen` records the lean requests. */
async function scripted(script: Script): Promise<{ s3: S3Config; seen: IncomingMessage[]; server: Server }> {
  const seen: IncomingMessage[] = [];
  let n = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const i = n++;
      if (i === 0) {
        res.writeHead(200, { ETag: '"x"' }).end();
        return;
      }
      seen.push(req);
      script(i, req, res);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { s3: { ...config.s3!, endpoint: `http://127.0.0.1:${port}`, bucket: 'leanput-scripted' }, seen, server };
}

async function putSecond(s3: S3Config, timeoutMs: number, uploadTimeoutMs: number, second = item('second', 'second body', 'image/jpeg', 'max-age=60')) {
  const client = createS3Client(s3, timeoutMs, uploadTimeoutMs);
  const putter = createPutter(client, s3, 2);
  try {
    await putter.put(item('first', 'first'));
    const t0 = Date.now();
    const err = await putter.put(second).then(() => undefined, (e: unknown) => e);
    return { err, ms: Date.now() - t0, sdkSends: putter.sdkSends };
  } finally {
    putter.close();
    client.destroy();
  }
}

describe('lean PUT against scripted servers', () => {
  it('a server that never answers: two tries, then "timeout", within the bound', async () => {
    const { s3, seen } = await scripted(() => undefined);
    const { err, ms } = await putSecond(s3, 500, 800);
    expect(seen).toHaveLength(2);
    expect(s3Error(err, s3, 500, 'uploading second').code).toBe('timeout');
    expect(ms).toBeGreaterThanOrEqual(1600);
    expect(ms).toBeLessThan(800 * 2 + 1000 + 500);
  });

  it('503 is retried, then the second try succeeds', async () => {
    const { s3, seen } = await scripted((n, _req, res) => (n === 1 ? res.writeHead(503).end('<Error><Code>SlowDown</Code></Error>') : res.writeHead(200).end()));
    const { err, sdkSends } = await putSecond(s3, 2000, 2000);
    expect(err).toBeUndefined();
    expect(seen).toHaveLength(2);
    expect(sdkSends).toBe(1);
  });

  it('two 500s: the last error, worded as the SDK path words it', async () => {
    const { s3, seen } = await scripted((_n, _req, res) => res.writeHead(500).end('<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>'));
    const { err } = await putSecond(s3, 2000, 2000);
    expect(seen).toHaveLength(2);
    expect(s3Error(err, s3, 2000, 'uploading second').message).toBe('uploading second: InternalError: We encountered an internal error.');
  });

  it('403 is not retried and reads as "forbidden"', async () => {
    const { s3, seen } = await scripted((_n, _req, res) => res.writeHead(403).end('<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>'));
    const { err } = await putSecond(s3, 2000, 2000);
    expect(seen).toHaveLength(1);
    expect(s3Error(err, s3, 2000, 'uploading second').code).toBe('forbidden');
  });

  it('a port closed after the first object: "unreachable"', async () => {
    const { s3, server } = await scripted(() => undefined);
    const client = createS3Client(s3, 1000, 1000);
    const putter = createPutter(client, s3, 2);
    try {
      await putter.put(item('first', 'first'));
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      const err = await putter.put(item('second', 'second')).then(() => undefined, (e: unknown) => e);
      expect(s3Error(err, s3, 1000, 'uploading second').code).toBe('unreachable');
    } finally {
      putter.close();
      client.destroy();
    }
  });

  it('every lean PUT carries Content-MD5, Content-Type, Cache-Control and a SigV4 signature over the body', async () => {
    const { s3, seen } = await scripted((_n, _req, res) => res.writeHead(200).end());
    const second = item('dir/second file+.jpg', 'second body', 'image/jpeg', 'max-age=60');
    const { err } = await putSecond(s3, 2000, 2000, second);
    expect(err).toBeUndefined();
    const h = seen[0].headers;
    expect(seen[0].url).toBe('/leanput-scripted/dir/second%20file%2B.jpg?x-id=PutObject');
    expect(h['content-md5']).toBe(second.md5.toString('base64'));
    expect(h['content-type']).toBe('image/jpeg');
    expect(h['cache-control']).toBe('max-age=60');
    expect(h['content-length']).toBe(String(second.body.length));
    expect(h['x-amz-content-sha256']).toBe(createHash('sha256').update(second.body).digest('hex'));
    expect(h.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/us-east-1\/s3\/aws4_request, SignedHeaders=content-length;content-md5;content-type;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/);
    expect(JSON.stringify(h)).not.toContain(config.s3!.secretAccessKey!);
  });
});
