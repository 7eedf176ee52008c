/**
 * One session's log is bounded (events and bytes): a client that keeps answering and going back
 * cannot grow a session without end. Both stores refuse the append that would pass a bound, after
 * the version check; the API answers 409 `session-full` with the current state; SQLite files of
 * the first schema are upgraded in place, with each session's bytes counted as the writes count.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SESSION_MAX_BYTES, DEFAULT_SESSION_MAX_EVENTS } from '../../src/api/defaults.js';
import { SCHEMA_VERSION, SqliteStore, type SqliteDatabase } from '../../src/api/sqlite-store.js';
import { DEFAULT_SESSION_LIMITS, MemoryStore, storedEvent, type SessionEvent, type SessionLimits, type SessionProgress, type SessionStore } from '../../src/api/store.js';
import { run as serve } from '../../src/cli/commands/serve.js';
import { call, NETSTAT_S, startServer, type Server } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'runbook-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PROGRESS: SessionProgress = { runbook: 'syn-no-response', node: 'who-fails', finished: false, conclusion: [], steps: 0 };
const choice = (at: string): SessionEvent => ({ kind: 'choice', node: 'who-fails', choice: 1, at });
const back = (at: string): SessionEvent => ({ kind: 'back', at });

let files = 0;
const stores: [string, (limits: Partial<SessionLimits>) => SessionStore][] = [
  ['memory', (limits) => new MemoryStore(limits)],
  ['sqlite', (limits) => new SqliteStore(join(dir, `s${++files}.db`), { limits })],
  ['sqlite, group commit', (limits) => new SqliteStore(join(dir, `s${++files}.db`), { limits, groupCommit: true })],
];

describe.each(stores)('the %s store', (_name, open) => {
  let store: SessionStore | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });
  const start = async (s: SessionStore, id = 's1') =>
    s.create({ id, runbook: 'syn-no-response', createdAt: '2026-01-01T00:00:00.000Z', progress: PROGRESS });

  it('takes events up to the bound, then refuses every further one (going back included)', async () => {
    store = open({ maxEvents: 4 });
    await start(store);
    for (let v = 0; v < 4; v++) expect(await store.append('s1', v, v % 2 ? back(`t${v}`) : choice(`t${v}`), PROGRESS)).toEqual({ ok: true, version: v + 1 });
    expect(await store.append('s1', 4, back('t4'), PROGRESS)).toEqual({ ok: false, reason: 'full', version: 4, limit: 'events', max: 4, used: 4 });
    expect(await store.append('s1', 4, choice('t5'), PROGRESS)).toMatchObject({ ok: false, reason: 'full', limit: 'events' });
    // Nothing was written by the refusals; a stale writer still hears of the conflict first.
    expect((await store.get('s1'))!.events).toHaveLength(4);
    expect(await store.append('s1', 2, choice('t6'), PROGRESS)).toEqual({ ok: false, reason: 'conflict', version: 4 });
    expect(await store.append('nope', 0, choice('t7'), PROGRESS)).toEqual({ ok: false, reason: 'not-found' });
  });

  it('counts the bytes of the events as stored (UTF-8) and refuses the one that would pass the bound', async () => {
    const paste = (text: string): SessionEvent => ({ kind: 'output', node: 'counters', output: text, command: 'netstat -s', at: '2026-01-01T00:00:01.000Z' });
    const small = paste('套接字 '.repeat(10));
    const sizes = storedEvent(small);
    expect(sizes.bytes).toBeGreaterThan(sizes.json.length); // multi-byte characters count as their bytes
    store = open({ maxBytes: sizes.bytes * 2 + 30 });
    await start(store);
    await start(store, 's2');
    expect(await store.append('s1', 0, small, PROGRESS)).toMatchObject({ ok: true });
    expect(await store.append('s1', 1, small, PROGRESS)).toMatchObject({ ok: true });
    const big = paste('x'.repeat(11));
    expect(await store.append('s1', 2, big, PROGRESS)).toEqual({ ok: false, reason: 'full', version: 2, limit: 'bytes', max: sizes.bytes * 2 + 30, used: sizes.bytes * 2 });
    // A smaller event still fits; each session has its own count.
    expect(await store.append('s1', 2, { kind: 'back', at: 'x' }, PROGRESS)).toMatchObject({ ok: true, version: 3 });
    expect(await store.append('s2', 0, big, PROGRESS)).toMatchObject({ ok: true });
    // An event larger than the whole bound never lands, even in an empty log.
    await start(store, 's3');
    expect(await store.append('s3', 0, paste('y'.repeat(sizes.bytes * 3)), PROGRESS)).toMatchObject({ ok: false, reason: 'full', limit: 'bytes', used: 0 });
  });

  it('lets exactly one of many writers at the last free place land, and refuses the rest', async () => {
    store = open({ maxEvents: 2 });
    await start(store);
    await store.append('s1', 0, choice('t0'), PROGRESS);
    const s = store;
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => s.append('s1', 1, i % 2 ? back(`b${i}`) : choice(`c${i}`), PROGRESS)));
    expect(results.filter((r) => r.ok)).toEqual([{ ok: true, version: 2 }]);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'conflict')).toBe(true);
    expect((await s.get('s1'))!.events).toHaveLength(2);
    expect(await s.append('s1', 2, choice('late'), PROGRESS)).toMatchObject({ ok: false, reason: 'full', limit: 'events' });
  });

  it('rejects bounds that are not whole numbers of at least 1', () => {
    expect(() => open({ maxEvents: 0 })).toThrow(/maxEvents must be a whole number of at least 1, not 0/);
    expect(() => open({ maxBytes: 1.5 })).toThrow(/maxBytes must be a whole number/);
  });
});

describe('the SQLite schema', () => {
  /** The first schema (before `log_bytes`), as files written before it was added have it. */
  const V0 = `
CREATE TABLE sessions (id TEXT PRIMARY KEY, runbook TEXT NOT NULL, symptom TEXT, external_ref TEXT, created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 0, cur_runbook TEXT NOT NULL, cur_node TEXT NOT NULL,
  finished INTEGER NOT NULL DEFAULT 0, conclusion TEXT NOT NULL DEFAULT '[]', steps INTEGER NOT NULL DEFAULT 0);
CREATE INDEX sessions_external_ref ON sessions (external_ref, created_at);
CREATE TABLE session_inputs (session_id TEXT NOT NULL REFERENCES sessions (id), seq INTEGER NOT NULL, json TEXT NOT NULL,
  at TEXT NOT NULL, UNIQUE (session_id, seq));`;

  const raw = (file: string): SqliteDatabase => {
    // The store's own connection, with its schema upgrade undone: a file as the first schema left it.
    const s = new SqliteStore(file);
    const db = s.db;
    db.exec('DROP TABLE session_inputs; DROP TABLE sessions;');
    db.exec(V0);
    db.pragma('user_version = 0');
    return db;
  };

  it('upgrades a file of the first schema in place, counting each log as the writes count it', async () => {
    const file = join(dir, 'v0.db');
    const db = raw(file);
    const events: SessionEvent[] = [choice('a'), { kind: 'output', node: 'n', output: 'ß 套接字 🙂', command: 'x', at: 'b' }, back('c')];
    db.exec(`INSERT INTO sessions (id, runbook, created_at, updated_at, version, cur_runbook, cur_node) VALUES
      ('old', 'syn-no-response', 't', 't', 3, 'syn-no-response', 'who-fails'),
      ('empty', 'syn-no-response', 't', 't', 0, 'syn-no-response', 'who-fails')`);
    const insert = db.prepare('INSERT INTO session_inputs (session_id, seq, json, at) VALUES (?, ?, ?, ?)');
    events.forEach((e, i) => insert.run('old', i, JSON.stringify(e), 't'));
    db.close();

    const want = events.reduce((n, e) => n + storedEvent(e).bytes, 0);
    const store = new SqliteStore(file, { limits: { maxBytes: want + storedEvent(choice('d')).bytes } });
    try {
      expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      const rows = store.db.prepare<[], { id: string; log_bytes: number }>('SELECT id, log_bytes FROM sessions ORDER BY id').all();
      expect(rows).toEqual([
        { id: 'empty', log_bytes: 0 },
        { id: 'old', log_bytes: want },
      ]);
      // The log is intact, and the counted bytes bound the next writes.
      expect((await store.get('old'))!.events).toEqual(events);
      expect(await store.append('old', 3, choice('d'), PROGRESS)).toMatchObject({ ok: true, version: 4 });
      expect(await store.append('old', 4, back('e'), PROGRESS)).toMatchObject({ ok: false, reason: 'full', limit: 'bytes' });
    } finally {
      await store.close();
    }
    // Opening it again changes nothing.
    const again = new SqliteStore(file);
    try {
      expect(again.db.prepare<[], { n: number }>("SELECT log_bytes AS n FROM sessions WHERE id = 'old'").get()!.n).toBe(want + storedEvent(choice('d')).bytes);
    } finally {
      await again.close();
    }
  });

  it('refuses a file of a newer schema and leaves it as it was', async () => {
    const file = join(dir, 'newer.db');
    const s = new SqliteStore(file);
    s.db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    await s.close();
    expect(() => new SqliteStore(file)).toThrow(`the file has session schema version ${SCHEMA_VERSION + 1}, newer than this runbook knows (${SCHEMA_VERSION})`);
    // The header still says so (user_version: 4 bytes, big-endian, at offset 60): the failed open wrote nothing.
    expect(readFileSync(file).readUInt32BE(60)).toBe(SCHEMA_VERSION + 1);
    expect(() => new SqliteStore(file)).toThrow(/newer than this runbook knows/);
  });
});

