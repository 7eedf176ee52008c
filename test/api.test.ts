/**
 * The JSON API over real HTTP: a server on a loopback port (in process, and
 * `runbook serve` as a child process for the durability test), called with
 * fetch. Walks the real `syn-no-response` runbook with real-format outputs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBED_JS } from '../src/api/embed.js';
import { SqliteStore } from '../src/api/sqlite-store.js';
import { MemoryStore, effectiveInputs, type SessionRecord } from '../src/api/store.js';
import { diagnose } from '../src/core/engine/diagnose.js';
import { replay, isInputError, type SessionInput } from '../src/core/engine/session.js';
import { engineData } from '../src/core/project.js';
import { loadProject } from '../src/node/project.js';
import { matchRunbooks, searchProject, symptomMatcher } from '../src/node/search.js';
import { fakeDocument, type FakeElement } from './api/fake-dom.js';
import { call, grepped, netstatWithPaws, ROOT, startServer, type Server } from './api/helpers.js';

const RUNBOOK = 'syn-no-response';
const STACK = /^\s+at .+[:(]\d+/m;
const servers: Server[] = [];

async function server(over: Parameters<typeof startServer>[0] = {}): Promise<Server> {
  const s = await startServer(over);
  servers.push(s);
  return s;
}

afterAll(async () => {
  for (const s of servers) await s.close();
});

/** The answers that walk syn-no-response along the tcp_tw_recycle path, by node. */
function tcpTwRecycleScript(t0: number): Record<string, Record<string, unknown>[]> {
  return {
    'who-fails': [{ choice: 1 }],
    kernel: [{ output: '3.10.0-1062.el7.x86_64\n', command: 'uname -r' }],
    'tw-recycle': [
      {
        output: 'net.ipv4.tcp_tw_recycle = 1\nnet.ipv4.tcp_timestamps = 1\nnet.ipv4.tcp_tw_reuse = 0\n',
        command: 'sysctl net.ipv4.tcp_tw_recycle net.ipv4.tcp_timestamps net.ipv4.tcp_tw_reuse',
      },
    ],
    counters: [
      { output: grepped(netstatWithPaws(960055)), command: "netstat -s | grep -i -E 'timestamp|time stamp|listen|overflow|SYN'", takenAt: new Date(t0).toISOString() },
      { output: grepped(netstatWithPaws(960412)), command: "netstat -s | grep -i -E 'timestamp|time stamp|listen|overflow|SYN'", takenAt: new Date(t0 + 10_000).toISOString() },
    ],
  };
}

/**
 * Walk a session with a script of answers by node until it concludes.
 * @returns the final view and the answers sent
 */
async function walk(s: Server, id: string, script: Record<string, Record<string, unknown>[]>, key?: string) {
  let view = (await call(s.base, 'GET', `/v1/sessions/${id}`)).body;
  const sent: Record<string, unknown>[] = [];
  for (let guard = 0; guard < 20 && !view.finished; guard++) {
    const node = view.current.node as string;
    const next = script[node]?.shift();
    if (!next) throw new Error(`the walk reached node "${node}" of ${view.currentRunbook}, which the script does not answer`);
    const body = { version: view.version, node, ...next };
    const r = await call(s.base, 'POST', `/v1/sessions/${id}/answers`, body, { key });
    expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(200);
    expect(r.body.version).toBe(body.version + 1);
    sent.push(body);
    view = r.body;
  }
  return { view, sent };
}

