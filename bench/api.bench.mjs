#!/usr/bin/env node
/**
 * API load figure: session steps per second and p99 latency for
 * `POST /v1/sessions/:id/answers` on a `check` node, with a ~5 KB `netstat -s`
 * paste, at 50 connections, with autocannon on loopback.
 *
 * The server is the real `runbook serve` from lib/ (build it with
 * `npm run build:lib`), in its own process, with a SQLite store. Every
 * measured request answers a different session that waits at the check node
 * `counters` of `syn-no-response` (the sessions are prepared in the database
 * first, one answer in), so each request is exactly one step: replay, read the
 * paste, rank the candidates, append to the log, answer with the new state.
 *
 * The server and the load generator share this machine's cores; the output
 * says so. Targets: at least 3,000 steps/s and p99 under 20 ms.
 *
 * Usage: node bench/api.bench.mjs [--amount 20000] [--warmup 10000] [--connections 50] [--ceiling] [--json]
 * The warm-up is long enough for V8 to have compiled the server's hot code: after 2,000 answers,
 * compiling still took about 6% of the server's CPU during the measurement; after 10,000, about 1%.
 * `--ceiling` runs bench/ceiling-server.mjs instead: the same stack with the engine's work taken
 * out (answers reuse the first reply), to see what HTTP, storage and the load generator leave.
 * With API_BENCH_PERF=1 (Linux, perf installed) it also counts the server's instructions and
 * context switches per step.
 */
import { spawn } from 'node:child_process';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNBOOK = 'syn-no-response';
const ASK_NODE = 'who-fails';
const ASK_CHOICE = 2; // "Any client, now and then, during bursts" → the counters check
const CHECK_NODE = 'counters';
/** Targets from the issue. */
export const TARGETS = { stepsPerSecond: 3000, p99Ms: 20 };

/**
 * A realistic full `netstat -s` (RHEL 7, net-tools), about 5 KB.
 * @returns the text
 */
export function netstatPaste() {
  const fixture = join(ROOT, 'test', 'fixtures', 'api', 'netstat-s--rhel7-nat-paws.txt');
  return readFileSync(fixture, 'utf8');
}

/**
 * The paste as it would read `i` snapshots later: the IP packet counters moved on.
 * @param {string} paste the netstat -s text
 * @param {number} i which variant
 * @returns {string} a paste that differs from every other variant
 */
export function varied(paste, i) {
  return paste.replace(/^(\s*)(\d+)( total packets received| requests sent out)$/gm, (_, sp, n, rest) => `${sp}${BigInt(n) + BigInt(i) * 1000n}${rest}`);
}

async function lib(path) {
  const file = join(ROOT, 'lib', path);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build:lib\` first`);
  return import(pathToFileURL(file).href);
}

/**
 * Prepare sessions waiting at the check node, straight in the database (the
 * same store and engine the server uses).
 */
async function prepare(db, count) {
  const { SqliteStore } = await lib('api/sqlite-store.js');
  const { replay, isInputError } = await lib('core/engine/session.js');
  const { engineData } = await lib('core/project.js');
  const { loadProject } = await lib('node/project.js');
  const data = engineData(loadProject());
  const input = { kind: 'choice', node: ASK_NODE, choice: ASK_CHOICE, at: new Date().toISOString() };
  const start = replay(data, RUNBOOK, []);
  const state = replay(data, RUNBOOK, [input]);
  if (isInputError(start) || isInputError(state)) throw new Error(`runbook ${RUNBOOK} does not replay: ${start.message ?? state.message}`);
  if (state.current.type !== 'check' || state.current.node !== CHECK_NODE) {
    throw new Error(`answer ${ASK_CHOICE} at ${ASK_NODE} now leads to ${state.current.type} "${state.current.node}", not the check "${CHECK_NODE}": update the bench`);
  }
  const progress = (s, steps) => ({ runbook: s.runbook, node: s.current.node, finished: s.finished, conclusion: [], steps });
  const store = new SqliteStore(db);
  const ids = [];
  store.db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const id = randomUUID();
      // create() and append() are async only in signature; the SQLite store writes synchronously.
      void store.create({ id, runbook: RUNBOOK, createdAt: new Date().toISOString(), progress: progress(start, 0) });
      void store.append(id, 0, input, progress(state, 1));
      ids.push(id);
    }
  })();
  await store.close();
  return { ids, command: state.current.commands[0].command };
}

/**
 * {@link prepare} in a thread of its own that exits when done: the project, the engine and the
 * store it loads go with it, so the load generator's heap holds only the requests and its
 * garbage collections (which pause the generator, and so add to every latency it measures) stay short.
 */
