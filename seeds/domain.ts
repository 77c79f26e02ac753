import { createHash, scryptSync } from 'node:crypto';
import type { Rng } from './core';

/**
 * Domain rules the generated data obeys, written down once so the generators and the tests agree:
 * the application status state machine, the funnel that narrows it, rating skew and the one
 * development password.
 */

// ---------------------------------------------------------------------------------------------
// Application status state machine
// ---------------------------------------------------------------------------------------------

// Written out (not read from the manifest) so ApplicationStatus is a literal type and the transition
// table below must name every status; tests/unit/seed-domain.test.ts pins it to the contract's enum.
export const APPLICATION_STATUSES = [
  'pending_admin_review',
  'admin_shortlisted',
  'rejected_by_admin',
  'forwarded_to_company',
  'under_company_review',
  'interview_scheduled',
  'interview_completed',
  'offer_extended',
  'offer_accepted',
  'offer_rejected',
  'hired',
  'rejected_by_company',
  'withdrawn',
] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export const INITIAL_APPLICATION_STATUS: ApplicationStatus = 'pending_admin_review';

/**
 * Allowed transitions. The first target of each state is the "happy path" step; the others are the
 * ways out. States with no targets are terminal.
 */
export const APPLICATION_TRANSITIONS: Readonly<Record<ApplicationStatus, readonly ApplicationStatus[]>> = {
  pending_admin_review: ['admin_shortlisted', 'rejected_by_admin', 'withdrawn'],
  admin_shortlisted: ['forwarded_to_company', 'rejected_by_admin', 'withdrawn'],
  rejected_by_admin: [],
  forwarded_to_company: ['under_company_review', 'rejected_by_company', 'withdrawn'],
  under_company_review: ['interview_scheduled', 'rejected_by_company', 'withdrawn'],
  interview_scheduled: ['interview_completed', 'rejected_by_company', 'withdrawn'],
  interview_completed: ['offer_extended', 'rejected_by_company', 'withdrawn'],
  offer_extended: ['offer_accepted', 'offer_rejected', 'withdrawn'],
  offer_accepted: ['hired', 'withdrawn'],
  offer_rejected: [],
  hired: [],
  rejected_by_company: [],
  withdrawn: [],
};

export function canTransition(from: ApplicationStatus | null, to: ApplicationStatus): boolean {
  if (from === null) return to === INITIAL_APPLICATION_STATUS;
  return APPLICATION_TRANSITIONS[from].includes(to);
}

export function isTerminal(status: ApplicationStatus): boolean {
  return APPLICATION_TRANSITIONS[status].length === 0;
}

/** True when `path` starts at the initial status, each step is allowed, and it ends in `current`. */
export function isValidStatusPath(path: readonly ApplicationStatus[], current: ApplicationStatus): boolean {
  if (path.length === 0 || path[0] !== INITIAL_APPLICATION_STATUS || path[path.length - 1] !== current) return false;
  for (let i = 1; i < path.length; i++) if (!canTransition(path[i - 1], path[i])) return false;
  return true;
}

/** The shortest path from the initial status to `target` (every status is reachable). */
export function shortestPathTo(target: ApplicationStatus): ApplicationStatus[] {
  const prev = new Map<ApplicationStatus, ApplicationStatus | null>([[INITIAL_APPLICATION_STATUS, null]]);
  const queue: ApplicationStatus[] = [INITIAL_APPLICATION_STATUS];
  while (queue.length) {
    const s = queue.shift()!;
    if (s === target) break;
    for (const t of APPLICATION_TRANSITIONS[s]) if (!prev.has(t)) (prev.set(t, s), queue.push(t));
  }
  const path: ApplicationStatus[] = [];
  for (let s: ApplicationStatus | null | undefined = target; s; s = prev.get(s)) path.unshift(s);
  return path;
}

