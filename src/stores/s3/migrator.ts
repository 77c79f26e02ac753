import { requireStore, type Config } from '../../config';
import { EXIT, RecruitDbError } from '../../errors';
import { phase } from '../../progress';
import { planAndApply, type MigrateResult, type MigrationStatus, type StoreMigrator, type StorePlan } from '../migrator';
import { createS3Client, s3Target } from './connect';
import { readS3Meta } from './meta';
import { bootstrapS3, desiredBucket, s3Status, type BootstrapResult } from './migrate';

/**
 * The S3 bucket as a StoreMigrator: its "migration" is the declarative bootstrap (s3-layout/),
 * planned by comparing the layout with the live bucket. It has no versions, so no runs, and it is
 * never rolled back: a bucket holds user data.
 */
export async function openS3Migrator(config: Config): Promise<StoreMigrator> {
  const s3 = requireStore(config, 's3');
  const client = createS3Client(s3, config.timeoutMs, config.uploadTimeoutMs);
  const target = `${s3Target(s3)}/${s3.bucket}`;
  const planned = new WeakMap<StorePlan, BootstrapResult>();
  const changedItems = (r: BootstrapResult) => r.items.filter((i) => i.action === 'create' || i.action === 'update');
  const notesOf = (opts: { to?: string; steps?: number }, r: BootstrapResult) => [
    ...(opts.to || opts.steps ? ['the S3 layout has no versions: --to and --steps do not apply to it, the whole layout was considered'] : []),
    ...(r.changed ? [] : ['bucket already matches the layout: no changes']),
  ];

  const m: StoreMigrator = {
    store: 's3',
    async status(): Promise<MigrationStatus> {
      const st = await s3Status(config, { client });
      return {
        store: 's3',
        target,
        // An item the server cannot hold is neither applied nor pending: it is a capability.
        entries: st.items.filter((i) => i.state !== 'unsupported').map((i) => ({ name: i.name, state: i.state === 'ok' ? 'applied' : 'pending' })),
        capabilities: st.capabilities,
        notes: st.items.filter((i) => i.state === 'drift').map((i) => `${i.name} differs from the layout${i.detail ? `: ${i.detail}` : ''}`),
      };
    },
    meta: () => readS3Meta(client, s3, config.timeoutMs),
    async planUp(opts): Promise<StorePlan> {
      // Every setting is validated here (bucket name, web origins), before any store is written.
      desiredBucket(config);
      const preview = await bootstrapS3(config, { dryRun: true, client });
      const plan: StorePlan = { store: 's3', direction: 'up', names: changedItems(preview).map((i) => i.name), dryRun: Boolean(opts.dryRun), notes: notesOf(opts, preview), request: opts };
      planned.set(plan, preview);
      return plan;
    },
    async planDown(): Promise<StorePlan> {
      throw new RecruitDbError({
        code: 'not-reversible',
        store: 's3',
        message: `refusing to roll back the S3 bootstrap of bucket "${s3.bucket}": buckets hold user data, and the bootstrap is not rolled back`,
        hint: 'use `recruit-db reset` to empty a non-production environment, or leave s3 out of --only',
        exitCode: EXIT.USAGE,
      });
    },
    async apply(plan, run): Promise<MigrateResult> {
      if (plan.dryRun) {
        const preview = planned.get(plan) ?? (await bootstrapS3(config, { dryRun: true, client }));
        return { store: 's3', direction: 'up', done: [], plan: changedItems(preview).map((i) => `${i.action} ${i.name}${i.detail ? ` (${i.detail})` : ''}`), capabilities: preview.capabilities, notes: plan.notes };
      }
      const r = await phase(run.onProgress, 's3', 'bootstrap', () => bootstrapS3(config, { client }), (x) => ({ done: changedItems(x).length, unit: 'changes' }));
      return { store: 's3', direction: 'up', done: changedItems(r).map((i) => i.name), capabilities: r.capabilities, notes: notesOf(plan.request, r), runId: run.runId };
    },
    lastRun: async () => undefined,
    up: (opts) => planAndApply(m, 'up', opts),
    down: (opts) => planAndApply(m, 'down', opts),
    async close(): Promise<void> {
      client.destroy();
    },
  };
  return m;
}
