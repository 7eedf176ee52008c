/**
 * Which facts matter to a session now, so a reading can show them first: the
 * CLI after each paste and the in-page runbook use the same list.
 */
import { conditionFacts } from '../schema/condition.js';
import type { EngineData, SessionState } from './session.js';

/**
 * Fact names relevant to a session now: those the branches of the runbooks it went through
 * test, those its candidates' signals read, and the kernel release.
 * @param state the session state
 * @param data the runbooks and cases the session runs over
 * @returns fact names
 */
export function relevantFacts(state: SessionState, data: EngineData): Set<string> {
  const names = new Set<string>(['kernel.release']);
  const visited = new Set([state.startRunbook, ...state.transcript.map((t) => t.runbook), state.runbook]);
  for (const id of visited) {
    for (const n of Object.values(data.runbooks.get(id)?.nodes ?? {})) {
      if (n.type === 'check') for (const b of n.branches) for (const f of conditionFacts(b.when)) names.add(f);
    }
  }
  for (const cand of state.candidates) {
    for (const s of data.cases.get(cand.id)?.signals ?? []) for (const f of conditionFacts(s.when)) names.add(f);
  }
  return names;
}
