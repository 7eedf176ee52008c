/**
 * A WAL checkpointer thread for the SQLite store.
 *
 * By default SQLite checkpoints inside whichever commit pushes the WAL past
 * 1,000 pages: that commit then copies the pages into the database file and
 * syncs both, on the server's event loop, so every request in flight waits.
 * With `checkpoint: 'background'` the store turns that off and this thread,
 * on its own connection, runs a PASSIVE checkpoint every `intervalMs`: it
 * never blocks the writer or readers, and the copying and syncing happen on
 * another core. Messages: it posts `{ checkpointed, log }` after each run that
 * moved pages (for tests), and stops on `'stop'`.
 */
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

interface Db {
  pragma(source: string, opts?: { simple?: boolean }): unknown;
  close(): void;
}
const Database = createRequire(import.meta.url)('better-sqlite3') as new (file: string, opts?: { timeout?: number }) => Db;

const { file, intervalMs } = workerData as { file: string; intervalMs: number };
const db = new Database(file, { timeout: 5000 });
let last = -1;

const timer = setInterval(() => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    if (r && r.checkpointed !== last) {
      last = r.checkpointed;
      parentPort!.postMessage({ checkpointed: r.checkpointed, log: r.log });
    }
  } catch (e) {
    // A busy database is retried at the next tick; anything else stops the thread (the store then checkpoints itself).
    if ((e as { code?: string }).code !== 'SQLITE_BUSY') throw e;
  }
}, intervalMs);

parentPort!.on('message', (m: unknown) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort!.close();
});
