#!/usr/bin/env node
/**
 * Search quality and cost, side by side with peers (`npm run eval:search`).
 *
 * Runs every query of the evaluation set through the project's search (the
 * same `search()` the CLI, API and site call, over the index loaded from its
 * serialized artifact) and prints recall@1, recall@5 and MRR@10 per language
 * and overall; then the same corpus and queries through MiniSearch (default
 * settings) and, when the site has been built into dist/, Pagefind. For each:
 * quality, query latency p50/p95 and index size (raw and gzip).
 *
 * Usage: node scripts/eval-search.mjs [--queries <file.jsonl>] [--dist <dir>] [--misses] [--json]
 *   --queries  default ../shared/eval/search-queries.jsonl relative to the repository
 *   --dist     the built site for Pagefind (default dist/)
 *   --misses   list the queries whose expected case is not ranked first
 *   --json     print the numbers as JSON instead of tables
 *
 * Needs lib/ (it runs `npx tsc -p tsconfig.build.json` when lib/ lacks the search module).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { gunzipSync, gzipSync } from 'node:zlib';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i !== -1 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const flag = (name) => process.argv.includes(name);

const queriesPath = resolve(arg('--queries', join(ROOT, '..', 'shared', 'eval', 'search-queries.jsonl')));
const distDir = resolve(ROOT, arg('--dist', 'dist'));
const asJson = flag('--json');
const log = asJson ? () => {} : (s = '') => console.log(s);

if (!existsSync(queriesPath)) {
  console.error(`eval-search: no query file at ${queriesPath}.\nPass one with --queries <file.jsonl> (one {"q", "lang", "expect": [ids]} per line).`);
  process.exit(2);
}
const queries = readFileSync(queriesPath, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l, i) => {
    try {
      return JSON.parse(l);
    } catch {
      console.error(`eval-search: ${queriesPath}:${i + 1}: not JSON`);
      process.exit(2);
    }
  });

/** Make sure lib/ has the search module. */
function ensureLib() {
  if (existsSync(join(ROOT, 'lib', 'core', 'search', 'index.js'))) return;
  log('lib/ has no search module; running npx tsc -p tsconfig.build.json ...');
  spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  if (!existsSync(join(ROOT, 'lib', 'core', 'search', 'index.js'))) {
    console.error('eval-search: lib/core/search/index.js is still missing; fix the build (npx tsc -p tsconfig.build.json) and retry.');
    process.exit(2);
  }
}

/** Entries and runbooks: through loadProject when it loads, else straight from the content files. */
async function loadContent() {
  const lib = (p) => import(pathToFileURL(join(ROOT, 'lib', p)).href);
  try {
    const { loadProject } = await lib('node/project.js');
    const project = loadProject({ root: ROOT, fromSources: true });
    return { entries: project.kb.entries, runbooks: project.runbooks ?? [], via: 'loadProject' };
  } catch (e) {
    try {
      const { buildKnowledgeBase } = await lib('core/kb.js');
      const { contentPaths, readSources } = await lib('node/content.js');
      const paths = contentPaths(ROOT);
      const { kb } = buildKnowledgeBase(readSources(ROOT, [...paths.cases, ...paths.notes]));
      return { entries: kb.entries, runbooks: [], via: `content files, no runbooks (loadProject failed: ${String(e.message).split('\n')[0]})` };
    } catch (e2) {
      console.error(`eval-search: cannot load the content: ${e.message}\n  and without runbooks: ${e2.message}\nRebuild lib/ (npx tsc -p tsconfig.build.json) and retry.`);
      process.exit(2);
    }
  }
}

const pct = (xs, p) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

/**
 * Run every query through a ranking function.
 * @param rank (q) => ids best first (may be async)
 * @returns per-query ranks and latencies
 */
async function runQueries(rank, { reps = 5 } = {}) {
  const rows = [];
  const times = [];
  for (const q of queries) {
    let ids = [];
    try {
      ids = await rank(q.q);
    } catch {
      ids = [];
    }
    const at = ids.findIndex((id) => q.expect.includes(id));
    rows.push({ ...q, rank: at === -1 ? null : at + 1, top: ids[0] ?? null });
    const t = [];
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      await rank(q.q);
      t.push(performance.now() - t0);
    }
    times.push(pct(t, 50));
  }
  return { rows, p50: pct(times, 50), p95: pct(times, 95) };
}

function quality(rows) {
  const groups = { en: rows.filter((r) => r.lang === 'en'), zh: rows.filter((r) => r.lang === 'zh'), all: rows };
  const out = {};
  for (const [k, g] of Object.entries(groups)) {
    const n = g.length || 1;
    out[k] = {
      n: g.length,
      r1: g.filter((r) => r.rank === 1).length / n,
      r5: g.filter((r) => r.rank !== null && r.rank <= 5).length / n,
      mrr: g.reduce((a, r) => a + (r.rank !== null && r.rank <= 10 ? 1 / r.rank : 0), 0) / n,
    };
  }
  return out;
}

