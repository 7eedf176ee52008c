/**
 * The API's engine host and where it runs: pending states cached only when
 * their write landed, worker threads that restart after a crash, and the
 * SQLite store's background checkpointer.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { answerInput, EngineHost, type EngineReply, type EngineRequest } from '../src/api/engine-host.js';
import { EngineUnavailable, WorkerEngine } from '../src/api/engine-pool.js';
import { SqliteStore } from '../src/api/sqlite-store.js';
import { workerExecArgv } from '../src/api/worker-script.js';
import type { SessionEvent, SessionMeta } from '../src/api/store.js';
import type { SessionInput } from '../src/core/engine/session.js';
import { engineData } from '../src/core/project.js';
import { loadProject } from '../src/node/project.js';

const data = engineData(loadProject());
const RUNBOOK = 'syn-no-response';
const ROOT = join(import.meta.dirname, '..');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function meta(version: number, id = 's1'): SessionMeta {
  return {
    id,
    runbook: RUNBOOK,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    version,
    progress: { runbook: RUNBOOK, node: '', finished: false, conclusion: [], steps: version },
  };
}

function json(r: EngineReply): { version: number; current: { node: string }; transcript: { answer?: string }[] } {
  if (!('json' in r)) throw new Error(`not a view: ${JSON.stringify(r)}`);
  // From a worker thread the view arrives as UTF-8 bytes.
  return JSON.parse(typeof r.json === 'string' ? r.json : new TextDecoder().decode(r.json));
}

const at = '2026-01-01T00:01:00.000Z';
const answer = (token: number, choice: number, inputs?: SessionInput[], node = 'who-fails'): EngineRequest => ({
  op: 'answer',
  token,
  input: answerInput({ version: 0, node, choice }, at),
  meta: meta(0),
  ...(inputs ? { inputs } : {}),
});

describe('engine host', () => {
  it('bounds its cache by what the sessions hold as well as by their number: oldest out, and a session bigger than the bound not at all', () => {
    const paste = 'x'.repeat(120_000);
    const check: SessionInput[] = [
      { kind: 'choice', node: 'who-fails', choice: 2, at },
      { kind: 'output', node: 'counters', output: paste, at },
    ];
    const viewOf = (id: string, inputs?: SessionInput[]): EngineRequest => ({ op: 'view', meta: { ...meta(2, id) }, ...(inputs ? { inputs } : {}) });
    // Room for two such sessions (120,000 characters of paste, counted as 240,000 bytes, plus a view
    // of a few KB each), not three.
    const host = new EngineHost(data, 100, 600_000);
    for (const id of ['a', 'b', 'c']) expect(json(host.handle(viewOf(id, check))).version).toBe(2);
    expect(host.handle(viewOf('a'))).toEqual({ ok: false, miss: true });
    expect(json(host.handle(viewOf('b'))).version).toBe(2);
    expect(json(host.handle(viewOf('c'))).version).toBe(2);
    // Small sessions are still kept by the hundred.
    for (let i = 0; i < 100; i++) host.handle(viewOf(`small-${i}`, []));
    expect(json(host.handle(viewOf('small-0'))).version).toBe(2);
    // A session that alone holds more than the bound is answered, and not kept.
    const big: SessionInput[] = [check[0], { kind: 'output', node: 'counters', output: 'y'.repeat(400_000), at }];
    expect(json(host.handle(viewOf('big', big))).version).toBe(2);
    expect(host.handle(viewOf('big'))).toEqual({ ok: false, miss: true });
    expect(json(host.handle(viewOf('small-99'))).version).toBe(2);
  });

  it('asks for the log when it has no state for the version', () => {
    const host = new EngineHost(data);
    expect(host.handle({ op: 'view', meta: meta(0) })).toEqual({ ok: false, miss: true });
    const v = json(host.handle({ op: 'view', meta: meta(0), inputs: [] }));
    expect(v.version).toBe(0);
    // Now cached: no log needed.
    expect(json(host.handle({ op: 'view', meta: meta(0) })).version).toBe(0);
  });

  it('caches a written state only when its write landed, so a lost race never becomes the new version', () => {
    const host = new EngineHost(data);
    host.handle({ op: 'view', meta: meta(0), inputs: [] });
    // Two agents answer version 0 differently; the store takes the second one only.
    const first = host.handle(answer(1, 1));
    const second = host.handle(answer(2, 2));
    expect(json(first).version).toBe(1);
    expect(json(second).version).toBe(1);
    host.handle({ op: 'settle', token: 2, id: 's1', version: 1, ok: true });
    host.handle({ op: 'settle', token: 1, id: 's1', version: 1, ok: false });
    const now = json(host.handle({ op: 'view', meta: meta(1) }));
    expect(now.current.node).toBe(json(second).current.node);
    expect(now.transcript[0].answer).toMatch(/^Any client/);
  });

  it('a read of an older version does not push a newer cached version out', () => {
    const host = new EngineHost(data);
    host.handle({ op: 'view', meta: meta(0), inputs: [] });
    host.handle(answer(1, 2));
    host.handle({ op: 'settle', token: 1, id: 's1', version: 1, ok: true });
    // A slow reader that saw version 0 arrives now, with the version-0 log.
    expect(json(host.handle({ op: 'view', meta: meta(0), inputs: [] })).version).toBe(0);
    expect(json(host.handle({ op: 'view', meta: meta(1) })).version).toBe(1);
  });

  it('does not cache a write that was never settled, and reports engine errors as data', () => {
    const host = new EngineHost(data);
    host.handle({ op: 'view', meta: meta(0), inputs: [] });
    host.handle(answer(1, 1));
    expect(host.handle({ op: 'view', meta: meta(1) })).toEqual({ ok: false, miss: true });
    const bad = host.handle(answer(3, 1, undefined, 'no-such-node'));
    expect(bad).toMatchObject({ ok: false, error: { code: 'unknown-node', field: 'body.node' } });
    const choice = host.handle(answer(4, 99));
    expect(choice).toMatchObject({ ok: false, error: { code: 'bad-choice', field: 'body.choice' } });
  });
});

describe('engine worker threads', () => {
  it('answer like the host, and a crashed worker is replaced', async () => {
    const pool = new WorkerEngine(data, { threads: 1 });
    try {
      const v = await pool.call({ op: 'view', meta: meta(0, 'w1'), inputs: [] });
      expect(json(v).version).toBe(0);
      // A slow request in flight when the worker dies: it fails with EngineUnavailable, or had already finished.
      const big = 'Tcp:\n' + '    12 segments retransmited\n'.repeat(40_000);
      const inputs: SessionInput[] = [
        { kind: 'choice', node: 'who-fails', choice: 2, at },
        { kind: 'output', node: 'counters', output: big, command: 'netstat -s', at },
      ];
      const slow = pool.call({ op: 'view', meta: meta(2, 'w2'), inputs }).then(
        (r) => r,
        (e: unknown) => e,
      );
      await pool.crashForTest(0);
      const r = await slow;
      // The worker is stopped while it still reads a 40,000-line paste: the request fails, it does not hang.
      expect(r).toBeInstanceOf(EngineUnavailable);
      // The replacement has an empty cache: it asks for the log, then answers.
      const again = await pool.call({ op: 'view', meta: meta(0, 'w1') });
      expect(again).toEqual({ ok: false, miss: true });
      expect(json(await pool.call({ op: 'view', meta: meta(0, 'w1'), inputs: [] })).version).toBe(0);
    } finally {
      await pool.close();
    }
  });
});

describe('SQLite background checkpoints', () => {
  it('do not keep a process alive that left its store open (a start-up failure, say)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-ckpt-'));
    dirs.push(dir);
    const lib = pathToFileURL(join(ROOT, 'lib', 'api', 'sqlite-store.js')).href;
    const script = `const { SqliteStore } = await import(${JSON.stringify(lib)});
      const s = new SqliteStore(${JSON.stringify(join(dir, 'runbook.db'))}, { checkpoint: 'background', checkpointIntervalMs: 20 });
      const progress = { runbook: 'r', node: 'n', finished: false, conclusion: [], steps: 0 };
      await s.create({ id: 'a', runbook: 'r', createdAt: 't', progress });
      await s.append('a', 0, { kind: 'back', at: 't' }, progress);
      // Until the thread has reported a checkpoint (its messages used to keep the process alive).
      while (s.checkpointStatus().checkpoints === 0) await new Promise((r) => setTimeout(r, 10));`;
    const file = join(dir, 'leave-open.mjs');
    writeFileSync(file, script);
    // It exits by itself (the timeout kills it otherwise, and execFileSync throws).
    execFileSync(process.execPath, [file], { timeout: 20_000, stdio: 'pipe' });
  });

  it('start in a process run from a string (`node --input-type=module -e`), whose options a worker refuses', () => {
    expect(workerExecArgv(['--max-old-space-size=512', '--input-type=module', '-e', 'code', '--cpu-prof'])).toEqual(['--max-old-space-size=512', '--cpu-prof']);
    expect(workerExecArgv(['--input-type', 'module', '--eval=code', '-pe', '1', '--trace-gc'])).toEqual(['--trace-gc']);
    const dir = mkdtempSync(join(tmpdir(), 'runbook-ckpt-'));
    dirs.push(dir);
    const lib = pathToFileURL(join(ROOT, 'lib', 'api', 'sqlite-store.js')).href;
    const script = `const { SqliteStore } = await import(${JSON.stringify(lib)});
      const s = new SqliteStore(${JSON.stringify(join(dir, 'runbook.db'))}, { checkpoint: 'background', checkpointIntervalMs: 20 });
      await new Promise((r) => setTimeout(r, 300));
      console.log(JSON.stringify(s.checkpointStatus().running));
      await s.close();`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { timeout: 20_000, encoding: 'utf8' });
    expect(out.trim()).toBe('true');
  });

  it('checkpoint the WAL off the writer, and nothing written is lost', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-ckpt-'));
    dirs.push(dir);
    const file = join(dir, 'runbook.db');
    const store = new SqliteStore(file, { checkpoint: 'background', checkpointIntervalMs: 20 });
    expect((store.db.pragma('wal_autocheckpoint') as { wal_autocheckpoint: number }[])[0].wal_autocheckpoint).toBe(0);
    const paste = 'x'.repeat(5000);
    const prog = { runbook: RUNBOOK, node: 'counters', finished: false, conclusion: [], steps: 1 };
    for (let i = 0; i < 300; i++) {
      await store.create({ id: `s${i}`, runbook: RUNBOOK, createdAt: at, progress: prog });
      await store.append(`s${i}`, 0, { kind: 'output', node: 'counters', output: `${paste}${i}`, at }, prog);
    }
    for (let i = 0; i < 100 && store.checkpointStatus().checkpoints === 0; i++) await new Promise((r) => setTimeout(r, 20));
    const status = store.checkpointStatus();
    expect(status.running).toBe(true);
    expect(status.checkpoints).toBeGreaterThan(0);
    expect(status.last!.checkpointed).toBeGreaterThan(0);
    // The pages reached the database file itself.
    expect(statSync(file).size).toBeGreaterThan(300 * 5000);
    await store.close();
    const again = new SqliteStore(file);
    expect((await again.get('s299'))!.events[0]).toMatchObject({ kind: 'output', output: `${paste}299` });
    expect((await again.list(undefined, 1000)).length).toBe(300);
    await again.close();
  });

  it('sync the database file through one descriptor per file, closed only when the last store on it has closed', async () => {
    if (!existsSync('/proc/self/fd')) return; // Linux: the open descriptors are listed there.
    const dir = mkdtempSync(join(tmpdir(), 'runbook-ckpt-'));
    dirs.push(dir);
    const file = join(dir, 'runbook.db');
    const open = () =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`) === file;
        } catch {
          return false;
        }
      }).length;
    const plain = new SqliteStore(file);
    const perConnection = open();
    const store = new SqliteStore(file, { checkpoint: 'background', checkpointIntervalMs: 10 });
    const prog = { runbook: RUNBOOK, node: 'counters', finished: false, conclusion: [], steps: 1 };
    await store.create({ id: 's', runbook: RUNBOOK, createdAt: at, progress: prog });
    await store.append('s', 0, { kind: 'output', node: 'counters', output: 'x'.repeat(20_000), at }, prog);
    for (let i = 0; i < 500 && !store.checkpointStatus().last?.synced; i++) await new Promise((r) => setTimeout(r, 10));
    // The thread synced the file after checkpointing: three connections' descriptors and the one lent to it.
    expect(store.checkpointStatus().last?.synced).toBeGreaterThan(0);
    expect(open()).toBe(3 * perConnection + 1);
    // The process's POSIX locks on the file (SQLite's own, on behalf of its connections).
    const ino = statSync(file).ino;
    const locks = () => readFileSync('/proc/locks', 'utf8').split('\n').filter((l) => l.includes(' POSIX ') && l.includes(` ${process.pid} `) && l.includes(`:${ino} `)).length;
    const held = locks();
    expect(held).toBeGreaterThan(0);
    // Closing twice at once is one close; the plain store still has the file open, so its locks stay
    // (closing the lent descriptor now would drop them).
    await Promise.all([store.close(), store.close()]);
    expect(locks()).toBeGreaterThan(0);
    expect((await plain.get('s'))!.version).toBe(1);
    await plain.close();
    expect(open()).toBe(0);
  });

  it('rewind the WAL under steady writes, so it does not grow without end', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-ckpt-'));
    dirs.push(dir);
    const file = join(dir, 'runbook.db');
    // Small limits: the file is cut back to 256 KB, and more than 64 frames (256 KB) asks for a rewind.
    const store = new SqliteStore(file, { checkpoint: 'background', checkpointIntervalMs: 10, checkpointRestartFrames: 64, groupCommit: true });
    store.db.pragma('journal_size_limit = 262144');
    const paste = 'x'.repeat(5000);
    const prog = { runbook: RUNBOOK, node: 'counters', finished: false, conclusion: [], steps: 1 };
    for (let i = 0; i < 50; i++) await store.create({ id: `s${i}`, runbook: RUNBOOK, createdAt: at, progress: prog });
    // A write every millisecond or so, from several writers: a commit always arrives while a
    // checkpoint runs, so the WAL never starts over by itself.
    const version = new Map<string, number>();
    let biggest = 0;
    const until = Date.now() + 1500;
    for (let n = 0; Date.now() < until; n++) {
      await new Promise((r) => setTimeout(r, 1));
      const id = `s${n % 50}`;
      const v = version.get(id) ?? 0;
      const w = await store.append(id, v, { kind: 'output', node: 'counters', output: `${paste}${n}`, at }, prog);
      expect(w.ok).toBe(true);
      version.set(id, v + 1);
      if (n % 50 === 0) biggest = Math.max(biggest, statSync(`${file}-wal`).size);
    }
    const status = store.checkpointStatus();
    expect(status.restarts).toBeGreaterThan(0);
    // Without the rewind this run writes tens of MB of WAL; with it the file stays near its limit.
    expect(biggest).toBeLessThan(8 * 1024 * 1024);
    await store.close();
  });
});

describe('sessions over an engine that fails', () => {
  it('answer 503 unavailable when the engine worker died under the request', async () => {
    const { SessionService } = await import('../src/api/sessions.js');
    const { MemoryStore } = await import('../src/api/store.js');
    const dead = {
      threads: 1,
      status: () => ({ threads: 1, up: 0, inFlight: 0, restarts: 1 }),
      call: async () => {
        throw new EngineUnavailable('the engine restarted while answering; retry the request');
      },
      settle: () => {},
      close: async () => {},
    };
    const svc = new SessionService(new MemoryStore(), loadProject(), dead);
    await expect(svc.create({ runbook: RUNBOOK })).rejects.toMatchObject({ code: 'unavailable', statusCode: 503 });
  });
});

describe('SQLite group commit', () => {
  const prog = { runbook: RUNBOOK, node: 'who-fails', finished: false, conclusion: [], steps: 1 };
  const ev = (i: number): SessionInput => ({ kind: 'choice', node: 'who-fails', choice: 1 + (i % 3), at });
  const open = () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-group-'));
    dirs.push(dir);
    return { file: join(dir, 'runbook.db'), store: new SqliteStore(join(dir, 'runbook.db'), { groupCommit: true }) };
  };

  it('commits the writes of one turn together, each checked against its own version in arrival order', async () => {
    const { store } = open();
    for (const id of ['a', 'b']) await store.create({ id, runbook: RUNBOOK, createdAt: at, progress: prog });
    // One turn: a chain of versions on `a`, a stale duplicate, a write to `b`, and an unknown session.
    const results = await Promise.all([
      store.append('a', 0, ev(0), prog),
      store.append('a', 1, ev(1), prog),
      store.append('a', 1, ev(2), prog),
      store.append('b', 0, ev(3), prog),
      store.append('nope', 0, ev(4), prog),
      store.append('a', 2, ev(5), prog),
    ]);
    expect(results).toEqual([
      { ok: true, version: 1 },
      { ok: true, version: 2 },
      { ok: false, reason: 'conflict', version: 2 },
      { ok: true, version: 1 },
      { ok: false, reason: 'not-found' },
      { ok: true, version: 3 },
    ]);
    expect(store.rawEvents('a').map((r) => [r.seq, (r.event as { choice: number }).choice])).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
    await store.close();
  });

  it('a write that fails is rolled back alone; the others in its batch land', async () => {
    const { store } = open();
    await store.create({ id: 'a', runbook: RUNBOOK, createdAt: at, progress: prog });
    await store.create({ id: 'b', runbook: RUNBOOK, createdAt: at, progress: prog });
    const bad = { ...ev(0), choice: 10n } as unknown as SessionInput; // JSON.stringify throws on a BigInt
    const [x, y] = await Promise.allSettled([store.append('a', 0, bad, prog), store.append('b', 0, ev(1), prog)]);
    expect(x.status).toBe('rejected');
    expect(y).toEqual({ status: 'fulfilled', value: { ok: true, version: 1 } });
    expect((await store.getMeta('a'))!.version).toBe(0);
    expect(store.rawEvents('a')).toEqual([]);
    await store.close();
  });

  it('when another process holds the write lock, the batch fails at once as a whole, nothing written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-group-'));
    dirs.push(dir);
    const file = join(dir, 'runbook.db');
    const store = new SqliteStore(file, { groupCommit: true, busyTimeoutMs: 50 });
    for (const id of ['a', 'b', 'c']) await store.create({ id, runbook: RUNBOOK, createdAt: at, progress: prog });
    const other = new SqliteStore(file);
    other.db.prepare('BEGIN IMMEDIATE').run();
    const settled = await Promise.allSettled(['a', 'b', 'c'].map((id, i) => store.append(id, 0, ev(i), prog)));
    other.db.prepare('ROLLBACK').run();
    const reasons = settled.map((r) => (r.status === 'rejected' ? (r.reason as { code?: string }) : undefined));
    for (const r of reasons) expect(r?.code).toBe('SQLITE_BUSY');
    // One attempt for the batch, not one more wait per write: they share its error.
    expect(new Set(reasons).size).toBe(1);
    for (const id of ['a', 'b', 'c']) expect((await store.getMeta(id))!.version).toBe(0);
    // Once the lock is free, writes land again.
    expect(await store.append('a', 0, ev(0), prog)).toEqual({ ok: true, version: 1 });
    await other.close();
    await store.close();
  });

  it('close() commits what is still queued', async () => {
    const { file, store } = open();
    await store.create({ id: 'a', runbook: RUNBOOK, createdAt: at, progress: prog });
    const pending = store.append('a', 0, ev(0), prog);
    await store.close();
    expect(await pending).toEqual({ ok: true, version: 1 });
    const again = new SqliteStore(file);
    expect((await again.getMeta('a'))!.version).toBe(1);
    await again.close();
  });
});

describe('sessions when the engine misses or fails', () => {
  it('a read follows a session that moved while the engine had nothing cached; a write gets 409', async () => {
    const { SessionService } = await import('../src/api/sessions.js');
    const { MemoryStore } = await import('../src/api/store.js');
    const { inlineEngine } = await import('../src/api/engine-pool.js');
    // Another writer lands between reading the session row and reading its log.
    class Racy extends MemoryStore {
      race: SessionEvent | undefined;
      override async get(id: string) {
        if (this.race) {
          const m = (await this.getMeta(id))!;
          await this.append(id, m.version, this.race, m.progress);
          this.race = undefined;
        }
        return super.get(id);
      }
    }
    const store = new Racy();
    // No cache: the engine misses every time the log is not sent.
    const svc = new SessionService(store, loadProject(), inlineEngine(data, 0));
    const { id } = await svc.create({ runbook: RUNBOOK });
    store.race = { kind: 'choice', node: 'who-fails', choice: 2, at };
    const view = JSON.parse((await svc.get(id)).text());
    expect(view.version).toBe(1);
    expect(view.transcript[0].answer).toMatch(/^Any client/);
    // The same race under an answer at version 1 (someone went back first): it lost, so 409 with the state that won.
    store.race = { kind: 'back', at };
    const lost = await svc.answer(id, { version: 1, node: 'counters', skip: true } as never).catch((e: unknown) => e);
    expect(lost).toMatchObject({ code: 'version-conflict', statusCode: 409 });
    expect((lost as { extra: { body: { session: { version: number; steps: number } } } }).extra.body.session).toMatchObject({ version: 2, steps: 0 });
  });

  it('an unexpected engine failure is a plain error (logged, answered as a generic 500), not details for the client', async () => {
    const { SessionService } = await import('../src/api/sessions.js');
    const { MemoryStore } = await import('../src/api/store.js');
    const broken = {
      threads: 0,
      status: () => ({ threads: 0, up: 0, inFlight: 0, restarts: 0 }),
      call: async (): Promise<EngineReply> => ({ ok: false, error: { code: 'internal', message: 'the engine failed', detail: 'TypeError: x is undefined\n    at y' } }),
      settle: () => {},
      close: async () => {},
    };
    const svc = new SessionService(new MemoryStore(), loadProject(), broken);
    const err = await svc.create({ runbook: RUNBOOK }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toHaveProperty('code');
    expect((err as Error).message).toContain('TypeError: x is undefined');
  });
});
