/**
 * Session storage for the API, behind a small interface so an embedded
 * database (SQLite, {@link ./sqlite-store.ts}) can back one node today and a
 * shared one (PostgreSQL) several nodes later.
 *
 * A session is an append-only event log: `seq` 0, 1, 2, ... with no gaps. An
 * event is an engine input (`choice`, `output`, `skip`) or a `back` that undoes
 * the previous effective input. The session's `version` is the number of events,
 * so it only ever grows: a client that saw version 5 can never be confused by a
 * different history that also reached 5 after someone went back (no ABA). The
 * engine's inputs are {@link effectiveInputs} of the log; the state is a pure
 * replay of them (`replay` in core).
 *
 * Besides the log, a store keeps a few columns derived from the replayed state
 * at each write (current runbook and node, finished, concluded cases, steps),
 * written in the same transaction, so `GET /v1/stats` is a handful of
 * aggregate queries instead of replaying every session.
 */
import type { SessionInput } from '../core/engine/session.js';
import { DEFAULT_SESSION_MAX_BYTES, DEFAULT_SESSION_MAX_EVENTS } from './defaults.js';

/** One event of a session's log. */
export type SessionEvent = SessionInput | { kind: 'back'; at?: string };

/** What the replayed state looks like after a write (kept for stats and listings). */
export interface SessionProgress {
  /** The runbook the session is in now (a route may have switched it). */
  runbook: string;
  /** The current node. */
  node: string;
  finished: boolean;
  /** The cases concluded, when finished. */
  conclusion: string[];
  /** Effective inputs (answers that count after going back). */
  steps: number;
}

/** A session without its log. */
export interface SessionMeta {
  id: string;
  /** The runbook the session started with. */
  runbook: string;
  symptom?: string;
  /** The ticket id of the system that owns the session. */
  externalRef?: string;
  createdAt: string;
  updatedAt: string;
  /** Number of events in the log; every write must name it. */
  version: number;
  progress: SessionProgress;
}

/** A session with its log. */
export interface SessionRecord extends SessionMeta {
  events: SessionEvent[];
}

/** What a new session starts with. */
export interface NewSession {
  id: string;
  runbook: string;
  symptom?: string;
  externalRef?: string;
  createdAt: string;
  progress: SessionProgress;
}

/** The result of a guarded write. */
export type WriteResult =
  | { ok: true; version: number }
  | { ok: false; reason: 'conflict'; version: number }
  | { ok: false; reason: 'not-found' }
  /** The session is at the expected version, but the event would take its log past a bound. */
  | { ok: false; reason: 'full'; version: number; limit: 'events' | 'bytes'; max: number; used: number };

/**
 * How large one session's log may grow. A store refuses an append past either bound (`full`),
 * after the version check: a stale writer hears of the conflict first.
 */
export interface SessionLimits {
  /** Events (answers, skips, backs) in the log. */
  maxEvents: number;
  /** Bytes of the log's events as stored (UTF-8 JSON). */
  maxBytes: number;
}

/** The bounds `runbook serve` applies unless told otherwise. */
export const DEFAULT_SESSION_LIMITS: Readonly<SessionLimits> = { maxEvents: DEFAULT_SESSION_MAX_EVENTS, maxBytes: DEFAULT_SESSION_MAX_BYTES };

/**
 * An event as a store keeps it, and its size against {@link SessionLimits.maxBytes}.
 * @param event the event
 * @returns its JSON and that JSON's UTF-8 byte length
 */
export function storedEvent(event: SessionEvent): { json: string; bytes: number } {
  const json = JSON.stringify(event);
  return { json, bytes: Buffer.byteLength(json, 'utf8') };
}

/**
 * Whether a session at the expected version can take one more event, as a store decides it.
 * @param limits the bounds
 * @param events events in the log now
 * @param bytes bytes of the log now
 * @param eventBytes bytes of the new event
 * @returns undefined when it fits, else the `full` result
 */
export function overLimit(limits: SessionLimits, events: number, bytes: number, eventBytes: number): Extract<WriteResult, { reason: 'full' }> | undefined {
  if (events >= limits.maxEvents) return { ok: false, reason: 'full', version: events, limit: 'events', max: limits.maxEvents, used: events };
  if (bytes + eventBytes > limits.maxBytes) return { ok: false, reason: 'full', version: events, limit: 'bytes', max: limits.maxBytes, used: bytes };
  return undefined;
}

/**
 * Check bounds given in settings.
 * @param limits the bounds (missing ones take the defaults)
 * @returns the bounds
 * @throws RangeError when one is not a whole number of at least 1
 */
export function sessionLimits(limits: Partial<SessionLimits> = {}): SessionLimits {
  const out = { ...DEFAULT_SESSION_LIMITS, ...limits };
  for (const [k, v] of Object.entries(out)) {
    if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`session limit ${k} must be a whole number of at least 1, not ${String(v)}`);
  }
  return out;
}