const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '  - ');
const kb = (bytes) => (bytes == null ? '-' : `${(bytes / 1024).toFixed(1)} KB`);
const ms = (x) => (Number.isFinite(x) ? `${x < 1 ? x.toFixed(3) : x.toFixed(1)} ms` : '-');

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function qualityTable(name, q) {
  return table(
    [name, 'n', 'recall@1', 'recall@5', 'MRR@10'],
    ['en', 'zh', 'all'].map((k) => [k === 'all' ? 'overall' : k, q[k].n, f2(q[k].r1), f2(q[k].r5), f2(q[k].mrr)]),
  );
}

function printMisses(name, rows) {
  const misses = rows.filter((r) => r.rank !== 1);
  if (!misses.length) return;
  log(`\n${name}: ${misses.length} queries not ranked first`);
  for (const r of misses) log(`  [${r.lang}] rank ${r.rank ?? '>10'}  want ${r.expect.join('|')}  got ${r.top ?? '-'}  «${r.q}»`);
}

// ---------------------------------------------------------------- ours
ensureLib();
const searchLib = await import(pathToFileURL(join(ROOT, 'lib', 'core', 'search', 'index.js')).href);
const content = await loadContent();
const docs = [...searchLib.searchDocsFromEntries(content.entries), ...searchLib.searchDocsFromRunbooks(content.runbooks)];
const counts = {
  cases: content.entries.filter((e) => e.kind === 'case').length,
  notes: content.entries.filter((e) => e.kind === 'note').length,
  runbooks: content.runbooks.length,
};
log(`corpus: ${counts.cases} cases, ${counts.notes} notes, ${counts.runbooks} runbooks (via ${content.via})`);
log(`queries: ${queries.length} from ${relative(process.cwd(), queriesPath) || queriesPath}`);
const expected = new Set(queries.flatMap((q) => q.expect));
const present = new Set(content.entries.map((e) => e.id));
const absent = [...expected].filter((id) => !present.has(id));
if (absent.length) log(`note: ${absent.length} expected ids are not in the corpus yet (their queries count as misses): ${absent.join(', ')}`);

const t0 = performance.now();
const built = searchLib.buildSearchIndex(docs);
const buildMs = performance.now() - t0;
const artifact = JSON.stringify(searchLib.exportSearchIndex(built));
const t1 = performance.now();
const loaded = searchLib.loadSearchIndex(JSON.parse(artifact));
const loadMs = performance.now() - t1;
const ours = await runQueries((q) => searchLib.search(loaded, q, { limit: 10 }).map((r) => r.id), { reps: 20 });
const oursQ = quality(ours.rows);
const results = [
  {
    name: 'netrunbook (flexsearch)',
    quality: oursQ,
    p50: ours.p50,
    p95: ours.p95,
    raw: Buffer.byteLength(artifact),
    gzip: gzipSync(artifact, { level: 9 }).length,
    note: `build ${buildMs.toFixed(0)} ms, load ${loadMs.toFixed(1)} ms`,
  },
];
log('');
log(qualityTable('netrunbook', oursQ));
if (flag('--misses')) printMisses('netrunbook', ours.rows);

// ---------------------------------------------------------------- MiniSearch (default settings)
try {
  const { default: MiniSearch } = await import('minisearch');
  const fields = [...searchLib.SEARCH_FIELDS];
  const mini = new MiniSearch({ fields, storeFields: [] });
  const keyOf = (d) => `${d.kind}:${d.id}`;
  mini.addAll(docs.map((d) => ({ id: keyOf(d), ...d.fields })));
  const idOf = (key) => key.slice(key.indexOf(':') + 1);
  const run = await runQueries((q) => mini.search(q).slice(0, 10).map((r) => idOf(r.id)), { reps: 20 });
  const json = JSON.stringify(mini);
  const q = quality(run.rows);
  results.push({ name: 'MiniSearch (defaults)', quality: q, p50: run.p50, p95: run.p95, raw: Buffer.byteLength(json), gzip: gzipSync(json, { level: 9 }).length, note: 'same documents and fields' });
  log('');
  log(qualityTable('MiniSearch', q));
  if (flag('--misses')) printMisses('MiniSearch', run.rows);
} catch (e) {
  log(`\nMiniSearch: skipped (${e.message}); install it with npm install --save-dev minisearch`);
}