describe('over HTTP', () => {
  let s: Server | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('answers 409 session-full with the current state once the log holds the most events', async () => {
    s = await startServer({ store: new SqliteStore(join(dir, 'http-events.db'), { groupCommit: true, limits: { maxEvents: 3 } }) });
    const c = (await call(s.base, 'POST', '/v1/sessions', { runbook: 'syn-no-response' })).body;
    const node = c.current.node;
    expect((await call(s.base, 'POST', `/v1/sessions/${c.id}/answers`, { version: 0, node, choice: 1 })).status).toBe(200);
    expect((await call(s.base, 'POST', `/v1/sessions/${c.id}/back`, { version: 1 })).status).toBe(200);
    expect((await call(s.base, 'POST', `/v1/sessions/${c.id}/answers`, { version: 2, node, choice: 1 })).status).toBe(200);
    const full = await call(s.base, 'POST', `/v1/sessions/${c.id}/back`, { version: 3 });
    expect(full.status).toBe(409);
    expect(full.body.error).toEqual({
      code: 'session-full',
      message: `session "${c.id}" is full: its log has 3 events, the most a session keeps; start a new session (POST /v1/sessions) to go on; here is the current state`,
    });
    expect(full.body.session).toMatchObject({ id: c.id, version: 3, steps: 1 });
    // The session still reads as before; a stale version is still a version conflict.
    expect((await call(s.base, 'GET', `/v1/sessions/${c.id}`)).body).toMatchObject({ version: 3, steps: 1 });
    expect((await call(s.base, 'POST', `/v1/sessions/${c.id}/back`, { version: 1 })).body.error.code).toBe('version-conflict');
  });

  it('refuses a paste that would take the log past its bytes, and tells the client to paste less', async () => {
    const limit = 4096; // below the 4.7 KB netstat -s paste plus what the session holds
    s = await startServer({ store: new SqliteStore(join(dir, 'http-bytes.db'), { groupCommit: true, limits: { maxBytes: limit } }) });
    const c = (await call(s.base, 'POST', '/v1/sessions', { runbook: 'syn-no-response' })).body;
    let v = (await call(s.base, 'POST', `/v1/sessions/${c.id}/answers`, { version: 0, node: c.current.node, choice: 1 })).body;
    // Walk to the step that asks for the counters, pasting short outputs on the way.
    const short: Record<string, { output: string; command: string }> = {
      kernel: { output: '3.10.0-1062.el7.x86_64\n', command: 'uname -r' },
      'tw-recycle': { output: 'net.ipv4.tcp_tw_recycle = 1\nnet.ipv4.tcp_timestamps = 1\n', command: 'sysctl net.ipv4.tcp_tw_recycle net.ipv4.tcp_timestamps' },
    };
    while (short[v.current.node]) {
      v = (await call(s.base, 'POST', `/v1/sessions/${c.id}/answers`, { version: v.version, node: v.current.node, ...short[v.current.node] })).body;
    }
    expect(v.current.node).toBe('counters');
    const r = await call(s.base, 'POST', `/v1/sessions/${c.id}/answers`, { version: v.version, node: v.current.node, output: NETSTAT_S, command: 'netstat -s' });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('session-full');
    expect(r.body.error.message).toMatch(/this answer would take its log past 4096 bytes \(it holds \d+ bytes\); paste only the lines the step asks for/);
    expect(r.body.session.version).toBe(v.version);
    // Only the lines the step needs fit.
    const lines = NETSTAT_S.split('\n').filter((l) => /TcpExt:|time stamp/i.test(l)).join('\n');
    const ok = await call(s.base, 'POST', `/v1/sessions/${c.id}/answers`, { version: v.version, node: v.current.node, output: lines, command: 'netstat -s' });
    expect(ok.status).toBe(200);
  });
});

