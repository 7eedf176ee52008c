/**
 * The session service against its store: how often a request reads a
 * session's log.
 */
import { describe, expect, it } from 'vitest';
import { inlineEngine } from '../../src/api/engine-pool.js';
import { SessionService } from '../../src/api/sessions.js';
import { MemoryStore, type SessionRecord } from '../../src/api/store.js';
import { engineData } from '../../src/core/project.js';
import { loadProject } from '../../src/node/project.js';

const project = loadProject();
const data = engineData(project);
const RUNBOOK = 'syn-no-response';

/** A store that counts the reads of a session's log. */
class CountingStore extends MemoryStore {
  logReads = 0;
  override async get(id: string): Promise<SessionRecord | undefined> {
    this.logReads++;
    return super.get(id);
  }
}

describe('a stale version (409)', () => {
  it('reads the session log once when the engine does not have the session', async () => {
    const store = new CountingStore();
    const first = new SessionService(store, project, inlineEngine(data));
    const { id } = await first.create({ runbook: RUNBOOK });
    await first.answer(id, { version: 0, node: 'who-fails', choice: 2 });
    // Another server (or this one after a restart) knows nothing of the session.
    const other = new SessionService(store, project, inlineEngine(data));
    store.logReads = 0;
    const err = await other.answer(id, { version: 0, node: 'who-fails', choice: 1 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'version-conflict', statusCode: 409, message: expect.stringContaining('at version 1, not 0') });
    expect((err as { extra: { body: { session: { version: number } } } }).extra.body.session.version).toBe(1);
    expect(store.logReads).toBe(1);
    store.logReads = 0;
    const back = await other.back(id, 0).catch((e: unknown) => e);
    expect(back).toMatchObject({ code: 'version-conflict', statusCode: 409 });
    expect(store.logReads, 'once the engine has it, a 409 needs no log').toBe(0);
  });

  it('reads no log when the engine has the session cached', async () => {
    const store = new CountingStore();
    const svc = new SessionService(store, project, inlineEngine(data));
    const { id } = await svc.create({ runbook: RUNBOOK });
    await svc.answer(id, { version: 0, node: 'who-fails', choice: 2 });
    store.logReads = 0;
    const err = await svc.answer(id, { version: 0, node: 'who-fails', choice: 1 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'version-conflict', statusCode: 409 });
    expect((err as { extra: { body: { session: { version: number; steps: number } } } }).extra.body.session).toMatchObject({ version: 1, steps: 1 });
    expect(store.logReads).toBe(0);
  });
});