/** Path analytics for runbook maintainers. */
export interface StoreStats {
  sessions: number;
  runbooks: {
    runbook: string;
    sessions: number;
    finished: number;
    /** Unfinished and touched within the idle window. */
    active: number;
    /** Unfinished and idle longer than the window. */
    abandoned: number;
    /** Median effective inputs of finished sessions (null when none finished). */
    medianStepsToConclusion: number | null;
    /** Where finished sessions ended. */
    conclusions: { runbook: string; node: string; cases: string[]; count: number }[];
    /** Where abandoned sessions stopped. */
    abandonedAt: { runbook: string; node: string; count: number }[];
  }[];
  /** Concluded cases over every runbook, most frequent first. */
  conclusions: { case: string; count: number }[];
  medianStepsToConclusion: number | null;
}

/**
 * The storage interface. Every method is async so a networked database can
 * implement it; the SQLite store answers synchronously underneath.
 */
export interface SessionStore {
  /**
   * Create a session with an empty log.
   * @param s the new session
   * @returns the stored session
   */
  create(s: NewSession): Promise<SessionMeta>;
  /**
   * Read a session with its log.
   * @param id the session id
   * @returns the session, or undefined
   */
  get(id: string): Promise<SessionRecord | undefined>;
  /**
   * Read a session without its log (cheap: the API caches rendered sessions per version).
   * @param id the session id
   * @returns the session, or undefined
   */
  getMeta(id: string): Promise<SessionMeta | undefined>;
  /**
   * Sessions of a ticket (or the latest ones when no ref is given), newest first.
   * @param externalRef the ticket id, or undefined for all
   * @param limit most sessions returned
   * @returns sessions without logs
   */
  list(externalRef: string | undefined, limit: number): Promise<SessionMeta[]>;
  /**
   * Append one event if the session is still at `expectedVersion` and its log stays within the
   * store's {@link SessionLimits}. Going back is an appended `back` event too (with the time the
   * engine rendered it), so this is the only write.
   * @param id the session id
   * @param expectedVersion the version the writer saw
   * @param event the event
   * @param progress the state the log replays to after this event
   * @returns ok with the new version, or conflict with the current one, or full, or not-found
   */
  append(id: string, expectedVersion: number, event: SessionEvent, progress: SessionProgress): Promise<WriteResult>;
  /**
   * Path analytics.
   * @param opts `idleMs`: an unfinished session idle longer than this is abandoned; `now`: the clock
   * @returns the stats
   */
  stats(opts: { idleMs: number; now: Date }): Promise<StoreStats>;
  /**
   * Check the storage answers (readiness).
   * @returns true when it does
   */
  ping(): Promise<boolean>;
  /** Release the storage. */
  close(): Promise<void>;
}

/**
 * The engine inputs a log stands for: each `back` removes the input before it.
 * @param events the log, in order
 * @returns the effective inputs
 */
export function effectiveInputs(events: readonly SessionEvent[]): SessionInput[] {
  const out: SessionInput[] = [];
  for (const e of events) {
    if (e.kind === 'back') out.pop();
    else out.push(e);
  }
  return out;
}

/**
 * The median of a list of numbers.
 * @param values the numbers (any order)
 * @returns the median, or null for an empty list
 */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The per-session row stats are computed from (shared by the stores). */
export interface StatsRow {
  runbook: string;
  updatedAt: string;
  progress: SessionProgress;
}

/**
 * Aggregate stats from per-session rows (used by the in-memory store, and by
 * the SQLite store after its grouping query).
 * @param rows one row per session
 * @param opts idle window and clock
 * @returns the stats
 */
