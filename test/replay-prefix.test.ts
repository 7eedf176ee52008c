/**
 * Replays reuse the state after a prefix of answers and skips that another session already gave
 * (the same runbook, nodes and choices). A reused state must be exactly what replaying from the
 * start gives, with each session's own times in its transcript.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isInputError, replay, type EngineData, type SessionInput } from '../src/core/engine/session.js';
import { engineData } from '../src/core/project.js';
import { loadProject } from '../src/node/project.js';

const warm = engineData(loadProject());
/** The same runbooks and cases under a new identity: its prefix memo starts empty. */
const cold = (): EngineData => ({ runbooks: warm.runbooks, cases: warm.cases });
const paste = readFileSync(join(import.meta.dirname, 'fixtures', 'api', 'netstat-s--rhel7-nat-paws.txt'), 'utf8');
const runbookIds = [...warm.runbooks.keys()].sort();

/** A walk through a runbook: picks[i] chooses the answer at each question; a check is skipped, or pasted into when `pasteAt` says so. */
function walk(runbookId: string, picks: number[], pasteAt: number, t0: number): SessionInput[] {
  const inputs: SessionInput[] = [];
  for (let i = 0; i < picks.length; i++) {
    const s = replay(cold(), runbookId, inputs);
    if (isInputError(s) || s.finished) break;
    const at = new Date(t0 + i * 1000).toISOString();
    const c = s.current;
    if (c.type === 'ask') inputs.push({ kind: 'choice', node: c.node, choice: 1 + (picks[i] % c.choices.length), at });
    else if (c.type === 'check') inputs.push(i === pasteAt ? { kind: 'output', node: c.node, output: paste, command: 'netstat -s', at } : { kind: 'skip', node: c.node, at });
  }
  return inputs;
}

describe('replays that start with the same answers', () => {
  it('give the same state as a replay from the start, with their own times', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...runbookIds),
        fc.array(fc.nat(7), { minLength: 1, maxLength: 7 }),
        fc.integer({ min: -1, max: 6 }),
        fc.integer({ min: 0, max: 1e9 }),
        (runbookId, picks, pasteAt, t0) => {
          const inputs = walk(runbookId, picks, pasteAt, 1.7e12 + t0 * 1000);
          for (let k = 0; k <= inputs.length; k++) {
            const prefix = inputs.slice(0, k);
            const fromStart = JSON.stringify(replay(cold(), runbookId, prefix));
            // The warm data has seen many sessions (other times, other paths) by now.
            expect(JSON.stringify(replay(warm, runbookId, prefix))).toBe(fromStart);
            expect(JSON.stringify(replay(warm, runbookId, prefix))).toBe(fromStart);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('cannot take one answer for another prefix, whatever characters a choice holds', () => {
    const t = '2026-01-01T00:00:00.000Z';
    const triage = warm.runbooks.get('triage')!;
    const start = triage.nodes[triage.entry];
    if (start.type !== 'ask') throw new Error('triage no longer starts with a question');
    // A valid two-answer prefix is now known; then one answer whose text spells out that prefix.
    const two = replay(warm, 'triage', [{ kind: 'choice', node: triage.entry, choice: '3', at: t }]);
    if (isInputError(two) || two.current.type !== 'ask') throw new Error('triage choice 3 no longer leads to a question');
    replay(warm, 'triage', [{ kind: 'choice', node: triage.entry, choice: '3', at: t }, { kind: 'choice', node: two.current.node, choice: '1', at: t }]);
    for (const sep of ['\u0000', '\u0001', '\u0002', '\u0003', '","', '],[', '"']) {
      for (const choice of [`3${sep}${two.current.node}${sep}1`, `3\u0003\u0000${two.current.node}\u0001string:1`, `3${sep}true${sep}`]) {
        const input: SessionInput = { kind: 'choice', node: triage.entry, choice, at: t };
        const r = replay(warm, 'triage', [input]);
        expect(r, JSON.stringify(choice)).toEqual(replay(cold(), 'triage', [input]));
        expect(isInputError(r) && r.code, JSON.stringify(choice)).toBe('bad-choice');
      }
    }
  });

  it("keep each session's own times and never share its transcript objects", () => {
    const entry = warm.runbooks.get('syn-no-response')!;
    const ask = entry.nodes[entry.entry];
    if (ask.type !== 'ask') throw new Error('syn-no-response no longer starts with a question');
    const a = replay(warm, 'syn-no-response', [{ kind: 'choice', node: entry.entry, choice: 2, at: '2026-01-01T00:00:00.000Z' }]);
    const b = replay(warm, 'syn-no-response', [{ kind: 'choice', node: entry.entry, choice: 2, at: '2026-02-02T00:00:00.000Z' }]);
    if (isInputError(a) || isInputError(b)) throw new Error('the answer did not apply');
    expect(a.transcript[0].at).toBe('2026-01-01T00:00:00.000Z');
    expect(b.transcript[0].at).toBe('2026-02-02T00:00:00.000Z');
    expect(a.transcript[0]).not.toBe(b.transcript[0]);
    const c = replay(warm, 'syn-no-response', [{ kind: 'choice', node: entry.entry, choice: 2 }]);
    if (isInputError(c)) throw new Error('the answer did not apply');
    expect(c.transcript[0]).not.toHaveProperty('at');
  });
});
