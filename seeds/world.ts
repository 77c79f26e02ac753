import { DAY, HOUR, MIN, hash32, uuidFor, within } from './core';
import { asciiSlug, localeIndex, localePools, phoneOf, type City, type LocalePool } from './locales';
import { T, TRACKS, type Topology, type UserKind, type UserStatus } from './topology';
import { TRACK_SKILLS, userAgents } from './vocab';

/**
 * The generated world's facts, from which every store's rows are rendered: who exists since when,
 * who was around until when, and the timeline every other fact hangs off. Everything is a pure
 * function of (seed, shape, as-of) and an index, so any row can be produced (or pointed at) alone.
 *
 * Time runs from `start` (the platform's launch, three years before as-of) to `asOf`. Each fact's
 * time is chosen inside the window its causes leave open (after the account, the course, the
 * previous step...; before the person was last seen and before as-of), never drawn on its own:
 * that is what makes "a child older than its parent" impossible rather than unlikely.
 *
 * Per-user times are kept in typed arrays (a few bytes per user, bounded by the profile): they are
 * read for nearly every row.
 */

export const LAUNCH_DAYS = 1095;
/**
 * Documents in TTL collections are kept this far inside their window at as-of, so that a store
 * seeded with the default as-of (today, 00:00 UTC) keeps them for at least a day of real time.
 */
export const TTL_MARGIN = 2 * DAY;

export interface Person {
  first: string;
  last: string;
  locale: LocalePool;
  city: City;
}

export class World {
  readonly seed: number;
  /** Launch of the platform: nothing happens before it (reference data is created just before). */
  readonly start: number;
  readonly pools: LocalePool[];
  private bornAt: Float64Array;
  private seenAt: Float64Array;
  private loginAt: Float64Array;
  private verifiedAt: Float64Array;
  /** Memo tables the fact modules keep here (bounded, built once per world), keyed by their builder. */
  private readonly memo = new Map<(w: World) => unknown, unknown>();

  constructor(
    readonly t: Topology,
    readonly asOf: number,
  ) {
    this.seed = t.seed;
    this.start = asOf - LAUNCH_DAYS * DAY;
    this.pools = localePools(t.seed);
    const U = t.users;
    this.bornAt = new Float64Array(U);
    this.seenAt = new Float64Array(U);
    this.loginAt = new Float64Array(U);
    this.verifiedAt = new Float64Array(U);
    for (let u = 0; u < U; u++) this.timeline(u);
  }

  /**
   * Drops the world's tables (per-user times and every memo) once nothing more is generated from it:
   * the read-back hash and the audit that follow need the memory more. The world must not be used
   * afterwards.
   */
  release(): void {
    this.memo.clear();
    this.bornAt = this.seenAt = this.loginAt = this.verifiedAt = new Float64Array(0);
    this.lastPerson = undefined;
  }

  /**
   * A table computed once per world (tallies, pre-passes, per-entity facts). `make` is a
   * module-level function and the key: no closure or key string is built per call on hot paths.
   */
  once<V>(make: (w: World) => V): V {
    let v = this.memo.get(make) as V | undefined;
    if (v === undefined) this.memo.set(make, (v = make(this)));
    return v;
  }

  uaPool(): string[] {
    return userAgents(this.seed);
  }

  h(scope: string, i: number): number {
    return hash32(this.seed, scope, i);
  }
  id(table: string, i: number): string {
    return uuidFor(this.seed, table, i);
  }

  // -------------------------------------------------------------------------------------------
  // People
  // -------------------------------------------------------------------------------------------

  private timeline(u: number): void {
    const { type } = this.t.userKind(u);
    const status = this.t.userStatus(u);
    const h = this.h('born', u);
    const A = this.asOf;
    const P0 = this.start;
    let born: number;
    if (status === 'pending_verification') born = A - 14 * DAY + (h % (13 * 24 * 60)) * MIN;
    else if (type === 'admin') born = P0 + (h % (20 * 24 * 60)) * MIN;
    else if (type === 'instructor') born = P0 + 5 * DAY + (h % (450 * 24 * 60)) * MIN;
    else if (type === 'mentor') born = P0 + 5 * DAY + (h % (650 * 24 * 60)) * MIN;
    else if (type === 'company') born = P0 + 20 * DAY + (h % (760 * 24 * 60)) * MIN;
    // Students: the platform grows, so more of them joined recently (sqrt skews towards the end).
    else born = P0 + 30 * DAY + Math.floor(Math.sqrt(h / 4294967296) * 1050 * 24 * 60) * MIN;
    this.bornAt[u] = born;
    if (status === 'pending_verification') {
      this.verifiedAt[u] = NaN;
      this.seenAt[u] = born;
      this.loginAt[u] = NaN;
      return;
    }
    const verified = born + (2 + (this.h('verified', u) % 118)) * MIN;
    this.verifiedAt[u] = verified;
    const g = this.h('seen', u);
    let seen: number;
    if (status === 'suspended' || status === 'inactive') {
      // Stopped somewhere in the middle of their time here; nothing of theirs happens afterwards.
      seen = born + Math.floor((0.35 + 0.55 * ((g & 0xffff) / 65536)) * (A - DAY - born) / MIN) * MIN;
    } else if (type === 'student') {
      // Active accounts were last seen recently, most within days, some weeks or months ago (but
      // never in the first half of their time here).
      const bucket = g % 10;
      const span = bucket < 5 ? 3 * DAY : bucket < 8 ? 30 * DAY : 90 * DAY;
      const off = 10 * MIN + ((g >>> 8) % Math.max(1, Math.floor(span / MIN))) * MIN;
      seen = A - Math.min(off, Math.floor((A - born) / 2 / MIN) * MIN);
    } else {
      // Staff and business accounts work on the platform every day or two.
      seen = A - 10 * MIN - ((g >>> 4) % (2 * 24 * 60)) * MIN;
    }
    seen = Math.max(seen, verified + HOUR);
    this.seenAt[u] = seen;
    this.loginAt[u] = Math.max(verified, seen - (5 + (this.h('session_len', u) % 115)) * MIN);
  }

