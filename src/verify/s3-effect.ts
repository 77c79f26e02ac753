/**
 * S3 judged by effect: what a policy statement grants and to whom, what a lifecycle rule does to
 * current objects, whose account a KMS key is in. Pure functions over plain data.
 */
import type { LifecycleRule } from '@aws-sdk/client-s3';
import type { BucketOwner, S3PolicyStatement } from '../stores/shapes';

export type GrantVerdict = 'fine' | 'outside' | 'unknown';

const ACCOUNT = /^\d{12}$/;

/** The account of an IAM ARN (`arn:aws:iam::123456789012:root`) or a bare account id; undefined for `*` and the like. */
export function accountOf(principal: string): string | undefined {
  if (ACCOUNT.test(principal)) return principal;
  const m = /^arn:[^:]+:[^:]+:[^:]*:(\d{12}):/.exec(principal);
  return m ? m[1] : undefined;
}

/** The account a KMS key ARN or alias ARN is in; undefined for a bare key id or alias (those resolve in the bucket owner's account). */
export function kmsKeyAccount(keyId: string | undefined): string | undefined {
  if (!keyId) return undefined;
  const m = /^arn:[^:]+:kms:[^:]*:(\d{12}):/.exec(keyId);
  return m ? m[1] : undefined;
}

const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

/** Every principal of a statement as (type, id); `*` alone is type "*". */
export function principalsOf(p: unknown): Array<{ type: string; id: string }> {
  if (p === undefined) return [];
  if (typeof p === 'string') return [{ type: p === '*' ? '*' : 'AWS', id: p }];
  return Object.entries(p as Record<string, unknown>).flatMap(([type, ids]) => list(ids).map((id) => ({ type: id === '*' && type === 'AWS' ? '*' : type, id })));
}

/** Accounts named by source conditions (aws:SourceAccount, aws:SourceArn), which is how a service principal is tied to one account. */
function sourceAccounts(st: S3PolicyStatement): string[] {
  const out: string[] = [];
  for (const operator of Object.values(st.Condition ?? {})) {
    for (const [key, value] of Object.entries(operator ?? {})) {
      const k = key.toLowerCase();
      if (k === 'aws:sourceaccount' || k === 'aws:principalaccount') out.push(...list(value));
      if (k === 'aws:sourcearn') out.push(...list(value).map((a) => accountOf(a) ?? a.split(':')[4] ?? ''));
    }
  }
  return out.filter(Boolean);
}

/**
 * Whether an Allow statement grants access outside the bucket owner's account: to anyone, to
 * another account, to a federated identity, or to a service not tied to the owner by a source
 * condition. Deny statements never do. `unknown` when the answer hangs on an owner we do not know.
 */
export function statementGrant(st: S3PolicyStatement, owner: BucketOwner): { verdict: GrantVerdict; why: string } {
  if (st.Effect !== 'Allow') return { verdict: 'fine', why: 'denies' };
  const actions = list(st.Action ?? st.NotAction).join(', ') || 'nothing';
  const conditioned = st.Condition && Object.keys(st.Condition).length ? ' (under conditions)' : '';
  if (st.NotPrincipal !== undefined) return { verdict: 'outside', why: `grants ${actions} to everyone but ${JSON.stringify(st.NotPrincipal)}${conditioned}` };
  const verdicts: Array<{ verdict: GrantVerdict; why: string }> = principalsOf(st.Principal).map(({ type, id }) => {
    if (type === '*') return { verdict: 'outside', why: `grants ${actions} to anyone (Principal "*")${conditioned}` };
    if (type === 'AWS') {
      const acct = accountOf(id);
      if (!acct) return { verdict: 'outside', why: `grants ${actions} to ${id}` };
      if (!owner.account) return { verdict: 'unknown', why: `grants ${actions} to account ${acct}; the bucket owner's account is unknown (${owner.how})` };
      return acct === owner.account ? { verdict: 'fine', why: 'grants the owner account only' } : { verdict: 'outside', why: `grants ${actions} to account ${acct}, not the bucket owner (${owner.account})` };
    }
    if (type === 'Service') {
      const tied = sourceAccounts(st);
      if (!tied.length) return { verdict: 'outside', why: `grants ${actions} to the service ${id} for any account (no aws:SourceAccount or aws:SourceArn condition)` };
      if (!owner.account) return { verdict: 'unknown', why: `grants ${actions} to the service ${id} for account ${tied.join(', ')}; the bucket owner's account is unknown (${owner.how})` };
      const foreign = tied.filter((a) => a !== owner.account);
      return foreign.length ? { verdict: 'outside', why: `grants ${actions} to the service ${id} for account ${foreign.join(', ')}, not the bucket owner (${owner.account})` } : { verdict: 'fine', why: `grants the service ${id} for the owner account` };
    }
    if (type === 'CanonicalUser') return { verdict: 'unknown', why: `grants ${actions} to the canonical user ${id}, which cannot be matched to an account here` };
    return { verdict: 'outside', why: `grants ${actions} to the ${type} principal ${id}` };
  });
  if (!verdicts.length) return { verdict: 'outside', why: `grants ${actions} without naming a principal` };
  return verdicts.find((v) => v.verdict === 'outside') ?? verdicts.find((v) => v.verdict === 'unknown') ?? verdicts[0];
}

/** The prefix a lifecycle rule is scoped to ('' = the whole bucket), and whether tags or sizes narrow it further. */
function ruleScope(r: LifecycleRule): { prefix: string; narrowed: boolean } {
  const f = r.Filter;
  const prefix = f?.Prefix ?? f?.And?.Prefix ?? (r as { Prefix?: string }).Prefix ?? '';
  return { prefix, narrowed: Boolean(f?.Tag || f?.And?.Tags?.length || f?.ObjectSizeGreaterThan || f?.ObjectSizeLessThan || f?.And?.ObjectSizeGreaterThan || f?.And?.ObjectSizeLessThan) };
}

/**
 * Whether a lifecycle rule expires or transitions current objects under any of the layout's prefixes
 * (rules on noncurrent versions, delete markers and incomplete uploads leave current data alone).
 * A tag or size filter narrows a rule but cannot be known to miss our objects, so it still counts.
 */
export function lifecycleEffect(r: LifecycleRule, prefixes: string[]): { harmful: boolean; why: string } {
  if (r.Status !== 'Enabled') return { harmful: false, why: 'disabled' };
  const actions: string[] = [];
  if (r.Expiration?.Days !== undefined) actions.push(`expires current objects after ${r.Expiration.Days} day${r.Expiration.Days === 1 ? '' : 's'}`);
  else if (r.Expiration?.Date) actions.push(`expires current objects on ${new Date(r.Expiration.Date).toISOString().slice(0, 10)}`);
  for (const t of r.Transitions ?? []) actions.push(`moves current objects to ${t.StorageClass ?? 'another storage class'}${t.Days !== undefined ? ` after ${t.Days} days` : ''}`);
  if (!actions.length) return { harmful: false, why: 'affects only noncurrent versions, delete markers or incomplete uploads' };
  const { prefix, narrowed } = ruleScope(r);
  const hit = prefixes.filter((p) => p.startsWith(prefix) || prefix.startsWith(p));
  if (!hit.length) return { harmful: false, why: `${actions.join(' and ')} under ${prefix}, outside the layout's prefixes` };
  const where = prefix === '' ? 'on every prefix' : `under ${hit.join(', ')}`;
  return { harmful: true, why: `${actions.join(' and ')} ${where}${narrowed ? ' (for objects matching its tag or size filter)' : ''}` };
}
