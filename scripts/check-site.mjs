#!/usr/bin/env node
// Post-build check of the static site (run by the astro.config.mjs integration after every
// `astro build`, or by hand: `node scripts/check-site.mjs [dist]`):
//  - every internal link and asset reference in dist/**/*.html resolves to a file in dist/,
//    and every same-site `#fragment` names an id on the target page;
//  - every case, note and runbook file under the content root (the CLI's and the site's:
//    RUNBOOK_HOME, else the current directory when it has content/cases, else the package's
//    own content) has its page, and the search index exists.
// It finds the content files as the project loader does (lib/node/content.js, built by
// `npm run build:lib`, which `npm run build` runs first).
// Exits 1 (or throws, in the build) when something is wrong.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { contentPaths, contentRoot } from '../lib/node/content.js';

/**
 * Every file under a directory.
 * @param {string} dir
 * @returns {string[]} absolute paths
 */
function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

/**
 * The id in a content file's front matter, or in a runbook file.
 * @param {string} text
 * @param {'md' | 'yaml'} kind
 * @returns {string | undefined}
 */
function fileId(text, kind) {
  try {
    if (kind === 'yaml') return parseYaml(text)?.id;
    const m = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---/.exec(text);
    return m ? parseYaml(m[1])?.id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The pages the content calls for: one per case, note and runbook file.
 * @param {string} root content root
 * @returns {{ path: string, file: string }[]} site paths (without base) and their source file
 */
export function expectedPages(root) {
  const paths = contentPaths(root);
  const out = [];
  /** @type {[string[], string, 'md' | 'yaml'][]} */
  const groups = [
    [paths.cases, 'cases', 'md'],
    [paths.notes, 'notes', 'md'],
    [paths.runbooks, 'runbooks', 'yaml'],
  ];
  for (const [files, route, kind] of groups) {
    for (const abs of files) {
      const id = fileId(readFileSync(abs, 'utf8'), kind) ?? basename(abs).replace(/\.(md|ya?ml)$/, '');
      out.push({ path: `${route}/${id}/`, file: relative(root, abs).split('\\').join('/') });
    }
  }
  return out;
}

/**
 * Check a built site.
 * @param {{ dist: string, base?: string, root?: string }} opts dist directory, base path, content root
 * @returns {Promise<{ pages: number, links: number, problems: string[] }>}
 */
export async function checkSite({ dist, base = '/', root = contentRoot() }) {
  const b = base.endsWith('/') ? base : `${base}/`;
  const problems = [];
  const files = walk(dist);
  const html = files.filter((f) => f.endsWith('.html'));
  const idCache = new Map();
  const idsOf = (file) => {
    if (!idCache.has(file)) {
      const ids = new Set();
      for (const m of readFileSync(file, 'utf8').matchAll(/\sid="([^"]+)"/g)) ids.add(m[1]);
      idCache.set(file, ids);
    }
    return idCache.get(file);
  };
  /** @param {string} p a decoded path inside dist */
  const target = (p) => {
    const full = join(dist, p);
    if (existsSync(full) && statSync(full).isFile()) return full;
    const index = join(full, 'index.html');
    if (existsSync(index)) return index;
    if (existsSync(`${full}.html`)) return `${full}.html`;
    return null;
  };
  let links = 0;
  for (const file of html) {
    const text = readFileSync(file, 'utf8');
    const pagePath = '/' + relative(dist, file).split('\\').join('/');
    const here = pagePath.replace(/index\.html$/, '').replace(/[^/]*\.html$/, '');
    // href/src attributes, plus srcset-free asset references; inline scripts are not scanned.
    for (const m of text.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
      const raw = m[1].replace(/&amp;/g, '&');
      if (!raw || /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i.test(raw)) continue;
      links++;
      const [pathPart, frag] = raw.split('#');
      const noQuery = pathPart.split('?')[0];
      if (noQuery === '') {
        // Same page: only the fragment needs checking.
        if (frag && frag !== '_top' && !idsOf(file).has(decodeURIComponent(frag))) problems.push(`${pagePath}: link ${raw} names #${frag}, which is not on the page`);
        continue;
      }
      const abs = noQuery.startsWith('/') ? noQuery : posix.join(b.slice(0, -1) + here, noQuery);
      let decoded;
      try {
        decoded = decodeURIComponent(abs);
      } catch {
        problems.push(`${pagePath}: malformed link ${raw}`);
        continue;
      }
      if (!decoded.startsWith(b) && decoded !== b.slice(0, -1)) {
        problems.push(`${pagePath}: link outside the base path ${b}: ${raw}`);
        continue;
      }
      const inDist = decoded.slice(b.length - 1);
      const t = target(inDist);
      if (!t) {
        problems.push(`${pagePath}: broken link ${raw}`);
        continue;
      }
      if (frag && t.endsWith('.html') && frag !== '_top' && !idsOf(t).has(decodeURIComponent(frag))) {
        problems.push(`${pagePath}: link ${raw} names #${frag}, which is not on the page`);
      }
    }
  }
  const expected = expectedPages(root);
  for (const e of expected) {
    if (!existsSync(join(dist, e.path, 'index.html'))) problems.push(`${e.file} has no page (expected ${b}${e.path}); is the file valid? run \`runbook check\``);
  }
  for (const p of ['index.html', 'cases/index.html', 'runbooks/index.html', 'notes/index.html', 'tags/index.html', 'writing-cases/index.html', 'search-index.json']) {
    if (!existsSync(join(dist, p))) problems.push(`missing ${b}${p}`);
  }
  return { pages: html.length, links, expected: expected.length, problems };
}

/**
 * One line per problem, then a summary.
 * @param {{ pages: number, links: number, expected?: number, problems: string[] }} r
 * @returns {string}
 */
export function formatReport(r) {
  const head = r.problems.slice(0, 50).join('\n');
  const more = r.problems.length > 50 ? `\n... and ${r.problems.length - 50} more` : '';
  const sum = `site check: ${r.pages} pages, ${r.links} internal links, ${r.expected ?? '?'} content pages expected: ${r.problems.length ? `${r.problems.length} problems` : 'all good'}`;
  return (head ? `${head}${more}\n` : '') + sum;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dist = resolve(process.argv[2] || process.env.SITE_OUT_DIR || 'dist');
  if (!existsSync(dist)) {
    console.error(`check-site: ${dist} does not exist; run \`npm run build\` first`);
    process.exit(1);
  }
  const report = await checkSite({ dist, base: process.env.SITE_BASE || '/' });
  console.log(formatReport(report));
  process.exit(report.problems.length ? 1 : 0);
}
