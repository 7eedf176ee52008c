/**
 * The server's defaults are defined once (src/api/defaults.ts): the app applies
 * them, `runbook serve --help` shows them, and the docs state the same values,
 * so changing one without the others fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BODY_LIMIT,
  DEFAULT_CACHE_BYTES,
  DEFAULT_CACHE_SIZE,
  DEFAULT_DB,
  DEFAULT_ENGINE_TIMEOUT_MS,
  ENGINE_RESTART,
  DEFAULT_HOST,
  DEFAULT_LOG_LEVEL,
  DEFAULT_PORT,
  DEFAULT_RATE_LIMIT,
  MAX_DEFAULT_ENGINE_THREADS,
  RATE_LIMIT_WINDOW_MS,
  DEFAULT_SESSION_MAX_BYTES,
  DEFAULT_SESSION_MAX_EVENTS,
} from '../../src/api/defaults.js';
import { buildProgram } from '../../src/cli/index.js';
import { call, ROOT, startServer, type Server } from './helpers.js';

const API_MD = readFileSync(join(ROOT, 'docs', 'api.md'), 'utf8');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const servers: Server[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

/** The row of docs/api.md's settings table that starts with this cell text. */
function setting(start: string): string {
  const row = API_MD.split('\n').find((l) => l.startsWith(`| ${start}`));
  if (!row) throw new Error(`docs/api.md has no settings row starting with "${start}"`);
  return row;
}

/** A number as the docs write it (`2,000`). */
const shown = (n: number) => n.toLocaleString('en-US');

describe('server defaults', () => {
  it('are applied by the app: the rate limit a client sees is the default', async () => {
    const s = await startServer({ rateLimit: undefined });
    servers.push(s);
    const r = await call(s.base, 'GET', '/v1/runbooks');
    expect(r.status).toBe(200);
    expect(r.headers.get('x-ratelimit-limit')).toBe(String(DEFAULT_RATE_LIMIT));
    expect(RATE_LIMIT_WINDOW_MS).toBe(60_000);
  });

  it('are what `runbook serve --help` shows', () => {
    let help = '';
    const io = { stdout: (s: string) => void (help += s), stderr: (s: string) => void (help += s), readStdin: async () => '', color: false };
    buildProgram(io, () => {})
      .commands.find((c) => c.name() === 'serve')!
      .outputHelp();
    expect(help).toContain(`(default: "${DEFAULT_PORT}")`);
    expect(help).toContain(`(default: "${DEFAULT_HOST}")`);
    expect(help).toContain(`(default: "${DEFAULT_DB}")`);
    expect(help.replace(/\s+/g, ' ')).toContain(`at most ${MAX_DEFAULT_ENGINE_THREADS})`);
    expect(help.replace(/\s+/g, ' ')).toMatch(new RegExp(`--engine-timeout <ms> .*\\(default: "${DEFAULT_ENGINE_TIMEOUT_MS}"\\)`));
    expect(help.replace(/\s+/g, ' ')).toContain(`requests per minute per key or IP, default ${DEFAULT_RATE_LIMIT}, 0 disables`);
    expect(help.replace(/\s+/g, ' ')).toContain(`default ${DEFAULT_SESSION_MAX_EVENTS} events and ${DEFAULT_SESSION_MAX_BYTES / 1024 / 1024} MB`);
  });

  it('are what docs/api.md and the README state', () => {
    expect(setting('`--port`')).toContain(`\`--port\` (${DEFAULT_PORT}), \`--host\` (${DEFAULT_HOST})`);
    expect(setting('`--db`')).toContain(`(\`${DEFAULT_DB}\`)`);
    expect(setting('`--threads`')).toContain(`at most ${MAX_DEFAULT_ENGINE_THREADS})`);
    expect(setting('`--engine-timeout`')).toContain(`\`--engine-timeout\` (${DEFAULT_ENGINE_TIMEOUT_MS})`);
    expect(API_MD).toContain(`\`--engine-timeout\` milliseconds (default ${DEFAULT_ENGINE_TIMEOUT_MS})`);
    expect(setting('`RUNBOOK_RATE_LIMIT`')).toContain(`requests per minute per key (per IP without a key), default ${DEFAULT_RATE_LIMIT};`);
    expect(setting('`RUNBOOK_SESSION_MAX_EVENTS`')).toContain(`default ${shown(DEFAULT_SESSION_MAX_EVENTS)};`);
    expect(setting('`RUNBOOK_SESSION_MAX_BYTES`')).toContain(`default ${DEFAULT_SESSION_MAX_BYTES / 1024 / 1024} MB (${DEFAULT_SESSION_MAX_BYTES}), at least ${BODY_LIMIT / 1024 / 1024} MB`);
    expect(README.replace(/\s+/g, ' ')).toContain(`bounded (${shown(DEFAULT_SESSION_MAX_EVENTS)} events and ${DEFAULT_SESSION_MAX_BYTES / 1024 / 1024} MB by default`);
    expect(setting('`RUNBOOK_LOG_LEVEL`')).toContain(`\`${DEFAULT_LOG_LEVEL}\` (default)`);
    expect(API_MD.replace(/\s+/g, ' ')).toContain(
      `the rendered views of recent sessions (${shown(DEFAULT_CACHE_SIZE)} per worker, holding at most ${DEFAULT_CACHE_BYTES / 1024 / 1024} MB of pastes and views)`,
    );
    expect(API_MD).toContain(`default one per spare core, at most\n${MAX_DEFAULT_ENGINE_THREADS};`);
    const restarts = API_MD.replace(/\s+/g, ' ');
    expect(restarts).toContain(`or not loading within ${ENGINE_RESTART.startTimeoutMs / 1000} s)`);
    expect(restarts).toContain(`${ENGINE_RESTART.firstDelayMs} ms, then twice as long each time, up to ${ENGINE_RESTART.maxDelayMs / 1000} s`);
    expect(restarts).toContain(`until a worker has stayed up for ${ENGINE_RESTART.healthyMs / 1000} s`);
    expect(restarts).toContain(`a second time in a row (less than ${ENGINE_RESTART.healthyMs / 1000} s after the one before)`);
    expect(restarts).toContain(`then twice as long after each further one, up to ${ENGINE_RESTART.maxDelayMs / 1000} s; its deadlines are forgotten ${ENGINE_RESTART.healthyMs / 1000} s after the last`);
    expect(API_MD).toContain(`| 413 | \`payload-too-large\` | a body over ${BODY_LIMIT / 1024 / 1024} MB`);
    expect(README).toContain(`runbook serve [--port ${DEFAULT_PORT}] [--host ${DEFAULT_HOST}] [--db ${DEFAULT_DB}] [--threads N] [--engine-timeout ${DEFAULT_ENGINE_TIMEOUT_MS}]`);
    expect(README).toContain(`413 above ${BODY_LIMIT / 1024 / 1024} MB`);
  });
});
