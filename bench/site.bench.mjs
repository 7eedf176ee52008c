#!/usr/bin/env node
// Static site benchmark (`npm run bench site`, or `node bench/site.bench.mjs`):
//  - `astro build` time for the real corpus and for a synthetic 1,000-case corpus (real case
//    text recombined into new files under a temp content root, read through RUNBOOK_HOME),
//    each with a cold Astro cache and its own output directory (dist/ is left alone);
//  - the JavaScript a case page ships before search is used (its module scripts and their
//    static imports, raw and gzip; target < 100 KB gzip), what a runbook page ships before
//    and after "Start", and the search index fetched on first focus.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { parse as parseYaml, stringify as toYaml } from 'yaml';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ASTRO = join(ROOT, 'node_modules', 'astro', 'astro.js');
const TARGET_GZIP = 100 * 1024;

/**
 * Run `astro build` into a directory.
 * @param {{ out: string, cache: string, home?: string }} o output and cache directories, content root
 * @returns {{ seconds: number, pages: number }}
 */
function build({ out, cache, home }) {
  const env = { ...process.env, SITE_OUT_DIR: out, SITE_CACHE_DIR: cache, ASTRO_TELEMETRY_DISABLED: '1' };
  if (home) env.RUNBOOK_HOME = home;
  else delete env.RUNBOOK_HOME;
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [ASTRO, 'build'], { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) {
    const tail = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.split('\n').slice(-30).join('\n');
    throw new Error(`astro build failed (${home ?? 'real corpus'}):\n${tail}`);
  }
  const pages = (r.stdout.match(/(\d+) page\(s\) built/) ?? [])[1];
  return { seconds, pages: Number(pages ?? 0) };
}

/**
 * Split a case file into front matter (parsed) and `## ` sections.
 * @param {string} text
 * @returns {{ fm: Record<string, any>, sections: Map<string, string> }}
 */
function splitCase(text) {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n([\s\S]*)$/.exec(text);
  if (!m) throw new Error('no front matter');
  const fm = parseYaml(m[1]);
  const sections = new Map();
  let key = '';
  let buf = [];
  let fence = false;
  const flush = () => {
    if (key) sections.set(key, buf.join('\n').trim());
  };
  for (const line of m[2].split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fence = !fence;
    const h = !fence && /^##\s+(.+)$/.exec(line);
    if (h) {
      flush();
      key = h[1].trim();
      buf = [];
    } else buf.push(line);
  }
  flush();
  return { fm, sections };
}

/**
 * Make a content root with `total` cases: the real ones plus recombinations of them
 * (each section taken from a different real case), and the real notes and runbooks.
 * @param {number} total
 * @returns {string} the content root
 */
export function syntheticCorpus(total) {
  const dir = mkdtempSync(join(tmpdir(), 'netrunbook-site-bench-'));
  mkdirSync(join(dir, 'content', 'cases'), { recursive: true });
  cpSync(join(ROOT, 'content', 'notes'), join(dir, 'content', 'notes'), { recursive: true });
  cpSync(join(ROOT, 'runbooks'), join(dir, 'runbooks'), { recursive: true });
  if (existsSync(join(ROOT, 'content', 'catalog.json'))) cpSync(join(ROOT, 'content', 'catalog.json'), join(dir, 'content', 'catalog.json'));
  const files = readdirSync(join(ROOT, 'content', 'cases')).filter((f) => f.endsWith('.md')).sort();
  const real = files.map((f) => {
    const text = readFileSync(join(ROOT, 'content', 'cases', f), 'utf8');
    writeFileSync(join(dir, 'content', 'cases', f), text);
    return splitCase(text);
  });
  const pick = (i, k) => real[(i * (k + 3) + k) % real.length];
  const heading = (c, re) => [...c.sections.keys()].find((h) => re.test(h));
  for (let i = 0; i < total - real.length; i++) {
    const base = real[i % real.length];
    const id = `synthetic-${String(i + 1).padStart(4, '0')}-${base.fm.id}`.slice(0, 80).replace(/-+$/, '');
    const fm = {
      ...base.fm,
      id,
      title: `${base.fm.title} (variant ${i + 1})`,
      symptoms: pick(i, 1).fm.symptoms ?? base.fm.symptoms,
      tags: [...new Set([...(base.fm.tags ?? []), ...(pick(i, 2).fm.tags ?? []).slice(0, 2)])],
      related: [base.fm.id],
    };
    const parts = [];
    for (const [k, re] of [
      [0, /^(symptom|现象)/i],
      [1, /^(evidence|diagnos|排查)/i],
      [2, /^(root cause|cause|原因)/i],
      [3, /^(fix|解决)/i],
      [0, /^(applies|适用)/i],
    ]) {
      const src = k === 0 ? base : pick(i, k);
      const h = heading(src, re) ?? heading(base, re);
      const from = heading(src, re) ? src : base;
      if (h) parts.push(`## ${h}\n\n${from.sections.get(h)}`);
    }
    writeFileSync(join(dir, 'content', 'cases', `${id}.md`), `---\n${toYaml(fm)}---\n\n${parts.join('\n\n')}\n`);
  }
  return dir;
}

/**
 * The JavaScript a page loads before any interaction: its module scripts, their static
 * imports (dynamic `import()` chunks excluded), and inline scripts.
 * @param {string} dist
 * @param {string} page path of the page's index.html inside dist
 * @returns {{ files: string[], raw: number, gzip: number, lazy: string[] }}
 */
