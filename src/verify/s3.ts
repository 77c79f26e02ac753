/**
 * S3, judged by effect (see compare.ts for the shared items and verdict).
 */
import type { CORSRule, LifecycleRule } from '@aws-sdk/client-s3';
import { describeEncryption, findOurCors } from '../../s3-layout';
import { ruleName, s3Entries, type BucketSettings, type BucketView } from '../stores/s3/introspect';
import { keptTags, type DesiredBucket } from '../stores/s3/migrate';
import type { Capability } from '../stores/shapes';
import { uniquePrefixes, type Manifest } from '../summary/manifest';
import { describeDiff, diffEntries, showValue, type EntryDiff } from './deep';
import { capabilityText, collector, report, type StoreReport, type VerifyStatus } from './compare';
import type { BucketOwner } from '../stores/shapes';
import { kmsKeyAccount, lifecycleEffect, statementGrant } from './s3-effect';

/** Whether judging this bucket needs its owner's account: a statement someone else added that allows, or a KMS key named by ARN. */
export function needsOwner(live: BucketSettings, desired: DesiredBucket): boolean {
  const ours = new Set(desired.policyStatements.map((st) => st.Sid));
  const allows = (live.policy ?? []).some((st) => st.Effect === 'Allow' && !ours.has(st.Sid));
  return allows || kmsKeyAccount(live.encryption?.kmsKeyId) !== undefined;
}

/** The layout's wish as a BucketView: only what the layout owns (its rules, its statement, its tags). */
export function desiredView(d: DesiredBucket): BucketView {
  return {
    bucket: d.bucket,
    markers: d.markers,
    versioning: d.versioning,
    encryption: d.encryption,
    publicAccessBlock: d.publicAccessBlock,
    ownership: d.ownership,
    policy: d.policyStatements,
    lifecycleRules: d.lifecycleRules,
    corsRules: d.corsRule ? [d.corsRule] : [],
    tags: d.tags,
  };
}

/** The live bucket as a BucketView; a CORS rule that lost its ID on a server that drops IDs is recognised by content. */
export function liveView(s: BucketSettings, d: DesiredBucket): BucketView {
  const ours = s.corsRules ? findOurCors(s.corsRules, d.corsRule) : undefined;
  const corsRules = s.corsRules?.map((r): CORSRule => (r === ours && !r.ID ? { ...r, ID: d.corsRule?.ID } : r));
  return {
    bucket: s.bucket,
    markers: s.markers.filter((m) => d.markers.includes(m)),
    versioning: s.versioning,
    encryption: s.encryption,
    publicAccessBlock: s.publicAccessBlock,
    ownership: s.ownership,
    policy: s.policy,
    lifecycleRules: s.lifecycleRules,
    corsRules,
    tags: s.tags,
  };
}

/** The capability (S3Feature) each part kind of the canonical bucket entries depends on. */
export const S3_PART_FEATURE: Record<string, string> = {
  versioning: 'bucketVersioning',
  encryption: 'bucketEncryption',
  'public-access-block': 'publicAccessBlock',
  ownership: 'bucketOwnership',
  policy: 'bucketPolicy',
  lifecycle: 'bucketLifecycle',
  cors: 'bucketCors',
  tag: 'bucketTagging',
};

const SETTING_NAME: Record<string, string> = { 'public-access-block': 'public access block' };

/**
 * S3, judged by effect: the layout's own settings compared exactly with what it asks for (the same
 * desiredBucket the bootstrap applies), and what others added judged by what it does: a policy
 * statement granting access outside the bucket owner, a lifecycle rule expiring or moving current
 * objects under a layout prefix, any other CORS rule (CORS is compared exactly). `owner` is the
 * bucket owner's account when it could be learned; a judgement that hangs on it says so.
 */
