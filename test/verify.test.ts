/**
 * Static verification of runbooks (`runbook check`): core's loadRunbooks and
 * verifyRunbooks over small runbooks written here.
 */
import { describe, expect, it } from 'vitest';
import { loadRunbooks, verifyRunbooks } from '../src/core/engine/verify.js';
import { concludedCases, runbooksConcluding } from '../src/core/engine/concludes.js';
import { Runbook } from '../src/core/schema/runbook.js';
import { closest, formatProblem } from '../src/core/problems.js';
import type { Entry } from '../src/core/schema/case.js';

const facts = { isKnownFact: () => true, closestFacts: () => [], parserIds: ['sysctl'] };

/**
 * A runbook file from its id and nodes (YAML, indented as under `nodes:`).
 * @param id the runbook id (and file name)
 * @param nodes the nodes block
 * @returns the file
 */
function runbookFile(id: string, nodes: string): { path: string; text: string } {
  return {
    path: `runbooks/${id}.yaml`,
    text: `id: ${id}
title: Runbook ${id}
description: A runbook written for the verification tests.
symptoms: [test ${id}]
entry: start
nodes:
${nodes}`,
  };
}

/** Check runbook files together; problems as printed by `runbook check`. */
function check(...files: { path: string; text: string }[]): string[] {
  const loaded = loadRunbooks(files);
  expect(loaded.problems).toEqual([]);
  return verifyRunbooks(loaded.runbooks, new Map(), facts).map(formatProblem);
}

const askOrRoute = (to: string) => `  start:
    type: ask
    question: Does it still fail?
    choices:
      - label: yes
        next: go-on
      - label: no
        next: done
  go-on:
    type: route
    runbook: ${to}
  done:
    type: conclude
    cases: []
`;

const justRoute = (to: string) => `  start:
    type: ask
    question: Continue?
    choices:
      - label: this way
        next: go-on
      - label: that way
        next: go-on
  go-on:
    type: route
    runbook: ${to}
`;

describe('route cycles between runbooks', () => {
  it('reports two runbooks that route to each other with no conclusion, at each route node', () => {
    const problems = check(runbookFile('alpha', justRoute('beta')), runbookFile('beta', justRoute('alpha')));
    expect(problems).toEqual([
      'runbooks/alpha.yaml:17:14: route cycle with no way out: alpha -> beta -> alpha; no path through these runbooks reaches a conclusion (hint: give one runbook of the loop a path to a conclude node, or route to a runbook that concludes)',
      'runbooks/beta.yaml:17:14: route cycle with no way out: beta -> alpha -> beta; no path through these runbooks reaches a conclusion (hint: give one runbook of the loop a path to a conclude node, or route to a runbook that concludes)',
    ]);
  });

  it('reports a pure route loop, through three runbooks or back to the same one', () => {
    const route = (to: string) => `  start:\n    type: route\n    runbook: ${to}\n`;
    const three = check(runbookFile('alpha', route('beta')), runbookFile('beta', route('gamma')), runbookFile('gamma', route('alpha')));
    expect(three).toHaveLength(3);
    expect(three[0]).toMatch(/^runbooks\/alpha\.yaml:9:14: route cycle with no way out: alpha -> beta -> gamma -> alpha;/);
    const self = check(runbookFile('alpha', route('alpha')));
    expect(self).toEqual([expect.stringMatching(/^runbooks\/alpha\.yaml:9:14: route cycle with no way out: alpha -> alpha;/)]);
  });

  it('accepts a back-and-forth with a way out: one side can conclude', () => {
    expect(check(runbookFile('alpha', askOrRoute('beta')), runbookFile('beta', justRoute('alpha')))).toEqual([]);
    expect(check(runbookFile('alpha', askOrRoute('beta')), runbookFile('beta', askOrRoute('alpha')))).toEqual([]);
  });

  it('does not report a route into a loop-free runbook, nor a route to a missing runbook twice', () => {
    expect(check(runbookFile('alpha', justRoute('beta')), runbookFile('beta', askOrRoute('gamma')), runbookFile('gamma', askOrRoute('beta')))).toEqual([]);
    const missing = check(runbookFile('alpha', justRoute('nowhere')));
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatch(/runbook "nowhere" does not exist/);
  });
});

