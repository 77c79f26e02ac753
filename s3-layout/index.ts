export {
  ASSET_TYPES,
  HARDENING,
  assetType,
  bucketTags,
  encryptionSatisfies,
  expectedHardening,
  isAssetTypeId,
  lifecycleRuleIds,
  uniquePrefixes,
  type AssetType,
  type AssetTypeId,
  type ExpectedHardening,
  type Retention,
  type Visibility,
} from './layout';
export { buildKey, checkAsset, normaliseContentType, type BuiltKey, type KeyInput } from './keys';