describe('runbook serve settings', () => {
  it('defaults to the documented bounds', () => {
    expect(DEFAULT_SESSION_LIMITS).toEqual({ maxEvents: DEFAULT_SESSION_MAX_EVENTS, maxBytes: DEFAULT_SESSION_MAX_BYTES });
  });

  it.each([
    ['RUNBOOK_SESSION_MAX_EVENTS', '0', 'RUNBOOK_SESSION_MAX_EVENTS must be a whole number of events of at least 1, not "0"'],
    ['RUNBOOK_SESSION_MAX_EVENTS', 'many', 'RUNBOOK_SESSION_MAX_EVENTS must be a whole number of events of at least 1, not "many"'],
    ['RUNBOOK_SESSION_MAX_BYTES', '1000', 'RUNBOOK_SESSION_MAX_BYTES must be a whole number of bytes of at least 1048576, not "1000"'],
  ])('refuses %s=%s before opening anything', async (name, value, message) => {
    const saved = process.env[name];
    process.env[name] = value;
    try {
      const io = { stdout: () => {}, stderr: () => {}, readStdin: async () => '', color: false };
      await expect(serve({ db: join(dir, 'never', 'opened.db') }, io)).rejects.toThrow(message);
      expect(existsSync(join(dir, 'never'))).toBe(false);
    } finally {
      if (saved === undefined) delete process.env[name];
      else process.env[name] = saved;
    }
  });
});