function prepareInThread(db, count) {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL(import.meta.url), { workerData: { prepare: { db, count } } });
    let result;
    w.once('message', (m) => (result = m));
    w.once('error', reject);
    w.once('exit', (code) => (result ? resolve(result) : reject(new Error(`preparing the sessions failed (thread exit code ${code})`))));
  });
}

if (!isMainThread && workerData?.prepare) {
  parentPort.postMessage(await prepare(workerData.prepare.db, workerData.prepare.count));
}

/**
 * Start `runbook serve` (or the ceiling server) on a free loopback port over a database file.
 * @param {string} db the SQLite file
 * @param {boolean} [ceiling] bench/ceiling-server.mjs instead of the product
 * @param {Record<string, string>} [env] environment settings over the bench's own
 * @returns {Promise<{ child: import('node:child_process').ChildProcess, base: string, engine: string }>}
 */
export function startServer(db, ceiling = false, env = {}) {
  // API_BENCH_NODE_ARGS passes flags to the server's node (e.g. "--cpu-prof --cpu-prof-dir=prof").
  const nodeArgs = (process.env.API_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // API_BENCH_SERVER_ARGS passes options to `runbook serve` (e.g. "--threads 0").
  const serveArgs = (process.env.API_BENCH_SERVER_ARGS ?? '').split(' ').filter(Boolean);
  // --ceiling: the same stack without engine work (bench/ceiling-server.mjs), a diagnostic, not the product.
  const command = ceiling ? [join(ROOT, 'bench', 'ceiling-server.mjs'), '--port', '0', '--db', db] : [join(ROOT, 'bin', 'runbook.js'), 'serve', '--port', '0', '--db', db, ...serveArgs];
  const child = spawn(process.execPath, [...nodeArgs, ...command], {
    cwd: ROOT,
    // Request logs stay on (info), as in production; they go to /dev/null here.
    env: { ...process.env, RUNBOOK_RATE_LIMIT: '0', RUNBOOK_LOG_LEVEL: process.env.API_BENCH_LOG_LEVEL ?? 'info', RUNBOOK_API_KEYS: '', ...env },
    // API_BENCH_SERVER_OUT keeps the server's stdout (e.g. with --trace-gc) in a file.
    stdio: ['ignore', process.env.API_BENCH_SERVER_OUT ? openSync(process.env.API_BENCH_SERVER_OUT, 'w') : 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
      const m = /listening on (http:\/\/\S+)/.exec(err);
      const engine = /engine:\s+(.+)/.exec(err);
      if (m && engine) resolve({ child, base: m[1], engine: engine[1].trim() });
    });
    child.on('exit', (code) => reject(new Error(`runbook serve exited with ${code}: ${err}`)));
  });
}

/** CPU time a process has used, in ms (Linux /proc), or null elsewhere. */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    const hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / hz;
  } catch {
    return null;
  }
}

/** CPU time of each thread of a process, in ms by thread id (Linux /proc), or null elsewhere. */
function threadCpuMs(pid) {
  try {
    const hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    const out = new Map();
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
      out.set(Number(tid), ((Number(fields[11]) + Number(fields[12])) * 1000) / hz);
    }
    return out;
  } catch {
    return null;
  }
}

/**
 * Server CPU per step split into the event loop (the main thread), the busiest other thread (the
 * engine worker, when there is one) and the rest (GC helpers, the checkpointer, ...).
 */
function splitCpu(pid, before, after, steps) {
  if (!before || !after) return null;
  const used = [...after].map(([tid, ms]) => [tid, ms - (before.get(tid) ?? 0)]);
  const main = used.find(([tid]) => tid === pid)?.[1] ?? 0;
  const others = used.filter(([tid]) => tid !== pid).sort((a, b) => b[1] - a[1]);
  const busiest = others[0]?.[1] ?? 0;
  const rest = others.slice(1).reduce((a, [, ms]) => a + ms, 0);
  const per = (ms) => Number((ms / steps).toFixed(3));
  return { eventLoop: per(main), busiestOtherThread: per(busiest), otherThreads: per(rest) };
}

/**
 * Count the server's CPU instructions and context switches over the measured run with `perf stat`
 * (Linux, when API_BENCH_PERF=1 and perf can read the counters): unlike CPU time, the instruction
 * count barely moves with the machine's load, so it shows small changes in the work per step.
 * @returns {{ stop: () => Promise<{ instructions: number | null, contextSwitches: number | null }> } | null}
 */