// The engine runs in the server's thread (0) or in worker threads (2: sessions are spread over both).
describe.each([0, 2])('walking a real runbook over HTTP (engine threads: %i)', (engineThreads) => {
  let s: Server;
  beforeAll(async () => {
    s = await server({ engineThreads });
  });

  it('lists the runbook, starts a session for a ticket, and walks it to a conclusion', async () => {
    const list = await call(s.base, 'GET', '/v1/runbooks');
    expect(list.status).toBe(200);
    const ids = list.body.runbooks.map((r: { id: string }) => r.id);
    expect(ids, 'the real runbook this test walks').toContain(RUNBOOK);

    const tree = await call(s.base, 'GET', `/v1/runbooks/${RUNBOOK}`);
    expect(tree.status).toBe(200);
    expect(Object.keys(tree.body.nodes)).toContain(tree.body.entry);
    expect(tree.body.edges.some((e: { from: string }) => e.from === tree.body.entry)).toBe(true);

    const created = await call(s.base, 'POST', '/v1/sessions', { runbook: RUNBOOK, externalRef: 'TICKET-42' });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/v1/sessions/${created.body.id}`);
    expect(created.body).toMatchObject({ runbook: RUNBOOK, version: 0, steps: 0, finished: false, externalRef: 'TICKET-42' });
    expect(created.body.current.type).toBe('ask');

    const { view, sent } = await walk(s, created.body.id, tcpTwRecycleScript(Date.parse('2024-05-01T10:00:00Z')));
    expect(view.finished).toBe(true);
    expect(view.current.type).toBe('conclude');
    expect(view.current.cases).toContain('tcp-tw-recycle-nat-paws');
    expect(view.conclusion.cases.map((c: { id: string }) => c.id)).toContain('tcp-tw-recycle-nat-paws');
    expect(view.conclusion.fix.length).toBeGreaterThan(0);
    expect(view.facts['sysctl.net.ipv4.tcp_tw_recycle']).toBe(1);
    expect(view.deltas['netstat.TcpExt.PAWSPassive']).toMatchObject({ from: 960055, to: 960412, delta: 357 });
    expect(sent).toHaveLength(5);

    // The same inputs replayed by core give the same state: one engine, no second implementation.
    const data = engineData(loadProject());
    const inputs: SessionInput[] = sent.map((b) =>
      'choice' in b
        ? { kind: 'choice', node: b.node as string, choice: b.choice as number }
        : { kind: 'output', node: b.node as string, output: b.output as string, command: b.command as string, ...(b.takenAt ? { takenAt: b.takenAt as string } : {}) },
    );
    const core = replay(data, RUNBOOK, inputs);
    if (isInputError(core)) throw new Error(core.message);
    expect(view.current).toEqual(core.current);
    expect(view.candidates).toEqual(core.candidates.map(({ id, title, score, status, why }) => ({ id, title, score, status, why })));

    // The ticket finds its session.
    const mine = await call(s.base, 'GET', '/v1/sessions?externalRef=TICKET-42');
    expect(mine.status).toBe(200);
    expect(mine.body.sessions).toHaveLength(1);
    expect(mine.body.sessions[0]).toMatchObject({ id: view.id, finished: true, conclusion: view.current.cases });

    // The evidence trail, for pasting into the ticket.
    const md = await call(s.base, 'GET', `/v1/sessions/${view.id}/summary?format=markdown`);
    expect(md.status).toBe(200);
    expect(md.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(md.text).toContain('`uname -r`');
    expect(md.text).toContain('tcp-tw-recycle-nat-paws');
    expect(md.text).toMatch(/### Fix for `tcp-tw-recycle-nat-paws`/);
    expect(md.text).toContain('passive connections rejected because of time stamp');
    const js = await call(s.base, 'GET', `/v1/sessions/${view.id}/summary?format=json`);
    expect(js.status).toBe(200);
    expect(js.body.finished).toBe(true);
    expect(js.body.steps.some((st: { command?: string }) => st.command === 'uname -r')).toBe(true);

    // Answering a finished session is a conflict that returns the state.
    const late = await call(s.base, 'POST', `/v1/sessions/${view.id}/answers`, { version: view.version, node: view.current.node, skip: true });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('finished');
    expect(late.body.session.version).toBe(view.version);

    const stats = await call(s.base, 'GET', '/v1/stats');
    expect(stats.status).toBe(200);
    const rb = stats.body.runbooks.find((r: { runbook: string }) => r.runbook === RUNBOOK);
    expect(rb.finished).toBeGreaterThanOrEqual(1);
    expect(rb.medianStepsToConclusion).toBe(5);
    expect(stats.body.conclusions.map((c: { case: string }) => c.case)).toContain('tcp-tw-recycle-nat-paws');
  });

  it('starts from a symptom with the runbook `runbook start` would pick', async () => {
    const symptom = 'clients behind NAT cannot connect, SYN no response';
    const expected = matchRunbooks(loadProject(), symptom)[0].id;
    const r = await call(s.base, 'POST', '/v1/sessions', { symptom });
    expect(r.status).toBe(201);
    expect(r.body.runbook).toBe(expected);
    expect(r.body.symptom).toBe(symptom);
  });

  it('goes back one step, guarded by the version, and the version keeps growing', async () => {
    const c = (await call(s.base, 'POST', '/v1/sessions', { runbook: RUNBOOK })).body;
    const a = (await call(s.base, 'POST', `/v1/sessions/${c.id}/answers`, { version: 0, node: c.current.node, choice: 1 })).body;
    expect(a.steps).toBe(1);
    const stale = await call(s.base, 'POST', `/v1/sessions/${c.id}/back`, { version: 0 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('version-conflict');
    const back = await call(s.base, 'POST', `/v1/sessions/${c.id}/back`, { version: 1 });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ version: 2, steps: 0 });
    expect(back.body.current.node).toBe(c.current.node);
    const empty = await call(s.base, 'POST', `/v1/sessions/${c.id}/back`, { version: 2 });
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('nothing-to-undo');
    // An answer against the version before going back is stale, even though the step count matches.
    const aba = await call(s.base, 'POST', `/v1/sessions/${c.id}/answers`, { version: 1, node: c.current.node, choice: 2 });
    expect(aba.status).toBe(409);
  });

  it('serves cases, search, parse and diagnose with the core answers', async () => {
    const project = loadProject();
    const q = 'passive connections rejected because of time stamp';
    const search = await call(s.base, 'GET', `/v1/cases?q=${encodeURIComponent(q)}&limit=5`);
    expect(search.status).toBe(200);
    // The same search as `runbook search`.
    expect(search.body.results.map((r: { id: string }) => r.id)).toEqual(searchProject(project, q, { limit: 5 }).map((r) => r.id));
    expect(search.body.results.map((r: { id: string }) => r.id)).toContain('tcp-tw-recycle-nat-paws');
    const all = await call(s.base, 'GET', '/v1/cases');
    expect(all.body.results.length).toBe(project.kb.entries.length);
    const one = await call(s.base, 'GET', '/v1/cases/tcp-tw-recycle-nat-paws');
    expect(one.status).toBe(200);
    expect(one.body.id).toBe('tcp-tw-recycle-nat-paws');
    expect((await call(s.base, 'GET', '/v1/cases/no-such-case')).status).toBe(404);
    expect((await call(s.base, 'GET', '/v1/runbooks/no-such-runbook')).status).toBe(404);

    const parsed = await call(s.base, 'POST', '/v1/parse', { output: netstatWithPaws(960055) });
    expect(parsed.status).toBe(200);
    expect(parsed.body.parser).toBe('netstat-s');
    expect(parsed.body.facts['netstat.TcpExt.PAWSPassive']).toBe(960055);

    const input = {
      symptom: 'clients behind NAT time out connecting',
      kernel: '3.10.0-1062.el7.x86_64',
      evidence: [
        { command: 'netstat -s', output: netstatWithPaws(960055), takenAt: '2024-05-01T10:00:00Z' },
        { command: 'netstat -s', output: netstatWithPaws(960412), takenAt: '2024-05-01T10:00:10Z' },
        { command: 'sysctl -a', output: 'net.ipv4.tcp_tw_recycle = 1\nnet.ipv4.tcp_timestamps = 1\n' },
      ],
    };
    const d = await call(s.base, 'POST', '/v1/diagnose', input);
    expect(d.status).toBe(200);
    const { readings, ...expected } = diagnose(input, { cases: project.kb.entries, symptomMatcher: symptomMatcher(project) });
    void readings;
    expect(d.body).toEqual(expected);
    expect(d.body.candidates[0].id).toBe('tcp-tw-recycle-nat-paws');
  });

  it('answers health and readiness', async () => {
    expect((await call(s.base, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
    const ready = await call(s.base, 'GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ready');
  });
});

describe('bad inputs get the right status and a JSON error', () => {
  let s: Server;
  let id: string;
  beforeAll(async () => {
    s = await server();
    id = (await call(s.base, 'POST', '/v1/sessions', { runbook: RUNBOOK })).body.id;
  });

  const expectError = (r: { status: number; body: any; text: string }, status: number, code: string) => {
    expect(r.status, r.text.slice(0, 300)).toBe(status);
    expect(r.body.error.code).toBe(code);
    expect(typeof r.body.error.message).toBe('string');
    expect(r.text).not.toMatch(STACK);
  };

  it('malformed JSON: 400 invalid-json', async () => {
    const r = await call(s.base, 'POST', `/v1/sessions/${id}/answers`, { raw: '{"version": 0, "node": ', type: 'application/json' });
    expectError(r, 400, 'invalid-json');
  });

  it('wrong content type: 415', async () => {
    expectError(await call(s.base, 'POST', `/v1/sessions/${id}/answers`, { raw: 'version=0&node=who-fails', type: 'application/x-www-form-urlencoded' }), 415, 'unsupported-media-type');
    expectError(await call(s.base, 'POST', '/v1/parse', { raw: 'Ip:\n    1 total packets received', type: 'text/plain' }), 415, 'unsupported-media-type');
  });

  it('a missing or mistyped field: 400 naming the field', async () => {
    const r = await call(s.base, 'POST', `/v1/sessions/${id}/answers`, { node: 'who-fails', choice: 1 });
    expectError(r, 400, 'invalid-request');
    expect(r.body.error.field).toBe('body.version');
    expect(r.body.error.message).toMatch(/^body\.version: /);
    const two = await call(s.base, 'POST', `/v1/sessions/${id}/answers`, { version: 0, node: 'who-fails', choice: 1, skip: true });
    expectError(two, 400, 'invalid-request');
    expect(two.body.error.message).toMatch(/exactly one of/);
    const extra = await call(s.base, 'POST', '/v1/diagnose', { evidence: [{ output: 'x', when: 'now' }] });
    expectError(extra, 400, 'invalid-request');
    expect(extra.body.error.field).toMatch(/^body\.evidence\.0/);
    const q = await call(s.base, 'GET', '/v1/stats?idleMinutes=-1');
    expectError(q, 400, 'invalid-request');
    expect(q.body.error.field).toBe('querystring.idleMinutes');
  });

  it('unknown runbook, session, case and route: 404', async () => {
    const r = await call(s.base, 'POST', '/v1/sessions', { runbook: 'no-such-runbook' });
    expectError(r, 404, 'not-found');
    expect(r.body.error.message).toContain('no-such-runbook');
    expectError(await call(s.base, 'GET', '/v1/sessions/no-such-session'), 404, 'not-found');
    expectError(await call(s.base, 'POST', '/v1/sessions/no-such-session/answers', { version: 0, node: 'who-fails', choice: 1 }), 404, 'not-found');
    expectError(await call(s.base, 'GET', '/v1/nothing-here'), 404, 'not-found');
  });

  it('unknown node: 400; a node that is not the current one: 409 with the state', async () => {
    const r = await call(s.base, 'POST', `/v1/sessions/${id}/answers`, { version: 0, node: 'no-such-node', choice: 1 });
    expectError(r, 400, 'unknown-node');
    expect(r.body.error.field).toBe('body.node');
    const wrong = await call(s.base, 'POST', `/v1/sessions/${id}/answers`, { version: 0, node: 'counters', skip: true });
    expectError(wrong, 409, 'wrong-node');
    expect(wrong.body.session.current.node).toBe('who-fails');
  });

  it('a bad choice or an empty paste: 400', async () => {
    expectError(await call(s.base, 'POST', `/v1/sessions/${id}/answers`, { version: 0, node: 'who-fails', choice: 99 }), 400, 'bad-choice');
    expectError(await call(s.base, 'POST', `/v1/sessions/${id}/answers`, { version: 0, node: 'who-fails', output: 'Ip:\n' }), 400, 'bad-choice');
  });

  it('a session its runbook no longer replays (the runbook changed since): 422 unreplayable, saying to start a new session', async () => {
    const c = (await call(s.base, 'POST', '/v1/sessions', { runbook: RUNBOOK, externalRef: 'T-CHANGED' })).body;
    expect((await call(s.base, 'POST', `/v1/sessions/${c.id}/answers`, { version: 0, node: 'who-fails', choice: 2 })).status).toBe(200);
    // The same sessions served with a runbook whose first question lost its second choice.
    const project = loadProject();
    const changed = {
      ...project,
      runbooks: project.runbooks.map((r) => {
        if (r.id !== RUNBOOK) return r;
        const ask = r.nodes['who-fails'] as Extract<(typeof r.nodes)[string], { type: 'ask' }>;
        return { ...r, nodes: { ...r.nodes, 'who-fails': { ...ask, choices: ask.choices.slice(0, 1) } } };
      }),
    };
    const later = await server({ store: s.store, project: changed });
    for (const r of [
      await call(later.base, 'GET', `/v1/sessions/${c.id}`),
      await call(later.base, 'POST', `/v1/sessions/${c.id}/answers`, { version: 1, node: 'counters', skip: true }),
      await call(later.base, 'GET', `/v1/sessions/${c.id}/summary?format=markdown`),
    ]) {
      expectError(r, 422, 'unreplayable');
      expect(r.body.error.message).toContain(`session ${c.id} no longer replays over the installed runbooks`);
      expect(r.body.error.message).toMatch(/start a new session with POST \/v1\/sessions$/);
    }
    // Nothing was lost: the log is as it was, and a new session for the ticket starts.
    expect((await s.store.get(c.id))!.events).toHaveLength(1);
    expect((await call(later.base, 'POST', '/v1/sessions', { runbook: RUNBOOK, externalRef: 'T-CHANGED' })).status).toBe(201);
  });

  it('a paste over 1 MB: 413', async () => {
    const big = 'TcpExt:\n' + '    960055 passive connections rejected because of time stamp\n'.repeat(20_000);
    expect(big.length).toBeGreaterThan(1024 * 1024);
    expectError(await call(s.base, 'POST', `/v1/sessions/${id}/answers`, { version: 0, node: 'who-fails', output: big }), 413, 'payload-too-large');
    expectError(await call(s.base, 'POST', '/v1/parse', { output: big }), 413, 'payload-too-large');
  });

  it('a stale version: 409 with the current state', async () => {
    const c = (await call(s.base, 'POST', '/v1/sessions', { runbook: RUNBOOK })).body;
    expect((await call(s.base, 'POST', `/v1/sessions/${c.id}/answers`, { version: 0, node: 'who-fails', choice: 2 })).status).toBe(200);
    const r = await call(s.base, 'POST', `/v1/sessions/${c.id}/answers`, { version: 0, node: 'who-fails', choice: 1 });
    expectError(r, 409, 'version-conflict');
    expect(r.body.session).toMatchObject({ id: c.id, version: 1, steps: 1 });
    expect(r.body.session.transcript[0].answer).toMatch(/^Any client/);
  });

  it('a server failure: 500 without a stack trace or internals', async () => {
    class Broken extends MemoryStore {
      override async get(): Promise<SessionRecord | undefined> {
        throw new Error('disk exploded at /var/lib/secret/runbook.db');
      }
      override async getMeta(): Promise<SessionRecord | undefined> {
        throw new Error('disk exploded at /var/lib/secret/runbook.db');
      }
    }
    const b = await server({ store: new Broken() });
    const r = await call(b.base, 'GET', '/v1/sessions/anything');
    expectError(r, 500, 'internal');
    expect(r.text).not.toContain('exploded');
    expect(r.text).not.toContain('/var/lib');
    expect(b.logs.join('\n')).toContain('exploded');
  });
});

describe('keys, CORS and rate limits', () => {
  it('requires a bearer key on writes when keys are set, not on reading a session', async () => {
    const s = await server({ apiKeys: ['key-one', 'key-two'] });
    const none = await call(s.base, 'POST', '/v1/sessions', { runbook: RUNBOOK });
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthorized');
    expect(none.body.error.message).toMatch(/Authorization: Bearer/);
    const bad = await call(s.base, 'POST', '/v1/sessions', { runbook: RUNBOOK }, { key: 'key-three' });
    expect(bad.status).toBe(401);
    const ok = await call(s.base, 'POST', '/v1/sessions', { runbook: RUNBOOK, externalRef: 'T-9' }, { key: 'key-two' });
    expect(ok.status).toBe(201);
    expect((await call(s.base, 'POST', `/v1/sessions/${ok.body.id}/answers`, { version: 0, node: 'who-fails', choice: 1 })).status).toBe(401);
    expect((await call(s.base, 'POST', `/v1/sessions/${ok.body.id}/answers`, { version: 0, node: 'who-fails', choice: 1 }, { key: 'key-one' })).status).toBe(200);
    expect((await call(s.base, 'POST', '/v1/parse', { output: 'x' })).status).toBe(401);
    expect((await call(s.base, 'POST', '/v1/diagnose', {})).status).toBe(401);
    // Reading one session by its unguessable id works without a key (the embed); listing a ticket's sessions does not.
    expect((await call(s.base, 'GET', `/v1/sessions/${ok.body.id}`)).status).toBe(200);
    expect((await call(s.base, 'GET', '/v1/sessions?externalRef=T-9')).status).toBe(401);
    expect((await call(s.base, 'GET', '/v1/sessions?externalRef=T-9', undefined, { key: 'key-one' })).body.sessions).toHaveLength(1);
    expect((await call(s.base, 'GET', '/readyz')).body.keysRequired).toBe(true);
  });

  it('rate-limits per key (429), separately for each key', async () => {
    const s = await server({ apiKeys: ['alpha', 'beta'], rateLimit: { max: 3, timeWindowMs: 60_000 } });
    for (let i = 0; i < 3; i++) expect((await call(s.base, 'POST', '/v1/parse', { output: 'x' }, { key: 'alpha' })).status).toBe(200);
    const limited = await call(s.base, 'POST', '/v1/parse', { output: 'x' }, { key: 'alpha' });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate-limited');
    // Whole seconds until the window lets the key in again (@fastify/rate-limit sets it; the error handler keeps it).
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect((await call(s.base, 'POST', '/v1/parse', { output: 'x' }, { key: 'beta' })).status).toBe(200);
    expect(limited.body.error.message).toMatch(/3 requests per 60 s/);
    // Health checks are never limited.
    for (let i = 0; i < 5; i++) expect((await call(s.base, 'GET', '/healthz')).status).toBe(200);
  });

  it('counts requests with a wrong key or none against their IP, and a browser embed sees the 401', async () => {
    const s = await server({ apiKeys: ['alpha'], rateLimit: { max: 3, timeWindowMs: 60_000 }, corsOrigins: ['https://tickets.example'] });
    const origin = { origin: 'https://tickets.example' };
    const bad = await call(s.base, 'POST', '/v1/parse', { output: 'x' }, { key: 'wrong', headers: origin });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('access-control-allow-origin')).toBe('https://tickets.example');
    for (let i = 0; i < 2; i++) expect((await call(s.base, 'POST', '/v1/parse', { output: 'x' }, { headers: origin })).status).toBe(401);
    expect((await call(s.base, 'POST', '/v1/parse', { output: 'x' }, { key: 'another-wrong-one' })).status).toBe(429);
    // A valid key has its own bucket.
    expect((await call(s.base, 'POST', '/v1/parse', { output: 'x' }, { key: 'alpha' })).status).toBe(200);
  });

  it('answers CORS only for allowed origins', async () => {
    const s = await server({ corsOrigins: ['https://tickets.example'] });
    const pre = await fetch(`${s.base}/v1/sessions`, {
      method: 'OPTIONS',
      headers: { origin: 'https://tickets.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://tickets.example');
    expect(pre.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    const other = await fetch(`${s.base}/v1/runbooks`, { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe.each([0, 2])('concurrent answers to one session (engine threads: %i)', (engineThreads) => {
  it('50 simultaneous answers at one version: exactly one lands, 49 get 409 with the state', async () => {
    const s = await server({ engineThreads });
    const c = (await call(s.base, 'POST', '/v1/sessions', { runbook: RUNBOOK })).body;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => call(s.base, 'POST', `/v1/sessions/${c.id}/answers`, { version: 0, node: 'who-fails', choice: (i % 4) + 1 })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    const conflicts = results.filter((r) => r.status === 409);
    expect(conflicts).toHaveLength(49);
    for (const r of conflicts) expect(r.body.session.version).toBe(1);
    const rows = (s.store as SqliteStore).rawEvents(c.id);
    expect(rows.map((r) => r.seq)).toEqual([0]);
  });

  it('50 writers retrying on 409: every write lands once, in order, with no gaps or duplicates', async () => {
    const s = await server({ engineThreads });
    const c = (await call(s.base, 'POST', '/v1/sessions', { runbook: RUNBOOK })).body;
    const landed: number[] = [];
    let conflicts = 0;
    const writer = async () => {
      let view = (await call(s.base, 'GET', `/v1/sessions/${c.id}`)).body;
      for (let attempt = 0; attempt < 500; attempt++) {
        const r =
          view.current.node === 'who-fails'
            ? await call(s.base, 'POST', `/v1/sessions/${c.id}/answers`, { version: view.version, node: 'who-fails', choice: 2 })
            : await call(s.base, 'POST', `/v1/sessions/${c.id}/back`, { version: view.version });
        if (r.status === 200) {
          landed.push(r.body.version);
          return;
        }
        expect(r.status).toBe(409);
        conflicts++;
        view = r.body.session;
      }
      throw new Error('a writer never landed');
    };
    await Promise.all(Array.from({ length: 50 }, writer));
    expect([...landed].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(conflicts).toBeGreaterThan(0);
    const rec = (await s.store.get(c.id))!;
    expect(rec.version).toBe(50);
    const rows = (s.store as SqliteStore).rawEvents(c.id);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    // The log alternates answer, back, answer, back...: each write was valid for the state it saw.
    expect(rows.map((r) => r.event.kind)).toEqual(Array.from({ length: 50 }, (_, i) => (i % 2 ? 'back' : 'choice')));
    expect(effectiveInputs(rec.events)).toEqual([]);
  });
});

describe('durability: runbook serve killed with SIGKILL under load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-durable-'));
  const db = join(dir, 'nested', 'runbook.db');
  const children: ChildProcess[] = [];

  beforeAll(() => {
    // lib/ is built once by test/global-setup.ts.
    expect(existsSync(join(ROOT, 'lib', 'cli', 'commands', 'serve.js'))).toBe(true);
  });

  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  async function serve(): Promise<{ child: ChildProcess; base: string; stdout: string[] }> {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'runbook.js'), 'serve', '--port', '0', '--db', db], {
      cwd: ROOT,
      env: { ...process.env, RUNBOOK_RATE_LIMIT: '0', RUNBOOK_LOG_LEVEL: 'warn', RUNBOOK_API_KEYS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const stdout: string[] = [];
    child.stdout!.on('data', (d: Buffer) => stdout.push(d.toString()));
    const base = await new Promise<string>((resolve, reject) => {
      let err = '';
      const timer = setTimeout(() => reject(new Error(`runbook serve did not start: ${err}`)), 60_000);
      child.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /listening on (http:\/\/[^\s]+)/.exec(err);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.on('exit', (code) => reject(new Error(`runbook serve exited with ${code}: ${err}`)));
    });
    return { child, base, stdout };
  }

  it('keeps every answer that got a 2xx, and the log has no gaps', async () => {
    const first = await serve();
    expect(existsSync(db)).toBe(true);
    const sessions: string[] = [];
    for (let i = 0; i < 8; i++) sessions.push((await call(first.base, 'POST', '/v1/sessions', { runbook: RUNBOOK })).body.id);
    const acked = new Map<string, number>();
    let stop = false;
    const loop = async (id: string) => {
      let version = 0;
      let atAsk = true;
      while (!stop) {
        try {
          const r = atAsk
            ? await call(first.base, 'POST', `/v1/sessions/${id}/answers`, { version, node: 'who-fails', choice: 4 })
            : await call(first.base, 'POST', `/v1/sessions/${id}/back`, { version });
          if (r.status !== 200) throw new Error(`unexpected ${r.status}: ${r.text.slice(0, 200)}`);
          version = r.body.version;
          atAsk = !atAsk;
          acked.set(id, version);
        } catch (e) {
          if (stop) return;
          throw e;
        }
      }
    };
    const failures: string[] = [];
    const loops = sessions.map((id) => loop(id).catch((e: Error) => void failures.push(e.message)));
    await new Promise((r) => setTimeout(r, 1500));
    stop = true;
    first.child.kill('SIGKILL');
    await Promise.allSettled(loops);
    expect(failures).toEqual([]);
    // The exit may already have happened while the loops settled.
    if (first.child.exitCode === null && first.child.signalCode === null) await new Promise((r) => first.child.once('exit', r));
    const total = [...acked.values()].reduce((a, b) => a + b, 0);
    expect(total, 'answers acknowledged before the kill').toBeGreaterThan(20);

    const second = await serve();
    for (const id of sessions) {
      const v = (await call(second.base, 'GET', `/v1/sessions/${id}`)).body;
      expect(v.version).toBeGreaterThanOrEqual(acked.get(id) ?? 0);
    }
    const store = new SqliteStore(db);
    try {
      for (const id of sessions) {
        const rows = store.rawEvents(id);
        expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: rows.length }, (_, i) => i));
        expect(rows.length).toBeGreaterThanOrEqual(acked.get(id) ?? 0);
      }
    } finally {
      await store.close();
    }
    // The restarted server still takes answers on the recovered sessions.
    const v = (await call(second.base, 'GET', `/v1/sessions/${sessions[0]}`)).body;
    const next = v.current.node === 'who-fails' ? { version: v.version, node: 'who-fails', choice: 1 } : null;
    const r = next ? await call(second.base, 'POST', `/v1/sessions/${sessions[0]}/answers`, next) : await call(second.base, 'POST', `/v1/sessions/${sessions[0]}/back`, { version: v.version });
    expect(r.status).toBe(200);
    second.child.kill('SIGTERM');
    const code = await new Promise<number | null>((res) => second.child.once('exit', (c) => res(c)));
    expect(code).toBe(0);
  }, 120_000);
});

describe('OpenAPI document and docs', () => {
  it('is OpenAPI 3.1.0 with every route, request schema and security', async () => {
    const s = await server();
    const r = await call(s.base, 'GET', '/v1/openapi.json');
    expect(r.status).toBe(200);
    const doc = JSON.parse(r.text);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBeTruthy();
    const expected: [string, string][] = [
      ['/v1/cases', 'get'],
      ['/v1/cases/{id}', 'get'],
      ['/v1/runbooks', 'get'],
      ['/v1/runbooks/{id}', 'get'],
      ['/v1/parse', 'post'],
      ['/v1/diagnose', 'post'],
      ['/v1/sessions', 'post'],
      ['/v1/sessions', 'get'],
      ['/v1/sessions/{id}', 'get'],
      ['/v1/sessions/{id}/answers', 'post'],
      ['/v1/sessions/{id}/back', 'post'],
      ['/v1/sessions/{id}/summary', 'get'],
      ['/v1/stats', 'get'],
    ];
    for (const [path, method] of expected) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method.toUpperCase()} ${path}`).toBeTruthy();
      expect(Object.keys(op.responses).length).toBeGreaterThan(0);
    }
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/docs'))).toEqual([]);
    const answers = doc.paths['/v1/sessions/{id}/answers'].post;
    const schema = answers.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(expect.arrayContaining(['version', 'node']));
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['version', 'node', 'choice', 'output', 'command', 'takenAt', 'skip']));
    expect(answers.security).toEqual([{ bearer: [] }]);
    expect(answers.responses['409']).toBeTruthy();
    for (const [path, method] of [['/v1/sessions/{id}', 'get'], ['/v1/sessions/{id}/answers', 'post'], ['/v1/sessions/{id}/back', 'post'], ['/v1/sessions/{id}/summary', 'get']]) {
      expect(doc.paths[path][method].responses['422']?.description, `${method} ${path} 422`).toMatch(/unreplayable.*start a new session/);
    }
    // A 429 and a 503 say when to retry.
    for (const [path, method, code] of [['/v1/parse', 'post', '429'], ['/v1/sessions/{id}/answers', 'post', '429'], ['/v1/sessions/{id}/answers', 'post', '503'], ['/v1/sessions/{id}', 'get', '503']]) {
      const res = doc.paths[path][method].responses[code];
      expect(res.headers?.['Retry-After'], `${method} ${path} ${code}`).toEqual({ description: 'whole seconds to wait before retrying', schema: { type: 'integer', minimum: 1 } });
      expect(res.content['application/json'].schema.headers).toBeUndefined();
    }
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/v1/diagnose'].post.requestBody.content['application/json'].schema.properties.evidence.type).toBe('array');
    // 3.1 uses JSON Schema 2020-12: no OpenAPI 3.0 `nullable`, every $ref resolves.
    const text = JSON.stringify(doc);
    expect(text).not.toContain('"nullable"');
    for (const m of text.matchAll(/"\$ref":"#\/([^"]+)"/g)) {
      const target = m[1].split('/').reduce((o: any, k: string) => o?.[k], doc);
      expect(target, m[1]).toBeTruthy();
    }
    // Every schema compiles as JSON Schema 2020-12 (the 3.1 dialect), and real answers validate against the documented ones.
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    // ajv-formats is CommonJS: its function is `default` under NodeNext typing, the module itself at run time.
    const applyFormats = ((addFormats as unknown as { default?: unknown }).default ?? addFormats) as (a: Ajv2020) => void;
    applyFormats(ajv);
    ajv.addSchema({ $id: 'doc', components: doc.components });
    const compile = (schema: unknown) => ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/')));
    for (const [path, ops] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(ops)) {
        for (const c of Object.values<any>(op.requestBody?.content ?? {})) expect(() => compile(c.schema), `${method} ${path} body`).not.toThrow();
        for (const [code, res] of Object.entries<any>(op.responses)) {
          for (const c of Object.values<any>(res.content ?? {})) expect(() => compile(c.schema), `${method} ${path} ${code}`).not.toThrow();
        }
      }
    }
    const c = (await call(s.base, 'POST', '/v1/sessions', { runbook: RUNBOOK })).body;
    await call(s.base, 'POST', `/v1/sessions/${c.id}/answers`, { version: 0, node: 'who-fails', choice: 2 });
    const answered = await call(s.base, 'POST', `/v1/sessions/${c.id}/answers`, { version: 1, node: 'counters', output: netstatWithPaws(960055) });
    const stale = await call(s.base, 'POST', `/v1/sessions/${c.id}/answers`, { version: 1, node: 'counters', skip: true });
    const checks: [string, string, string, unknown][] = [
      ['/v1/sessions/{id}/answers', 'post', '200', answered.body],
      ['/v1/sessions/{id}/answers', 'post', '409', stale.body],
      ['/v1/runbooks/{id}', 'get', '200', (await call(s.base, 'GET', `/v1/runbooks/${RUNBOOK}`)).body],
      ['/v1/cases/{id}', 'get', '200', (await call(s.base, 'GET', '/v1/cases/tcp-tw-recycle-nat-paws')).body],
      ['/v1/stats', 'get', '200', (await call(s.base, 'GET', '/v1/stats')).body],
    ];
    for (const [path, method, code, body] of checks) {
      const validate = compile(doc.paths[path][method].responses[code].content['application/json'].schema);
      expect(validate(body), `${method} ${path} ${code}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
    const docs = await fetch(`${s.base}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toMatch(/swagger/i);
  });
});

