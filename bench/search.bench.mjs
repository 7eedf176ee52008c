#!/usr/bin/env node
/**
 * Search at scale: synthetic corpora of 1,000 and 10,000 cases made by
 * recombining the real cases' text, measuring index build time, exported
 * index size (raw and gzip), load time and query latency p50/p95, with the
 * growth ratios between sizes.
 *
 * Synthetic documents take each field from a different real document (so
 * field lengths and wording stay realistic) and rename about one identifier in
 * twenty with a numeric suffix, so the vocabulary grows with the corpus as a
 * real one does instead of staying fixed. Queries are drawn from the same
 * text: short windows of titles, symptom phrasings (English and Chinese
 * aliases), counter and command names, a share of them with one typo.
 *
 * Targets: p50 query < 1 ms on 1,000 cases (Node); the real corpus's browser
 * index < 150 KB gzip.
 *
 * Usage: node bench/search.bench.mjs [--sizes 1000,10000] [--queries 300] [--json]
 * Also: `import { run } from './bench/search.bench.mjs'; await run({ sizes: [1000] })`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Deterministic PRNG (mulberry32). */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function lib(p) {
  return import(pathToFileURL(join(ROOT, 'lib', p)).href);
}

function ensureLib() {
  if (existsSync(join(ROOT, 'lib', 'core', 'search', 'index.js'))) return;
  spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  if (!existsSync(join(ROOT, 'lib', 'core', 'search', 'index.js'))) throw new Error('lib/core/search/index.js missing: run npx tsc -p tsconfig.build.json');
}

/** The real documents (cases, notes, runbooks). */
async function realDocs(S) {
  let entries;
  let runbooks = [];
  try {
    const { loadProject } = await lib('node/project.js');
    const project = loadProject({ root: ROOT, fromSources: true });
    entries = project.kb.entries;
    runbooks = project.runbooks ?? [];
  } catch {
    const { buildKnowledgeBase } = await lib('core/kb.js');
    const { contentPaths, readSources } = await lib('node/content.js');
    const paths = contentPaths(ROOT);
    entries = buildKnowledgeBase(readSources(ROOT, [...paths.cases, ...paths.notes])).kb.entries;
  }
  return [...S.searchDocsFromEntries(entries), ...S.searchDocsFromRunbooks(runbooks)];
}

const IDENT = /\b([A-Za-z][A-Za-z0-9]*(?:[_.][A-Za-z0-9]+)+|[a-z]+[A-Z][A-Za-z]+)\b/g;

/** n synthetic documents recombined from the real ones. */
export function synthesize(real, n, seed = 1) {
  const rand = rng(seed);
  const pick = () => real[Math.floor(rand() * real.length)];
  const variants = Math.max(1, Math.floor(n / 5));
  const rename = (text) => text.replace(IDENT, (m) => (rand() < 0.05 ? `${m}_${Math.floor(rand() * variants)}` : m));
  const docs = [];
  for (let i = 0; i < n; i++) {
    const a = pick();
    const fields = {};
    for (const f of Object.keys(a.fields)) fields[f] = rename(pick().fields[f]);
    fields.title = rename(`${a.title} ${pick().title.split(' ').slice(0, 3).join(' ')}`);
    docs.push({ id: `synthetic-${i}`, kind: 'case', title: fields.title, fields, passages: [...pick().passages.slice(0, 2), ...a.passages.slice(2)] });
  }
  return docs;
}

/** Queries drawn from the documents' own text. */
export function makeQueries(real, count, seed = 7) {
  const rand = rng(seed);
  const out = [];
  const pool = real.flatMap((d) => [d.title, ...d.fields.symptoms.split('\n'), ...d.fields.evidence.split('\n').filter((l) => /[A-Za-z]{4}/.test(l)).slice(0, 6)]).filter((s) => s && s.length > 3);
  while (out.length < count) {
    const text = pool[Math.floor(rand() * pool.length)];
    if (/[\u4e00-\u9fff]/.test(text) && !/[a-z]{3}/i.test(text)) {
      const start = Math.floor(rand() * Math.max(1, text.length - 6));
      out.push(text.slice(start, start + 4 + Math.floor(rand() * 6)));
      continue;
    }
    const words = text.split(/\s+/).filter(Boolean);
    const len = 1 + Math.floor(rand() * Math.min(5, words.length));
    const start = Math.floor(rand() * Math.max(1, words.length - len + 1));
    let q = words.slice(start, start + len).join(' ');
    if (rand() < 0.15) {
      const long = q.split(' ').filter((w) => /^[a-z]{6,}$/i.test(w));
      if (long.length) {
        const w = long[Math.floor(rand() * long.length)];
        const k = 1 + Math.floor(rand() * (w.length - 2));
        q = q.replace(w, w.slice(0, k) + w[k + 1] + w[k] + w.slice(k + 2));
      }
    }
    if (q.trim()) out.push(q);
  }
  return out;
}

