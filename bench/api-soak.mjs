#!/usr/bin/env node
/**
 * API soak: agents walk sessions over HTTP against a real `runbook serve` for a while, with random
 * choices, parser-fixture pastes (with their own command, with the step's command, or cut short
 * with junk after them), skips, backs, stale versions, summaries, ticket lists, stats and
 * diagnoses, and the server's resident memory is sampled every 10 s. It prints the requests by
 * route and status (and the reasons of 400s to answers), any 5xx other than 503 (each is a bug),
 * and the memory samples (they should level off: the server's caches are bounded).
 *
 * Not part of `npm run bench` (it runs for minutes). Usage, after `npm run build:lib`:
 *   node bench/api-soak.mjs [--seconds 120] [--agents 24]
 * The server starts as in bench/api.bench.mjs (API_BENCH_NODE_ARGS and API_BENCH_SERVER_ARGS apply).
 * Exits 1 when a request got a 5xx other than 503.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './api.bench.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SYMPTOMS = [
  'SYN no response',
  'connection refused sometimes',
  'DNS slow 5 seconds in container',
  'CLOSE_WAIT piling up',
  'packet loss',
  '连接超时',
  'MTU black hole large packets hang',
  'accept queue overflow',
  'nonsense words zzz',
];

function arg(name, dflt) {
  const i = process.argv.indexOf(name);
  const v = i > 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isFinite(v) || v <= 0) {
    console.error(`api-soak: ${name} wants a positive number`);
    process.exit(2);
  }
  return v;
}

/** Every parser fixture: its text and the command it was printed by (when known). */
function fixturePastes() {
  const dir = join(ROOT, 'test', 'fixtures', 'parsers');
  const out = [];
  for (const parser of readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    for (const f of readdirSync(join(dir, parser.name)).filter((n) => n.endsWith('.txt'))) {
      const expected = JSON.parse(readFileSync(join(dir, parser.name, f.replace(/\.txt$/, '.json')), 'utf8'));
      out.push({ text: readFileSync(join(dir, parser.name, f), 'utf8'), command: expected.command });
    }
  }
  return out;
}

/** A process's resident memory in MB (Linux /proc), or null elsewhere. */
function rssMb(pid) {
  try {
    return Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024);
  } catch {
    return null;
  }
}

const seconds = arg('--seconds', 120);
const agents = arg('--agents', 24);
const pastes = fixturePastes();
const dir = mkdtempSync(join(tmpdir(), 'runbook-api-soak-'));
const server = await startServer(join(dir, 'runbook.db'), false, { RUNBOOK_LOG_LEVEL: 'warn' });
const counts = new Map();
const failures = [];
const count = (k) => counts.set(k, (counts.get(k) ?? 0) + 1);
const pick = (a) => a[Math.floor(Math.random() * a.length)];

