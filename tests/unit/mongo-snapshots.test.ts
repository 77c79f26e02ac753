/**
 * MongoDB migrations are snapshots (issue 13, item 4): what each script sends is pinned here, so an
 * edit of a definition module (release1.ts, release2.ts) or of apply.ts that changes what an applied
 * script means fails CI. The scripts run against a recording target that answers like an empty
 * standalone MongoDB (no server needed): every command they would send is written down.
 *
 * Never update the pinned file for the scripts of a release that has shipped: add a new script with
 * a new definition instead. (A new script adds its own lines; that diff is the review.)
 *
 * The one deliberate exception so far: apply.ts drops empty `required` lists from every validator
 * it sends (10 lines changed: the creates of the first release's scripts and the collMods back to
 * its definitions in the second release's downs). MongoDB refuses `required: []` (FailedToParse),
 * so no MongoDB ever applied those commands as pinned before; FerretDB stores no validator; an empty
 * list requires nothing. The change is a no-op for every database that ran them, and lets a real
 * MongoDB run them. The test below keeps any command with an empty list from coming back.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BSON, type Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import type { CommandTarget } from '../../src/stores/mongo/apply';
import { REPO } from '../helpers/cli';

const DIR = join(REPO, 'mongo-migrations');

/** Answers reads as an empty standalone MongoDB 7 would, with `existing` collections present. */
function recorder(existing: Set<string>): { target: CommandTarget; sent: string[] } {
  const sent: string[] = [];
  const answer = (cmd: Document): Document => {
    const name = Object.keys(cmd)[0];
    if (name === 'listCollections') return { cursor: { firstBatch: existing.has(cmd.filter?.name) ? [{ name: cmd.filter.name }] : [] }, ok: 1 };
    if (name === 'find') return { cursor: { firstBatch: [] }, ok: 1 };
    if (name === 'buildInfo') return { version: '7.0.0', ok: 1 };
    if (name === 'hello') return { isWritablePrimary: true, ok: 1 };
    return { ok: 1 };
  };
  const record = (where: string) => async (cmd: Document) => {
    // Capability records carry the time they were written: not part of what a script means.
    const text = BSON.EJSON.stringify(cmd, { relaxed: false }).replace(/\{"\$date":\{"\$numberLong":"\d+"\}\}/g, '"<now>"');
    sent.push(`${where} ${text}`);
    return answer(cmd);
  };
  const target: CommandTarget = { databaseName: 'pinned', command: record('db'), admin: () => ({ command: record('admin') }) };
  return { target, sent };
}

const scripts = readdirSync(DIR)
  .filter((f) => /^\d{14}-.*\.ts$/.test(f))
  .sort();

describe('what each MongoDB migration script sends is pinned', () => {
  it('covers every script, the first release\'s ten included', () => {
    expect(scripts.length).toBeGreaterThanOrEqual(17);
    expect(scripts.slice(0, 10).every((s) => s.startsWith('20260210'))).toBe(true);
  });

  it('matches tests/unit/__pinned__/mongo-migration-commands.txt', async () => {
    const lines: string[] = [];
    for (const file of scripts) {
      const mod = (await import(join(DIR, file))) as { up(db: CommandTarget): Promise<void>; down(db: CommandTarget): Promise<void> };
      // up meets an empty database; down meets one where the script's collection exists.
      const up = recorder(new Set());
      await mod.up(up.target);
      const down = recorder(new Set(['learning_progress', 'xapi_statements', 'flashcard_progress', 'analytics_aggregates', 'user_sessions', 'resume_analysis', 'search_logs', 'notification_queue', 'event_log', 'course_engagement']));
      await mod.down(down.target);
      lines.push(`## ${file} up`, ...up.sent, `## ${file} down`, ...down.sent);
    }
    await expect(lines.join('\n') + '\n').toMatchFileSnapshot('__pinned__/mongo-migration-commands.txt');
    // A real MongoDB refuses an empty `required` list: nothing any script sends may hold one.
    expect(lines.filter((l) => l.includes('"required":[]'))).toEqual([]);
  });
});
