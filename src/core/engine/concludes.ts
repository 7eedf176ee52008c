/**
 * Which cases each runbook can conclude, and so which runbooks conclude a case:
 * one answer for `runbook check`, the runbook matcher of `start` and the API,
 * and the site's "runbooks for this case".
 */
import type { Runbook, RunbookNode } from '../schema/runbook.js';

/**
 * The nodes a node leads to within its runbook (a route leaves the runbook: none).
 * @param n the node
 * @returns node ids, as written
 */
export function targets(n: RunbookNode): string[] {
  if (n.type === 'ask') return n.choices.map((c) => c.next);
  if (n.type === 'check') return [...n.branches.map((b) => b.next), n.default, ...(n.fallback ? [n.fallback] : [])];
  return [];
}

/**
 * The cases a runbook concludes: those named by a conclude node reachable from its entry
 * (a route to another runbook does not count: that runbook concludes them).
 * @param rb the runbook
 * @returns case ids, in the order the nodes are met
 */
export function concludedCases(rb: Runbook): string[] {
  const seen = new Set<string>();
  const out = new Set<string>();
  const walk = [rb.entry];
  while (walk.length) {
    const id = walk.shift()!;
    const n = rb.nodes[id];
    if (!n || seen.has(id)) continue;
    seen.add(id);
    if (n.type === 'conclude') n.cases.forEach((c) => out.add(c));
    walk.push(...targets(n));
  }
  return [...out];
}

/**
 * The runbooks that conclude each case.
 * @param runbooks every runbook
 * @returns runbooks by case id, in the order given
 */
export function runbooksConcluding<R extends Runbook>(runbooks: readonly R[]): Map<string, R[]> {
  const out = new Map<string, R[]>();
  for (const rb of runbooks) {
    for (const id of concludedCases(rb)) {
      if (!out.has(id)) out.set(id, []);
      out.get(id)!.push(rb);
    }
  }
  return out;
}