describe('"did you mean" hints', () => {
  const known = new Set(['sysctl.net.ipv4.tcp_tw_recycle', 'netstat.TcpExt.ListenOverflows']);
  const catalog = { isKnownFact: (f: string) => known.has(f), closestFacts: (f: string) => closest(f, known), parserIds: ['sysctl'] };
  const run = (nodes: string) => {
    const loaded = loadRunbooks([runbookFile('alpha', nodes)]);
    expect(loaded.problems).toEqual([]);
    return verifyRunbooks(loaded.runbooks, new Map(), catalog).map((p) => p.message);
  };

  it('name the closest fact wherever an unknown fact is written: a branch or an answer\'s `sets`', () => {
    const messages = run(`  start:
    type: ask
    question: Is it on?
    choices:
      - label: yes
        next: check
        sets: { sysctl.net.ipv4.tcp_tw_recycel: 1 }
      - label: no
        next: done
  check:
    type: check
    title: Read it
    why: To see the value.
    commands:
      - command: sysctl -a
        parser: sysctl
    branches:
      - when: { fact: netstat.TcpExt.ListenOverflow, op: ">", value: 0 }
        next: done
        says: the listen queue overflowed
    default: done
  done:
    type: conclude
    cases: []
`);
    expect(messages).toEqual([
      'unknown fact "sysctl.net.ipv4.tcp_tw_recycel"; did you mean "sysctl.net.ipv4.tcp_tw_recycle"?',
      'unknown fact "netstat.TcpExt.ListenOverflow"; did you mean "netstat.TcpExt.ListenOverflows"?',
    ]);
  });

  it('name the closest node, parser or runbook, and nothing when none is close', () => {
    const messages = run(`  start:
    type: check
    title: Read it
    why: To see the value.
    commands:
      - command: sysctl -a
        parser: sysctll
    default: dnoe
  done:
    type: route
    runbook: zzzzzzzz
`);
    expect(messages).toContain('node "start" leads to "dnoe", which does not exist; did you mean "done"?');
    expect(messages).toContain('unknown parser "sysctll"; did you mean "sysctl"?');
    expect(messages).toContain('runbook "zzzzzzzz" does not exist');
  });
});

describe('which runbooks conclude a case', () => {
  const rb = (id: string, nodes: Record<string, unknown>, candidates: string[] = []) => Runbook.parse({ id, title: `Runbook ${id}`, description: 'A runbook for the conclusion tests.', symptoms: ['x y'], candidates, entry: 'start', nodes });
  const alpha = rb(
    'alpha',
    {
      start: { type: 'ask', question: 'Which one?', choices: [{ label: 'one', next: 'one' }, { label: 'other', next: 'other' }] },
      one: { type: 'conclude', cases: ['case-b', 'case-a'] },
      other: { type: 'route', runbook: 'beta' },
      orphan: { type: 'conclude', cases: ['case-c'] },
    },
    ['case-a', 'case-d'],
  );
  const beta = rb('beta', { start: { type: 'conclude', cases: ['case-a'] } });

  it('counts the conclude nodes reachable from the entry, not candidates, routes or unreachable nodes', () => {
    expect(concludedCases(alpha)).toEqual(['case-b', 'case-a']);
    const by = runbooksConcluding([alpha, beta]);
    expect([...by.keys()].sort()).toEqual(['case-a', 'case-b']);
    expect(by.get('case-a')!.map((r) => r.id)).toEqual(['alpha', 'beta']);
  });

  it('is what runbook check reports a catalog case as uncovered by', () => {
    const files = [runbookFile('alpha', askOrRoute('beta').replace('cases: []', 'cases: [case-a]') + '  orphan:\n    type: conclude\n    cases: [case-c]\n')];
    const loaded = loadRunbooks(files);
    const cases = new Map(['case-a', 'case-c'].map((id) => [id, { id, kind: 'case', signals: [] } as unknown as Entry]));
    const problems = verifyRunbooks(loaded.runbooks, cases, facts, ['case-a', 'case-c']).map((p) => `${p.code}: ${p.message}`);
    expect(problems).toContain('uncovered-case: catalog case "case-c" is not the conclusion of any runbook');
    expect(problems.some((p) => p.includes('"case-a"'))).toBe(false);
  });
});
