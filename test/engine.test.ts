import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluate, formatDelta, formatFactValue, formatNumber, knownKernel } from '../src/core/engine/conditions.js';
import { relevantFacts } from '../src/core/engine/relevant.js';
import { informs } from '../src/core/engine/next.js';
import { Condition } from '../src/core/schema/condition.js';
import { rankCandidates } from '../src/core/engine/candidates.js';
import fc from 'fast-check';
import { combineReadings, excerpt, readEvidence } from '../src/core/engine/evidence.js';
import { parseOutput } from '../src/core/parsers/index.js';
import { appendInput, isInputError, replay, type EngineData, type SessionInput } from '../src/core/engine/session.js';
import { evidenceTrail, trailMarkdown } from '../src/core/engine/summary.js';
import { diagnose } from '../src/core/engine/diagnose.js';
import { normalizeEntry } from '../src/core/normalize/normalize.js';
import { Runbook } from '../src/core/schema/runbook.js';
import type { Entry } from '../src/core/schema/case.js';

function caseFile(id: string, front: string): Entry {
  const text = `---
id: ${id}
kind: case
title: Test case ${id}
summary: A test case used by the engine tests, two sentences. It has signals.
sources:
  - note: engine test
${front}
---
## Symptom
Something fails.
## Evidence
\`\`\`sh
sysctl net.ipv4.tcp_tw_recycle
\`\`\`
Look at the value.
## Root cause
A cause.
## Fix
1. Fix it.
## Applies to
Everything.
`;
  const r = normalizeEntry(text, `content/cases/${id}.md`);
  if (!r.entry) throw new Error(r.problems.map((p) => p.message).join('\n'));
  return r.entry;
}

const recycle = caseFile(
  'recycle',
  `applies:
  kernel: "<4.12"
signals:
  - when: { fact: sysctl.net.ipv4.tcp_tw_recycle, op: "==", value: 1 }
    weight: required
    says: tcp_tw_recycle is on
  - when: { fact: netstat.TcpExt.PAWSPassive, op: increased }
    weight: strong
    says: PAWSPassive rises`,
);
const overflow = caseFile(
  'overflow',
  `signals:
  - when: { fact: netstat.TcpExt.ListenOverflows, op: increased }
    weight: strong
    says: ListenOverflows rises
  - when: { fact: ss.listen.full, op: ">", value: 0 }
    weight: strong
    says: a listener's accept queue is full
  - when: { not: { fact: netstat.TcpExt.ListenOverflows, op: increased } }
    weight: rules-out
    says: ListenOverflows does not rise`,
);

const NETSTAT_1 = `Tcp:
    120 active connections openings
    3400 passive connection openings
TcpExt:
    960055 passive connections rejected because of time stamp
    18331 times the listen queue of a socket overflowed
    18331 SYNs to LISTEN sockets dropped
`;
const NETSTAT_2 = NETSTAT_1.replace('960055', '960467').replace(/18331/g, '18331');

