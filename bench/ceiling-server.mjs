#!/usr/bin/env node
/**
 * A diagnostic server for `bench/api.bench.mjs --ceiling`: the API exactly as
 * `runbook serve --threads 0` builds it (Fastify, validation, SQLite with group
 * commit and background checkpoints, request logs), except that every answer
 * after the first gets the first answer's reply without engine work. What it
 * measures is the ceiling the rest of the stack (HTTP, storage, the load
 * generator) leaves for the engine on this machine. It is not the product:
 * the views it returns are not the sessions' own. Reads still replay for real.
 *
 * Usage: node bench/ceiling-server.mjs --port 0 --db FILE
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const lib = (p) => {
  const file = join(ROOT, 'lib', p);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build:lib\` first`);
  return import(pathToFileURL(file).href);
};
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};

const { buildApp } = await lib('api/app.js');
const { inlineEngine } = await lib('api/engine-pool.js');
const { SqliteStore } = await lib('api/sqlite-store.js');
const { engineData } = await lib('core/project.js');
const { loadProject } = await lib('node/project.js');

const project = loadProject();
const inner = inlineEngine(engineData(project));
let first;
/** The inline engine, except that answers after the first one reuse its reply. */
const engine = {
  threads: 0,
  async call(req) {
    if (req.op === 'answer' && first) return first;
    const r = await inner.call(req);
    if (req.op === 'answer' && r.ok && 'json' in r) first = r;
    return r;
  },
  // Settles of reused replies name tokens the engine never saw: it ignores them.
  settle: (req) => inner.settle(req),
  close: () => inner.close(),
};
const store = new SqliteStore(arg('--db', join('data', 'ceiling.db')), { checkpoint: 'background', groupCommit: true });
const app = await buildApp({ store, project, engine, rateLimit: false, responseValidation: 'off', logger: { level: process.env.RUNBOOK_LOG_LEVEL ?? 'info' } });
await app.listen({ port: Number(arg('--port', '0')), host: '127.0.0.1' });
const { port } = app.server.address();
process.stderr.write(`runbook API listening on http://127.0.0.1:${port}\n  engine:   none (answers reuse the first answer's reply: the ceiling without engine work)\n`);
const stop = () => app.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