export function aggregateStats(rows: Iterable<StatsRow>, opts: { idleMs: number; now: Date }): StoreStats {
  const cutoff = opts.now.getTime() - opts.idleMs;
  type Acc = {
    sessions: number;
    finished: number;
    active: number;
    abandoned: number;
    steps: number[];
    conclusions: Map<string, { runbook: string; node: string; cases: string[]; count: number }>;
    abandonedAt: Map<string, { runbook: string; node: string; count: number }>;
  };
  const by = new Map<string, Acc>();
  const cases = new Map<string, number>();
  const allSteps: number[] = [];
  let total = 0;
  for (const r of rows) {
    total++;
    let a = by.get(r.runbook);
    if (!a) {
      a = { sessions: 0, finished: 0, active: 0, abandoned: 0, steps: [], conclusions: new Map(), abandonedAt: new Map() };
      by.set(r.runbook, a);
    }
    a.sessions++;
    const p = r.progress;
    const key = `${p.runbook}\u0000${p.node}`;
    if (p.finished) {
      a.finished++;
      a.steps.push(p.steps);
      allSteps.push(p.steps);
      const c = a.conclusions.get(key) ?? { runbook: p.runbook, node: p.node, cases: p.conclusion, count: 0 };
      c.count++;
      a.conclusions.set(key, c);
      for (const id of p.conclusion) cases.set(id, (cases.get(id) ?? 0) + 1);
    } else if (Date.parse(r.updatedAt) < cutoff) {
      a.abandoned++;
      const c = a.abandonedAt.get(key) ?? { runbook: p.runbook, node: p.node, count: 0 };
      c.count++;
      a.abandonedAt.set(key, c);
    } else a.active++;
  }
  const byCount = <T extends { count: number }>(m: Map<string, T>) => [...m.values()].sort((x, y) => y.count - x.count);
  return {
    sessions: total,
    runbooks: [...by.entries()]
      .sort((x, y) => y[1].sessions - x[1].sessions || x[0].localeCompare(y[0]))
      .map(([runbook, a]) => ({
        runbook,
        sessions: a.sessions,
        finished: a.finished,
        active: a.active,
        abandoned: a.abandoned,
        medianStepsToConclusion: median(a.steps),
        conclusions: byCount(a.conclusions),
        abandonedAt: byCount(a.abandonedAt),
      })),
    conclusions: [...cases.entries()].map(([id, count]) => ({ case: id, count })).sort((x, y) => y.count - x.count || x.case.localeCompare(y.case)),
    medianStepsToConclusion: median(allSteps),
  };
}

/**
 * An in-memory store (tests, demos). Same semantics as the SQLite store;
 * nothing survives the process.
 */
export class MemoryStore implements SessionStore {
  private readonly sessions = new Map<string, SessionRecord>();
  /** Bytes of each session's log. */
  private readonly bytes = new Map<string, number>();
  private readonly limits: SessionLimits;

  /**
   * @param limits how large a session's log may grow (default {@link DEFAULT_SESSION_LIMITS})
   */
  constructor(limits: Partial<SessionLimits> = {}) {
    this.limits = sessionLimits(limits);
  }

  /** @inheritDoc */
  async create(s: NewSession): Promise<SessionMeta> {
    if (this.sessions.has(s.id)) throw new Error(`session ${s.id} exists`);
    const rec: SessionRecord = {
      id: s.id,
      runbook: s.runbook,
      ...(s.symptom ? { symptom: s.symptom } : {}),
      ...(s.externalRef ? { externalRef: s.externalRef } : {}),
      createdAt: s.createdAt,
      updatedAt: s.createdAt,
      version: 0,
      progress: s.progress,
      events: [],
    };
    this.sessions.set(s.id, rec);
    this.bytes.set(s.id, 0);
    return meta(rec);
  }

  /** @inheritDoc */
  async get(id: string): Promise<SessionRecord | undefined> {
    const r = this.sessions.get(id);
    return r ? { ...r, events: [...r.events] } : undefined;
  }

  /** @inheritDoc */
  async getMeta(id: string): Promise<SessionMeta | undefined> {
    const r = this.sessions.get(id);
    if (!r) return undefined;
    const { events, ...meta } = r;
    void events;
    return meta;
  }

  /** @inheritDoc */
  async list(externalRef: string | undefined, limit: number): Promise<SessionMeta[]> {
    return [...this.sessions.values()]
      .filter((s) => externalRef === undefined || s.externalRef === externalRef)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, limit)
      .map(meta);
  }

  /** @inheritDoc */
  async append(id: string, expectedVersion: number, event: SessionEvent, progress: SessionProgress): Promise<WriteResult> {
    const r = this.sessions.get(id);
    if (!r) return { ok: false, reason: 'not-found' };
    if (r.version !== expectedVersion) return { ok: false, reason: 'conflict', version: r.version };
    const { json, bytes } = storedEvent(event);
    const used = this.bytes.get(id) ?? 0;
    const full = overLimit(this.limits, r.version, used, bytes);
    if (full) return full;
    this.bytes.set(id, used + bytes);
    // Kept as stored, so a caller changing its object later changes nothing here.
    r.events.push(JSON.parse(json) as SessionEvent);
    r.version++;
    r.progress = progress;
    r.updatedAt = event.at ?? new Date().toISOString();
    return { ok: true, version: r.version };
  }

  /** @inheritDoc */
  async stats(opts: { idleMs: number; now: Date }): Promise<StoreStats> {
    return aggregateStats(this.sessions.values(), opts);
  }

  /** @inheritDoc */
  async ping(): Promise<boolean> {
    return true;
  }

  /** @inheritDoc */
  async close(): Promise<void> {
    /* nothing to release */
  }
}

function meta(r: SessionRecord): SessionMeta {
  const { events, ...m } = r;
  void events;
  return { ...m, progress: { ...m.progress } };
}
