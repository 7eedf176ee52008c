/**
 * Readings of a paste are memoized and shared by every session and diagnosis that pastes the
 * same text. Nothing downstream may change them: here they are deep-frozen after the first read,
 * so any write to them later throws (modules run in strict mode).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readEvidence } from '../src/core/engine/evidence.js';
import { diagnose } from '../src/core/engine/diagnose.js';
import { isInputError, replay, type SessionInput } from '../src/core/engine/session.js';
import { evidenceTrail, trailMarkdown } from '../src/core/engine/summary.js';
import { engineData } from '../src/core/project.js';
import { loadProject } from '../src/node/project.js';

const project = loadProject();
const data = engineData(project);
const paste = readFileSync(join(import.meta.dirname, 'fixtures', 'api', 'netstat-s--rhel7-nat-paws.txt'), 'utf8');

function deepFreeze<T>(x: T): T {
  if (x && typeof x === 'object' && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}

describe('shared readings', () => {
  it('no session step, summary or diagnosis writes to a memoized reading', () => {
    const start = replay(data, 'syn-no-response', [{ kind: 'choice', node: 'who-fails', choice: 2 }]);
    if (isInputError(start) || start.current.type !== 'check') throw new Error('syn-no-response no longer reaches a check after "who-fails" 2');
    const node = start.current.node;
    const runbook = data.runbooks.get('syn-no-response')!;
    const check = runbook.nodes[node];
    if (check.type !== 'check') throw new Error(`${node} is not a check`);
    const hints = check.commands.map((c) => c.command);
    const command = start.current.commands[0].command;
    // The same command and hints as the session's step, so the session finds these very objects.
    const reads = readEvidence({ command, output: paste }, hints);
    expect(reads[0].parser).toBe('netstat-s');
    deepFreeze(reads);
    expect(readEvidence({ command, output: paste }, hints)[0].facts).toBe(reads[0].facts);

    const inputs: SessionInput[] = [
      { kind: 'choice', node: 'who-fails', choice: 2, at: '2026-01-01T00:00:00.000Z' },
      { kind: 'output', node, command, output: paste, at: '2026-01-01T00:00:10.000Z' },
      { kind: 'output', node, command, output: paste, at: '2026-01-01T00:00:20.000Z' },
    ];
    let state = replay(data, 'syn-no-response', inputs);
    expect(isInputError(state)).toBe(false);
    // Walk on with skips to the end, so every later step combines and ranks over the frozen reading.
    for (let i = 0; i < 20 && !isInputError(state) && !state.finished; i++) {
      inputs.push(state.current.type === 'ask' ? { kind: 'choice', node: state.current.node, choice: 1 } : { kind: 'skip', node: state.current.node });
      state = replay(data, 'syn-no-response', inputs);
    }
    if (isInputError(state)) throw new Error(state.message);
    expect(state.facts['netstat.TcpExt.PAWSPassive']).toBe(reads[0].facts['netstat.TcpExt.PAWSPassive']);
    const trail = evidenceTrail(state, data);
    expect(trailMarkdown(trail)).toContain('netstat');

    // Diagnosis reads without hints: that is a reading of its own, frozen too.
    deepFreeze(readEvidence({ command, output: paste }));
    const out = diagnose({ kernel: '3.10.0-1160.el7.x86_64', evidence: [{ command, output: paste }] }, { cases: [...data.cases.values()] });
    expect(out.facts['kernel.release']).toBe('3.10.0-1160.el7.x86_64');
    expect(reads[0].facts['kernel.release']).toBeUndefined();
  });
});