function perfCounter(pid) {
  if (process.env.API_BENCH_PERF !== '1') return null;
  const p = spawn('perf', ['stat', '-x', ',', '-e', 'instructions,context-switches', '-p', String(pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  p.stderr.on('data', (d) => (err += d));
  p.on('error', () => {});
  const count = (event) => {
    const n = Number(new RegExp(`^(\\d+),[^,]*,${event},`, 'm').exec(err)?.[1]);
    return Number.isFinite(n) && n > 0 ? n : null;
  };
  return {
    stop: () =>
      new Promise((resolve) => {
        p.once('exit', () => resolve({ instructions: count('instructions'), contextSwitches: count('context-switches') }));
        p.kill('SIGINT');
      }),
  };
}

function cannon(opts) {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

/**
 * Run the benchmark.
 * @param {{ amount?: number, connections?: number, warmup?: number, quiet?: boolean, ceiling?: boolean }} [opts]
 * @returns {Promise<object>} steps per second, latency percentiles, errors, and whether the targets were met
 */
export async function run(opts = {}) {
  const amount = opts.amount ?? 20_000;
  const warmup = opts.warmup ?? 10_000;
  const connections = opts.connections ?? 50;
  const log = opts.quiet ? () => {} : (s) => process.stderr.write(s + '\n');
  const dir = mkdtempSync(join(tmpdir(), 'runbook-api-bench-'));
  const db = join(dir, 'runbook.db');
  const paste = netstatPaste();
  let server;
  try {
    log(`preparing ${amount + warmup} sessions at ${RUNBOOK}/${CHECK_NODE}...`);
    const { ids, command } = await prepareInThread(db, amount + warmup);
    server = await startServer(db, opts.ceiling === true);
    // Every answer carries a different paste (the packet counters move), as real pastes do, so
    // each step reads its output for real instead of finding it among the engine's memoized readings.
    // The bodies are built before the run, so the load generator only sends them.
    const bodies = ids.map((_, i) => Buffer.from(JSON.stringify({ version: 1, node: CHECK_NODE, output: varied(paste, i), command })));
    let next = 0;
    let lastResponse = 0;
    const base = {
      url: server.base,
      connections,
      pipelining: 1,
      headers: { 'content-type': 'application/json' },
      requests: [
        {
          method: 'POST',
          onResponse: () => {
            lastResponse = performance.now();
          },
          setupRequest: (req) => {
            const i = next++;
            return { ...req, path: `/v1/sessions/${ids[i]}/answers`, body: bodies[i] };
          },
        },
      ],
    };
    log(`warming up with ${warmup} answers...`);
    await cannon({ ...base, amount: warmup });
    log(`measuring ${amount} answers at ${connections} connections...`);
    const load = loadavg()[0];
    const cpu0 = cpuMs(server.child.pid);
    const threads0 = threadCpuMs(server.child.pid);
    const perf = perfCounter(server.child.pid);
    // perf needs a moment to attach.
    if (perf) await new Promise((r) => setTimeout(r, 200));
    const own0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await cannon({ ...base, amount });
    const counted = perf ? await perf.stop() : null;
    // autocannon's own duration is in whole seconds (a run ends on its next tick): time it to the last response.
    const seconds = ((lastResponse || performance.now()) - t0) / 1000;
    const own = process.cpuUsage(own0);
    const cpu1 = cpuMs(server.child.pid);
    const threads1 = threadCpuMs(server.child.pid);
    const serverCpuMsPerStep = cpu0 !== null && cpu1 !== null ? (cpu1 - cpu0) / r.requests.total : null;
    const check = await fetch(`${server.base}/v1/sessions/${ids[warmup]}`).then((x) => x.json());
    const result = {
      endpoint: 'POST /v1/sessions/:id/answers',
      ...(opts.ceiling ? { ceiling: true } : {}),
      node: `${RUNBOOK}/${CHECK_NODE} (check, netstat-s parser)`,
      engine: server.engine,
      pasteBytes: Buffer.byteLength(paste),
      connections,
      requests: r.requests.total,
      non2xx: r.non2xx,
      errors: r.errors + r.timeouts,
      stepsPerSecond: Math.round(r.requests.total / seconds),
      latencyMs: { mean: r.latency.mean, p10: r.latency.p10, p25: r.latency.p25, p50: r.latency.p50, p75: r.latency.p75, p90: r.latency.p90, p97_5: r.latency.p97_5, p99: r.latency.p99, max: r.latency.max },
      verified: check.version === 2 && check.current?.node === CHECK_NODE && check.current?.snapshots === 1,
      serverCpuMsPerStep: serverCpuMsPerStep === null ? null : Number(serverCpuMsPerStep.toFixed(3)),
      stepsPerServerCpuSecond: serverCpuMsPerStep ? Math.round(1000 / serverCpuMsPerStep) : null,
      serverCpuMsPerStepByThread: splitCpu(server.child.pid, threads0, threads1, r.requests.total),
      ...(counted?.instructions ? { serverInstructionsPerStep: Math.round(counted.instructions / r.requests.total) } : {}),
      ...(counted?.contextSwitches ? { serverContextSwitchesPerStep: Number((counted.contextSwitches / r.requests.total).toFixed(2)) } : {}),
      loadGeneratorCpuMsPerStep: Number(((own.user + own.system) / 1000 / r.requests.total).toFixed(3)),
      machine: `${cpus().length} cores shared by the server and the load generator (loopback), load average ${load.toFixed(1)} at the start`,
    };
    result.meetsTargets = !opts.ceiling && result.stepsPerSecond >= TARGETS.stepsPerSecond && result.latencyMs.p99 < TARGETS.p99Ms && result.non2xx === 0;
    return result;
  } finally {
    if (server) {
      server.child.kill('SIGTERM');
      await new Promise((r) => server.child.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Prepared sessions and a running server, for diagnostic load scripts.
 * @param {number} count sessions
 * @returns {Promise<{ ids: string[], base: string, bodies: Buffer[], close: () => Promise<void> }>}
 */
export async function setupForDiagnosis(count) {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-api-diag-'));
  const db = join(dir, 'runbook.db');
  const paste = netstatPaste();
  const { ids, command } = await prepareInThread(db, count);
  const server = await startServer(db);
  const bodies = ids.map((_, i) => Buffer.from(JSON.stringify({ version: 1, node: CHECK_NODE, output: varied(paste, i), command })));
  return {
    ids,
    base: server.base,
    bodies,
    close: async () => {
      server.child.kill('SIGTERM');
      await new Promise((r) => server.child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Print a result as the lines `npm run bench` shows.
 * @param {Awaited<ReturnType<typeof run>>} r the result
 * @returns {string} the text
 */
export function format(r) {
  return [
    ...(r.ceiling
      ? ['CEILING, NOT A PRODUCT FIGURE: every answer after the first reuses its reply, so this is HTTP, validation, storage, logs and the load generator without engine work']
      : []),
    `API: ${r.endpoint} on ${r.node}, ${(r.pasteBytes / 1024).toFixed(1)} KB netstat -s paste, ${r.connections} connections`,
    `  ${r.stepsPerSecond} steps/s (target >= ${TARGETS.stepsPerSecond}), p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms (target < ${TARGETS.p99Ms}), max ${r.latencyMs.max} ms`,
    `  ${r.requests} requests, ${r.non2xx} non-2xx, ${r.errors} errors; state checked after the run: ${r.verified ? 'ok' : 'WRONG'}`,
    ...(r.serverCpuMsPerStep !== null ? [`  server CPU ${r.serverCpuMsPerStep} ms per step (${r.stepsPerServerCpuSecond} steps per CPU-second of the server process)`] : []),
    ...(r.serverCpuMsPerStepByThread
      ? [
          `  by thread: event loop ${r.serverCpuMsPerStepByThread.eventLoop} ms, busiest other thread (the engine worker) ${r.serverCpuMsPerStepByThread.busiestOtherThread} ms, all others (GC helpers, checkpointer) ${r.serverCpuMsPerStepByThread.otherThreads} ms`,
        ]
      : []),
    ...(r.serverInstructionsPerStep
      ? [`  server per step (perf stat): ${(r.serverInstructionsPerStep / 1000).toFixed(0)} thousand instructions, ${r.serverContextSwitchesPerStep ?? '?'} context switches`]
      : []),
    `  load generator CPU ${r.loadGeneratorCpuMsPerStep} ms per step; latency mean ${r.latencyMs.mean} ms, p90 ${r.latencyMs.p90} ms, p97.5 ${r.latencyMs.p97_5} ms`,
    `  engine ${r.engine}; ${r.machine}; ${r.ceiling ? 'targets do not apply' : `targets ${r.meetsTargets ? 'met' : 'NOT met'}`}`,
  ].join('\n');
}

if (isMainThread && process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name, dflt) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : dflt;
  };
  const r = await run({ amount: arg('--amount', 20_000), connections: arg('--connections', 50), warmup: arg('--warmup', 10_000), ceiling: process.argv.includes('--ceiling') });
  process.stdout.write((process.argv.includes('--json') ? JSON.stringify(r, null, 2) : format(r)) + '\n');
}
