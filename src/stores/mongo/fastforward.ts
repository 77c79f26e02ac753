import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../paths';
import { arriveAt, type CommandTarget, type Refusals } from './apply';
import { runLanes, type LaneRun } from './lanes';
import { RELEASE_2 } from './release2';
import type { CollectionDef } from './schema';

/**
 * The MongoDB counterpart of PostgreSQL's schema snapshot: on an EMPTY database, the scripts a
 * released state stands for are not replayed one command at a time (a fresh migrate of the 17
 * scripts is ~125 commands: every collection created, collModded, its indexes dropped and created
 * again, one by one) but the collections are created straight in that state, ~3 commands each
 * (apply.ts arriveAt), side by side. The changelog records the scripts, with their checksums, as
 * the one-by-one run does; status, rollback and the next migrate cannot tell the difference in the
 * collections, validators, indexes and shard keys (tests compare the live shapes). The capability
 * record says what this run did ("created the collection without a validator") where the replay
 * would have said what its last script did ("left the existing collection without a validator").
 *
 * It stands for the scripts only when it provably does: mongo-migrations/fast-forward.json lists
 * them with the checksums of their sources, the pending scripts begin with exactly those, from the
 * default folder. tests/unit/mongo-fastforward.test.ts checks on the simulated server, for every
 * combination of server features, that the scripts and the fast path leave the same catalogue, and
 * that the file's checksums are the sources'. An edited or added script turns it off (the edited
 * one), or runs after it (the added ones).
 */
export const FAST_FORWARD_FILE = join(ROOT, 'mongo-migrations', 'fast-forward.json');

export interface FastForward {
  /** Which frozen release module the state comes from. */
  release: 'release2';
  /** The scripts that state stands for, in order, with the sha256 of their TypeScript source. */
  scripts: Array<[name: string, checksum: string]>;
}

const RELEASES: Record<FastForward['release'], readonly CollectionDef[]> = { release2: RELEASE_2 };

export function readFastForward(path = FAST_FORWARD_FILE): FastForward | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const ff = JSON.parse(readFileSync(path, 'utf8')) as FastForward;
    return RELEASES[ff.release] && Array.isArray(ff.scripts) ? ff : undefined;
  } catch {
    return undefined;
  }
}

/** How many of the pending scripts (in order) the fast path stands for: all it lists, or none. */
export function coveredBy(ff: FastForward | undefined, todo: string[], checksumOf: (name: string) => string): number {
  if (!ff || ff.scripts.length === 0 || todo.length < ff.scripts.length) return 0;
  return ff.scripts.every(([name, sum], i) => todo[i] === name && checksumOf(name) === sum) ? ff.scripts.length : 0;
}

/**
 * Creates the release's collections on an empty database, side by side (each touches only its
 * own collection), their capability-record updates held back per collection (runLanes) so the
 * caller writes them once, in definition order: the order the scripts first met the collections.
 */
export function fastForward(db: CommandTarget, client: unknown, ff: FastForward): Promise<LaneRun> {
  const defs = RELEASES[ff.release];
  const refused: Refusals = new Map();
  return runLanes(
    db,
    client,
    defs.map((def) => ({ up: (target: CommandTarget) => arriveAt(target, def, refused) })),
    defs.map(() => []),
  );
}
