/**
 * Content collections. Every collection is filled by a loader that calls the core
 * (`buildProject` over the same files the CLI reads), so the site shows exactly what
 * `runbook show` shows. Markdown sections are rendered here, once, with the site's
 * markdown pipeline (Starlight's code blocks included).
 *
 * - `cases`, `notes`: `{ entry, html }`, entry being the core's normalized Entry.
 * - `runbooks`: `{ runbook }`, the core's validated Runbook.
 * - `docs`: Starlight's own collection; holds "How to write a case" (docs/writing-cases.md).
 */
import { defineCollection } from 'astro:content';
import type { Loader, LoaderContext } from 'astro/loaders';
import { docsSchema } from '@astrojs/starlight/schema';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { contentDirs, loadSiteProject } from './lib/project.js';
import { siteLinks, slugify, splitRisks } from './lib/markdown.js';
import type { Entry } from '../src/core/schema/case.js';

/** Rendered HTML of an entry's parts. */
export interface EntryHtml {
  symptom: string;
  lookFor: string[];
  rootCause: string;
  fix: string;
  risks: string;
  applies: string;
  /** Sections that are not one of the known keys (and every section of a note), in order. */
  other: { title: string; slug: string; html: string }[];
}

function base(ctx: LoaderContext): string {
  const b = ctx.config.base || '/';
  return b.endsWith('/') ? b : `${b}/`;
}

async function html(ctx: LoaderContext, md: string): Promise<string> {
  if (!md.trim()) return '';
  return (await ctx.renderMarkdown(siteLinks(md, base(ctx)))).html;
}

async function renderEntry(ctx: LoaderContext, e: Entry): Promise<EntryHtml> {
  const section = (key: string) => e.sections.find((s) => s.key === key)?.markdown ?? '';
  const { body, risks } = splitRisks(e.fix.markdown || section('fix'));
  const riskMd = risks || e.fix.risks.map((r) => `- ${r.replace(/\n/g, ' ')}`).join('\n');
  const known = new Set(['symptom', 'evidence', 'rootCause', 'fix', 'applies', 'sources']);
  const other = [];
  for (const s of e.sections.filter((s) => !known.has(s.key))) other.push({ title: s.title, slug: slugify(s.title), html: await html(ctx, s.markdown) });
  return {
    symptom: await html(ctx, section('symptom')),
    lookFor: await Promise.all(e.evidence.map((ev) => html(ctx, ev.lookFor))),
    rootCause: await html(ctx, e.rootCause || section('rootCause')),
    fix: await html(ctx, body),
    risks: await html(ctx, riskMd),
    applies: await html(ctx, e.applies.markdown || section('applies')),
    other,
  };
}

let reported = false;

function reportProblems(ctx: LoaderContext): void {
  const project = loadSiteProject();
  if (reported) return;
  reported = true;
  const errors = project.problems.filter((p) => p.severity === 'error');
  for (const p of project.problems) {
    const line = `${p.path}:${p.line}:${p.column}: ${p.message}${p.hint ? ` (hint: ${p.hint})` : ''}`;
    if (p.severity === 'error') ctx.logger.error(line);
    else ctx.logger.warn(line);
  }
  ctx.logger.info(`${project.counts.cases} cases, ${project.counts.notes} notes, ${project.counts.runbooks} runbooks from ${project.root}${errors.length ? ` (${errors.length} errors: those files are left out; run \`runbook check\`)` : ''}`);
}

let watching = false;

function watch(ctx: LoaderContext): void {
  if (!ctx.watcher || watching) return;
  watching = true;
  for (const d of contentDirs()) ctx.watcher.add(d);
  ctx.watcher.on('change', (p) => {
    if (contentDirs().some((d) => p.startsWith(d))) {
      loadSiteProject(true);
      reported = false;
    }
  });
}

function entryLoader(kind: 'case' | 'note'): Loader {
  return {
    name: `netrunbook-${kind}s`,
    load: async (ctx) => {
      reportProblems(ctx);
      watch(ctx);
      const project = loadSiteProject();
      const before = new Map(ctx.store.entries());
      ctx.store.clear();
      for (const entry of project.kb.entries.filter((e) => e.kind === kind)) {
        const digest = ctx.generateDigest(JSON.stringify([base(ctx), entry]));
        const prev = before.get(entry.id);
        if (prev && prev.digest === digest) {
          ctx.store.set(prev);
          continue;
        }
        ctx.store.set({ id: entry.id, data: { entry, html: await renderEntry(ctx, entry) }, digest });
      }
    },
  };
}

const runbookLoader: Loader = {
  name: 'netrunbook-runbooks',
  load: async (ctx) => {
    reportProblems(ctx);
    const project = loadSiteProject();
    ctx.store.clear();
    for (const runbook of project.runbooks) ctx.store.set({ id: runbook.id, data: { runbook } });
  },
};

/** "How to write a case": docs/writing-cases.md of the repository, when another engineer has written it. */
const docsLoader: Loader = {
  name: 'netrunbook-docs',
  load: async (ctx) => {
    ctx.store.clear();
    const repo = fileURLToPath(ctx.config.root);
    const file = join(repo, 'docs', 'writing-cases.md');
    let md = existsSync(file)
      ? readFileSync(file, 'utf8')
      : '# How to write a case\n\nThis guide has not been written yet. Copy an existing file in `content/cases/` and run `runbook check`.\n';
    const h1 = /^#\s+(.+)\n/m.exec(md);
    const title = h1 ? h1[1].trim() : 'How to write a case';
    if (h1) md = md.replace(h1[0], '');
    md = siteLinks(md, base(ctx));
    const data = await ctx.parseData({
      id: 'writing-cases',
      data: { title, description: 'How to write a troubleshooting case: the file, its sections, signals and kernel ranges.', tableOfContents: { minHeadingLevel: 2, maxHeadingLevel: 3 } },
    });
    const rendered = await ctx.renderMarkdown(md);
    ctx.store.set({ id: 'writing-cases', data, body: md, rendered, filePath: existsSync(file) ? 'docs/writing-cases.md' : undefined });
  },
};

export const collections = {
  docs: defineCollection({ loader: docsLoader, schema: docsSchema() }),
  cases: defineCollection({ loader: entryLoader('case') }),
  notes: defineCollection({ loader: entryLoader('note') }),
  runbooks: defineCollection({ loader: runbookLoader }),
};
