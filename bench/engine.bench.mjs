#!/usr/bin/env node
/**
 * The engine's share of an API step, without HTTP or storage: what an engine
 * worker thread does for `POST /v1/sessions/:id/answers` on the `check` node
 * `syn-no-response/counters` with a ~5 KB `netstat -s` paste. Each step is a
 * different session (its log arrives with the request, as on a first answer
 * after a restart) and a different paste, then the view's UTF-8 bytes are copied
 * and the write is settled, as in `engine-worker.ts`.
 *
 * Prints microseconds of CPU per step, split into the work and the garbage
 * collector's pauses in this thread, and the time of the parts (reading the
 * paste, replaying, rendering the view) measured on their own.
 *
 * Usage: node bench/engine.bench.mjs [--steps 20000] [--json]
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { netstatPaste, varied } from './api.bench.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNBOOK = 'syn-no-response';
const ASK = { node: 'who-fails', choice: 2 };
const CHECK_NODE = 'counters';

async function lib(path) {
  const file = join(ROOT, 'lib', path);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build:lib\` first`);
  return import(pathToFileURL(file).href);
}

function cpuUs(fn) {
  const c0 = process.cpuUsage();
  fn();
  const c = process.cpuUsage(c0);
  return c.user + c.system;
}

/**
 * Run the benchmark.
 * @param {{ steps?: number }} [opts]
 * @returns {Promise<object>} microseconds per step and per part
 */
export async function run(opts = {}) {
  const steps = opts.steps ?? 20_000;
  const { EngineHost, answerInput, progressOf } = await lib('api/engine-host.js');
  const { replay, isInputError } = await lib('core/engine/session.js');
  const { parseOutput } = await lib('core/parsers/index.js');
  const { engineData } = await lib('core/project.js');
  const { loadProject } = await lib('node/project.js');
  const data = engineData(loadProject());
  const host = new EngineHost(data);
  const paste = netstatPaste();
  const at = new Date().toISOString();
  const first = { kind: 'choice', node: ASK.node, choice: ASK.choice, at };
  const state = replay(data, RUNBOOK, [first]);
  if (isInputError(state) || state.current.node !== CHECK_NODE) throw new Error(`${RUNBOOK} no longer reaches the check "${CHECK_NODE}": update the bench`);
  const command = state.current.commands[0].command;
  const utf8 = new TextEncoder();

  const total = steps + 2_000;
  const reqs = Array.from({ length: total }, (_, i) => {
    const id = randomUUID();
    return {
      op: 'answer',
      token: i + 1,
      input: answerInput({ version: 1, node: CHECK_NODE, output: varied(paste, i), command }, at),
      meta: { id, runbook: RUNBOOK, createdAt: at, updatedAt: at, version: 1, progress: progressOf(state, 1) },
      inputs: [first],
    };
  });
  let bytes = 0;
  const step = (req) => {
    const r = host.handle(req);
    if (!r.ok || !('json' in r)) throw new Error(`the step failed: ${JSON.stringify(r).slice(0, 300)}`);
    // As engine-worker.ts: text is encoded to UTF-8; cached bytes are copied into the message.
    bytes += (typeof r.json === 'string' ? utf8.encode(r.json) : r.json.slice()).byteLength;
    host.handle({ op: 'settle', token: req.token, id: req.meta.id, version: 2, ok: true });
  };
  for (let i = 0; i < 2_000; i++) step(reqs[i]);

  let gcMs = 0;
  let gcs = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcMs += e.duration;
      gcs++;
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  const measured = reqs.slice(2_000);
  const us = cpuUs(() => {
    for (const r of measured) step(r);
  });
  // GC entries arrive asynchronously.
  await new Promise((r) => setTimeout(r, 50));
  obs.disconnect();

  // The parts on their own (fresh pastes, so no memoized readings).
  const parts = {};
  const k = Math.min(2_000, steps);
  const fresh = Array.from({ length: k }, (_, i) => varied(paste, total + i));
  parts.readPasteUs = cpuUs(() => {
    for (const p of fresh) parseOutput(p, { command });
  }) / k;
  // Pastes not read yet (a replay of a paste read above would find its readings memoized).
  const inputs = fresh.map((_, i) => [first, { kind: 'output', node: CHECK_NODE, output: varied(paste, total + k + i), command, at }]);
  let last;
  parts.replayUs = cpuUs(() => {
    for (const i of inputs) last = replay(data, RUNBOOK, i);
  }) / k;
  if (isInputError(last)) throw new Error(`the replay failed: ${last.message}`);
  // Rendering: a few hundred states kept (each holds its facts and transcript).
  const states = inputs.slice(0, 300).map((i) => replay(data, RUNBOOK, i));
  const meta = measured[0].meta;
  for (const s of states) JSON.stringify(host.view(meta, s, 2)); // warm up
  const rounds = Math.ceil(k / states.length);
  parts.renderUs = cpuUs(() => {
    for (let r = 0; r < rounds; r++) for (const s of states) JSON.stringify(host.view(meta, s, 2));
  }) / (rounds * states.length);
  parts.factsJsonUs = cpuUs(() => {
    for (let r = 0; r < rounds; r++) for (const s of states) JSON.stringify(s.facts);
  }) / (rounds * states.length);

  const round = (x) => Number(x.toFixed(1));
  return {
    steps,
    usPerStep: round(us / steps),
    gcPauseUsPerStep: round((gcMs * 1000) / steps),
    gcPauses: gcs,
    viewBytes: Math.round(bytes / (steps + 2_000)),
    parts: Object.fromEntries(Object.entries(parts).map(([a, b]) => [a, round(b)])),
  };
}

/**
 * Print a result as the lines `npm run bench` shows.
 * @param {Awaited<ReturnType<typeof run>>} r the result
 * @returns {string} the text
 */
export function format(r) {
  return [
    `engine step (answer at ${RUNBOOK}/${CHECK_NODE} with a fresh ~5 KB netstat -s paste, as a worker thread runs it): ${r.usPerStep} µs CPU per step, of which GC pauses ${r.gcPauseUsPerStep} µs (${r.gcPauses} pauses over ${r.steps} steps); view ${r.viewBytes} bytes`,
    `  parts on their own: read the paste ${r.parts.readPasteUs} µs, replay (reads included) ${r.parts.replayUs} µs, render the view ${r.parts.renderUs} µs (its facts alone ${r.parts.factsJsonUs} µs)`,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf('--steps');
  const r = await run({ steps: i > 0 ? Number(process.argv[i + 1]) : 20_000 });
  process.stdout.write((process.argv.includes('--json') ? JSON.stringify(r, null, 2) : format(r)) + '\n');
}
