/**
 * `runbook serve [--port <port>] [--host <host>] [--db <file>] [--threads <n>] [--engine-timeout <ms>]`:
 * the JSON API (and the built site, when `dist/` exists) in one process. The
 * defaults are in `../../api/defaults.ts`.
 *
 * Environment: `RUNBOOK_API_KEYS` (comma-separated bearer keys; set them in
 * production), `RUNBOOK_CORS_ORIGINS` (comma-separated browser origins),
 * `RUNBOOK_RATE_LIMIT` (requests per minute per key or IP; 0 disables),
 * `RUNBOOK_LOG_LEVEL`, `RUNBOOK_DB_SYNC` (`normal` or `full`),
 * `RUNBOOK_VALIDATE_RESPONSES` (`off` (default), `log`: check every response
 * against its schema and log mismatches; `strict`: fail them),
 * `RUNBOOK_SESSION_MAX_EVENTS` and `RUNBOOK_SESSION_MAX_BYTES` (how large one
 * session's log may grow).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { buildApp } from '../../api/app.js';
import {
  BODY_LIMIT,
  DEFAULT_DB,
  DEFAULT_ENGINE_TIMEOUT_MS,
  DEFAULT_HOST,
  DEFAULT_LOG_LEVEL,
  DEFAULT_PORT,
  DEFAULT_RATE_LIMIT,
  DEFAULT_SESSION_MAX_BYTES,
  DEFAULT_SESSION_MAX_EVENTS,
  RATE_LIMIT_WINDOW_MS,
} from '../../api/defaults.js';
import { defaultEngineThreads } from '../../api/engine-pool.js';
import { splitList } from '../../api/security.js';
import { SqliteStore } from '../../api/sqlite-store.js';
import { PACKAGE_ROOT } from '../../node/content.js';
import { loadProject } from '../../node/project.js';
import { CliError, type CliIO } from '../io.js';

/** Options of `runbook serve`. */
export interface ServeOptions {
  /** TCP port (0 picks a free one). */
  port?: string;
  /** Interface to listen on. */
  host?: string;
  /** SQLite database file for sessions. */
  db?: string;
  /** Engine worker threads (`0`: in the server's thread); default one per spare core (see `defaultEngineThreads`). */
  threads?: string;
  /** Milliseconds an engine worker may spend on one request. */
  engineTimeout?: string;
}

/**
 * Start the API and serve until SIGINT or SIGTERM.
 * @param opts port, host and database file
 * @param io output for the start-up lines
 * @returns the exit code once the server has shut down
 */
