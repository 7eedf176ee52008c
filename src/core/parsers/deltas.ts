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
 * Changes of numeric facts, each from the first to the last snapshot that has it
 * (snapshots sorted by time when every one has a time, else in the order given).
 * Facts seen once are left out, and so are unchanged ones unless `unchanged` is
 * set (the engine sets it: a counter that did not move is evidence too).
 * @param snapshots two or more snapshots
 * @param opts `unchanged`: keep facts whose delta is 0
 * @returns deltas by fact name, with seconds and perSecond when times are known
 */
export function computeDeltas(snapshots: Snapshot[], opts: { unchanged?: boolean } = {}): Deltas {
  const out: Deltas = {};
  if (!Array.isArray(snapshots) || snapshots.length < 2) return out;
  const times = snapshots.map((s) => (s.takenAt ? Date.parse(s.takenAt) : NaN));
  const timed = times.every((t) => Number.isFinite(t));
  const order = snapshots.map((_, i) => i);
  if (timed) order.sort((x, y) => times[x] - times[y]);
  // Each numeric fact from the first to the last snapshot that has it.
  const seen = new Map<string, { from: number; fromAt: number; to: number; toAt: number; n: number }>();
  for (const i of order) {
    const facts = snapshots[i]?.facts ?? {};
    for (const name in facts) {
      const v = facts[name];
      if (typeof v !== 'number') continue;
      const o = seen.get(name);
      if (!o) seen.set(name, { from: v, fromAt: times[i], to: v, toAt: times[i], n: 1 });
      else {
        o.to = v;
        o.toAt = times[i];
        o.n++;
      }
    }
  }
  for (const [name, o] of seen) {
    if (o.n < 2 || (o.from === o.to && !opts.unchanged)) continue;
    const d: Deltas[string] = { from: o.from, to: o.to, delta: o.to - o.from };
    if (Number.isFinite(o.fromAt) && Number.isFinite(o.toAt) && o.toAt > o.fromAt) {
      d.seconds = (o.toAt - o.fromAt) / 1000;
      d.perSecond = Math.round((d.delta / d.seconds) * 1000) / 1000;
    }
    out[name] = d;
  }
  return out;
}