describe('logs', () => {
  it('are structured request logs with no pasted output in them', async () => {
    const s = await server();
    const MARK = 'PASTED-OUTPUT-MARKER-93f1';
    const paste = netstatWithPaws(960055).replace('TcpExt:', `TcpExt: ${MARK}`);
    const c = (await call(s.base, 'POST', '/v1/sessions', { runbook: RUNBOOK, externalRef: 'TICKET-LOG' })).body;
    await call(s.base, 'POST', `/v1/sessions/${c.id}/answers`, { version: 0, node: 'who-fails', choice: 2 });
    const ok = await call(s.base, 'POST', `/v1/sessions/${c.id}/answers`, { version: 1, node: 'counters', output: paste, command: 'netstat -s' });
    expect(ok.status).toBe(200);
    await call(s.base, 'POST', '/v1/parse', { output: paste });
    await call(s.base, 'POST', '/v1/diagnose', { evidence: [{ output: paste }] });
    await call(s.base, 'POST', `/v1/sessions/${c.id}/answers`, { node: 'x', output: paste });
    await call(s.base, 'POST', `/v1/sessions/${c.id}/answers`, { raw: `{"output": "${MARK}`, type: 'application/json' });
    await call(s.base, 'POST', '/v1/parse', { raw: MARK, type: 'text/plain' });
    await call(s.base, 'POST', '/v1/parse', { output: MARK.repeat(60_000) });
    await call(s.base, 'GET', `/v1/cases?q=${MARK}`);
    await call(s.base, 'GET', `/v1/sessions/${c.id}/summary?format=markdown`);
    const logs = s.logs.join('\n');
    expect(logs).not.toContain(MARK);
    expect(logs).not.toContain('passive connections rejected');
    const lines = s.logs.map((l) => JSON.parse(l));
    const completed = lines.filter((l) => l.msg === 'request completed');
    expect(completed.length).toBeGreaterThanOrEqual(10);
    expect(new Set(completed.map((l) => l.res.statusCode))).toEqual(new Set([200, 201, 400, 413, 415]));
    expect(lines.some((l) => l.req?.path === `/v1/sessions/${c.id}/answers` && l.req?.method === 'POST')).toBe(true);
  });
});

