/**
 * Deltas between snapshots of the same command: a counter that keeps rising
 * is better evidence than its absolute value.
 */
import type { Deltas, Facts } from '../facts/types.js';

/** One snapshot: the facts of one paste and when it was taken. */
export interface Snapshot {
  facts: Facts;
  /** ISO 8601 time, when known. */
  takenAt?: string;
}

/**
 * Changes of numeric facts between the first and the last snapshot (sorted by
 * time when every snapshot has one, else in the order given). Facts missing
 * from either end, or unchanged, are left out.
 * @param snapshots two or more snapshots of one command
 * @returns deltas by fact name, with seconds and perSecond when times are known
 */
export function computeDeltas(snapshots: Snapshot[]): Deltas {
  const out: Deltas = {};
  if (!Array.isArray(snapshots) || snapshots.length < 2) return out;
  let list = snapshots;
  const times = list.map((s) => (s.takenAt ? Date.parse(s.takenAt) : NaN));
  const timed = times.every((t) => Number.isFinite(t));
  if (timed) list = list.map((s, i) => ({ s, t: times[i] })).sort((a, b) => a.t - b.t).map((x) => x.s);
  const first = list[0];
  const last = list[list.length - 1];
  const seconds = timed ? (Date.parse(last.takenAt!) - Date.parse(first.takenAt!)) / 1000 : undefined;
  for (const [name, to] of Object.entries(last.facts ?? {})) {
    const from = first.facts?.[name];
    if (typeof from !== 'number' || typeof to !== 'number' || from === to) continue;
    const d: Deltas[string] = { from, to, delta: to - from };
    if (seconds !== undefined) {
      d.seconds = seconds;
      if (seconds > 0) d.perSecond = Math.round(((to - from) / seconds) * 1000) / 1000;
    }
    out[name] = d;
  }
  return out;
}
