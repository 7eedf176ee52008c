/**
 * The API server's defaults, each defined once: `buildApp` and `runbook serve`
 * apply them, the CLI help shows them, and a test checks that README.md and
 * docs/api.md state the same values.
 */

/** The TCP port `runbook serve` listens on. */
export const DEFAULT_PORT = 8080;

/** The interface `runbook serve` listens on (loopback: put a reverse proxy in front for other hosts). */
export const DEFAULT_HOST = '127.0.0.1';

/** The SQLite file of `runbook serve`'s sessions, relative to the working directory. */
export const DEFAULT_DB = './data/runbook.db';

/** Requests per key (per IP without a key) per {@link RATE_LIMIT_WINDOW_MS}. */
export const DEFAULT_RATE_LIMIT = 600;

/** The rate limit's window: one minute. */
export const RATE_LIMIT_WINDOW_MS = 60_000;

/** Sessions whose inputs and rendered view each engine thread keeps. */
export const DEFAULT_CACHE_SIZE = 2_000;

/**
 * What those sessions may hold at most, per engine thread: their pasted outputs (two bytes a
 * character, as V8 holds text that is not all Latin-1) plus the bytes of their rendered views (a
 * session can hold many pastes of up to 1 MB each).
 */
export const DEFAULT_CACHE_BYTES = 128 * 1024 * 1024;

/** The most worker threads `runbook serve` starts by default (one per spare core up to this). */
export const MAX_DEFAULT_ENGINE_THREADS = 4;

/** How long an engine worker may spend on one request before it is stopped and replaced, in ms. */
export const DEFAULT_ENGINE_TIMEOUT_MS = 5_000;

/**
 * How failed engine workers are restarted: the first failure at once, each next one after a delay
 * that doubles from `firstDelayMs` up to `maxDelayMs`, until a worker has run for `healthyMs` (its
 * place's failures are then forgotten). A worker that has not loaded within `startTimeoutMs` failed.
 * The same bounds hold a session back whose requests keep running over the deadline: refused for at
 * most `maxDelayMs` at a time, its deadlines forgotten `healthyMs` after the last one.
 */
export const ENGINE_RESTART = { firstDelayMs: 250, maxDelayMs: 30_000, healthyMs: 60_000, startTimeoutMs: 30_000 } as const;

/** The largest request body accepted (pasted output included): 1 MB. */
export const BODY_LIMIT = 1024 * 1024;

/**
 * The most events one session's log keeps (answers, skips, backs). A troubleshooting walk takes
 * tens; the bound stops one client from growing a session without end (each read of it, and each
 * replay after it left the engine's cache, costs in proportion to its log).
 */
export const DEFAULT_SESSION_MAX_EVENTS = 1_000;

/** The most bytes (UTF-8, as stored) one session's log keeps: its pastes, mostly. */
export const DEFAULT_SESSION_MAX_BYTES = 16 * 1024 * 1024;

/** The log level of `runbook serve`. */
export const DEFAULT_LOG_LEVEL = 'info';