/** Chance of taking the happy-path step at each stage: the funnel narrows at every step. */
const ADVANCE: Partial<Record<ApplicationStatus, number>> = {
  pending_admin_review: 0.8,
  admin_shortlisted: 0.75,
  forwarded_to_company: 0.85,
  under_company_review: 0.55,
  interview_scheduled: 0.8,
  interview_completed: 0.5,
  offer_extended: 0.75,
  offer_accepted: 0.95,
};
/** Chance an application is still sitting in a non-terminal status (the rest leave by a side exit). */
const STAYS = 0.35;

/**
 * A status history: a walk through the state machine. The first |statuses| applications end in each
 * status in turn (so every status appears even in the small profile); later ones follow the funnel.
 */
export function applicationPath(rng: Rng, index: number): ApplicationStatus[] {
  if (index < APPLICATION_STATUSES.length) return shortestPathTo(APPLICATION_STATUSES[index]);
  const path: ApplicationStatus[] = [INITIAL_APPLICATION_STATUS];
  for (;;) {
    const s = path[path.length - 1];
    const next = APPLICATION_TRANSITIONS[s];
    if (next.length === 0) return path;
    if (rng.bool(ADVANCE[s] ?? 0.5)) {
      path.push(next[0]);
    } else if (rng.bool(STAYS)) {
      return path;
    } else {
      path.push(rng.pick(next.slice(1)));
    }
  }
}

/** The company-side pipeline stage shown for an admin-side status. */
export function candidateStage(status: ApplicationStatus): string {
  switch (status) {
    case 'pending_admin_review':
    case 'admin_shortlisted':
    case 'forwarded_to_company':
      return 'new_candidates';
    case 'under_company_review':
      return 'under_review';
    case 'interview_scheduled':
    case 'interview_completed':
      return 'interviewing';
    case 'offer_extended':
    case 'offer_accepted':
      return 'offer_extended';
    case 'hired':
      return 'hired';
    default:
      return 'rejected';
  }
}

// ---------------------------------------------------------------------------------------------
// Distributions
// ---------------------------------------------------------------------------------------------

/** Ratings skew to 4-5, as review data does (mean ~4.1). */
export const RATING_WEIGHTS: ReadonlyArray<readonly [number, number]> = [
  [1, 3],
  [2, 5],
  [3, 12],
  [4, 35],
  [5, 45],
];

export function rating(rng: Rng): number {
  return rng.weighted(RATING_WEIGHTS);
}

/** The first items.length indexes take each value once (coverage in tiny profiles), the rest by weight. */
export function covering<T>(rng: Rng, index: number, items: ReadonlyArray<readonly [T, number]>): T {
  return index < items.length ? items[index][0] : rng.weighted(items);
}

// ---------------------------------------------------------------------------------------------
// The development password
// ---------------------------------------------------------------------------------------------

/** Every seeded user's password (documented in README "Seeding"): development data only. */
export const DEV_PASSWORD = 'recruit-dev-password';

export const SCRYPT_PARAMS = { N: 16384, r: 8, p: 1, keylen: 32 } as const;

/**
 * `scrypt$N$r$p$<salt base64>$<hash base64>`. The salt is derived from the seed, so one seed gives
 * byte-identical data; scrypt is slow on purpose, so it runs once per seed and every user shares it.
 */
export function devPasswordHash(seed: number): string {
  const cached = hashCache.get(seed);
  if (cached) return cached;
  const { N, r, p, keylen } = SCRYPT_PARAMS;
  const salt = createHash('sha256').update(`recruit-db:dev-password-salt:${seed}`).digest().subarray(0, 16);
  const hash = scryptSync(DEV_PASSWORD, salt, keylen, { N, r, p });
  const value = `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${hash.toString('base64')}`;
  hashCache.set(seed, value);
  return value;
}
const hashCache = new Map<number, string>();

/** Checks a password against a `scrypt$...` hash (what an application login would do). */
export function verifyPassword(password: string, stored: string): boolean {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
  if (!m) return false;
  const expected = Buffer.from(m[5], 'base64');
  const got = scryptSync(password, Buffer.from(m[4], 'base64'), expected.length, { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) });
  return got.equals(expected);
}
