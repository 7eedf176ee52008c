import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildProject } from '../src/core/project.js';
import { loadProject } from '../src/node/project.js';
import { matchRunbooks } from '../src/node/search.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const project = loadProject({ root: ROOT, fromSources: true });

describe('matching a free-text symptom to a runbook (runbook start "<symptom>")', () => {
  it.each([
    ['SYN no response', 'syn-no-response'],
    ['connect timeout', 'syn-no-response'],
    ['SYN 无响应', 'syn-no-response'],
    ['connection reset by peer', 'connection-refused-or-reset'],
    ['大量 CLOSE_WAIT', 'close-wait-pileup'],
    ['TIME_WAIT too many', 'time-wait-pileup'],
    ['dns slow', 'dns-slow-or-failing'],
    ['域名解析慢', 'dns-slow-or-failing'],
    ['throughput is low', 'slow-transfer'],
    ['softirq 100% on one core', 'softirq-cpu-hotspot'],
    ['pthread_create failed', 'resource-exhaustion'],
    ['large packets dropped', 'large-packets-fail'],
  ])('%s → %s', (q, id) => {
    expect(matchRunbooks(project, q)[0]?.id).toBe(id);
  });

  it('offers the close alternatives when a phrase fits several', () => {
    const m = matchRunbooks(project, 'ping works but ssh hangs');
    expect(m.slice(0, 3).map((x) => x.id)).toContain('syn-no-response');
  });

  it('finds nothing for gibberish, so start falls back to triage', () => {
    expect(matchRunbooks(project, 'qqqzzz xxyyw')).toEqual([]);
  });
});

describe('the runbooks that conclude a matching case', () => {
  it('are those whose conclude nodes name it, whether or not they list it among their candidates', () => {
    const path = 'content/cases/tcp-tw-recycle-nat-paws.md';
    const runbook = `id: gadget
title: Gadget trouble
description: A runbook that concludes a case it does not list as a candidate.
symptoms: [gadget blinks]
entry: done
nodes:
  done:
    type: conclude
    cases: [tcp-tw-recycle-nat-paws]
`;
    const small = buildProject([{ path, text: readFileSync(join(ROOT, path), 'utf8') }], [{ path: 'runbooks/gadget.yaml', text: runbook }]);
    // (The case links to notes this small project lacks; the runbook itself is valid.)
    expect(small.problems.filter((p) => p.path.startsWith('runbooks/'))).toEqual([]);
    expect(matchRunbooks(small, 'SYN 无响应').map((m) => m.id)).toEqual(['gadget']);
  });
});
