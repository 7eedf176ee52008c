/**
 * The engine worker pool when a worker misbehaves: a request stuck past its
 * deadline, workers that crash or fail to load (restarted with a growing delay,
 * and readiness says so), over the pool and over HTTP.
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
/** A worker that throws as it loads, and one that never finishes loading. */
const FAILING = new URL('../fixtures/api/failing-engine-worker.mjs', import.meta.url);
const NEVER_READY = new URL('../fixtures/api/never-ready-engine-worker.mjs', import.meta.url);
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

/** A real API server over an engine pool built here (the test keeps a handle on the pool). */
async function serveWith(opts: ConstructorParameters<typeof WorkerEngine>[1]): Promise<{ engine: WorkerEngine; s: Server }> {
  const engine = new WorkerEngine(data, opts);
  const s = await startServer({ engine });
  servers.push(s);
  return { engine, s };
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

/** Wait until a condition holds (polling), or fail after `ms`. */
async function until(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
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

describe('a session whose requests keep running over the deadline', () => {
  it('is refused for one deadline after its second in a row, then twice as long each time, up to maxDelayMs; other sessions are not held up', async () => {
    const errors: string[] = [];
    const p = pool({ threads: 1, timeoutMs: 200, script: HANGING, restart: { maxDelayMs: 800, healthyMs: 10_000 }, onError: (m) => errors.push(m) });
    expect(version(await p.call(view('other')))).toBe(0);
    const refusals: number[] = [];
    for (let i = 0; i < 5; i++) {
      const e = (await p.call(hanging('poison')).catch((err: unknown) => err)) as EngineUnavailable;
      expect(e, `deadline ${i + 1}`).toBeInstanceOf(EngineUnavailable);
      expect(e.message).toMatch(/^the engine spent more than 200 ms on this request and was restarted; /);
      refusals.push(e.retryAfterMs ?? -1);
      if (i === 0) continue;
      expect(e.message).toContain(`this session's requests did so ${i + 1} times in a row, so it is refused for ${e.retryAfterMs} ms;`);
      // Refused at once, without reaching a worker: no restart, no wait.
      const restarts = p.status().restarts;
      const t0 = performance.now();
      const r = (await p.call(view('poison')).catch((err: unknown) => err)) as EngineUnavailable;
      expect(performance.now() - t0).toBeLessThan(50);
      expect(r).toBeInstanceOf(EngineUnavailable);
      expect(r.message).toMatch(new RegExp(`^this session's requests ran over the 200 ms deadline ${i + 1} times in a row; it is refused for \\d+ ms so that it does not hold up other sessions$`));
      expect(r.retryAfterMs).toBeGreaterThan(0);
      expect(r.retryAfterMs).toBeLessThanOrEqual(e.retryAfterMs ?? 0);
      // Another session on the same (only) worker is answered meanwhile.
      expect(version(await p.call(view('other')))).toBe(0);
      expect(p.status().restarts).toBe(restarts);
      await until('the refusal to end', () => performance.now() - t0 >= (e.retryAfterMs ?? 0) + 5);
    }
    expect(refusals).toEqual([0, 200, 400, 800, 800]);
    // The worker itself was replaced at once each time.
    expect(errors).toEqual(Array(5).fill('engine worker stopped (a request ran over the 200 ms deadline); starting another'));
    expect(p.status()).toMatchObject({ up: 1, restarts: 5 });
    // Once the refusal is over, the session is served again.
    expect(version(await p.call(view('poison')))).toBe(0);
  });

  it('is forgotten once healthyMs have passed since its last deadline', async () => {
    const p = pool({ threads: 1, timeoutMs: 150, script: HANGING, restart: { healthyMs: 400 } });
    const first = (await p.call(hanging('s')).catch((err: unknown) => err)) as EngineUnavailable;
    expect(first.retryAfterMs).toBe(0);
    await new Promise((r) => setTimeout(r, 450));
    const again = (await p.call(hanging('s')).catch((err: unknown) => err)) as EngineUnavailable;
    expect(again).toBeInstanceOf(EngineUnavailable);
    expect(again.retryAfterMs).toBe(0);
    expect(again.message).not.toContain('times in a row');
  });
});

describe('deadlines and a busy event loop or a session that keeps hanging', () => {
  it('a reply held up by a blocked event loop is not taken for a stuck worker', async () => {
    const errors: string[] = [];
    const p = pool({ threads: 1, timeoutMs: 300, onError: (m) => errors.push(m) });
    expect(version(await p.call(view('warm')))).toBe(0);
    const answered = settled(p.call(view('innocent')));
    // Something else holds the event loop for longer than the deadline (a write waiting on a lock).
    setImmediate(() => {
      const end = performance.now() + 1000;
      while (performance.now() < end);
    });
    const r = await answered;
    expect('value' in r && version(r.value)).toBe(0);
    expect(errors).toEqual([]);
    expect(p.status().restarts).toBe(0);
  });

  it('once a session is refused, its requests still queued are refused too, not each a deadline and a restart', async () => {
    const p = pool({ threads: 1, timeoutMs: 300, script: HANGING });
    expect(version(await p.call(view('warm')))).toBe(0);
    const bad = Array.from({ length: 5 }, () => settled(p.call(hanging('bad'))));
    const other = settled(p.call(view('other')));
    const done = await Promise.all(bad);
    for (const b of done) expect('error' in b && b.error).toBeInstanceOf(EngineUnavailable);
    const o = await other;
    expect('value' in o && version(o.value)).toBe(0);
    // Two deadlines (the second refuses the session and its queued requests), not five.
    expect(p.status().restarts).toBe(2);
    expect(done.filter((b) => 'error' in b && /is refused for/.test((b.error as Error).message)).length).toBe(4);
  });
});

describe('over HTTP, a request past its deadline', () => {
  it('gets 503 unavailable saying so; the session is unchanged and other sessions keep working', async () => {
    const errors: string[] = [];
    const { engine, s } = await serveWith({ threads: 2, timeoutMs: 500, script: HANGING, onError: (m) => errors.push(m) });
    const a = (await call(s.base, 'POST', '/v1/sessions', { runbook: RUNBOOK })).body;
    const b = (await call(s.base, 'POST', '/v1/sessions', { runbook: RUNBOOK })).body;
    expect((await call(s.base, 'POST', `/v1/sessions/${a.id}/answers`, { version: 0, node: 'who-fails', choice: 2 })).status).toBe(200);
    const stuck = call(s.base, 'POST', `/v1/sessions/${a.id}/answers`, { version: 1, node: 'counters', command: 'netstat -s', output: `TcpExt:\n    ${HANG}\n` });
    const r = await stuck;
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe('unavailable');
    expect(r.body.error.message).toMatch(/^the engine spent more than 500 ms on this request and was restarted/);
    // The replacement started at once: a retry can be sent once it has loaded.
    expect(r.headers.get('retry-after')).toBe('1');
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

  it('the second in a row refuses the session for a deadline, with Retry-After; other sessions are served', async () => {
    const { engine, s } = await serveWith({ threads: 1, timeoutMs: 1500, script: HANGING });
    const a = (await call(s.base, 'POST', '/v1/sessions', { runbook: RUNBOOK })).body;
    const b = (await call(s.base, 'POST', '/v1/sessions', { runbook: RUNBOOK })).body;
    expect((await call(s.base, 'POST', `/v1/sessions/${a.id}/answers`, { version: 0, node: 'who-fails', choice: 2 })).status).toBe(200);
    const poison = { version: 1, node: 'counters', command: 'netstat -s', output: `TcpExt:\n    ${HANG}\n` };
    expect((await call(s.base, 'POST', `/v1/sessions/${a.id}/answers`, poison)).headers.get('retry-after')).toBe('1');
    const second = await call(s.base, 'POST', `/v1/sessions/${a.id}/answers`, poison);
    expect(second.status).toBe(503);
    expect(second.body.error.message).toMatch(/did so 2 times in a row, so it is refused for 1\.5 s;/);
    expect(second.headers.get('retry-after')).toBe('2');
    const read = await call(s.base, 'GET', `/v1/sessions/${a.id}`);
    expect(read.status).toBe(503);
    expect(read.body.error.message).toMatch(/^this session's requests ran over the 1\.5 s deadline 2 times in a row; it is refused for/);
    expect(['1', '2']).toContain(read.headers.get('retry-after'));
    expect((await call(s.base, 'POST', `/v1/sessions/${b.id}/answers`, { version: 0, node: 'who-fails', choice: 1 })).status).toBe(200);
    expect(engine.status().restarts).toBe(2);
  });
});

describe('over HTTP, a worker that dies mid-request', () => {
  it('answers that request 503 unavailable, and the retry succeeds on a replacement worker', async () => {
    const errors: string[] = [];
    const { engine, s } = await serveWith({ threads: 1, onError: (m) => errors.push(m) });
    const c = (await call(s.base, 'POST', '/v1/sessions', { runbook: RUNBOOK })).body;
    expect((await call(s.base, 'POST', `/v1/sessions/${c.id}/answers`, { version: 0, node: 'who-fails', choice: 2 })).status).toBe(200);
    expect(engine.status()).toMatchObject({ up: 1, restarts: 0 });

    // The worker is killed as soon as the answer reaches it: it has a 960 KB paste no worker has read yet to get through.
    const rows = Array.from({ length: 24_000 }, (_, i) => `ESTAB 0 0 10.1.${(i >> 8) & 255}.${i & 255}:443 10.2.0.9:${1024 + i}`);
    const output = `State Recv-Q Send-Q Local Address:Port Peer Address:Port\n${rows.join('\n')}\n`;
    const answer = { version: 1, node: 'counters', command: 'ss -tan', output };
    const call0 = engine.call.bind(engine);
    let killed = 0;
    engine.call = (req) => {
      const reply = call0(req);
      if (req.op === 'answer' && killed++ === 0) {
        expect(engine.status().inFlight).toBe(1);
        void engine.crashForTest(0);
      }
      return reply;
    };
    const r = await call(s.base, 'POST', `/v1/sessions/${c.id}/answers`, answer);
    expect(killed).toBe(1);
    expect(r.status).toBe(503);
    expect(r.body).toEqual({ error: { code: 'unavailable', message: 'the engine restarted while answering; retry the request' } });
    expect(r.headers.get('retry-after')).toBe('1');
    expect(errors).toEqual(['engine worker stopped (exit code 1); starting another']);
    // Nothing was written, and the same answer, retried, lands on the worker that replaced it.
    expect((await call(s.base, 'GET', `/v1/sessions/${c.id}`)).body.version).toBe(1);
    const retry = await call(s.base, 'POST', `/v1/sessions/${c.id}/answers`, answer);
    expect(retry.status, retry.text.slice(0, 300)).toBe(200);
    expect(retry.body).toMatchObject({ id: c.id, version: 2 });
    expect(retry.body.transcript.at(-1)).toMatchObject({ node: 'counters', readings: [{ command: 'ss -tan', parser: 'ss-tan' }] });
    expect(engine.status()).toMatchObject({ up: 1, inFlight: 0, restarts: 1 });
  });
});

describe('an engine built outside the app', () => {
  it('has its worker failures written to the app log, and still told to its own onError', async () => {
    const own: string[] = [];
    const { engine, s } = await serveWith({ threads: 1, onError: (m) => own.push(m) });
    expect((await call(s.base, 'POST', '/v1/sessions', { runbook: RUNBOOK })).status).toBe(201);
    await engine.crashForTest(0);
    await until('the failure in the app log', () => s.logs.some((l) => l.includes('engine worker stopped')));
    const logged = s.logs.filter((l) => l.includes('engine worker stopped')).map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(logged).toEqual([expect.objectContaining({ level: 50, msg: 'engine worker stopped (exit code 1); starting another' })]);
    expect(own).toEqual(['engine worker stopped (exit code 1); starting another']);
  });
});

describe('workers that fail', () => {
  it('a worker that fails as it loads is started again at once, then after a growing, bounded delay', async () => {
    const events: { message: string; at: number }[] = [];
    const p = pool({ threads: 1, script: FAILING, restart: { firstDelayMs: 100, maxDelayMs: 400 }, onError: (message) => events.push({ message, at: performance.now() }) });
    await until('six failed starts', () => events.length >= 6);
    const delays = events.slice(0, 6).map((e) => {
      expect(e.message).toMatch(/^engine worker stopped \(this engine worker fails as it loads\); starting another( in \d+ ms)?$/);
      return Number(/ in (\d+) ms$/.exec(e.message)?.[1] ?? 0);
    });
    expect(delays).toEqual([0, 100, 200, 400, 400, 400]);
    // Each start waited at least as long as announced.
    for (let i = 1; i < 6; i++) expect(events[i].at - events[i - 1].at, `start ${i}`).toBeGreaterThanOrEqual(delays[i - 1] - 2);
    expect(p.status()).toMatchObject({ threads: 1, up: 0, inFlight: 0 });
    await expect(p.call(view('any'))).rejects.toBeInstanceOf(EngineUnavailable);
  });

  it('a worker that does not load in time counts as failed', async () => {
    const events: string[] = [];
    const p = pool({ threads: 1, script: NEVER_READY, restart: { startTimeoutMs: 200, firstDelayMs: 100 }, onError: (m) => events.push(m) });
    const waiting = p.call(view('waits'));
    await expect(waiting).rejects.toThrow('the engine restarted while answering; retry the request');
    await until('two failed starts', () => events.length >= 2);
    expect(events.slice(0, 2)).toEqual([
      'engine worker stopped (it did not load within 200 ms); starting another',
      'engine worker stopped (it did not load within 200 ms); starting another in 100 ms',
    ]);
  });

  it('failures are forgotten once a worker has stayed up for a while', async () => {
    const events: string[] = [];
    const p = pool({ threads: 1, restart: { firstDelayMs: 200, healthyMs: 500 }, onError: (m) => events.push(m) });
    expect(version(await p.call(view('a')))).toBe(0);
    await p.crashForTest(0);
    await until('the first crash', () => events.length === 1);
    expect(version(await p.call(view('a')))).toBe(0);
    // The replacement dies soon after it started: the next start waits.
    await p.crashForTest(0);
    await until('the second crash', () => events.length === 2);
    await until('a worker up again', () => p.status().up === 1);
    await new Promise((r) => setTimeout(r, 600));
    // This one stayed up longer than 500 ms: its crash is a first failure again.
    await p.crashForTest(0);
    await until('the third crash', () => events.length === 3);
    expect(events).toEqual([
      'engine worker stopped (exit code 1); starting another',
      'engine worker stopped (exit code 1); starting another in 200 ms',
      'engine worker stopped (exit code 1); starting another',
    ]);
    expect(version(await p.call(view('a')))).toBe(0);
    expect(p.status()).toMatchObject({ up: 1, restarts: 3 });
  });

  it('over HTTP, a request for a worker waiting to restart gets 503 with Retry-After in whole seconds, rounded up', async () => {
    const events: string[] = [];
    const { engine, s } = await serveWith({ threads: 1, script: FAILING, restart: { firstDelayMs: 2500, maxDelayMs: 2500 }, onError: (m) => events.push(m) });
    await until('the second failed start', () => events.length >= 2);
    expect(events[1]).toMatch(/starting another in 2.5 s$/);
    const r = await call(s.base, 'POST', '/v1/sessions', { runbook: RUNBOOK });
    expect(r.status).toBe(503);
    expect(r.body.error.message).toMatch(/^the engine failed and restarts in 2\.\d s; retry the request then$/);
    // 1.5 to 2.5 s left: 2 or 3 whole seconds.
    expect(['2', '3']).toContain(r.headers.get('retry-after'));
    // /readyz says the same wait.
    const ready = await call(s.base, 'GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(['1', '2', '3']).toContain(ready.headers.get('retry-after'));
    expect(engine.status().retryAfterMs).toBeGreaterThan(0);
    expect(engine.status().retryAfterMs).toBeLessThanOrEqual(2500);
  });

  it('a pool that is shutting down gives no retry time (retrying this server would not help)', async () => {
    const p = new WorkerEngine(data, { threads: 1 });
    expect(version(await p.call(view('a')))).toBe(0);
    await p.close();
    const e = await p.call(view('a')).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(EngineUnavailable);
    expect((e as EngineUnavailable).message).toBe('the server is shutting down');
    expect((e as EngineUnavailable).retryAfterMs).toBeUndefined();
  });

  it('/readyz is 503 while no engine worker is up, and ready once one is', async () => {
    const broken = await startServer({ engine: new WorkerEngine(data, { threads: 1, script: FAILING, restart: { firstDelayMs: 50, maxDelayMs: 200 } }) });
    servers.push(broken);
    const r = await call(broken.base, 'GET', '/readyz');
    expect(r.status).toBe(503);
    expect(r.body.error).toEqual({ code: 'unavailable', message: 'no engine worker is up (0 of 1): they are loading, or restarting after failures' });
    // When to ask again: the next restart is at most the policy's longest wait away.
    expect(r.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(Number(r.headers.get('retry-after'))).toBeLessThanOrEqual(1);
    const create = await call(broken.base, 'POST', '/v1/sessions', { runbook: RUNBOOK });
    expect(create.status).toBe(503);
    expect(create.body.error.code).toBe('unavailable');

    const sound = await startServer({ engineThreads: 2 });
    servers.push(sound);
    let ready = await call(sound.base, 'GET', '/readyz');
    for (let i = 0; i < 500 && ready.status !== 200; i++) {
      expect(ready.status).toBe(503);
      expect(ready.headers.get('retry-after')).toBe('1'); // loading: ask again soon
      await new Promise((res) => setTimeout(res, 20));
      ready = await call(sound.base, 'GET', '/readyz');
    }
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', engine: { threads: 2 } });
    expect(ready.body.engine.up).toBeGreaterThanOrEqual(1);
  });
});