async function call(method, path, body) {
  const res = await fetch(server.base + path, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  count(`${method} ${path.replace(/[0-9a-f-]{36}/, ':id').replace(/\?.*/, '')} ${res.status}`);
  if (res.status === 400 && path.endsWith('/answers') && json?.error) count(`  400 to an answer: ${json.error.code} (${json.error.field})`);
  if (res.status >= 500 && res.status !== 503) failures.push(`${method} ${path} ${res.status} ${text.slice(0, 300)} body=${JSON.stringify(body)?.slice(0, 200)}`);
  return { status: res.status, body: json };
}

/** The next answer at the session's current step (a random but well-formed one), or undefined at a conclusion. */
function answerFor(s) {
  const c = s.current;
  if (c.type === 'ask') return { version: s.version, node: c.node, choice: pick(c.choices).index };
  if (c.type !== 'check') return undefined;
  const p = pick(pastes);
  const r = Math.random();
  if (r < 0.15) return { version: s.version, node: c.node, skip: true };
  if (r < 0.3) return { version: s.version, node: c.node, output: `${p.text.slice(0, Math.floor(Math.random() * p.text.length))}\u0000junk\r\n\t` };
  if (r < 0.6) return { version: s.version, node: c.node, output: p.text, command: pick(c.commands).command };
  return { version: s.version, node: c.node, output: p.text, ...(p.command ? { command: p.command } : {}) };
}

let sessions = 0;
let concluded = 0;
/** Where sessions that used up their steps (not cut short by the end of the run) stood. */
const stuck = new Map();
const end = Date.now() + seconds * 1000;

async function agent(n) {
  while (Date.now() < end) {
    const ref = `T-${n}-${sessions}`;
    const start = await call('POST', '/v1/sessions', { symptom: pick(SYMPTOMS), externalRef: ref });
    if (start.status !== 201) continue;
    sessions++;
    let s = start.body;
    for (let step = 0; step < 40 && !s.finished && Date.now() < end; step++) {
      const r = Math.random();
      if (r < 0.05) {
        const back = await call('POST', `/v1/sessions/${s.id}/back`, { version: s.version });
        if (back.status === 200) s = back.body;
        continue;
      }
      if (r < 0.08) {
        // A stale version: 409 with the current state (or 400 when the step cannot be skipped).
        await call('POST', `/v1/sessions/${s.id}/answers`, { version: Math.max(0, s.version - 1), node: s.current.node, skip: true });
        continue;
      }
      const body = answerFor(s);
      if (!body) break;
      const a = await call('POST', `/v1/sessions/${s.id}/answers`, body);
      if (a.status === 200) s = a.body;
      else if (a.status === 409 && a.body?.error?.session) s = a.body.error.session;
      else {
        const now = await call('GET', `/v1/sessions/${s.id}`);
        if (now.status !== 200) break;
        s = now.body;
      }
    }
    if (s.finished) concluded++;
    else if (Date.now() < end) {
      const at = `${s.currentRunbook}/${s.current?.node}`;
      stuck.set(at, (stuck.get(at) ?? 0) + 1);
    }
    await call('GET', `/v1/sessions/${s.id}/summary?format=${Math.random() < 0.5 ? 'markdown' : 'json'}`);
    if (Math.random() < 0.2) await call('GET', `/v1/sessions?externalRef=${ref}`);
    if (Math.random() < 0.05) await call('GET', '/v1/stats');
    if (Math.random() < 0.1) await call('POST', '/v1/diagnose', { evidence: [{ output: pick(pastes).text }] });
  }
}

console.error(`soaking for ${seconds} s with ${agents} agents...`);
const memory = [];
const sampler = setInterval(() => memory.push(rssMb(server.child.pid)), 10_000);
const t0 = Date.now();
try {
  await Promise.all(Array.from({ length: agents }, (_, i) => agent(i)));
} finally {
  clearInterval(sampler);
}
const total = [...counts].filter(([k]) => !k.startsWith(' ')).reduce((a, [, v]) => a + v, 0);
console.log(`${total} requests in ${((Date.now() - t0) / 1000).toFixed(0)} s, ${sessions} sessions, ${concluded} concluded`);
console.log(`server resident memory every 10 s (MB): ${memory.join(' ')}; at the end ${rssMb(server.child.pid)}`);
for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1])) console.log(`${String(v).padStart(8)} ${k}`);
const unconcluded = [...stuck.values()].reduce((a, b) => a + b, 0);
if (unconcluded > 0) {
  const where = [...stuck].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k, v]) => `${k} ${v}`).join(', ');
  console.log(`not concluded within 40 agent steps (random pastes rarely satisfy a check): ${unconcluded}, most at ${where}`);
}
console.log(`5xx other than 503: ${failures.length}`);
for (const f of failures.slice(0, 20)) console.log(`  ${f}`);
server.child.kill('SIGTERM');
await new Promise((r) => server.child.once('exit', r));
rmSync(dir, { recursive: true, force: true });
process.exitCode = failures.length > 0 ? 1 : 0;
