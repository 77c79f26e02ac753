/**
 * The fault-injection harness (bench/reliability/) in its reduced, CI form: one trial of each kind
 * of fault, each on fresh targets, a kill at a random moment. `npm run bench:reliability` runs many
 * and writes RELIABILITY.md. A failure message names the moment of the fault, to reproduce it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { concurrentMigrate, killMigrate, killRollback, killSeed, killUp, reference, restartStore, silent, type Reference, type TrialResult } from '../../bench/reliability/harness';
import { canRunPgCluster, haveFerretDb, haveMoto } from '../../bench/reliability/servers';

let ref: Reference;
beforeAll(async () => {
  ref = await reference(1);
}, 300_000);

function expectGood(r: TrialResult): void {
  const where = `${r.scenario} (${r.target}), fault at ${r.at ?? '-'} ms: ${r.failure ?? r.serverFault ?? ''}`;
  if (r.serverFault) return; // the server itself would not come back: reported, not the tool's fault
  expect(r.honest, where).toBe(true);
  expect(r.recovered, where).toBe(true);
}

describe('fault injection (one trial each)', () => {
  it('migrate killed at a random moment (all stores): the next migrate converges to a clean run', async () => expectGood(await killMigrate(ref, 'all')), 300_000);
  it('a MongoDB rollback killed at a random moment: status never lies, migrate converges', async () => expectGood(await killRollback(ref, 'mongo')), 300_000);
  it('seed killed at a random moment (all stores): reported while incomplete, up redoes it exactly', async () => expectGood(await killSeed(ref, 'all')), 300_000);
  it('up killed at a random moment: the next up converges to a clean run', async () => expectGood(await killUp(ref)), 300_000);
  it.skipIf(!haveFerretDb())('FerretDB killed and restarted during up: exit 2 or done, never a hang; the next up converges', async () => expectGood(await restartStore(ref, 'mongo')), 300_000);
  it.skipIf(!haveMoto())('moto killed and restarted during up (it comes back empty): the next up rebuilds it', async () => expectGood(await restartStore(ref, 's3')), 300_000);
  it.skipIf(!canRunPgCluster())('a PostgreSQL cluster crashed and restarted during up: the next up converges', async () => expectGood(await restartStore(ref, 'postgres')), 300_000);
  it('a MongoDB server that accepts and never answers: every command exit 2 within its bound', async () => expectGood(await silent('mongo')), 300_000);
  it('8 concurrent migrate: each migration once, no lock left', async () => expectGood(await concurrentMigrate(ref, 8)), 300_000);
});
