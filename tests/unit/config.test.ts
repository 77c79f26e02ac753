import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertNotProduction, loadConfig, parseDotenv, requireStore } from '../../src/config';
import { RecruitDbError } from '../../src/errors';
import { maskUrl, redact, redactDeep, registerSecret } from '../../src/secrets';

const emptyDir = () => mkdtempSync(join(tmpdir(), 'rdb-config-'));

describe('parseDotenv', () => {
  it('reads plain, exported, quoted and commented lines', () => {
    const vars = parseDotenv(['# comment', 'A=1', 'export B=two', 'C="three # not a comment"', "D='x'", 'E=five # trailing', 'not a line', ''].join('\n'));
    expect(vars).toEqual({ A: '1', B: 'two', C: 'three # not a comment', D: 'x', E: 'five' });
  });
});

describe('loadConfig', () => {
  it('builds one typed object from the environment', () => {
    const c = loadConfig({}, {
      DATABASE_URL: 'postgres://u:pw1234@db.example:6543/app',
      MONGODB_URI: 'mongodb://u:pw5678@mongo:27017/docs',
      S3_BUCKET: 'assets',
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000',
      AWS_REGION: 'eu-west-1',
      RECRUIT_DB_ENV: 'staging',
    }, emptyDir());
    expect(c.env).toBe('staging');
    expect(c.postgres).toMatchObject({ host: 'db.example', port: 6543, database: 'app', user: 'u' });
    expect(c.mongo).toEqual({ uri: 'mongodb://u:pw5678@mongo:27017/docs', db: 'docs' });
    expect(c.s3).toMatchObject({ bucket: 'assets', region: 'eu-west-1', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true });
    expect(c.timeoutMs).toBe(5000);
  });

  it('lets flags override the environment, and the environment override .env', () => {
    const dir = emptyDir();
    writeFileSync(join(dir, '.env'), 'DATABASE_URL=postgres://file@h/filedb\nS3_BUCKET=from-file\nMONGODB_DB=filedb\nMONGODB_URI=mongodb://h/uri_db\n');
    const c = loadConfig({ s3Bucket: 'from-flag', timeout: '2.5' }, { DATABASE_URL: 'postgres://env@h/envdb' }, dir);
    expect(c.postgres?.database).toBe('envdb');
    expect(c.s3?.bucket).toBe('from-flag');
    expect(c.mongo?.db).toBe('filedb');
    expect(c.timeoutMs).toBe(2500);
    expect(c.envFile).toBe(join(dir, '.env'));
  });

  it('reads a MongoDB URI and database from ONE source: an exported URI is never paired with the .env database', () => {
    const dir = emptyDir();
    writeFileSync(join(dir, '.env'), 'MONGODB_URI=mongodb://dev@h:27017/recruit_db\nMONGODB_DB=recruit_db\nS3_BUCKET=dev-bucket\nAWS_ENDPOINT_URL_S3=http://127.0.0.1:5055\nAWS_ACCESS_KEY_ID=dev\nAWS_SECRET_ACCESS_KEY=devsecret\n');
    // A CI pipeline exports its own URI: its database is the URI's, not the one .env pins.
    expect(loadConfig({}, { MONGODB_URI: 'mongodb://ci@h:27017/pipeline_123' }, dir).mongo).toEqual({ uri: 'mongodb://ci@h:27017/pipeline_123', db: 'pipeline_123' });
    expect(loadConfig({}, { MONGODB_URI: 'mongodb://ci@h:27017' }, dir).mongo?.db).toBe('recruit_db');
    expect(loadConfig({}, { MONGODB_URI: 'mongodb://ci@h/a', MONGODB_DB: 'b' }, dir).mongo?.db).toBe('b');
    // A URI given as a flag names its own database too.
    expect(loadConfig({ mongodbUri: 'mongodb://f@h/from_flag' }, {}, dir).mongo?.db).toBe('from_flag');
    // Nothing exported: .env as a whole.
    expect(loadConfig({}, {}, dir).mongo).toEqual({ uri: 'mongodb://dev@h:27017/recruit_db', db: 'recruit_db' });
    // An exported bucket against AWS is not sent to the emulator endpoint .env names, nor with its keys.
    const s3 = loadConfig({}, { S3_BUCKET: 'ci-bucket' }, dir).s3!;
    expect(s3.bucket).toBe('ci-bucket');
    expect(s3.endpoint).toBeUndefined();
    expect(s3.forcePathStyle).toBe(false);
    expect(loadConfig({}, { AWS_ACCESS_KEY_ID: 'ci-key' }, dir).s3).toMatchObject({ accessKeyId: 'ci-key', secretAccessKey: undefined, bucket: 'dev-bucket' });
    // Other settings are read one by one: the environment over .env.
    expect(loadConfig({}, { RECRUIT_DB_TIMEOUT: '2' }, dir).timeoutMs).toBe(2000);
  });

  it('honours RECRUIT_DB_TIMEOUT when no --timeout is given, and the flag over it', () => {
    expect(loadConfig({}, { RECRUIT_DB_TIMEOUT: '1.5' }, emptyDir()).timeoutMs).toBe(1500);
    expect(loadConfig({ timeout: '3' }, { RECRUIT_DB_TIMEOUT: '1.5' }, emptyDir()).timeoutMs).toBe(3000);
    expect(loadConfig({}, {}, emptyDir()).timeoutMs).toBe(5000);
  });

  it('reads the migration safety rails, with documented defaults', () => {
    expect(loadConfig({}, {}, emptyDir()).migrations).toEqual({ lockTimeoutMs: 10_000, statementTimeoutMs: 900_000, lockRetries: 3 });
    const c = loadConfig({}, { RECRUIT_DB_MIGRATION_LOCK_TIMEOUT_MS: '250', RECRUIT_DB_MIGRATION_STATEMENT_TIMEOUT_MS: '0', RECRUIT_DB_MIGRATION_LOCK_RETRIES: '1' }, emptyDir());
    expect(c.migrations).toEqual({ lockTimeoutMs: 250, statementTimeoutMs: 0, lockRetries: 1 });
    expect(() => loadConfig({}, { RECRUIT_DB_MIGRATION_LOCK_RETRIES: 'many' }, emptyDir())).toThrow(/RECRUIT_DB_MIGRATION_LOCK_RETRIES must be a whole number/);
  });

  it('reads the lock settings from the environment or .env, with defaults', () => {
    expect(loadConfig({}, {}, emptyDir()).locks).toEqual({ waitMs: 120_000, mongoLeaseMs: 60_000 });
    const dir = emptyDir();
    writeFileSync(join(dir, '.env'), 'RECRUIT_DB_LOCK_WAIT_MS=0\nRECRUIT_DB_MONGO_LOCK_LEASE_MS=1500\n');
    expect(loadConfig({}, {}, dir).locks).toEqual({ waitMs: 0, mongoLeaseMs: 1500 });
    expect(loadConfig({}, { RECRUIT_DB_LOCK_WAIT_MS: '800' }, dir).locks.waitMs).toBe(800);
  });

  it('reads the seed lanes, auto by default, and refuses any other word', () => {
    expect(loadConfig({}, {}, emptyDir()).seedLanes).toBe('auto');
    expect(loadConfig({}, { RECRUIT_DB_SEED_LANES: 'parallel' }, emptyDir()).seedLanes).toBe('parallel');
    expect(() => loadConfig({}, { RECRUIT_DB_SEED_LANES: 'serial' }, emptyDir())).toThrow(/RECRUIT_DB_SEED_LANES must be auto or parallel, got "serial"/);
  });

  it('reads MONGODB_URI by MongoDB\'s grammar: seed lists, IPv6, socket paths, mongodb+srv', () => {
    const db = (uri: string) => loadConfig({}, { MONGODB_URI: uri }, emptyDir()).mongo;
    expect(db('mongodb://u:p%40ss@m1:27017,m2:27018,m3/app?replicaSet=rs0&authSource=admin')).toEqual({ uri: 'mongodb://u:p%40ss@m1:27017,m2:27018,m3/app?replicaSet=rs0&authSource=admin', db: 'app' });
    expect(db('mongodb://[::1]:27017,[fe80::1]/v6')?.db).toBe('v6');
    expect(db('mongodb://%2Ftmp%2Fmongodb-27017.sock/sock')?.db).toBe('sock');
    expect(db('mongodb+srv://u:p@cluster0.example.net/atlas?retryWrites=true')?.db).toBe('atlas');
    expect(db('mongodb://m1,m2/?replicaSet=rs0')?.db).toBe('recruit_db');
    expect(db('mongodb://m1,m2/my%2Ddb')?.db).toBe('my-db');
  });

  it('takes the Mongo database from the URI path, then the default', () => {
    expect(loadConfig({}, { MONGODB_URI: 'mongodb://h/abc' }, emptyDir()).mongo?.db).toBe('abc');
    expect(loadConfig({}, { MONGODB_URI: 'mongodb://h' }, emptyDir()).mongo?.db).toBe('recruit_db');
  });

  it.each([
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL is not a valid URL/],
    [{ DATABASE_URL: 'mysql://u@h/db' }, /DATABASE_URL must start with postgres:\/\/ or postgresql:\/\//],
    [{ DATABASE_URL: 'postgres://u@h' }, /DATABASE_URL names no database/],
    [{ MONGODB_URI: 'http://h/db' }, /MONGODB_URI must start with mongodb:\/\//],
    [{ MONGODB_URI: 'mongodb:///db' }, /MONGODB_URI has no host/],
    [{ MONGODB_URI: 'mongodb://m1,,m2/db' }, /MONGODB_URI has a malformed host \(number 2 of the seed list/],
    [{ MONGODB_URI: 'mongodb://m1:0/db' }, /MONGODB_URI has a port out of range \("m1:0"\)/],
    [{ MONGODB_URI: 'mongodb+srv://c.example.net:27017/db' }, /mongodb\+srv:\/\/ takes from DNS/],
    [{ MONGODB_URI: 'mongodb://m1/bad%zzname' }, /not valid percent-encoding/],
    [{ S3_BUCKET: 'b', AWS_ENDPOINT_URL_S3: 'ftp://x' }, /AWS_ENDPOINT_URL_S3 must start with http/],
    [{ RECRUIT_DB_ENV: 'prod' }, /RECRUIT_DB_ENV must be one of development, test, staging, production/],
    [{ RECRUIT_DB_TIMEOUT: '-1' }, /timeout must be a positive number/],
    [{ RECRUIT_DB_LOCK_WAIT_MS: 'soon' }, /RECRUIT_DB_LOCK_WAIT_MS must be a whole number of milliseconds, got "soon"/],
    [{ RECRUIT_DB_MONGO_LOCK_LEASE_MS: '0' }, /RECRUIT_DB_MONGO_LOCK_LEASE_MS must be a whole number of milliseconds of at least 1/],
  ])('rejects %j with a usage error naming the variable', (env, pattern) => {
    let error: unknown;
    try {
      loadConfig({}, env as NodeJS.ProcessEnv, emptyDir());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RecruitDbError);
    expect((error as RecruitDbError).exitCode).toBe(2);
    expect((error as RecruitDbError).oneLine()).toMatch(pattern);
    expect((error as RecruitDbError).hint).toBeTruthy();
  });

  it('never echoes the password of a malformed URL', () => {
    try {
      loadConfig({}, { DATABASE_URL: 'mysql://admin:Hunter2Secret@h/db' }, emptyDir());
      expect.unreachable();
    } catch (e) {
      expect((e as RecruitDbError).oneLine()).not.toContain('Hunter2Secret');
    }
  });

  it('refuses a --env-file that does not exist', () => {
    expect(() => loadConfig({ envFile: 'nope.env' }, {}, emptyDir())).toThrow(/env file nope.env does not exist/);
  });

  it('requireStore names the missing variable', () => {
    const c = loadConfig({}, {}, emptyDir());
    expect(() => requireStore(c, 'postgres')).toThrow(RecruitDbError);
    try {
      requireStore(c, 'mongo');
    } catch (e) {
      expect((e as RecruitDbError).oneLine()).toMatch(/^mongo: not configured \(hint: set MONGODB_URI/);
    }
  });

  it('guards production targets unless explicitly allowed', () => {
    const prod = loadConfig({ env: 'production' }, {}, emptyDir());
    expect(() => assertNotProduction(prod, false, 'seed')).toThrow(/refusing to seed: the target is production/);
    expect(() => assertNotProduction(prod, true, 'seed')).not.toThrow();
    expect(() => assertNotProduction(loadConfig({ env: 'staging' }, {}, emptyDir()), false, 'seed')).not.toThrow();
  });
});

describe('masking', () => {
  it('masks URL passwords of any scheme', () => {
    expect(maskUrl('postgres://user:p%40ss@host:5432/db')).toBe('postgres://user:****@host:5432/db');
    expect(maskUrl('see mongodb://a:b@h1,h2/x and s3://k:s@bucket')).toBe('see mongodb://a:****@h1,h2/x and s3://k:****@bucket');
    expect(maskUrl('postgres://user@host/db')).toBe('postgres://user@host/db');
  });

  it('masks the password of URLs that do not parse, up to the last @, with or without a scheme', () => {
    expect(maskUrl('not a valid URL: postgres://bars:Leak/Me-4242@h:5432/db')).toBe('not a valid URL: postgres://bars:****@h:5432/db');
    expect(maskUrl('postgres://u:a#b@c:d/e@host/db')).toBe('postgres://u:****@host/db');
    expect(maskUrl('postgres//recruit:Hash#Slash/@localhost/db')).toBe('postgres//recruit:****@localhost/db');
    expect(maskUrl("argument 'mongodb://u:p/w@h:1/x' is invalid")).toBe("argument 'mongodb://u:****@h:1/x' is invalid");
    expect(maskUrl('http://host:8080/path and mongodb://h/db')).toBe('http://host:8080/path and mongodb://h/db');
  });

  it('redacts JSON values before escaping could hide them', () => {
    registerSecret('quo"te\\back-secret');
    expect(JSON.stringify(redactDeep({ a: ['x quo"te\\back-secret y'], n: 1 }))).toBe('{"a":["x **** y"],"n":1}');
  });

  it('redacts registered secrets wherever they appear, raw or URL-encoded', () => {
    registerSecret('wJalr/XUtnFEMI+K7MDENG');
    expect(redact('key=wJalr/XUtnFEMI+K7MDENG end')).toBe('key=**** end');
    expect(redact(`q=${encodeURIComponent('wJalr/XUtnFEMI+K7MDENG')}`)).toBe('q=****');
  });

  it('registers the S3 secret and URL passwords when config is loaded', () => {
    loadConfig({}, { S3_BUCKET: 'b', AWS_SECRET_ACCESS_KEY: 'S3cretKeyValue123', DATABASE_URL: 'postgres://u:PgPassw0rd@h/d' }, emptyDir());
    expect(redact('boom S3cretKeyValue123 and PgPassw0rd')).toBe('boom **** and ****');
  });
});