export function verifyS3(manifest: Manifest, live: BucketSettings, desired: DesiredBucket, owner: BucketOwner = { how: 'not looked up' }): StoreReport {
  const { items, add } = collector('s3');
  const B = 'Bucket';
  if (!live.exists) {
    add(B, 'bucket', live.bucket, 'missing', 'bucket does not exist');
    return report('s3', items);
  }
  add(B, 'bucket', live.bucket, 'ok');
  const told = new Set<Capability>();
  const cap = (kind: string) => live.capabilities.find((c) => !c.supported && c.feature === S3_PART_FEATURE[kind]);

  // The bucket's env tag is its store stamp, kept by the bootstrap whatever the configuration says: expected as kept.
  const held: DesiredBucket = { ...desired, tags: keptTags(desired, live.tags) };
  const diffs = diffEntries(s3Entries(desiredView(held)), s3Entries(liveView(live, desired)));
  const diffsOf = (kind: string) => diffs.filter((d) => (d.expected ?? d.live!).part?.kind === kind);
  const ruleItem = (kind: string, d: EntryDiff, status: VerifyStatus = d.status, detail = describeDiff(d, 'the layout')) =>
    add(B, 'bucket-setting', `${kind} ${(d.expected ?? d.live!).part!.name}`, status, detail, {
      ...(d.expected ? { expected: showValue(d.expected.value) } : {}),
      ...(d.live ? { live: showValue(d.live.value) } : {}),
    });

  // One-value settings: versioning, encryption, public access block, ownership.
  for (const kind of ['versioning', 'encryption', 'public-access-block', 'ownership']) {
    const name = SETTING_NAME[kind] ?? kind;
    const unsupportedHere = cap(kind);
    if (unsupportedHere) {
      add(B, 'bucket-setting', name, 'warning', capabilityText(unsupportedHere, name, told));
      continue;
    }
    const d = diffsOf(kind)[0];
    if (!d) {
      add(B, 'bucket-setting', name, 'ok', kind === 'encryption' ? describeEncryption(desired.encryption) : undefined);
      continue;
    }
    const detail = kind === 'encryption' ? encryptionDetail(live, desired, owner) : kind === 'ownership' && live.ownership !== 'BucketOwnerEnforced' ? `${describeDiff(d, 'the layout')}: ACLs are in force` : describeDiff(d, 'the layout');
    add(B, 'bucket-setting', name, d.status === 'unexpected' ? 'different' : d.status, detail, {
      ...(d.expected ? { expected: showValue(d.expected.value) } : {}),
      ...(d.live ? { live: showValue(d.live.value) } : {}),
    });
  }

  // Policy: our statements exactly; others by what they grant.
  const tls = desired.capabilities.find((c) => c.feature === 'tlsOnlyPolicy');
  const policyCap = cap('policy');
  if (policyCap) add(B, 'bucket-setting', 'policy', 'warning', capabilityText(policyCap, 'bucket policies', told));
  else {
    const before = items.length;
    const notes: string[] = [];
    const ours = new Set(desired.policyStatements.map((st) => st.Sid));
    for (const d of diffsOf('policy')) {
      const name = (d.expected ?? d.live!).part!.name;
      if (d.status !== 'unexpected' || ours.has(name)) {
        ruleItem('policy', d);
        continue;
      }
      const st = (live.policy ?? []).find((s, i) => ruleName(s.Sid, i) === name)!;
      const g = statementGrant(st, owner);
      if (g.verdict === 'outside') ruleItem('policy', d, 'unexpected', `statement ${name} ${g.why}`);
      else if (g.verdict === 'unknown') ruleItem('policy', d, 'warning', `statement ${name} ${g.why}`);
      else notes.push(`${name} (${g.why})`);
    }
    if (tls) add(B, 'bucket-setting', 'policy', 'warning', capabilityText(tls, 'the TLS-only bucket policy', told));
    else if (items.length === before) {
      const mine = desired.policyStatements.map((st) => st.Sid).join(', ');
      add(B, 'bucket-setting', 'policy', 'ok', [mine ? `${mine}: requests without TLS denied` : '', notes.length ? `also ${notes.join(', ')}` : ''].filter(Boolean).join('; ') || undefined);
    }
  }

  // Lifecycle: our rules exactly; others by what they do to current objects under our prefixes.
  const lifecycleCap = cap('lifecycle');
  if (lifecycleCap) add(B, 'bucket-setting', 'lifecycle', 'warning', capabilityText(lifecycleCap, 'lifecycle', told));
  else {
    const before = items.length;
    const ours = new Set(desired.lifecycleRules.map((r) => r.ID));
    const harmless: string[] = [];
    for (const d of diffsOf('lifecycle')) {
      const name = (d.expected ?? d.live!).part!.name;
      if (d.status !== 'unexpected' || ours.has(name)) {
        ruleItem('lifecycle', d);
        continue;
      }
      const rule = (live.lifecycleRules ?? []).find((r: LifecycleRule, i) => ruleName(r.ID, i) === name)!;
      const effect = lifecycleEffect(rule, desired.markers);
      if (effect.harmful) ruleItem('lifecycle', d, 'unexpected', `rule ${name} ${effect.why}: the layout keeps current objects until their owner deletes them`);
      else harmless.push(`${name} (${effect.why})`);
    }
    if (items.length === before) add(B, 'bucket-setting', 'lifecycle', 'ok', harmless.length ? `also has rule${harmless.length > 1 ? 's' : ''} ${harmless.join(', ')}` : undefined);
  }

  // CORS: exactly the layout's rule for the configured origins, nothing else (an extra origin widens access).
  const corsCap = cap('cors');
  if (corsCap) add(B, 'bucket-setting', 'cors', 'warning', capabilityText(corsCap, 'cors', told));
  else {
    const found = diffsOf('cors');
    for (const d of found) {
      const rule = d.live && (live.corsRules ?? []).find((r, i) => ruleName(r.ID, i) === d.live!.part!.name);
      if (d.status === 'unexpected') ruleItem('cors', d, 'unexpected', `a CORS rule the layout does not define: allows ${(rule?.AllowedOrigins ?? []).join(', ') || 'no origin'} (${(rule?.AllowedMethods ?? []).join(', ')})`);
      else ruleItem('cors', d);
    }
    if (!found.length) add(B, 'bucket-setting', 'cors', 'ok', desired.corsRule ? `origins ${(desired.corsRule.AllowedOrigins ?? []).join(', ')}` : 'no web origins configured: no CORS rule');
  }

  // Tags: ours only; tags with other keys are the owner's business.
  const tagCap = cap('tag');
  if (tagCap) add(B, 'bucket-setting', 'tags', 'warning', capabilityText(tagCap, 'tags', told));
  else {
    const ourTags = diffsOf('tag').filter((d) => d.status !== 'unexpected');
    for (const d of ourTags) ruleItem('tag', d);
    if (!ourTags.length) add(B, 'bucket-setting', 'tags', 'ok', held.tags.env !== desired.tags.env ? `env ${held.tags.env} kept (the store stamp; the configuration says ${desired.tags.env})` : undefined);
  }

  const markers = new Set(live.markers.map(withSlash));
  for (const { prefix, assetTypes } of uniquePrefixes(manifest)) {
    const present = markers.has(withSlash(prefix));
    add('Asset Types', 'prefix', prefix, present ? 'ok' : 'missing', present ? assetTypes.join(', ') : `no prefix marker (for ${assetTypes.join(', ')})`);
  }
  return report('s3', items);
}

/** Encryption that is not the layout's, with whose key it is when it is a KMS key. */
function encryptionDetail(live: BucketSettings, desired: DesiredBucket, owner: BucketOwner): string {
  const now = describeEncryption(live.encryption);
  const want = describeEncryption(desired.encryption);
  const key = live.encryption?.kmsKeyId;
  if (!live.encryption || !/^aws:kms/i.test(live.encryption.algorithm)) return `expected ${want}; live ${now}`;
  const account = kmsKeyAccount(key);
  const whose = !key
    ? "the AWS managed key of the bucket owner's account"
    : !account
      ? "a key named without its account, so the bucket owner's own"
      : !owner.account
        ? `a key of account ${account}; the bucket owner's account is unknown (${owner.how})`
        : account === owner.account
          ? "a key of the bucket owner's account"
          : `a key of account ${account}, not the bucket owner (${owner.account}): another account controls who can read the objects`;
  const hint = desired.encryption.kmsKeyId ? '' : ' (set RECRUIT_DB_S3_KMS_KEY_ID to expect a KMS key)';
  return `expected ${want}; live ${now}: ${whose}${hint}`;
}

function withSlash(p: string): string {
  return p.endsWith('/') ? p : `${p}/`;
}