export async function run(opts: ServeOptions, io: CliIO): Promise<number> {
  const port = Number(opts.port ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port must be a number from 0 to 65535, not "${opts.port}"`);
  const host = opts.host ?? DEFAULT_HOST;
  const dbPath = resolve(opts.db ?? DEFAULT_DB);
  const rate = process.env.RUNBOOK_RATE_LIMIT === undefined ? DEFAULT_RATE_LIMIT : Number(process.env.RUNBOOK_RATE_LIMIT);
  if (!Number.isFinite(rate) || rate < 0) throw new CliError(`RUNBOOK_RATE_LIMIT must be a number of requests per minute, not "${process.env.RUNBOOK_RATE_LIMIT}"`);
  const sync = (process.env.RUNBOOK_DB_SYNC ?? 'normal').toUpperCase();
  if (sync !== 'NORMAL' && sync !== 'FULL') throw new CliError(`RUNBOOK_DB_SYNC must be "normal" or "full", not "${process.env.RUNBOOK_DB_SYNC}"`);

  const validation = process.env.RUNBOOK_VALIDATE_RESPONSES ?? 'off';
  if (validation !== 'log' && validation !== 'strict' && validation !== 'off') {
    throw new CliError(`RUNBOOK_VALIDATE_RESPONSES must be "log", "strict" or "off", not "${validation}"`);
  }

  // A session must hold at least one answer of the largest body accepted.
  const maxEvents = wholeNumber('RUNBOOK_SESSION_MAX_EVENTS', DEFAULT_SESSION_MAX_EVENTS, 1, 'events');
  const maxBytes = wholeNumber('RUNBOOK_SESSION_MAX_BYTES', DEFAULT_SESSION_MAX_BYTES, BODY_LIMIT, 'bytes');

  const threads = opts.threads === undefined ? defaultEngineThreads() : Number(opts.threads);
  if (!Number.isInteger(threads) || threads < 0 || threads > 64) throw new CliError(`--threads must be a whole number from 0 to 64, not "${opts.threads}"`);
  const engineTimeoutMs = Number(opts.engineTimeout ?? DEFAULT_ENGINE_TIMEOUT_MS);
  if (!Number.isInteger(engineTimeoutMs) || engineTimeoutMs < 100 || engineTimeoutMs > 600_000) {
    throw new CliError(`--engine-timeout must be a whole number of milliseconds from 100 to 600000, not "${opts.engineTimeout}"`);
  }

  const project = loadProject();
  let store: SqliteStore;
  try {
    store = new SqliteStore(dbPath, { synchronous: sync, checkpoint: 'background', groupCommit: true, limits: { maxEvents, maxBytes } });
  } catch (e) {
    throw new CliError(`cannot open the session database ${dbPath}: ${(e as Error).message}`, 1);
  }
  const apiKeys = splitList(process.env.RUNBOOK_API_KEYS);
  const siteDir = join(PACKAGE_ROOT, 'dist');
  let logs: ReturnType<typeof logStream>;
  let app: Awaited<ReturnType<typeof buildApp>>;
  try {
    logs = logStream();
    app = await buildApp({
      store,
      project,
      apiKeys,
      corsOrigins: splitList(process.env.RUNBOOK_CORS_ORIGINS),
      rateLimit: rate === 0 ? false : { max: rate, timeWindowMs: RATE_LIMIT_WINDOW_MS },
      logger: { level: process.env.RUNBOOK_LOG_LEVEL ?? DEFAULT_LOG_LEVEL, stream: logs },
      siteDir,
      responseValidation: validation,
      engineThreads: threads,
      engineTimeoutMs,
    });
  } catch (e) {
    // Nothing listens yet: release the store (its file, its checkpointer) before reporting.
    await store.close().catch(() => undefined);
    throw e;
  }
  try {
    await app.listen({ port, host });
  } catch (e) {
    await app.close().catch(() => undefined);
    throw new CliError(`cannot listen on ${host}:${port}: ${(e as Error).message}`, 1);
  }
  const addr = app.server.address() as AddressInfo;
  const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `http://${shownHost}:${addr.port}`;
  io.stderr(
    [
      `runbook API listening on ${url}`,
      `  docs:     ${url}/docs (OpenAPI: ${url}/v1/openapi.json)`,
      `  sessions: ${dbPath}`,
      `  engine:   ${threads === 0 ? "in the server's thread (no deadline: it cannot be interrupted)" : `${threads} worker thread${threads > 1 ? 's' : ''}, ${engineTimeoutMs} ms per request`}`,
      `  site:     ${existsSync(siteDir) ? `${url}/ (from ${siteDir})` : 'not built (npm run build writes dist/)'}`,
      `  keys:     ${apiKeys.length ? `required for writes (${apiKeys.length} key${apiKeys.length > 1 ? 's' : ''} from RUNBOOK_API_KEYS)` : 'NOT required: set RUNBOOK_API_KEYS in production'}`,
      `  project:  ${project.counts.cases} cases, ${project.runbooks.length} runbooks from ${dirname(join(project.root, 'x'))}`,
      '',
    ].join('\n'),
  );

  return new Promise<number>((done) => {
    let closing = false;
    const stop = (signal: NodeJS.Signals) => {
      if (closing) {
        // A second signal while shutting down: stop now, but write the buffered log lines first.
        io.stderr(`runbook API: ${signal} again, stopping now\n`);
        try {
          logs.flushSync();
        } catch {
          // stdout is gone or busy: nothing more to save
        }
        process.exit(1);
      }
      closing = true;
      io.stderr(`runbook API: ${signal}, shutting down\n`);
      app.close().then(
        () => done(0),
        (e: Error) => {
          io.stderr(`runbook API: shutdown failed: ${e.message}\n`);
          done(1);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * A whole-number setting from the environment.
 * @param name the variable
 * @param fallback its value when unset
 * @param min the smallest accepted
 * @param unit what it counts, for the error
 * @returns the value
 */
function wholeNumber(name: string, fallback: number, min: number, unit: string): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) throw new CliError(`${name} must be a whole number of ${unit} of at least ${min}, not "${raw}"`);
  return n;
}

/** Log lines are written in blocks of this many bytes, or after {@link LOG_FLUSH_MS}, whichever comes first. */
export const LOG_BLOCK_BYTES = 4096;
/** The longest a log line waits in memory, in ms. */
export const LOG_FLUSH_MS = 1000;

/**
 * Standard output for the request logs, written in blocks: one write per block instead of one per
 * line (each write is a system call made by another thread). What is buffered is written when the
 * process exits, also on an error; only a killed process (SIGKILL) loses up to a block or a second.
 * @returns the stream
 */
function logStream(): NodeJS.WritableStream & { flushSync(): void } {
  return pino.destination({ dest: 1, sync: false, minLength: LOG_BLOCK_BYTES, periodicFlush: LOG_FLUSH_MS }) as unknown as NodeJS.WritableStream & { flushSync(): void };
}