describe('conditions', () => {
  const ctx = { facts: { a: 1, s: 'files dns', b: true }, deltas: { a: { from: 0, to: 1, delta: 1 } } };
  it('is three-valued: unknown facts stay unknown', () => {
    expect(evaluate({ fact: 'missing', op: '==', value: 1 }, ctx)).toBe('unknown');
    expect(evaluate({ not: { fact: 'missing', op: '==', value: 1 } }, ctx)).toBe('unknown');
    expect(evaluate({ any: [{ fact: 'missing', op: '==', value: 1 }, { fact: 'a', op: '==', value: 1 }] }, ctx)).toBe(true);
    expect(evaluate({ all: [{ fact: 'missing', op: '==', value: 1 }, { fact: 'a', op: '==', value: 2 }] }, ctx)).toBe(false);
  });
  it('compares numbers, strings, booleans and patterns', () => {
    expect(evaluate({ fact: 'a', op: '>=', value: 1 }, ctx)).toBe(true);
    expect(evaluate({ fact: 's', op: 'matches', value: '^files' }, ctx)).toBe(true);
    expect(evaluate({ fact: 'b', op: '==', value: true }, ctx)).toBe(true);
    expect(evaluate({ fact: 'a', op: 'increased' }, ctx)).toBe(true);
    expect(evaluate({ fact: 's', op: 'increased' }, ctx)).toBe('unknown');
  });
  it('rejects values an operator cannot take', () => {
    expect(Condition.safeParse({ fact: 'a', op: 'increased', value: 100 }).success).toBe(true);
    expect(Condition.safeParse({ fact: 'a', op: 'increased', value: '100' }).success).toBe(false);
    expect(Condition.safeParse({ fact: 'a', op: 'exists' }).success).toBe(true);
    expect(Condition.safeParse({ fact: 'a', op: 'exists', value: 1 }).success).toBe(false);
  });
  it('tests kernel ranges on the same kernel the ranking uses, skipping a release that is not one', () => {
    // A `kernel` given to diagnose as "unknown", and the real release from a sysctl paste.
    const facts = { 'kernel.release': 'unknown', 'sysctl.kernel.osrelease': '3.10.0-1160.el7.x86_64' };
    expect(knownKernel(facts)).toBe('3.10.0-1160.el7.x86_64');
    expect(evaluate({ kernel: '<4.12' }, { facts, deltas: {} })).toBe(true);
    expect(evaluate({ kernel: '>=4.12' }, { facts, deltas: {} })).toBe(false);
    expect(rankCandidates([recycle], { facts, deltas: {} })[0].status).not.toBe('ruled-out');
    expect(evaluate({ kernel: '<4.12' }, { facts: { 'kernel.release': 'unknown' }, deltas: {} })).toBe('unknown');
  });
});

describe('next commands', () => {
  it('a command whose facts are all known informs a case only if it still owes a second snapshot', () => {
    const c = [{ id: 'recycle', title: '', score: 1, points: 1, status: 'possible' as const, why: [] }];
    // recycle reads sysctl.net.ipv4.tcp_tw_recycle (no `increased`).
    expect(informs('sysctl', c, data.cases, {}, {})).toBe(1);
    expect(informs('sysctl', c, data.cases, { 'sysctl.net.ipv4.tcp_tw_recycle': 1, 'sysctl.net.ipv4.tcp_timestamps': 1 }, {})).toBe(0);
    // PAWSPassive is read with `increased`: one snapshot still owes the second.
    const paws = { 'netstat.TcpExt.PAWSPassive': 5 };
    expect(informs('netstat-s', c, data.cases, paws, {})).toBe(1);
    expect(informs('netstat-s', c, data.cases, paws, { 'netstat.TcpExt.PAWSPassive': { from: 1, to: 5, delta: 4 } })).toBe(0);
  });
});

describe('formatNumber', () => {
  it('groups thousands and keeps three decimals at most', () => {
    expect([0, 999, 1000, 960467, -1234567, 3.5432, 1.9999, 12.5, 0.0004].map(formatNumber)).toEqual([
      '0', '999', '1,000', '960,467', '-1,234,567', '3.543', '2', '12.5', '0',
    ]);
  });
});

describe('formatFactValue and formatDelta', () => {
  it('show values and changes as the CLI and the site both print them', () => {
    expect([960467, 3.5432, 'files dns', true].map(formatFactValue)).toEqual(['960,467', '3.543', 'files dns', 'true']);
    expect(formatDelta({ delta: 1234, seconds: 10 })).toBe('+1,234 in 10 s');
    expect(formatDelta({ delta: -1234 })).toBe('-1,234');
    expect(formatDelta({ delta: 0, seconds: 0.25 })).toBe('+0 in 0.25 s');
  });
});

