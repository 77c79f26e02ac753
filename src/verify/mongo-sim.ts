import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RecruitDbError } from '../errors';
import { FEATURES, type CommandTarget } from '../stores/mongo/apply';
import { mongoMigrationsDir } from '../stores/mongo/mmconfig';
import { REFUSALS, SimulatedMongo, type SimulatedCapabilities } from '../stores/mongo/sim';

// The simulation itself lives with the MongoDB store (the migrator plans with it too).
export { REFUSALS, SimulatedMongo, type SimulatedCapabilities };

/** The compiled migration scripts, in the order migrate-mongo applies them. */
export function mongoScripts(dir = mongoMigrationsDir()): Array<{ name: string; path: string }> {
  if (!existsSync(dir)) {
    throw new RecruitDbError({ code: 'not-built', store: 'mongo', message: `no compiled MongoDB migrations at ${dir}`, hint: 'run `npm run build` (the scripts run compiled from dist/mongo-migrations)' });
  }
  return readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .sort()
    .map((f) => ({ name: f.replace(/\.js$/, ''), path: join(dir, f) }));
}

/** Runs every script's `up` against a simulated server with these capabilities. */
export async function simulateMongoMigrations(caps: SimulatedCapabilities, dir = mongoMigrationsDir()): Promise<{ target: SimulatedMongo; migrations: string[] }> {
  const target = new SimulatedMongo(caps);
  const scripts = mongoScripts(dir);
  for (const s of scripts) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(s.path);
    const script = (mod.default ?? mod) as { up(db: CommandTarget, client: unknown): Promise<void> };
    try {
      await script.up(target, undefined);
    } catch (err) {
      throw new Error(`simulating MongoDB migration ${s.name}: ${(err as Error).message}`);
    }
  }
  return { target, migrations: scripts.map((s) => s.name) };
}

/** The features apply.ts records, each of which the simulation must know how to refuse. */
export function simulatedFeatures(): string[] {
  const features = Object.values(FEATURES) as string[];
  const unknown = features.filter((f) => !REFUSALS[f]);
  if (unknown.length) {
    throw new Error(`the MongoDB simulation does not know how a server refuses ${unknown.join(', ')}: add it to REFUSALS in src/verify/mongo-sim.ts`);
  }
  return features;
}