describe('site and embed', () => {
  it('serves the built site at / when it exists, and JSON 404s under /v1', async () => {
    const site = mkdtempSync(join(tmpdir(), 'runbook-site-'));
    mkdirSync(join(site, 'cases'));
    writeFileSync(join(site, 'index.html'), '<!doctype html><title>kb</title><p>the knowledge base</p>');
    writeFileSync(join(site, 'cases', 'index.html'), '<p>cases</p>');
    const s = await server({ siteDir: site });
    const home = await fetch(`${s.base}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('the knowledge base');
    expect((await fetch(`${s.base}/cases/`)).status).toBe(200);
    const missing = await call(s.base, 'GET', '/v1/not-a-route');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not-found');
    expect((await call(s.base, 'GET', '/v1/runbooks')).status).toBe(200);
    rmSync(site, { recursive: true, force: true });
  });

  it('serves /embed.js and the iframe page /embed/sessions/:id', async () => {
    const s = await server({ corsOrigins: ['https://tickets.example'] });
    const js = await fetch(`${s.base}/embed.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    const code = await js.text();
    expect(code).toBe(EMBED_JS);
    expect(code).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
    const c = (await call(s.base, 'POST', '/v1/sessions', { runbook: RUNBOOK })).body;
    const page = await fetch(`${s.base}/embed/sessions/${c.id}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`data-runbook-session="${c.id}"`);
    expect(html).toContain('<script src="/embed.js"></script>');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain('frame-ancestors');
    expect(csp).toContain('https://tickets.example');
    expect((await fetch(`${s.base}/embed/sessions/${encodeURIComponent('"><script>alert(1)</script>')}`)).status).toBe(404);
  });

  it('the widget renders pasted text as text and answers with the version it saw', async () => {
    const s = await server();
    const c = (await call(s.base, 'POST', '/v1/sessions', { runbook: RUNBOOK })).body;
    await call(s.base, 'POST', `/v1/sessions/${c.id}/answers`, { version: 0, node: 'who-fails', choice: 1 });
    const evil = '<img src=x onerror="alert(1)"> 3.10.0-1062.el7.x86_64';
    await call(s.base, 'POST', `/v1/sessions/${c.id}/answers`, { version: 1, node: 'kernel', output: `${evil}\n` });
    const { document, mount, created } = fakeDocument({ 'data-runbook-session': c.id, 'data-api': s.base });
    const requests: { url: string; init?: RequestInit }[] = [];
    const window: Record<string, unknown> = {};
    const sandbox = {
      window,
      document,
      location: { href: 'http://ticket.example/t/1', origin: 'http://ticket.example', hash: '' },
      URL,
      fetch: (url: string, init?: RequestInit) => {
        requests.push({ url, ...(init ? { init } : {}) });
        return fetch(url, init);
      },
      setInterval: () => 0,
      clearInterval: () => undefined,
      console,
    };
    runInNewContext(EMBED_JS, sandbox);
    const settle = async () => {
      for (let i = 0; i < 50 && (requests.length === 0 || mount.textContent.includes('Loading')); i++) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 100));
    };
    await settle();
    expect(window.RunbookEmbed).toBeTruthy();
    expect(mount.textContent).toContain(evil);
    expect(mount.textContent).toContain('Is tcp_tw_recycle on?');
    expect(created.some((e) => e.tagName === 'img' || e.tagName === 'script')).toBe(false);
    // Skip the check from the widget: it posts the version it saw.
    const skip = mount.all().find((e: FakeElement) => e.tagName === 'button' && e.textContent === 'Skip')!;
    expect(skip).toBeTruthy();
    const before = requests.length;
    skip.click();
    for (let i = 0; i < 100 && requests.length === before; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 300));
    const post = requests[before];
    expect(post.url).toBe(`${s.base}/v1/sessions/${c.id}/answers`);
    expect(JSON.parse(String(post.init!.body))).toEqual({ version: 2, node: 'tw-recycle', skip: true });
    expect((await call(s.base, 'GET', `/v1/sessions/${c.id}`)).body.version).toBe(3);
  });
});
