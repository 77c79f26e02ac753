import { randomUUID } from 'node:crypto';
import { RecruitDbError } from '../src/errors';
import { assetType, isAssetTypeId, type AssetType, type AssetTypeId } from './layout';

export interface KeyInput {
  /** The id of the owner the asset type names (user, company, course, lesson...). */
  ownerId: string | number;
  contentType: string;
  /** Object size in bytes. */
  size: number;
  /** The object's own id; a fresh UUID when omitted. */
  id?: string;
}

export interface BuiltKey {
  key: string;
  extension: string;
  /** The normalised content type to store the object with. */
  contentType: string;
  cacheControl: string;
  assetType: AssetTypeId;
}

// Ids become path segments: no slashes, dots or spaces, so a key can never escape its prefix.
const SAFE_ID = /^[A-Za-z0-9_-]{1,128}$/;

function refuse(code: string, message: string, hint: string): RecruitDbError {
  return new RecruitDbError({ code, store: 's3', message, hint });
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${+(n / (1024 * 1024)).toFixed(1)} MiB` : `${n} bytes`;
}

/** "image/JPEG; charset=x" -> "image/jpeg": parameters and case never change what a file is. */
export function normaliseContentType(contentType: string): string {
  return contentType.split(';')[0].trim().toLowerCase();
}

/** Throws RecruitDbError (code bad-asset) unless the asset type accepts this content type and size. */
export function checkAsset(type: AssetType, contentType: string, size: number): { contentType: string; extension: string } {
  const normalised = normaliseContentType(contentType);
  const extension = type.contentTypes[normalised];
  if (!extension) {
    throw refuse('bad-asset', `${type.name} do not accept content type "${contentType}"`, `use one of ${Object.keys(type.contentTypes).join(', ')}`);
  }
  if (!Number.isSafeInteger(size) || size <= 0) {
    throw refuse('bad-asset', `${type.name}: size must be a positive whole number of bytes, got ${size}`, 'pass the object size in bytes');
  }
  if (size > type.maxBytes) {
    throw refuse('bad-asset', `${type.name} are limited to ${formatBytes(type.maxBytes)}, got ${formatBytes(size)}`, `upload at most ${type.maxBytes} bytes`);
  }
  return { contentType: normalised, extension };
}

/**
 * The one way the toolkit names an object: `<prefix><ownerId>/<id>.<ext>`,
 * e.g. users/profiles/42/0f8c...e1.jpg. Refuses what the asset type does not allow.
 */
export function buildKey(assetTypeId: AssetTypeId, input: KeyInput): BuiltKey {
  if (!isAssetTypeId(assetTypeId)) {
    throw refuse('bad-asset', `unknown asset type "${String(assetTypeId)}"`, 'use one of the ids in s3-layout (e.g. profilePicture)');
  }
  const type = assetType(assetTypeId);
  const ownerId = String(input.ownerId);
  if (!SAFE_ID.test(ownerId)) {
    throw refuse('bad-asset', `${type.name}: owner id "${ownerId}" is not a safe key segment`, 'use 1-128 letters, digits, _ or -');
  }
  const id = input.id ?? randomUUID();
  if (!SAFE_ID.test(id)) throw refuse('bad-asset', `${type.name}: object id "${id}" is not a safe key segment`, 'use 1-128 letters, digits, _ or -, or omit it for a UUID');
  const { contentType, extension } = checkAsset(type, input.contentType, input.size);
  return { key: `${type.prefix}${ownerId}/${id}.${extension}`, extension, contentType, cacheControl: type.cacheControl, assetType: type.id };
}