describe('evidence and deltas', () => {
  it('reads two snapshots of netstat -s into deltas with a rate', () => {
    const a = readEvidence({ output: NETSTAT_1, command: 'netstat -s', takenAt: '2026-01-01T00:00:00Z' });
    const b = readEvidence({ output: NETSTAT_2, command: 'netstat -s', takenAt: '2026-01-01T00:00:10Z' });
    const { facts, deltas } = combineReadings([...a, ...b]);
    expect(facts['netstat.TcpExt.PAWSPassive']).toBe(960467);
    expect(deltas['netstat.TcpExt.PAWSPassive']).toMatchObject({ delta: 412, seconds: 10, perSecond: 41.2 });
    expect(deltas['netstat.TcpExt.ListenOverflows']).toMatchObject({ delta: 0 });
  });

  it('reads the same paste taken at different times with each time, sharing one parse', () => {
    const first = readEvidence({ output: NETSTAT_1, command: 'netstat -s', takenAt: '2026-01-01T00:00:00Z' });
    const later = readEvidence({ output: NETSTAT_1, command: 'netstat -s', takenAt: '2026-01-01T00:05:00Z' });
    const untimed = readEvidence({ output: NETSTAT_1, command: 'netstat -s' });
    expect(first[0].takenAt).toBe('2026-01-01T00:00:00Z');
    expect(later[0].takenAt).toBe('2026-01-01T00:05:00Z');
    expect(untimed[0].takenAt).toBeUndefined();
    // The facts are one reading's, not a copy per time.
    expect(later[0].facts).toBe(first[0].facts);
    // An unchanged paste five minutes later: every counter has a zero delta over 300 s.
    const { deltas } = combineReadings([...first, ...later]);
    expect(deltas['netstat.TcpExt.PAWSPassive']).toMatchObject({ delta: 0, seconds: 300, perSecond: 0 });
  });

  it('never mixes up two pastes that differ in one digit (the memo compares texts, not only fingerprints)', () => {
    // A full netstat -s (about 5 KB): most of its characters are not among those fingerprinted.
    const full = readFileSync(join(import.meta.dirname, 'fixtures', 'api', 'netstat-s--rhel7-nat-paws.txt'), 'utf8');
    const digits = [...full.matchAll(/\d/g)].map((m) => m.index!).slice(0, 60);
    expect(digits).toHaveLength(60);
    const variants = digits.map((i) => full.slice(0, i) + (full[i] === '9' ? '8' : '9') + full.slice(i + 1));
    for (const v of [...variants, ...variants]) {
      const [read] = readEvidence({ output: v, command: 'netstat -s' });
      expect(read.facts).toEqual(parseOutput(v, { command: 'netstat -s' }).facts);
    }
    // A paste read again is a hit: the same readings object.
    const again = readEvidence({ output: variants[59], command: 'netstat -s' });
    expect(readEvidence({ output: variants[59], command: 'netstat -s' })).toBe(again);
  });

  it('keeps the readings of the latest 2,000 pastes, the oldest out first', () => {
    const paste = (i: number) => `TcpExt:\n    ${i} passive connections rejected because of time stamp\n`;
    const first = readEvidence({ output: paste(0), command: 'netstat -s' });
    const kept = [first];
    for (let i = 1; i <= 2_100; i++) kept.push(readEvidence({ output: paste(i), command: 'netstat -s' }));
    // The newest is still kept; the first was dropped (read again, it is a new reading).
    expect(readEvidence({ output: paste(2_100), command: 'netstat -s' })).toBe(kept[2_100]);
    const reread = readEvidence({ output: paste(0), command: 'netstat -s' });
    expect(reread).not.toBe(first);
    expect(reread[0].facts).toEqual(first[0].facts);
  });
});

describe('excerpt', () => {
  // The definition: normalize line ends, drop leading blank lines, keep the first lines (shortened), count the rest.
  const reference = (text: string, maxLines: number) => {
    const lines = text.replace(/\r\n?/g, '\n').replace(/^\n+/, '').split('\n');
    const kept = lines.slice(0, maxLines).map((l) => (l.length > 160 ? `${l.slice(0, 157)}...` : l));
    if (lines.length > maxLines) kept.push(`... (${lines.length - maxLines} more lines)`);
    return kept.join('\n').trimEnd();
  };

  it('keeps the first lines of a paste and counts the rest, like its definition, for any text', () => {
    expect(excerpt('\r\n\nTcp:\r\n  1 a\r  2 b\n', 2)).toBe('Tcp:\n  1 a\n... (2 more lines)');
    const piece = fc.constantFrom('a', ' ', '\n', '\r', '\r\n', '\t', 'x'.repeat(170));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }).map((a) => a.join('')), fc.integer({ min: 1, max: 14 }), (t, m) => excerpt(t, m) === reference(t, m)),
      { numRuns: 2000 },
    );
  });
});

