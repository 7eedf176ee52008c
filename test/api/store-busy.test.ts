/**
 * Several server processes may share one SQLite file. When another one holds the write lock past
 * the busy timeout, an answer gets 503 with Retry-After (nothing was written), not a 500.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/api/sqlite-store.js';
import { call, startServer, type Server } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'runbook-busy-'));
const servers: Server[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a session store another process holds locked', () => {
  it('answers 503 unavailable with Retry-After, writes nothing, and takes the answer once the lock is free', async () => {
    const file = join(dir, 'runbook.db');
    const s = await startServer({ store: new SqliteStore(file, { groupCommit: true, busyTimeoutMs: 50 }), engineThreads: 0 });
    servers.push(s);
    const created = await call(s.base, 'POST', '/v1/sessions', { runbook: 'syn-no-response' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const other = new SqliteStore(file);
    other.db.prepare('BEGIN IMMEDIATE').run();
    const busy = await fetch(`${s.base}/v1/sessions/${id}/answers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ version: 0, node: 'who-fails', choice: 1 }) });
    other.db.prepare('ROLLBACK').run();
    await other.close();
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('1');
    expect(((await busy.json()) as { error: { code: string } }).error.code).toBe('unavailable');
    expect((await call(s.base, 'GET', `/v1/sessions/${id}`)).body.version).toBe(0);
    const ok = await call(s.base, 'POST', `/v1/sessions/${id}/answers`, { version: 0, node: 'who-fails', choice: 1 });
    expect(ok.status).toBe(200);
    expect(ok.body.version).toBe(1);
  });
});
