import { usageError } from '../errors';

/**
 * Leases: a stack handed out is held until its lease runs out; then gc may take it back (a crashed
 * worker's stacks come back this way, also across machines, since the time is the server's). A process
 * that lives on renews what it holds; a CLI caller gets a long lease instead, and releases explicitly.
 */

/** API hand-outs and stacks being copied: short, renewed every third of it while the process lives. */
export const LIVE_LEASE_MS = 60_000;
/** `recruit-db ci acquire`: no process stays behind to renew it. */
export const CLI_LEASE_MS = 60 * 60_000;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "90" (seconds), "90s", "30m", "2h", "500ms". */
export function parseDuration(value: string, what: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(value);
  const ms = m ? Math.round(Number(m[1]) * UNITS[m[2] ?? 's']) : NaN;
  if (!Number.isFinite(ms) || ms < 1) throw usageError(`${what} must be a duration such as 90s, 30m or 2h, got "${value}"`, `e.g. ${what} 30m`);
  return ms;
}

/** Renews the lease of each id it holds, every third of the shortest, without keeping the process alive. */
export class KeepAlive {
  private readonly leases = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private everyMs = Infinity;

  constructor(
    private readonly renew: (ids: string[], leaseMs: number) => Promise<unknown>,
    private readonly onError: (err: unknown) => void,
  ) {}

  add(id: string, leaseMs: number): void {
    this.leases.set(id, leaseMs);
    if (leaseMs / 3 < this.everyMs) {
      this.stop();
      this.everyMs = leaseMs / 3;
      this.timer = setInterval(() => this.tick(), this.everyMs);
      this.timer.unref();
    }
  }

  private tick(): void {
    const byLease = new Map<number, string[]>();
    for (const [id, ms] of this.leases) byLease.set(ms, [...(byLease.get(ms) ?? []), id]);
    for (const [ms, ids] of byLease) this.renew(ids, ms).catch(this.onError);
  }

  delete(id: string): void {
    this.leases.delete(id);
    if (!this.leases.size) this.stop();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.everyMs = Infinity;
  }
}