describe('ranking', () => {
  it('rules a case out by kernel range and says why', () => {
    const ranked = rankCandidates([recycle], { facts: { 'kernel.release': '5.10.0-21-amd64', 'sysctl.net.ipv4.tcp_tw_recycle': 1 }, deltas: {} });
    expect(ranked[0].status).toBe('ruled-out');
    expect(ranked[0].why.join(' ')).toMatch(/kernel 5\.10\.0-21-amd64 .* outside .*<4\.12/);
  });
  it('confirms with a required precondition and a rising counter; a flat counter rules out', () => {
    const reads = [
      ...readEvidence({ output: 'net.ipv4.tcp_tw_recycle = 1\n', command: 'sysctl net.ipv4.tcp_tw_recycle' }),
      ...readEvidence({ output: NETSTAT_1, command: 'netstat -s', takenAt: '2026-01-01T00:00:00Z' }),
      ...readEvidence({ output: NETSTAT_2, command: 'netstat -s', takenAt: '2026-01-01T00:00:10Z' }),
    ];
    const { facts, deltas } = combineReadings(reads, { 'kernel.release': '3.10.0-957.el7.x86_64' });
    const ranked = rankCandidates([recycle, overflow], { facts, deltas });
    expect(ranked.map((c) => [c.id, c.status])).toEqual([
      ['recycle', 'confirmed'],
      ['overflow', 'ruled-out'],
    ]);
    expect(ranked[0].why.some((w) => w.includes('+412 in 10 s'))).toBe(true);
  });
});

const runbook = Runbook.parse({
  id: 'test-rb',
  title: 'Test runbook',
  description: 'A runbook used by the engine tests.',
  symptoms: ['test'],
  candidates: ['recycle', 'overflow'],
  entry: 'who',
  nodes: {
    who: {
      type: 'ask',
      question: 'Do all clients fail?',
      choices: [
        { label: 'Only some, behind NAT', next: 'recycle-check', supports: ['recycle'] },
        { label: 'All of them under load', next: 'queue-check', rulesOut: ['recycle'] },
      ],
    },
    'recycle-check': {
      type: 'check',
      title: 'Is tcp_tw_recycle on?',
      why: 'Per-host PAWS only runs with tcp_tw_recycle.',
      commands: [{ command: 'sysctl net.ipv4.tcp_tw_recycle', parser: 'sysctl' }],
      branches: [{ when: { fact: 'sysctl.net.ipv4.tcp_tw_recycle', op: '==', value: 1 }, next: 'done-recycle', says: 'tcp_tw_recycle is on' }],
      default: 'queue-check',
    },
    'queue-check': {
      type: 'check',
      title: 'Does the accept queue overflow?',
      why: 'Overflows drop handshakes.',
      commands: [{ command: 'netstat -s', parser: 'netstat-s', twiceSeconds: 10 }],
      branches: [{ when: { fact: 'netstat.TcpExt.ListenOverflows', op: 'increased' }, next: 'done-overflow', says: 'ListenOverflows rises' }],
      default: 'done-none',
    },
    'done-recycle': { type: 'conclude', cases: ['recycle'], confidence: 'high' },
    'done-overflow': { type: 'conclude', cases: ['overflow'], confidence: 'high' },
    'done-none': { type: 'conclude', cases: [], confidence: 'low' },
  },
});
const data: EngineData = { runbooks: new Map([[runbook.id, runbook]]), cases: new Map([recycle, overflow].map((e) => [e.id, e])) };

/** Answer "all of them under load", paste `first` at the queue check, then a netstat -s with ListenOverflows grown 10 s later. */
function twoSnapshots(first: string) {
  const base: SessionInput[] = [{ kind: 'choice', node: 'who', choice: 2 }];
  const pasted: SessionInput = { kind: 'output', node: 'queue-check', output: first, takenAt: '2026-01-01T00:00:00Z' };
  const one = appendInput(data, 'test-rb', base, pasted);
  if (isInputError(one)) throw new Error(one.message);
  const two = appendInput(data, 'test-rb', [...base, pasted], { kind: 'output', node: 'queue-check', output: NETSTAT_1.replace(/18331/g, '18743'), takenAt: '2026-01-01T00:00:10Z' });
  if (isInputError(two)) throw new Error(two.message);
  return { one, two };
}