  status(u: number): UserStatus {
    return this.t.userStatus(u);
  }
  kind(u: number): UserKind {
    return this.t.userKind(u).type;
  }
  /** users.created_at. */
  born(u: number): number {
    return this.bornAt[u];
  }
  /** email_verified_at (NaN for pending users). */
  verified(u: number): number {
    return this.verifiedAt[u];
  }
  /** The last moment the person did anything: every action of theirs happens before it. */
  lastSeen(u: number): number {
    return this.seenAt[u];
  }
  /** last_login_at: the start of their last session (NaN for pending users). */
  lastLogin(u: number): number {
    return this.loginAt[u];
  }
  /** When a suspended or inactive account stopped (users.updated_at); NaN otherwise. */
  stoppedAt(u: number): number {
    const s = this.status(u);
    return s === 'suspended' || s === 'inactive' ? this.seenAt[u] : NaN;
  }
  /** The window in which user u can act: [first moment after verification, last seen]. */
  actLo(u: number): number {
    return this.verifiedAt[u] + MIN;
  }
  actHi(u: number): number {
    return Math.min(this.seenAt[u], this.asOf - MIN);
  }

  person(u: number): Person {
    // A row reads a person's name, e-mail, place and zone one after another: keep the last one.
    if (this.lastPerson && this.lastPersonIndex === u) return this.lastPerson;
    const p = this.makePerson(u);
    this.lastPerson = p;
    this.lastPersonIndex = u;
    return p;
  }
  private lastPerson: Person | undefined;
  private lastPersonIndex = -1;

  private makePerson(u: number): Person {
    const locale = this.pools[localeIndex(this.h('locale', u))];
    const h = this.h('person', u);
    const sex = h & 1;
    const firsts = locale.firstNames[sex];
    const lasts = locale.lastNames[sex];
    return { first: firsts[(h >>> 1) % firsts.length], last: lasts[(h >>> 12) % lasts.length], locale, city: locale.cities[this.h('city', u) % locale.cities.length] };
  }
  fullName(u: number): string {
    const p = this.person(u);
    return `${p.first} ${p.last}`;
  }
  /** Lower-case and unique by construction: the user index is part of the local part. */
  email(u: number): string {
    const p = this.person(u);
    return `${asciiSlug(p.first).replace(/-/g, '')}.${asciiSlug(p.last).replace(/-/g, '')}.${u}@example.com`;
  }
  phone(u: number): string | null {
    const h = this.h('phone', u);
    return h % 4 === 0 ? null : phoneOf(this.person(u).locale, h >>> 2);
  }
  /** "City, CC" of a person (students.location, companies.headquarters). */
  place(u: number): string {
    const p = this.person(u);
    return `${p.city.name}, ${p.locale.spec.country}`;
  }
  timeZone(u: number): string {
    return this.person(u).city.timeZone;
  }
  country(u: number): string {
    return this.person(u).locale.spec.country;
  }

  /** The id of user u's session on day d (one session per user and day, so links agree across stores). */
  sessionId(u: number, day: number): string {
    return uuidFor(this.seed, 'session', u * 4096 + day);
  }

  // -------------------------------------------------------------------------------------------
  // Time
  // -------------------------------------------------------------------------------------------

  /** Day number since launch (sessions are per user and day). */
  day(ms: number): number {
    return Math.floor((ms - this.start) / DAY);
  }
  /** An instant in [lo, hi) for (scope, i). */
  when(lo: number, hi: number, scope: string, i: number): number {
    return within(lo, hi, this.h(scope, i));
  }
}

/**
 * `f` remembering its last answer: a row reads one fact several times in a row (the row itself,
 * its payment, its certificate, its links), and rebuilding it each time was most of the garbage.
 */
export function lastOne<V>(f: (w: World, i: number) => V): (w: World, i: number) => V {
  let lastWorld: World | undefined;
  let lastIndex = NaN;
  let last: V;
  return (w, i) => {
    if (w !== lastWorld || i !== lastIndex) (last = f(w, i)), (lastWorld = w), (lastIndex = i);
    return last;
  };
}

export function skillName(s: number): string {
  const list = TRACK_SKILLS[TRACKS[s % T]];
  const j = Math.floor(s / T);
  return j < list.length ? list[j] : `${list[j % list.length]} ${roman(Math.floor(j / list.length) + 1)}`;
}

/** 2 -> "II" (badge levels, extra skills). */
export function roman(n: number): string {
  const table: Array<[number, string]> = [[10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I']];
  let out = '';
  for (const [v, s] of table) while (n >= v) (out += s), (n -= v);
  return out;
}
