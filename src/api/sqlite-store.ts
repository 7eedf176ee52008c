/**
 * The SQLite session store (better-sqlite3, WAL).
 *
 * Tables:
 * - `sessions`: one row per session: who it belongs to (`external_ref`), its
 *   `version` (the number of events) and the columns derived from the replayed
 *   state at the last write (for listings and `GET /v1/stats`).
 * - `session_inputs`: one row per event `(session_id, seq, json, at)` with
 *   `UNIQUE (session_id, seq)`: two writers can never both store `seq = 7`, and
 *   `seq` is always the version the writer saw, so the log has no gaps.
 *
 * A write is one `BEGIN IMMEDIATE` transaction: bump the version only if it
 * is still the expected one (`UPDATE ... WHERE version = expected`), then
 * insert the event at `seq = expected`. Inside one process better-sqlite3 is synchronous, so transactions
 * never interleave; across processes sharing the file, `IMMEDIATE` takes the
 * write lock up front and `busy_timeout` waits for it.
 *
 * With `groupCommit`, the writes queued in one event-loop turn share one such
 * transaction, each still checked against its own expected version in
 * arrival order; every caller hears back after the commit. A write that throws
 * rolls the batch back, and then each write runs in a transaction of its own.
 *
 * Durability: `journal_mode=WAL` with `synchronous=NORMAL` (the default here)
 * makes a committed transaction survive the process being killed (SIGKILL, a
 * crash, OOM): the commit is in the WAL file before the call returns, and the
 * next open replays it. What NORMAL can lose is the last transactions on an
 * operating-system crash or power cut; pass `synchronous: 'FULL'` (or set
 * `RUNBOOK_DB_SYNC=full` for `runbook serve`) to fsync every commit, at a cost
 * in write latency.
 *
 * ## Several API nodes: the PostgreSQL path
 * The same interface ({@link SessionStore}) maps onto PostgreSQL with the same
 * two tables, so several API nodes behind a load balancer share sessions:
 *
 * ```sql
 * CREATE TABLE sessions (id text PRIMARY KEY, runbook text NOT NULL, symptom text, external_ref text,
 *   created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL, version integer NOT NULL DEFAULT 0,
 *   cur_runbook text NOT NULL, cur_node text NOT NULL, finished boolean NOT NULL DEFAULT false,
 *   conclusion jsonb NOT NULL DEFAULT '[]', steps integer NOT NULL DEFAULT 0, log_bytes bigint NOT NULL DEFAULT 0);
 * CREATE INDEX ON sessions (external_ref);
 * CREATE TABLE session_inputs (session_id text NOT NULL REFERENCES sessions(id), seq integer NOT NULL,
 *   json jsonb NOT NULL, at timestamptz NOT NULL, UNIQUE (session_id, seq));
 * ```
 *
 * `append(id, expected, event)` is one transaction (READ COMMITTED is enough), with
 * `$4` the event's own `at` (the time the API rendered the new version with, as here):
 *
 * ```sql
 * UPDATE sessions SET version = version + 1, log_bytes = log_bytes + $5, updated_at = $4, ...
 *   WHERE id = $1 AND version = $2              -- 0 rows: conflict, full or not found
 *     AND version < $6 AND log_bytes + $5 <= $7; -- (a read of version and log_bytes tells which)
 * INSERT INTO session_inputs (session_id, seq, json, at) VALUES ($1, $2, $3, $4);
 * ```
 *
 * The guarded `UPDATE` takes the row lock, so a second writer with the same
 * expected version blocks until the first commits, then matches 0 rows and
 * gets a conflict (409). The `UNIQUE (session_id, seq)` constraint is the
 * backstop: even a writer that skipped the version check cannot insert a
 * duplicate `seq` (unique violation → conflict). Without a version column,
 * `INSERT ... SELECT $1, $2, $3 WHERE (SELECT count(*) FROM session_inputs
 * WHERE session_id = $1) = $2` works too, because the unique constraint turns
 * the race between two such inserts into one success and one violation; it
 * relies on `back` being an appended event (as here), never a delete. Stats
 * become `GROUP BY` queries over `sessions`, and the API's replay cache stays
 * correct on every node because an event at a given `(session, seq)` never
 * changes: a cached state is keyed by `(session, version)`.
 */
import { closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import { isBusy } from './errors.js';
import { workerExecArgv, workerScript } from './worker-script.js';
import {
  aggregateStats,
  overLimit,
  sessionLimits,
  storedEvent,
  type NewSession,
  type SessionEvent,
  type SessionMeta,
  type SessionProgress,
  type SessionLimits,
  type SessionRecord,
  type SessionStore,
  type StoreStats,
  type WriteResult,
} from './store.js';

/** The slice of better-sqlite3's API this store uses (the package ships no types). */
interface Statement<P extends unknown[], R> {
  run(...params: P): { changes: number };
  get(...params: P): R | undefined;
  all(...params: P): R[];
}
interface Transaction<F extends (...a: never[]) => unknown> {
  (...a: Parameters<F>): ReturnType<F>;
  immediate(...a: Parameters<F>): ReturnType<F>;
}
/** An open better-sqlite3 database. */
export interface SqliteDatabase {
  readonly open: boolean;
  pragma(source: string, opts?: { simple?: boolean }): unknown;
  exec(source: string): void;
  prepare<P extends unknown[] = unknown[], R = unknown>(source: string): Statement<P, R>;
  transaction<F extends (...a: never[]) => unknown>(fn: F): Transaction<F>;
  close(): void;
}
const Database = createRequire(import.meta.url)('better-sqlite3') as new (file: string) => SqliteDatabase;

/** Options of {@link SqliteStore}. */
export interface SqliteStoreOptions {
  /** `NORMAL` (default: survives a killed process) or `FULL` (survives a power cut too). */
  synchronous?: 'NORMAL' | 'FULL';
  /** How long a writer waits for another process's write lock, in ms (default 5000). */
  busyTimeoutMs?: number;
  /**
   * `auto` (default): SQLite checkpoints the WAL inside the commit that fills it.
   * `background`: a checkpointer thread does it every `checkpointIntervalMs` (`runbook serve` uses this),
   * so no request waits for a checkpoint. Ignored for `:memory:`.
   */
  checkpoint?: 'auto' | 'background';
  /** Background checkpoint period in ms (default 200). */
  checkpointIntervalMs?: number;
  /**
   * With background checkpoints: past this many WAL frames (pages), the store holds its writes back
   * until the thread has checkpointed everything, so the next commit starts the WAL over (steady
   * writes would otherwise grow it without end). Default 65,536 (256 MB of 4 KB pages). Each rewind
   * holds the writes for about the same time whatever the size, so a larger limit means fewer of
   * those pauses under steady writes. The file is reused in place (cut back only past this size
   * plus 64 MB) and removed when the store closes.
   */
  checkpointRestartFrames?: number;
  /**
   * Commit the writes that arrive in one turn of the event loop in one transaction (each still
   * checks its own version, in arrival order, and resolves only after the commit). Fewer commits
   * under load; `runbook serve` uses it. Default off: each append commits before it returns.
   */
  groupCommit?: boolean;
  /** How large a session's log may grow (default {@link DEFAULT_SESSION_LIMITS}). */
  limits?: Partial<SessionLimits>;
}

/** What the checkpointer thread reports: WAL frames and frames copied; after a drain, whether all were. */
interface CheckpointResult {
  checkpointed: number;
  log: number;
  /** Syncs of the database file the thread has made so far (periodic reports only). */
  synced?: number;
  drained?: boolean;
}

/** WAL frames (4 KB pages) past which the WAL is rewound under steady writes: 256 MB. */
const REWIND_FRAMES = 65_536;
/** The WAL file is cut back only when it outgrows the rewind size by more than this. */
const WAL_HEADROOM_BYTES = 64 * 1024 * 1024;

/** The longest writes are held back while the WAL is drained, in ms. */
const DRAIN_MAX_MS = 250;

interface QueuedWrite {
  id: string;
  expected: number;
  event: SessionEvent;
  progress: SessionProgress;
  done: (r: WriteResult) => void;
  fail: (e: unknown) => void;
}

interface SessionRow {
  id: string;
  runbook: string;
  symptom: string | null;
  external_ref: string | null;
  created_at: string;
  updated_at: string;
  version: number;
  cur_runbook: string;
  cur_node: string;
  finished: number;
  conclusion: string;
  steps: number;
  log_bytes: number;
}

/**
 * The schema's version, kept in `PRAGMA user_version`. 0: the first schema (no `log_bytes`);
 * 1: `sessions.log_bytes`, the UTF-8 bytes of the session's stored events (for
 * {@link SessionLimits}). Opening a file upgrades it in place, in one transaction.
 */
export const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY,
  runbook TEXT NOT NULL,
  symptom TEXT,
  external_ref TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 0,
  cur_runbook TEXT NOT NULL,
  cur_node TEXT NOT NULL,
  finished INTEGER NOT NULL DEFAULT 0,
  conclusion TEXT NOT NULL DEFAULT '[]',
  steps INTEGER NOT NULL DEFAULT 0,
  log_bytes INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS sessions_external_ref ON sessions (external_ref, created_at);
CREATE TABLE IF NOT EXISTS session_inputs (
  session_id TEXT NOT NULL REFERENCES sessions (id),
  seq INTEGER NOT NULL,
  json TEXT NOT NULL,
  at TEXT NOT NULL,
  UNIQUE (session_id, seq)
);
`;

/**
 * Create the tables, or bring an older file up to {@link SCHEMA_VERSION}, in one `IMMEDIATE`
 * transaction (two processes opening one file at once: the second finds the work done).
 * @param db the open database
 * @throws Error when the file was written by a newer schema than this code knows
 */
function migrate(db: SqliteDatabase): void {
  const version = () => db.pragma('user_version', { simple: true }) as number;
  if (version() === SCHEMA_VERSION) return;
  db.transaction(() => {
    const found = version();
    if (found > SCHEMA_VERSION) {
      throw new Error(`the file has session schema version ${found}, newer than this runbook knows (${SCHEMA_VERSION}); use a newer runbook or another --db`);
    }
    db.exec(SCHEMA);
    const columns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('sessions')").all();
    if (!columns.some((c) => c.name === 'log_bytes')) {
      // Version 0 to 1: count what each session's log already holds, as the writes will.
      db.exec('ALTER TABLE sessions ADD COLUMN log_bytes INTEGER NOT NULL DEFAULT 0');
      db.exec('UPDATE sessions SET log_bytes = (SELECT coalesce(sum(length(CAST(json AS BLOB))), 0) FROM session_inputs WHERE session_id = sessions.id)');
    }
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

function toMeta(r: SessionRow): SessionMeta {
  return {
    id: r.id,
    runbook: r.runbook,
    ...(r.symptom !== null ? { symptom: r.symptom } : {}),
    ...(r.external_ref !== null ? { externalRef: r.external_ref } : {}),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    version: r.version,
    progress: { runbook: r.cur_runbook, node: r.cur_node, finished: r.finished === 1, conclusion: JSON.parse(r.conclusion) as string[], steps: r.steps },
  };
}

/**
 * Descriptors of database files lent to checkpointer threads, one per file (by device and inode)
 * for the whole process, counting the stores open on that file. Closing any descriptor of a file
 * drops the process's POSIX locks on it, SQLite's included, so it is closed only when no store in
 * this process has the file open any more (each has closed its connection by then).
 */
const syncFds = new Map<string, { fd: number | undefined; stores: number }>();

/** Count a store on its database file; undefined for files without an identity (`:memory:`, temporary). */
function holdFile(file: string): string | undefined {
  if (file === ':memory:' || file === '') return undefined;
  let key: string;
  try {
    const st = statSync(file);
    key = `${st.dev}:${st.ino}`;
  } catch {
    return undefined;
  }
  const e = syncFds.get(key);
  if (e) e.stores++;
  else syncFds.set(key, { fd: undefined, stores: 1 });
  return key;
}

/** The descriptor lent for syncing a held file (opened once), or undefined when it cannot be opened. */
function syncFdOf(key: string, file: string): number | undefined {
  const e = syncFds.get(key)!;
  if (e.fd === undefined) {
    try {
      e.fd = openSync(file, 'r');
    } catch {
      // The checkpointer works without it; the rewind's own sync then writes the pages out.
    }
  }
  return e.fd;
}

/** A store on a held file has closed its connection. */
function releaseFile(key: string): void {
  const e = syncFds.get(key);
  if (!e || --e.stores > 0) return;
  syncFds.delete(key);
  if (e.fd !== undefined) closeSync(e.fd);
}

/** Sessions in a SQLite file. */
export class SqliteStore implements SessionStore {
  /** The open database (exposed for tests and maintenance). */
  readonly db: SqliteDatabase;
  private readonly q;
  private checkpointer: Worker | undefined;
  /** This store's database file in {@link syncFds}, until the store closes. */
  private fileKey: string | undefined;
  private closed: Promise<void> | undefined;
  private checkpoints = 0;
  private lastCheckpoint: CheckpointResult | undefined;
  private restarts = 0;
  /** Writes are held back while the checkpointer drains the WAL. */
  private draining = false;
  private drainTimer: NodeJS.Timeout | undefined;
  private readonly writeTx: (id: string, expected: number, event: SessionEvent, progress: SessionProgress) => WriteResult;

  /**
   * Open (and create when missing) a store.
   * @param file the database file (its directory is created), or `:memory:`
   * @param opts durability and locking options
   */
  constructor(file: string, opts: SqliteStoreOptions = {}) {
    const limits = sessionLimits(opts.limits);
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${opts.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
    this.db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`);
    this.db.pragma('foreign_keys = ON');
    try {
      migrate(this.db);
    } catch (e) {
      this.db.close();
      throw e;
    }
    this.fileKey = holdFile(file);
    if (opts.checkpoint === 'background' && this.fileKey !== undefined) this.startCheckpointer(file, opts.checkpointIntervalMs ?? 200, opts.checkpointRestartFrames ?? REWIND_FRAMES);
    const db = this.db;
    this.q = {
      insertSession: db.prepare<[Record<string, unknown>], never>(
        `INSERT INTO sessions (id, runbook, symptom, external_ref, created_at, updated_at, version, cur_runbook, cur_node, finished, conclusion, steps)
         VALUES (@id, @runbook, @symptom, @external_ref, @created_at, @created_at, 0, @cur_runbook, @cur_node, @finished, @conclusion, @steps)`,
      ),
      getSession: db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE id = ?'),
      getVersion: db.prepare<[string], { version: number; log_bytes: number }>('SELECT version, log_bytes FROM sessions WHERE id = ?'),
      sessionWithEvents: db.prepare<[string], SessionRow & { event_json: string | null }>(
        'SELECT s.*, i.json AS event_json FROM sessions s LEFT JOIN session_inputs i ON i.session_id = s.id WHERE s.id = ? ORDER BY i.seq',
      ),
      events: db.prepare<[string], { seq: number; json: string }>('SELECT seq, json FROM session_inputs WHERE session_id = ? ORDER BY seq'),
      listByRef: db.prepare<[string, number], SessionRow>('SELECT * FROM sessions WHERE external_ref = ? ORDER BY created_at DESC, id LIMIT ?'),
      listAll: db.prepare<[number], SessionRow>('SELECT * FROM sessions ORDER BY created_at DESC, id LIMIT ?'),
      insertEvent: db.prepare<[string, number, string, string], never>('INSERT INTO session_inputs (session_id, seq, json, at) VALUES (?, ?, ?, ?)'),
      bump: db.prepare<[Record<string, unknown>], never>(
        `UPDATE sessions SET version = @next, updated_at = @at, cur_runbook = @cur_runbook, cur_node = @cur_node,
           finished = @finished, conclusion = @conclusion, steps = @steps, log_bytes = log_bytes + @bytes
         WHERE id = @id AND version = @expected AND version < @max_events AND log_bytes + @bytes <= @max_bytes`,
      ),
      statsRows: db.prepare<[], Pick<SessionRow, 'runbook' | 'updated_at' | 'cur_runbook' | 'cur_node' | 'finished' | 'conclusion' | 'steps'>>(
        'SELECT runbook, updated_at, cur_runbook, cur_node, finished, conclusion, steps FROM sessions',
      ),
      ping: db.prepare<[], { ok: number }>('SELECT 1 AS ok'),
    };
    // One write, inside a transaction: move the version on only if it is still the one the writer
    // saw and the log stays within its bounds (the UPDATE checks both), then append the input at
    // that sequence number. The common case is two statements; telling a conflict, a full log and
    // an unknown session apart takes a third.
    const write = (id: string, expected: number, event: SessionEvent, progress: SessionProgress): WriteResult => {
      const at = event.at ?? new Date().toISOString();
      const { json, bytes } = storedEvent(event);
      const changed = this.q.bump.run({
        id,
        expected,
        next: expected + 1,
        at,
        cur_runbook: progress.runbook,
        cur_node: progress.node,
        finished: progress.finished ? 1 : 0,
        conclusion: JSON.stringify(progress.conclusion),
        steps: progress.steps,
        bytes,
        max_events: limits.maxEvents,
        max_bytes: limits.maxBytes,
      }).changes;
      if (changed !== 1) {
        const row = this.q.getVersion.get(id);
        if (!row) return { ok: false, reason: 'not-found' };
        if (row.version !== expected) return { ok: false, reason: 'conflict', version: row.version };
        return overLimit(limits, row.version, row.log_bytes, bytes) ?? { ok: false, reason: 'conflict', version: row.version };
      }
      this.q.insertEvent.run(id, expected, json, at);
      return { ok: true, version: expected + 1 };
    };
    const tx = db.transaction(write);
    // Another process won the race for this seq: the unique constraint is the backstop.
    this.lostRace = (e, id, expected) =>
      (e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' ? { ok: false, reason: 'conflict', version: this.q.getVersion.get(id)?.version ?? expected } : undefined;
    this.writeTx = (id, expected, event, progress) => {
      try {
        return tx.immediate(id, expected, event, progress);
      } catch (e) {
        const lost = this.lostRace(e, id, expected);
        if (lost) return lost;
        throw e;
      }
    };
    // A batch: one transaction for all. A write that throws (rare: a constraint, a full disk) rolls
    // the whole batch back, and then flush() runs each write in a transaction of its own, so the
    // failing one fails alone and the others still land.
    const batch = db.transaction((items: QueuedWrite[]) => items.map((w) => write(w.id, w.expected, w.event, w.progress)));
    this.batchTx = (items) => batch.immediate(items);
    this.groupCommit = opts.groupCommit === true;
  }

  private readonly lostRace: (e: unknown, id: string, expected: number) => WriteResult | undefined;
  private readonly batchTx: (items: QueuedWrite[]) => WriteResult[];
  private readonly groupCommit: boolean;
  private queue: QueuedWrite[] = [];

  /** Commit the queued writes in one transaction and settle each. */
  private flush(): void {
    // While draining, the queue waits; the drain's end flushes it.
    if (this.draining && this.db.open && this.checkpointer) return;
    const items = this.queue;
    this.queue = [];
    if (items.length === 0) return;
    let results: WriteResult[];
    try {
      results = this.batchTx(items);
    } catch (e) {
      // Another process held the write lock past busy_timeout: every write would wait as long
      // again, one after the other, on the event loop. They all fail now (the API answers 503).
      if (isBusy(e)) {
        for (const w of items) w.fail(e);
        return;
      }
      // The batch failed and was rolled back (a write threw, the disk is full): each write on its
      // own, so each gets its own answer.
      for (const w of items) {
        try {
          w.done(this.writeTx(w.id, w.expected, w.event, w.progress));
        } catch (e) {
          w.fail(e);
        }
      }
      return;
    }
    results.forEach((r, i) => items[i].done(r));
  }

  /** @inheritDoc */
  async create(s: NewSession): Promise<SessionMeta> {
    this.q.insertSession.run({
      id: s.id,
      runbook: s.runbook,
      symptom: s.symptom ?? null,
      external_ref: s.externalRef ?? null,
      created_at: s.createdAt,
      cur_runbook: s.progress.runbook,
      cur_node: s.progress.node,
      finished: s.progress.finished ? 1 : 0,
      conclusion: JSON.stringify(s.progress.conclusion),
      steps: s.progress.steps,
    });
    return toMeta(this.q.getSession.get(s.id)!);
  }

  private startCheckpointer(file: string, intervalMs: number, restartFrames: number): void {
    this.db.pragma('wal_autocheckpoint = 0');
    // After a rewind the first commit cuts the file back to this size, on the event loop: cutting a
    // few hundred MB takes a quarter of a second, so the limit sits above the rewind size plus what
    // arrives before a rewind starts, and the file is reused in place instead.
    this.db.pragma(`journal_size_limit = ${restartFrames * 4096 + WAL_HEADROOM_BYTES}`);
    // SQLite syncs the database file only when a checkpoint copies the whole WAL, which never happens
    // while commits keep arriving: the pages copied since the last rewind would all wait in the page
    // cache, and the rewind's sync would write them out while every write is held (35 ms for 256 MB
    // here, seconds on a slow disk). So the thread also syncs the file after each periodic
    // checkpoint, through a descriptor lent to it (see syncFds), and a rewind has little left to write.
    const syncFd = syncFdOf(this.fileKey!, file);
    const worker = new Worker(workerScript('checkpointer.js'), { execArgv: workerExecArgv(), workerData: { file, intervalMs, syncFd } });
    worker.on('message', (m: CheckpointResult) => {
      this.checkpoints++;
      this.lastCheckpoint = m;
      if (m.drained !== undefined) return this.endDrain(m.drained);
      if (m.log > restartFrames && !this.draining && this.db.open) this.startDrain(worker);
    });
    const fallBack = () => {
      // The thread is gone (or failed): SQLite checkpoints in commits again, so the WAL stays bounded.
      if (this.checkpointer === worker && this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
      if (this.checkpointer === worker) this.checkpointer = undefined;
      this.endDrain(false);
    };
    worker.on('error', fallBack);
    worker.on('exit', fallBack);
    // After the listeners: adding a 'message' listener refs the thread's port again, and a store
    // left open (say, by a start-up failure) must not keep the process alive.
    worker.unref();
    this.checkpointer = worker;
  }

  /**
   * Background checkpoints that moved pages so far, and the last one's WAL frames (`log`), frames
   * copied and WAL rewinds so far.
   * @returns the count and the last result
   */
  checkpointStatus(): { running: boolean; checkpoints: number; restarts: number; last?: CheckpointResult } {
    return { running: this.checkpointer !== undefined, checkpoints: this.checkpoints, restarts: this.restarts, ...(this.lastCheckpoint ? { last: this.lastCheckpoint } : {}) };
  }

  /**
   * Hold writes back (they queue) and ask the checkpointer to copy everything now, so the next
   * commit finds the WAL fully checkpointed and starts it over. Never for long: after
   * {@link DRAIN_MAX_MS} the writes go on anyway.
   */
  private startDrain(worker: Worker): void {
    this.draining = true;
    this.drainTimer = setTimeout(() => this.endDrain(false), DRAIN_MAX_MS);
    this.drainTimer.unref();
    worker.postMessage('drain');
  }

  private endDrain(drained: boolean): void {
    if (!this.draining) return;
    this.draining = false;
    clearTimeout(this.drainTimer);
    if (drained) this.restarts++;
    if (this.queue.length > 0) setImmediate(() => this.flush());
  }

  /** @inheritDoc */
  async getMeta(id: string): Promise<SessionMeta | undefined> {
    const row = this.q.getSession.get(id) as SessionRow | undefined;
    return row ? toMeta(row) : undefined;
  }

  /** @inheritDoc */
  async get(id: string): Promise<SessionRecord | undefined> {
    // One statement (one snapshot), so the row and the log agree even with writers in other processes.
    const rows = this.q.sessionWithEvents.all(id);
    if (rows.length === 0) return undefined;
    const events: SessionEvent[] = [];
    for (const r of rows) if (r.event_json !== null) events.push(JSON.parse(r.event_json) as SessionEvent);
    return { ...toMeta(rows[0]), events };
  }

  /**
   * The stored rows of a session's log, with their sequence numbers (for audits and tests).
   * @param id the session id
   * @returns `{ seq, event }` in order
   */
  rawEvents(id: string): { seq: number; event: SessionEvent }[] {
    return this.q.events.all(id).map((e) => ({ seq: e.seq, event: JSON.parse(e.json) as SessionEvent }));
  }

  /** @inheritDoc */
  async list(externalRef: string | undefined, limit: number): Promise<SessionMeta[]> {
    const rows = externalRef === undefined ? this.q.listAll.all(limit) : this.q.listByRef.all(externalRef, limit);
    return rows.map(toMeta);
  }

  /** @inheritDoc */
  async append(id: string, expectedVersion: number, event: SessionEvent, progress: SessionProgress): Promise<WriteResult> {
    if (!this.groupCommit && !this.draining) return this.writeTx(id, expectedVersion, event, progress);
    return new Promise<WriteResult>((done, fail) => {
      this.queue.push({ id, expected: expectedVersion, event, progress, done, fail });
      if (this.queue.length === 1 && !this.draining) setImmediate(() => this.flush());
    });
  }

  /** @inheritDoc */
  async stats(opts: { idleMs: number; now: Date }): Promise<StoreStats> {
    const rows = this.q.statsRows.all().map((r) => ({
      runbook: r.runbook,
      updatedAt: r.updated_at,
      progress: { runbook: r.cur_runbook, node: r.cur_node, finished: r.finished === 1, conclusion: JSON.parse(r.conclusion) as string[], steps: r.steps },
    }));
    return aggregateStats(rows, opts);
  }

  /** @inheritDoc */
  async ping(): Promise<boolean> {
    return this.q.ping.get()?.ok === 1;
  }

  /** @inheritDoc */
  close(): Promise<void> {
    // Once: a second call waits for the first (which may still be stopping the checkpointer).
    this.closed ??= this.closeOnce();
    return this.closed;
  }

  private async closeOnce(): Promise<void> {
    const worker = this.checkpointer;
    this.checkpointer = undefined;
    // Nothing waits for a drain any more: what is queued is committed now.
    this.draining = false;
    clearTimeout(this.drainTimer);
    if (this.db.open) this.flush();
    if (worker) {
      const exited = new Promise<void>((done) => worker.once('exit', () => done()));
      // Keep the process alive until the thread has stopped (it is unref'd while it runs).
      worker.ref();
      worker.postMessage('stop');
      // A stuck thread does not hold up shutdown: closing the last connection checkpoints anyway.
      await Promise.race([exited, new Promise<void>((done) => setTimeout(done, 2000).unref())]);
      await worker.terminate();
    }
    if (this.db.open) this.db.close();
    if (this.fileKey !== undefined) releaseFile(this.fileKey);
    this.fileKey = undefined;
  }
}