function measure(S, docs, queries) {
  const t0 = performance.now();
  const index = S.buildSearchIndex(docs);
  const buildMs = performance.now() - t0;
  const json = JSON.stringify(S.exportSearchIndex(index));
  const raw = Buffer.byteLength(json);
  const gzip = gzipSync(json, { level: 9 }).length;
  const t1 = performance.now();
  const loaded = S.loadSearchIndex(JSON.parse(json));
  const loadMs = performance.now() - t1;
  for (const q of queries.slice(0, 50)) S.search(loaded, q, { limit: 10 }); // warm up the JIT
  const times = [];
  let hits = 0;
  for (const q of queries) {
    const t = performance.now();
    const r = S.search(loaded, q, { limit: 10 });
    times.push(performance.now() - t);
    if (r.length) hits++;
  }
  return { docs: docs.length, buildMs, raw, gzip, loadMs, p50: pct(times, 50), p95: pct(times, 95), answered: hits / queries.length };
}

/**
 * Run the benchmark and print a table.
 * @param {{ sizes?: number[], queries?: number, print?: boolean }} [opts]
 * @returns {Promise<Array<object>>} one row per corpus size (the real corpus first)
 */
export async function run(opts = {}) {
  const sizes = opts.sizes ?? [1000, 10000];
  const print = opts.print ?? true;
  ensureLib();
  const S = await lib('core/search/index.js');
  const real = await realDocs(S);
  const queries = makeQueries(real, opts.queries ?? 300);
  const rows = [{ label: `real (${real.length})`, ...measure(S, real, queries) }];
  for (const n of sizes) rows.push({ label: `synthetic ${n}`, ...measure(S, synthesize(real, n), queries) });
  if (print) {
    const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
    const msf = (x) => `${x < 1 ? x.toFixed(3) : x.toFixed(1)} ms`;
    const header = ['corpus', 'build', 'index raw', 'index gzip', 'load', 'query p50', 'query p95', 'answered'];
    const body = rows.map((r) => [r.label, msf(r.buildMs), kb(r.raw), kb(r.gzip), msf(r.loadMs), msf(r.p50), msf(r.p95), `${(r.answered * 100).toFixed(0)}%`]);
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
    const line = (c) => c.map((x, i) => (i ? x.padStart(widths[i]) : x.padEnd(widths[i]))).join('  ');
    console.log(`search bench: ${queries.length} queries, Node ${process.version}`);
    console.log(line(header));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const b of body) console.log(line(b));
    const syn = rows.slice(1);
    for (let i = 1; i < syn.length; i++) {
      const a = syn[i - 1];
      const b = syn[i];
      const x = (k) => (b[k] / a[k]).toFixed(1) + 'x';
      console.log(`growth ${a.docs} -> ${b.docs} docs (${(b.docs / a.docs).toFixed(0)}x): build ${x('buildMs')}, gzip size ${x('gzip')}, raw size ${x('raw')}, p50 ${x('p50')}, p95 ${x('p95')}`);
    }
    const r1k = rows.find((r) => r.docs === 1000);
    if (r1k) console.log(`target p50 < 1 ms on 1,000 cases: ${r1k.p50 < 1 ? 'met' : 'NOT met'} (${msf(r1k.p50)})`);
    console.log(`target real-corpus index < 150 KB gzip: ${rows[0].gzip < 150 * 1024 ? 'met' : 'NOT met'} (${kb(rows[0].gzip)})`);
  }
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const arg = (name) => {
    const i = process.argv.indexOf(name);
    return i === -1 ? undefined : process.argv[i + 1];
  };
  const sizes = arg('--sizes')?.split(',').map(Number).filter((n) => n > 0);
  const rows = await run({ sizes, queries: Number(arg('--queries')) || undefined, print: !process.argv.includes('--json') });
  if (process.argv.includes('--json')) console.log(JSON.stringify(rows, null, 2));
}