describe('sessions', () => {
  it('replays inputs to a conclusion and back is replay without the last input', () => {
    const inputs: SessionInput[] = [
      { kind: 'choice', node: 'who', choice: 1 },
      { kind: 'output', node: 'recycle-check', output: '$ sysctl net.ipv4.tcp_tw_recycle\nnet.ipv4.tcp_tw_recycle = 1\n' },
    ];
    const s = replay(data, 'test-rb', inputs);
    if (isInputError(s)) throw new Error(s.message);
    expect(s.finished).toBe(true);
    expect(s.current).toMatchObject({ type: 'conclude', cases: ['recycle'] });
    expect(s.candidates[0]).toMatchObject({ id: 'recycle' });
    const back = replay(data, 'test-rb', inputs.slice(0, 1));
    if (isInputError(back)) throw new Error(back.message);
    expect(back.current).toMatchObject({ type: 'check', node: 'recycle-check' });
  });

  it('relevant facts: what the branches of the runbooks walked and the candidates\' signals read', () => {
    const other = Runbook.parse({
      ...runbook,
      id: 'other-rb',
      nodes: { ...runbook.nodes, 'recycle-check': { ...runbook.nodes['recycle-check'], branches: [{ when: { fact: 'conntrack.drop', op: '>', value: 0 }, next: 'done-none', says: 'conntrack drops' }] } },
    });
    // Only the recycle case is known: ListenOverflows is read by a branch of this runbook, not by a signal.
    const few: EngineData = { runbooks: new Map([runbook, other].map((r) => [r.id, r])), cases: new Map([[recycle.id, recycle]]) };
    const s = replay(few, 'test-rb', [{ kind: 'choice', node: 'who', choice: 1 }]);
    if (isInputError(s)) throw new Error(s.message);
    const names = relevantFacts(s, few);
    expect([...names].sort()).toEqual(['kernel.release', 'netstat.TcpExt.ListenOverflows', 'netstat.TcpExt.PAWSPassive', 'sysctl.net.ipv4.tcp_tw_recycle']);
    // A runbook the session did not walk says nothing about what matters.
    expect(names.has('conntrack.drop')).toBe(false);
  });

  it('asks for a second snapshot also when the first paste held another command too', () => {
    const { one, two } = twoSnapshots(`$ uname -r\n5.10.0-21-amd64\n$ netstat -s\n${NETSTAT_1}`);
    expect(one.current).toMatchObject({ type: 'check', node: 'queue-check', againAfterSeconds: 10 });
    expect(two.current).toMatchObject({ type: 'conclude', cases: ['overflow'] });
  });

  it('ends with a message, not a crash, at a node the runbook does not define', () => {
    const broken = { ...runbook, id: 'broken-rb', nodes: { ...runbook.nodes, who: { ...runbook.nodes.who, choices: runbook.nodes.who.type === 'ask' ? runbook.nodes.who.choices.map((c) => ({ ...c, next: 'no-such-node' })) : [] } } } as typeof runbook;
    const d: EngineData = { ...data, runbooks: new Map([...data.runbooks, ['broken-rb', broken]]) };
    const s = appendInput(d, 'broken-rb', [], { kind: 'choice', node: 'who', choice: 1 });
    if (isInputError(s)) throw new Error(s.message);
    expect(s.current).toMatchObject({ type: 'conclude', node: 'no-such-node', cases: [] });
    expect(s.current.type === 'conclude' && s.current.message).toMatch(/no node "no-such-node"/);
  });

  it('ends with a message naming the loop when runbooks route to each other forever', () => {
    const loop = (id: string, to: string) =>
      Runbook.parse({
        ...runbook,
        id,
        entry: 'who',
        nodes: { who: { type: 'ask', question: 'Go on?', choices: [{ label: 'yes', next: 'away' }, { label: 'also yes', next: 'away' }] }, away: { type: 'route', runbook: to } },
      });
    const d: EngineData = { ...data, runbooks: new Map([loop('ping-rb', 'pong-rb'), loop('pong-rb', 'ping-rb')].map((r) => [r.id, r])) };
    const s = appendInput(d, 'ping-rb', [], { kind: 'choice', node: 'who', choice: 1 });
    if (isInputError(s)) throw new Error(s.message);
    // The route lands on pong-rb's question; answering it routes back to ping-rb's question.
    expect(s.current).toMatchObject({ type: 'ask', runbook: 'pong-rb' });
    const pure = (id: string, to: string) => Runbook.parse({ ...runbook, id, entry: 'away', nodes: { away: { type: 'route', runbook: to } } });
    const p: EngineData = { ...data, runbooks: new Map([pure('a-rb', 'b-rb'), pure('b-rb', 'a-rb')].map((r) => [r.id, r])) };
    const stuck = replay(p, 'a-rb', []);
    if (isInputError(stuck)) throw new Error(stuck.message);
    expect(stuck.current.type).toBe('conclude');
    expect(stuck.current.type === 'conclude' && stuck.current.message).toMatch(/route in a loop/);
    expect(stuck.current.type === 'conclude' && stuck.current.message).not.toMatch(/unknown runbook/);
  });

  it('asks for a second snapshot and branches on the delta', () => {
    const { one, two } = twoSnapshots(NETSTAT_1);
    expect(one.current).toMatchObject({ type: 'check', node: 'queue-check', againAfterSeconds: 10 });
    expect(two.current).toMatchObject({ type: 'conclude', cases: ['overflow'] });
    expect(two.candidates.find((c) => c.id === 'recycle')?.status).toBe('ruled-out');
    const trail = evidenceTrail(two, data);
    expect(trail.steps.filter((st) => st.command).length).toBe(2);
    const md = trailMarkdown(trail);
    expect(md).toContain('ListenOverflows');
    expect(md).toContain('Ruled out');
  });

  it('rejects answers for the wrong node, bad choices and empty pastes', () => {
    const e1 = appendInput(data, 'test-rb', [], { kind: 'choice', node: 'queue-check', choice: 1 });
    expect(isInputError(e1) && e1.code).toBe('wrong-node');
    const e2 = appendInput(data, 'test-rb', [], { kind: 'choice', node: 'who', choice: 7 });
    expect(isInputError(e2) && e2.code).toBe('bad-choice');
    // Not a whole number: a bad choice, not a crash.
    const e2b = appendInput(data, 'test-rb', [], { kind: 'choice', node: 'who', choice: 1.5 });
    expect(isInputError(e2b) && e2b.code).toBe('bad-choice');
    const e3 = appendInput(data, 'test-rb', [{ kind: 'choice', node: 'who', choice: 2 }], { kind: 'output', node: 'queue-check', output: '  \n' });
    expect(isInputError(e3) && e3.code).toBe('empty-output');
  });

  it('output of another command is kept but does not answer the step', () => {
    const s = appendInput(data, 'test-rb', [{ kind: 'choice', node: 'who', choice: 1 }], { kind: 'output', node: 'recycle-check', output: '5.10.0-21-amd64\n', command: 'uname -r' });
    if (isInputError(s)) throw new Error(s.message);
    expect(s.current).toMatchObject({ type: 'check', node: 'recycle-check' });
    expect(s.facts['kernel.release']).toBe('5.10.0-21-amd64');
    expect(s.candidates.find((c) => c.id === 'recycle')?.status).toBe('ruled-out');
    expect(s.transcript.at(-1)?.outcome).toMatch(/does not ask for/);
  });

  it('an unreadable paste follows the fallback and says so', () => {
    const s = appendInput(data, 'test-rb', [{ kind: 'choice', node: 'who', choice: 1 }], { kind: 'output', node: 'recycle-check', output: 'lorem ipsum dolor sit amet\n' });
    if (isInputError(s)) throw new Error(s.message);
    expect(s.current).toMatchObject({ node: 'queue-check' });
    expect(s.transcript.at(-1)?.outcome).toMatch(/could not be read/);
  });
});

describe('diagnose', () => {
  it('ranks, explains, and suggests the next command', () => {
    const out = diagnose(
      {
        kernel: '3.10.0-1160.el7.x86_64',
        evidence: [{ command: 'sysctl net.ipv4.tcp_tw_recycle', output: 'net.ipv4.tcp_tw_recycle = 1\n' }],
      },
      { cases: [recycle, overflow] },
    );
    expect(out.candidates[0]).toMatchObject({ id: 'recycle', status: 'possible' });
    expect(out.facts['kernel.release']).toBe('3.10.0-1160.el7.x86_64');
    expect(out.warnings).toEqual([]);
  });
  it('never throws on garbage and warns', () => {
    const out = diagnose({ evidence: [{ output: '\u0000\u0001garbage' }, { output: '' }] }, { cases: [recycle, overflow] });
    expect(out.warnings.length).toBeGreaterThan(0);
    expect(out.candidates.every((c) => c.status !== 'confirmed')).toBe(true);
  });
});
