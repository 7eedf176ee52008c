/**
 * The engine worker pool when a worker misbehaves: a request stuck past its
 * deadline, over the pool and over HTTP.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { EngineUnavailable, WorkerEngine } from '../../src/api/engine-pool.js';
import type { EngineReply } from '../../src/api/engine-host.js';
import type { SessionMeta } from '../../src/api/store.js';
import { engineData } from '../../src/core/project.js';
import { loadProject } from '../../src/node/project.js';
import { call, startServer, type Server } from './helpers.js';

const data = engineData(loadProject());
const RUNBOOK = 'syn-no-response';
/** The real engine worker, made to hang on requests carrying {@link HANG}. */
const HANGING = new URL('../fixtures/api/hanging-engine-worker.mjs', import.meta.url);
const HANG = 'hang-this-engine-worker';
const at = '2026-01-01T00:01:00.000Z';

const pools: WorkerEngine[] = [];
const servers: Server[] = [];
afterAll(async () => {
  for (const p of pools) await p.close();
  for (const s of servers) await s.close();
});

function pool(opts: ConstructorParameters<typeof WorkerEngine>[1]): WorkerEngine {
  const p = new WorkerEngine(data, opts);
  pools.push(p);
  return p;
}

function meta(id: string, version = 0): SessionMeta {
  return { id, runbook: RUNBOOK, createdAt: at, updatedAt: at, version, progress: { runbook: RUNBOOK, node: '', finished: false, conclusion: [], steps: version } };
}

/** A view request for a new session. */
const view = (id: string) => ({ op: 'view' as const, meta: meta(id), inputs: [] });

/** A view request for a session whose stored paste hangs the worker. */
const hanging = (id: string) => ({
  op: 'view' as const,
  meta: meta(id, 2),
  inputs: [
    { kind: 'choice' as const, node: 'who-fails', choice: 2, at },
    { kind: 'output' as const, node: 'counters', output: `TcpExt:\n    ${HANG}\n`, command: 'netstat -s', at },
  ],
});

function version(r: EngineReply): number {
  if (!('json' in r)) throw new Error(`not a view: ${JSON.stringify(r)}`);
  return (JSON.parse(typeof r.json === 'string' ? r.json : new TextDecoder().decode(r.json)) as { version: number }).version;
}

const settled = <T>(p: Promise<T>) => p.then((value) => ({ value, at: performance.now() }), (error: unknown) => ({ error, at: performance.now() }));

describe('a request past its deadline', () => {
  it('fails with EngineUnavailable; its worker is replaced and answers the requests queued behind it', async () => {
    const errors: string[] = [];
    const p = pool({ threads: 1, timeoutMs: 300, script: HANGING, onError: (m) => errors.push(m) });
    expect(version(await p.call(view('warm')))).toBe(0);
    const t0 = performance.now();
    const stuck = settled(p.call(hanging('stuck')));
    const behind = settled(p.call(view('behind')));
    const s = await stuck;
    expect('error' in s && s.error).toBeInstanceOf(EngineUnavailable);
    expect(String((s as { error: Error }).error.message)).toMatch(/^the engine spent more than 300 ms on this request and was restarted/);
    expect(s.at - t0).toBeGreaterThanOrEqual(290);
    const b = await behind;
    expect('value' in b && version(b.value)).toBe(0);
    expect(errors).toEqual(['engine worker stopped (a request ran over the 300 ms deadline); starting another']);
    expect(p.status()).toMatchObject({ threads: 1, inFlight: 0, restarts: 1 });
    // The replacement has an empty cache and answers from the log.
    expect(await p.call({ op: 'view', meta: meta('warm') })).toEqual({ ok: false, miss: true });
    expect(version(await p.call(view('warm')))).toBe(0);
  });

  it('does not hold up sessions on the other workers', async () => {
    const p = pool({ threads: 2, timeoutMs: 1000, script: HANGING });
    const ids = Array.from({ length: 10 }, (_, i) => `other-${i}`);
    await Promise.all(ids.map((id) => p.call(view(id))));
    const stuck = settled(p.call(hanging('stuck')));
    const others = await Promise.all(ids.map((id) => settled(p.call(view(id)))));
    const s = await stuck;
    expect('error' in s && s.error).toBeInstanceOf(EngineUnavailable);
    for (const o of others) expect('value' in o && version(o.value)).toBe(0);
    // The sessions on the other worker were answered while this one was stuck; the ones behind it, after.
    expect(others.filter((o) => o.at < s.at).length).toBeGreaterThan(0);
    expect(others.filter((o) => o.at >= s.at).length).toBeGreaterThan(0);
  });
});

describe('over HTTP, a request past its deadline', () => {
  it('gets 503 unavailable saying so; the session is unchanged and other sessions keep working', async () => {
    const errors: string[] = [];
    const engine = new WorkerEngine(data, { threads: 2, timeoutMs: 500, script: HANGING, onError: (m) => errors.push(m) });
    const s = await startServer({ engine });
    servers.push(s);
    const a = (await call(s.base, 'POST', '/v1/sessions', { runbook: RUNBOOK })).body;
    const b = (await call(s.base, 'POST', '/v1/sessions', { runbook: RUNBOOK })).body;
    expect((await call(s.base, 'POST', `/v1/sessions/${a.id}/answers`, { version: 0, node: 'who-fails', choice: 2 })).status).toBe(200);
    const stuck = call(s.base, 'POST', `/v1/sessions/${a.id}/answers`, { version: 1, node: 'counters', command: 'netstat -s', output: `TcpExt:\n    ${HANG}\n` });
    const r = await stuck;
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe('unavailable');
    expect(r.body.error.message).toMatch(/^the engine spent more than 500 ms on this request and was restarted/);
    expect(errors).toEqual(['engine worker stopped (a request ran over the 500 ms deadline); starting another']);
    expect(s.logs.join('\n')).toMatch(/"code":"unavailable","statusCode":503.*"msg":"the engine spent more than 500 ms/);
    // Nothing was written: the session is still at version 1 and takes a normal answer.
    expect((await call(s.base, 'GET', `/v1/sessions/${a.id}`)).body.version).toBe(1);
    const ok = await call(s.base, 'POST', `/v1/sessions/${a.id}/answers`, { version: 1, node: 'counters', skip: true });
    expect(ok.status).toBe(200);
    expect(ok.body.version).toBe(2);
    const other = await call(s.base, 'POST', `/v1/sessions/${b.id}/answers`, { version: 0, node: 'who-fails', choice: 1 });
    expect(other.status).toBe(200);
  });
});