// ---------------------------------------------------------------- Pagefind over the built site
const pagefindResult = await runPagefind();
if (pagefindResult) {
  results.push(pagefindResult);
  log('');
  log(qualityTable('Pagefind', pagefindResult.quality));
  if (flag('--misses')) printMisses('Pagefind', pagefindResult.rows);
}

log('');
log(
  table(
    ['engine', 'r@1 en', 'r@1 zh', 'r@5 en', 'r@5 zh', 'MRR all', 'p50', 'p95', 'index raw', 'index gzip', 'note'],
    results.map((r) => [
      r.name,
      f2(r.quality.en.r1),
      f2(r.quality.zh.r1),
      f2(r.quality.en.r5),
      f2(r.quality.zh.r5),
      f2(r.quality.all.mrr),
      ms(r.p50),
      ms(r.p95),
      kb(r.raw),
      kb(r.gzip),
      r.note ?? '',
    ]),
  ),
);
if (asJson) {
  console.log(JSON.stringify({ corpus: counts, queries: queries.length, results: results.map(({ rows, ...r }) => r) }, null, 2));
}

/**
 * Pagefind over dist/: index it with the Node API into a temporary directory, then
 * query with the generated pagefind.js (its browser search runtime) in Node, reading
 * its files from disk. Result URLs are mapped back to ids by their last path segment.
 */
async function runPagefind() {
  if (!existsSync(distDir) || !statSync(distDir).isDirectory()) {
    log(`\nPagefind: skipped (no built site at ${relative(ROOT, distDir) || distDir}; run npm run build first)`);
    return null;
  }
  let pagefind;
  try {
    pagefind = await import('pagefind');
  } catch (e) {
    log(`\nPagefind: skipped (${e.message}); install it with npm install --save-dev pagefind`);
    return null;
  }
  const out = mkdtempSync(join(tmpdir(), 'eval-pagefind-'));
  try {
    const { index, errors } = await pagefind.createIndex({});
    if (!index) throw new Error(errors.join('; '));
    const added = await index.addDirectory({ path: distDir });
    if (added.errors?.length) throw new Error(added.errors.join('; '));
    await index.writeFiles({ outputPath: out });
    await pagefind.close();
    const files = listFiles(out);
    // Pagefind writes gzip-compressed files. Its index proper is the entry, meta and pf_index
    // files (gzip = on disk, raw = decompressed); fragments (result text) and the runtime
    // (pagefind.js + wasm) are reported apart.
    const size = (f) => statSync(f).size;
    const unz = (f) => {
      try {
        return gunzipSync(readFileSync(f)).length;
      } catch {
        return size(f);
      }
    };
    const isIndex = (f) => /\.pf_(index|meta)$|pagefind-entry\.json$/.test(f);
    const indexFiles = files.filter(isIndex);
    const gzip = indexFiles.reduce((a, f) => a + size(f), 0);
    const raw = indexFiles.reduce((a, f) => a + unz(f), 0);
    const fragments = files.filter((f) => f.endsWith('.pf_fragment')).reduce((a, f) => a + size(f), 0);
    const runtime = files.filter((f) => /pagefind\.js$|wasm\.[^/]*\.pagefind$/.test(f)).reduce((a, f) => a + size(f), 0);
    const realFetch = globalThis.fetch;
    globalThis.fetch = async (url) => {
      const u = new URL(String(url), pathToFileURL(out + '/'));
      if (u.protocol !== 'file:') return realFetch(url);
      const p = fileURLToPath(u);
      if (!existsSync(p)) return new Response(null, { status: 404 });
      return new Response(readFileSync(p));
    };
    globalThis.window ??= globalThis;
    globalThis.location ??= new URL(pathToFileURL(out + '/').href);
    const pf = await import(pathToFileURL(join(out, 'pagefind.js')).href);
    await pf.options?.({ basePath: pathToFileURL(out + '/').href, baseUrl: '/' });
    await pf.init?.();
    const idFromUrl = (url) => url.replace(/\/(index\.html)?$/, '').replace(/\.html$/, '').split('/').pop();
    const rank = async (q) => {
      const r = await pf.search(q);
      const top = await Promise.all((r?.results ?? []).slice(0, 10).map((x) => x.data()));
      return top.map((d) => idFromUrl(d.url));
    };
    const run = await runQueries(rank, { reps: 5 });
    return {
      name: 'Pagefind (dist/)',
      quality: quality(run.rows),
      rows: run.rows,
      p50: run.p50,
      p95: run.p95,
      raw,
      gzip,
      note: `+ fragments ${kb(fragments)}, runtime ${kb(runtime)} (gzip)`,
    };
  } catch (e) {
    log(`\nPagefind: failed (${e.message})`);
    return null;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function listFiles(dir) {
  // every file under dir, recursively
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? listFiles(join(dir, d.name)) : [join(dir, d.name)]));
}
