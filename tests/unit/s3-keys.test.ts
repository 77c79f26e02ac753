import { describe, expect, it } from 'vitest';
import { ASSET_TYPES, bucketEncryption, buildKey, uniquePrefixes, usesTls, type AssetTypeId } from '../../s3-layout';
import { RecruitDbError } from '../../src/errors';

// What each asset type must accept and refuse: written out here, not derived from the layout,
// so a change to the layout has to be a deliberate change to this table too.
const CASES: Record<AssetTypeId, { prefix: string; allowed: Record<string, string>; refused: string[]; maxMiB: number; visibility: string }> = {
  profilePicture: { prefix: 'users/profiles/', allowed: { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' }, refused: ['image/svg+xml', 'application/pdf', 'image/gif'], maxMiB: 5, visibility: 'public-cdn' },
  resume: {
    prefix: 'users/resumes/',
    allowed: { 'application/pdf': 'pdf', 'application/msword': 'doc', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx' },
    refused: ['image/jpeg', 'text/html', 'application/zip'],
    maxMiB: 10,
    visibility: 'private',
  },
  companyLogo: { prefix: 'companies/logos/', allowed: { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' }, refused: ['image/svg+xml', 'application/pdf'], maxMiB: 2, visibility: 'public-cdn' },
  courseThumbnail: { prefix: 'courses/thumbnails/', allowed: { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' }, refused: ['video/mp4', 'image/svg+xml'], maxMiB: 5, visibility: 'public-cdn' },
  lessonPdf: { prefix: 'courses/content/', allowed: { 'application/pdf': 'pdf' }, refused: ['image/png', 'application/msword'], maxMiB: 50, visibility: 'private' },
  lessonAudio: { prefix: 'courses/content/', allowed: { 'audio/mpeg': 'mp3', 'audio/mp4': 'm4a', 'audio/ogg': 'ogg', 'audio/wav': 'wav' }, refused: ['video/mp4', 'application/pdf'], maxMiB: 200, visibility: 'private' },
  lessonImage: { prefix: 'courses/content/', allowed: { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/gif': 'gif' }, refused: ['image/svg+xml', 'audio/mpeg'], maxMiB: 10, visibility: 'private' },
  scormPackage: { prefix: 'courses/scorm/', allowed: { 'application/zip': 'zip' }, refused: ['application/x-tar', 'application/pdf'], maxMiB: 500, visibility: 'private' },
  material: {
    prefix: 'materials/',
    allowed: {
      'application/pdf': 'pdf',
      'application/zip': 'zip',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
    },
    refused: ['application/x-msdownload', 'text/html', 'image/png'],
    maxMiB: 100,
    visibility: 'private',
  },
  portfolioImage: { prefix: 'portfolios/', allowed: { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' }, refused: ['application/pdf', 'image/svg+xml'], maxMiB: 10, visibility: 'public-cdn' },
  certificate: { prefix: 'certificates/', allowed: { 'application/pdf': 'pdf' }, refused: ['image/png', 'text/html'], maxMiB: 5, visibility: 'private' },
};

const MiB = 1024 * 1024;

function refusal(fn: () => unknown): RecruitDbError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(RecruitDbError);
    return err as RecruitDbError;
  }
  throw new Error('expected a RecruitDbError, nothing was thrown');
}

describe('s3 layout', () => {
  it('declares the 11 documented asset types under 9 prefixes', () => {
    expect(ASSET_TYPES.map((a) => a.id).sort()).toEqual(Object.keys(CASES).sort());
    expect(uniquePrefixes()).toEqual(['users/profiles/', 'users/resumes/', 'companies/logos/', 'courses/thumbnails/', 'courses/content/', 'courses/scorm/', 'materials/', 'portfolios/', 'certificates/']);
    for (const a of ASSET_TYPES) {
      expect(a.prefix).toBe(CASES[a.id].prefix);
      expect(a.visibility).toBe(CASES[a.id].visibility);
      expect(a.cacheControl).toMatch(a.visibility === 'public-cdn' ? /^public/ : /^private/);
    }
  });

  it('is frozen, so no caller can change the layout at run time', () => {
    expect(Object.isFrozen(ASSET_TYPES)).toBe(true);
    expect(() => ((ASSET_TYPES[0] as { maxBytes: number }).maxBytes = 1)).toThrow();
  });

  it('asks for SSE-S3, or SSE-KMS with the configured key and a bucket key', () => {
    expect(bucketEncryption({})).toEqual({ algorithm: 'AES256', bucketKeyEnabled: false });
    expect(bucketEncryption({ kmsKeyId: 'alias/recruit' })).toEqual({ algorithm: 'aws:kms', kmsKeyId: 'alias/recruit', bucketKeyEnabled: true });
  });

  it('counts AWS itself and https endpoints as TLS, plain http as not', () => {
    expect([usesTls({}), usesTls({ endpoint: 'https://minio.internal:9000' }), usesTls({ endpoint: 'http://127.0.0.1:5055' })]).toEqual([true, true, false]);
  });
});

describe('buildKey', () => {
  for (const [id, c] of Object.entries(CASES) as Array<[AssetTypeId, (typeof CASES)[AssetTypeId]]>) {
    describe(id, () => {
      it('builds <prefix><ownerId>/<id>.<ext> for every accepted content type, up to the size limit', () => {
        for (const [contentType, ext] of Object.entries(c.allowed)) {
          const k = buildKey(id, { ownerId: 42, contentType, size: c.maxMiB * MiB, id: 'abc-123' });
          expect(k).toMatchObject({ key: `${c.prefix}42/abc-123.${ext}`, extension: ext, contentType, assetType: id });
        }
      });

      it('refuses content types it does not accept, naming the accepted ones', () => {
        for (const contentType of c.refused) {
          const e = refusal(() => buildKey(id, { ownerId: 'u1', contentType, size: 10 }));
          expect(e.code).toBe('bad-asset');
          expect(e.oneLine()).toContain(contentType);
          expect(e.hint).toContain(Object.keys(c.allowed)[0]);
        }
      });

      it('refuses one byte over the limit, and empty or fractional sizes', () => {
        const contentType = Object.keys(c.allowed)[0];
        const over = refusal(() => buildKey(id, { ownerId: 'u1', contentType, size: c.maxMiB * MiB + 1 }));
        expect(over.message).toContain(`${c.maxMiB} MiB`);
        for (const size of [0, -1, 1.5, Number.NaN]) expect(refusal(() => buildKey(id, { ownerId: 'u1', contentType, size })).code).toBe('bad-asset');
      });
    });
  }

  it('generates a fresh UUID when no id is given', () => {
    const a = buildKey('profilePicture', { ownerId: 'u1', contentType: 'image/jpeg', size: 100 });
    const b = buildKey('profilePicture', { ownerId: 'u1', contentType: 'image/jpeg', size: 100 });
    expect(a.key).toMatch(/^users\/profiles\/u1\/[0-9a-f-]{36}\.jpg$/);
    expect(a.key).not.toBe(b.key);
  });

  it('normalises content type case and parameters', () => {
    expect(buildKey('lessonPdf', { ownerId: 7, contentType: 'Application/PDF; charset=binary', size: 1, id: 'x' })).toMatchObject({ key: 'courses/content/7/x.pdf', contentType: 'application/pdf' });
  });

  it('refuses ids that could escape the prefix, and unknown asset types', () => {
    for (const ownerId of ['../etc', 'a/b', '', 'a b', 'x'.repeat(129)]) expect(refusal(() => buildKey('resume', { ownerId, contentType: 'application/pdf', size: 1 })).code).toBe('bad-asset');
    expect(refusal(() => buildKey('resume', { ownerId: 1, contentType: 'application/pdf', size: 1, id: '..' })).code).toBe('bad-asset');
    expect(refusal(() => buildKey('avatar' as AssetTypeId, { ownerId: 1, contentType: 'image/png', size: 1 })).message).toContain('unknown asset type');
  });
});
