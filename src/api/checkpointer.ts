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
 * commits keep arriving. So once the log holds more than `restartFrames`
 * frames, the thread follows with a RESTART checkpoint: it copies the few
 * frames committed since the PASSIVE one, holding new writers for that long,
 * and the next commit starts the log from the beginning (the file is then cut
 * back to the store's `journal_size_limit`).
 *
 * Messages: it posts `{ checkpointed, log, restarts }` after each run that
 * moved pages (for tests), and stops on `'stop'`.
 */
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

interface Db {
  pragma(source: string, opts?: { simple?: boolean }): unknown;
  close(): void;
}
const Database = createRequire(import.meta.url)('better-sqlite3') as new (file: string, opts?: { timeout?: number }) => Db;

const { file, intervalMs, restartFrames } = workerData as { file: string; intervalMs: number; restartFrames: number };
// A RESTART waits for the writer's current commit (short); past this it tries again at the next tick.
const db = new Database(file, { timeout: 250 });
let last = -1;
let restarts = 0;

type Result = { busy: number; log: number; checkpointed: number };

const timer = setInterval(() => {
  try {
    let [r] = db.pragma('wal_checkpoint(PASSIVE)') as Result[];
    if (r && r.log > restartFrames) {
      const [again] = db.pragma('wal_checkpoint(RESTART)') as Result[];
      if (again && again.busy === 0) restarts++;
      r = again ?? r;
    }
    if (r && r.checkpointed !== last) {
      last = r.checkpointed;
      parentPort!.postMessage({ checkpointed: r.checkpointed, log: r.log, restarts });
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
