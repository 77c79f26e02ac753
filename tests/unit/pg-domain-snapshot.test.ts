/**
 * Migration 0017 carries its own copy of the application state machine and the status -> stage
 * mapping (migrations are snapshots: they must not change meaning when seeds/domain.ts does). This
 * test says when the two drift apart: then the graph changed, and the change needs a new migration.
 */
import { describe, expect, it } from 'vitest';
import { INITIAL_STATUS, shortestWalks, STAGE_OF, TRANSITIONS } from '../../migrations/0017_application_status_machine';
import { APPLICATION_STATUSES, APPLICATION_TRANSITIONS, candidateStage, INITIAL_APPLICATION_STATUS, shortestPathTo } from '../../seeds/domain';

describe('0017 snapshot of the application state machine', () => {
  it('has the edges of APPLICATION_TRANSITIONS and its initial status', () => {
    const edges = (pairs: ReadonlyArray<readonly [string, readonly string[]]>) => pairs.flatMap(([f, ts]) => ts.map((t) => `${f}>${t}`)).sort();
    expect(edges([...TRANSITIONS])).toEqual(edges(Object.entries(APPLICATION_TRANSITIONS)));
    expect(INITIAL_STATUS).toBe(INITIAL_APPLICATION_STATUS);
  });

  it('maps every status to the stage candidateStage gives', () => {
    for (const s of APPLICATION_STATUSES) expect(STAGE_OF[s], s).toBe(candidateStage(s));
    expect(Object.keys(STAGE_OF).sort()).toEqual([...APPLICATION_STATUSES].sort());
  });

  it('reconstructs missing histories with the walks the seeder would take', () => {
    const walks = shortestWalks();
    for (const s of APPLICATION_STATUSES) expect(walks.get(s), s).toEqual(shortestPathTo(s));
  });
});