export function pageJs(dist, page) {
  const html = readFileSync(join(dist, page), 'utf8');
  const seen = new Set();
  const lazy = new Set();
  let raw = 0;
  let gzip = 0;
  const visit = (file) => {
    if (seen.has(file) || !existsSync(file)) return;
    seen.add(file);
    const code = readFileSync(file);
    raw += code.length;
    gzip += gzipSync(code, { level: 9 }).length;
    const text = code.toString('utf8');
    for (const m of text.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[\w$*{}\s,]+from\s*)?["'](\.{1,2}\/[^"']+)["']/g)) visit(resolve(dirname(file), m[1]));
    for (const m of text.matchAll(/import\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g)) lazy.add(resolve(dirname(file), m[1]));
  };
  for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"[^>]*>/g)) visit(join(dist, m[1].split('?')[0]));
  for (const m of html.matchAll(/<script\b(?![^>]*\bsrc=)(?![^>]*application\/(?:ld\+)?json)[^>]*>([\s\S]*?)<\/script>/g)) {
    raw += Buffer.byteLength(m[1]);
    gzip += gzipSync(m[1], { level: 9 }).length;
  }
  return { files: [...seen].map((f) => f.slice(dist.length)), raw, gzip, lazy: [...lazy].filter((f) => !seen.has(f)).map((f) => f.slice(dist.length)) };
}

/**
 * Lazily loaded chunks and everything they import statically, minus what the page already has.
 * @param {string} dist
 * @param {{ files: string[], lazy: string[] }} page from {@link pageJs}
 * @returns {string[]} absolute paths
 */
function lazyClosure(dist, page) {
  const have = new Set(page.files.map((f) => join(dist, f)));
  const out = new Set();
  const visit = (file) => {
    if (have.has(file) || out.has(file) || !existsSync(file)) return;
    out.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[\w$*{}\s,]+from\s*)?["'](\.{1,2}\/[^"']+)["']/g)) visit(resolve(dirname(file), m[1]));
    for (const m of text.matchAll(/import\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g)) visit(resolve(dirname(file), m[1]));
  };
  for (const f of page.lazy) visit(join(dist, f));
  return [...out];
}

/**
 * Raw and gzip size of files.
 * @param {string[]} files
 * @returns {{ raw: number, gzip: number }}
 */
function sizes(files) {
  let raw = 0;
  let gzip = 0;
  for (const f of files) {
    if (!existsSync(f)) continue;
    const b = readFileSync(f);
    raw += b.length;
    gzip += gzipSync(b, { level: 9 }).length;
  }
  return { raw, gzip };
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

export async function run() {
  const work = mkdtempSync(join(tmpdir(), 'netrunbook-site-bench-out-'));
  const rows = [];
  try {
    const realOut = join(work, 'real');
    const real = build({ out: realOut, cache: join(work, 'cache-real') });
    rows.push(['build, real corpus (cold cache)', `${real.seconds.toFixed(1)} s`, `${real.pages} pages`]);

    const caseDir = readdirSync(join(realOut, 'cases')).filter((d) => statSync(join(realOut, 'cases', d)).isDirectory()).sort();
    const casePage = caseDir.includes('tcp-tw-recycle-nat-paws') ? 'tcp-tw-recycle-nat-paws' : caseDir[0];
    const cjs = pageJs(realOut, join('cases', casePage, 'index.html'));
    rows.push([`JS on a case page before search (${casePage})`, `${kb(cjs.raw)} raw`, `${kb(cjs.gzip)} gzip ${cjs.gzip < TARGET_GZIP ? '(< 100 KB target: ok)' : '(OVER the 100 KB target)'}`]);
    const search = sizes(lazyClosure(realOut, cjs));
    rows.push(['JS loaded on first search focus', `${kb(search.raw)} raw`, `${kb(search.gzip)} gzip`]);
    const idx = sizes([join(realOut, 'search-index.json')]);
    rows.push(['search index (search-index.json)', `${kb(idx.raw)} raw`, `${kb(idx.gzip)} gzip`]);
    const home = pageJs(realOut, 'index.html');
    rows.push(['JS on the home page', `${kb(home.raw)} raw`, `${kb(home.gzip)} gzip`]);
    const rjs = pageJs(realOut, join('runbooks', 'syn-no-response', 'index.html'));
    const rlazy = sizes(lazyClosure(realOut, rjs));
    rows.push(['JS on a runbook page before Start', `${kb(rjs.raw)} raw`, `${kb(rjs.gzip)} gzip`]);
    rows.push(['JS loaded by Start or search (engine, lazy)', `${kb(rlazy.raw)} raw`, `${kb(rlazy.gzip)} gzip`]);
    const html = sizes([join(realOut, 'cases', casePage, 'index.html')]);
    rows.push([`HTML of the case page`, `${kb(html.raw)} raw`, `${kb(html.gzip)} gzip`]);

    const home1000 = syntheticCorpus(1000);
    try {
      const synth = build({ out: join(work, 'synthetic'), cache: join(work, 'cache-synthetic'), home: home1000 });
      const sidx = sizes([join(work, 'synthetic', 'search-index.json')]);
      rows.push(['build, synthetic 1,000 cases (cold cache)', `${synth.seconds.toFixed(1)} s`, `${synth.pages} pages`]);
      rows.push(['search index, 1,000 cases', `${kb(sidx.raw)} raw`, `${kb(sidx.gzip)} gzip`]);
    } finally {
      rmSync(home1000, { recursive: true, force: true });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const r of rows) console.log(`${r[0].padEnd(w)}  ${r[1].padStart(10)}  ${r[2]}`);
  return rows;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await run();
}
