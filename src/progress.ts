import type { StoreName } from './errors';

/**
 * Progress of a long step, reported by the library and rendered by the CLI (a live line on a TTY,
 * one line per finished phase elsewhere). Library code calls `onProgress` and never prints.
 *
 * - start: a phase begins (total, when known);
 * - advance: `done` of `total` units so far;
 * - end: the phase finished (`done` units, `detail` a short summary);
 * - notice: something the user must know now (e.g. waiting for another run's lock).
 */
export interface ProgressEvent {
  store?: StoreName;
  phase: string;
  state: 'start' | 'advance' | 'end' | 'notice';
  done?: number;
  total?: number;
  /** What is counted: "migrations", "rows", "objects". */
  unit?: string;
  /** The item being worked on, or a summary. */
  detail?: string;
}

export type OnProgress = (event: ProgressEvent) => void;

export const noProgress: OnProgress = () => undefined;

/** Runs `work` as one phase: start and end events around it, with the count it returns. */
export async function phase<T>(onProgress: OnProgress | undefined, store: StoreName | undefined, name: string, work: () => Promise<T>, summary?: (value: T) => { done?: number; unit?: string; detail?: string }): Promise<T> {
  onProgress?.({ store, phase: name, state: 'start' });
  const value = await work();
  onProgress?.({ store, phase: name, state: 'end', ...(summary ? summary(value) : {}) });
  return value;
}
