/**
 * Helpers for the API tests: a real server on a loopback port, a small JSON
 * client over fetch, and real-format outputs for walking `syn-no-response`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../../src/api/app.js';
import { SqliteStore } from '../../src/api/sqlite-store.js';
import type { SessionStore } from '../../src/api/store.js';
import { loadProject } from '../../src/node/project.js';

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Fixtures of these tests. */
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'api');

/** A running server. */
export interface Server {
  base: string;
  app: FastifyInstance;
  store: SessionStore;
  /** Every log line so far. */
  logs: string[];
  dir: string;
  close: () => Promise<void>;
}

/**
 * Start the real app on 127.0.0.1 with a SQLite store in a temporary directory.
 * @param over options to override (keys, CORS, rate limit, store...)
 * @returns the server
 */
export async function startServer(over: Partial<AppOptions> = {}): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-api-'));
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) logs.push(line);
      cb();
    },
  });
  const store = over.store ?? new SqliteStore(join(dir, 'db', 'runbook.db'), { groupCommit: true });
  const app = await buildApp({
    project: loadProject(),
    rateLimit: false,
    responseValidation: 'strict',
    logger: { level: 'info', stream },
    ...over,
    store,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    app,
    store,
    logs,
    dir,
    close: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A response, decoded. */
export interface Res<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

/**
 * Call the API.
 * @param base the server's base URL
 * @param method the method
 * @param path the path
 * @param body a JSON value, or `{ raw, type }` to send exact bytes with a content type
 * @param opts a bearer key and extra headers
 * @returns status, decoded body, text and headers
 */
export async function call<T = any>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  opts: { key?: string; headers?: Record<string, string> } = {},
): Promise<Res<T>> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  let payload: string | undefined;
  if (body !== undefined) {
    if (body && typeof body === 'object' && 'raw' in body) {
      const b = body as { raw: string; type?: string };
      payload = b.raw;
      if (b.type) headers['content-type'] = b.type;
    } else {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
  }
  const res = await fetch(base + path, { method, headers, body: payload });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed as T, text, headers: res.headers };
}

/** A full `netstat -s` from a RHEL 7 host behind NAT (~5 KB). */
export const NETSTAT_S = readFileSync(join(FIXTURES, 'netstat-s--rhel7-nat-paws.txt'), 'utf8');

/**
 * The same `netstat -s` with the PAWS counter moved on.
 * @param pawsPassive the value of "passive connections rejected because of time stamp"
 * @returns the output
 */
export function netstatWithPaws(pawsPassive: number): string {
  return NETSTAT_S.replace(/^(\s+)\d+( passive connections rejected because of time stamp)$/m, `$1${pawsPassive}$2`);
}

/** What `netstat -s | grep -i -E 'timestamp|time stamp|listen|overflow|SYN'` prints from {@link NETSTAT_S}. */
export function grepped(text: string): string {
  return text
    .split('\n')
    .filter((l) => /timestamp|time stamp|listen|overflow|SYN/i.test(l))
    .join('\n');
}
