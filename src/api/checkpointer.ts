/**
 * A WAL checkpointer thread for the SQLite store.
 *
 * By default SQLite checkpoints inside whichever commit pushes the WAL past
 * 1,000 pages: that commit then copies the pages into the database file and
 * syncs both, on the server's event loop, so every request in flight waits.
 * With `checkpoint: 'background'` the store turns that off and this thread,
 * on its own connection, runs a PASSIVE checkpoint every `intervalMs`: it
 * never blocks the writer or readers, and the copying and syncing happen on
 * another core.
 *
 * A PASSIVE checkpoint never rewinds the WAL: SQLite starts the log over only
 * when a write begins on a fully checkpointed log, which never happens while
 * commits keep arriving. So when the log grows large the store holds its
 * writes back for a moment and sends `'drain'`: this thread checkpoints at
 * once, with no commit arriving meanwhile, and answers `{ drained }`; the
 * store's next commit then starts the log from the beginning.
 *
 * After each periodic run that moved pages it also syncs the database file
 * (through a descriptor the store lends it), so that the rewind's own sync,
 * which runs while writes are held, has little left to write.
 *
 * Messages out: `{ checkpointed, log, synced }` (syncs of the database file
 * so far) after each periodic run that moved pages, and `{ drained: boolean,
 * checkpointed, log }` after a drain. In: `'drain'`, and `'stop'`.
 */
import { fdatasyncSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

interface Db {
  pragma(source: string, opts?: { simple?: boolean }): unknown;
  close(): void;
}
const Database = createRequire(import.meta.url)('better-sqlite3') as new (file: string, opts?: { timeout?: number }) => Db;

const { file, intervalMs, syncFd } = workerData as { file: string; intervalMs: number; syncFd?: number };
const db = new Database(file, { timeout: 5000 });
let last = -1;

type Result = { busy: number; log: number; checkpointed: number };

function checkpoint(): Result | undefined {
  try {
    return (db.pragma('wal_checkpoint(PASSIVE)') as Result[])[0];
  } catch (e) {
    // A busy database is retried at the next tick; anything else stops the thread (the store then checkpoints itself).
    if ((e as { code?: string }).code !== 'SQLITE_BUSY') throw e;
    return undefined;
  }
}

/** Syncs of the database file so far (reported with each periodic checkpoint). */
let synced = 0;

/** Write the pages a checkpoint copied out to the disk now, off the writer's path (see the store). */
function syncDatabase(): void {
  if (syncFd === undefined) return;
  try {
    fdatasyncSync(syncFd);
    synced++;
  } catch {
    // Not fatal: the rewind's own sync writes them out.
  }
}

const timer = setInterval(() => {
  const r = checkpoint();
  if (r && r.checkpointed !== last) {
    last = r.checkpointed;
    syncDatabase();
    parentPort!.postMessage({ checkpointed: r.checkpointed, log: r.log, synced });
  }
}, intervalMs);

parentPort!.on('message', (m: unknown) => {
  if (m === 'drain') {
    const r = checkpoint();
    if (r) last = r.checkpointed;
    parentPort!.postMessage({ drained: r !== undefined && r.busy === 0 && r.checkpointed === r.log, checkpointed: r?.checkpointed ?? 0, log: r?.log ?? 0 });
    return;
  }
  if (m !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort!.close();
});
