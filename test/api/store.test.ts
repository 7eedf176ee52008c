/**
 * The session store interface stays small (a PostgreSQL store should only
 * need these methods), and going back is an appended event written through it.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { inlineEngine } from '../../src/api/engine-pool.js';
import { SessionService } from '../../src/api/sessions.js';
import { SqliteStore } from '../../src/api/sqlite-store.js';
import { MemoryStore, type SessionStore } from '../../src/api/store.js';
import { engineData } from '../../src/core/project.js';
import { loadProject } from '../../src/node/project.js';

const METHODS = ['append', 'close', 'create', 'get', 'getMeta', 'list', 'ping', 'stats'] as const;

describe('the session store interface', () => {
  it('is these methods and no more, in both stores', async () => {
    expectTypeOf<keyof SessionStore>().toEqualTypeOf<(typeof METHODS)[number]>();
    const memory = Object.getOwnPropertyNames(MemoryStore.prototype).filter((n) => n !== 'constructor');
    expect(memory.sort()).toEqual([...METHODS]);
    const sqlite = new SqliteStore(':memory:');
    try {
      for (const m of METHODS) expect(typeof sqlite[m], m).toBe('function');
      // No second way to write: going back is `append` of a `back` event.
      expect('pop' in sqlite).toBe(false);
    } finally {
      await sqlite.close();
    }
  });

  it('records going back as an appended event stamped with the time the new version shows', async () => {
    const project = loadProject();
    const store = new MemoryStore();
    const svc = new SessionService(store, project, inlineEngine(engineData(project)));
    const { id } = await svc.create({ runbook: 'syn-no-response' });
    await svc.answer(id, { version: 0, node: 'who-fails', choice: 2 });
    const view = JSON.parse((await svc.back(id, 1)).text()) as { version: number; updatedAt: string; steps: number };
    expect(view).toMatchObject({ version: 2, steps: 0 });
    const rec = (await store.get(id))!;
    expect(rec.events.map((e) => e.kind)).toEqual(['choice', 'back']);
    expect(rec.events[1].at).toBe(view.updatedAt);
    expect(rec.updatedAt).toBe(view.updatedAt);
    // A later read renders the same version with the same time (no drift between write and read).
    expect(JSON.parse((await svc.get(id)).text())).toMatchObject({ version: 2, updatedAt: view.updatedAt });
  });
});
