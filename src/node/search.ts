/**
 * The search index for the CLI and API: loaded from the prebuilt artifact
 * (lib/search-index.json) when it matches the loaded project, else built
 * once in memory. Also the runbook matcher for `start "<symptom>"` and the
 * symptom matcher for diagnosis, both on the same index.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Project } from '../core/project.js';
import { buildSearchArtifact, loadSearchIndex, search, type SearchResult } from '../core/search/index.js';
import type { SymptomMatcher } from '../core/engine/diagnose.js';
import { runbooksConcluding } from '../core/engine/concludes.js';
import { PACKAGE_ROOT } from './content.js';

type Index = ReturnType<typeof loadSearchIndex>;
const cache = new WeakMap<Project, Index>();

/** Path of the prebuilt search artifact. */
export const SEARCH_ARTIFACT = join(PACKAGE_ROOT, 'lib', 'search-index.json');

/**
 * The search index for a project.
 * @param project the loaded project
 * @returns the index (cached per project)
 */
export function searchIndexFor(project: Project & { fromBundle?: boolean }): Index {
  const hit = cache.get(project);
  if (hit) return hit;
  let index: Index | undefined;
  if (project.fromBundle && existsSync(SEARCH_ARTIFACT)) {
    try {
      index = loadSearchIndex(JSON.parse(readFileSync(SEARCH_ARTIFACT, 'utf8')));
    } catch {
      index = undefined;
    }
  }
  index ??= loadSearchIndex(buildSearchArtifact(project.kb.entries, project.runbooks));
  cache.set(project, index);
  return index;
}

/**
 * Search the project.
 * @param project the project
 * @param query the query
 * @param opts limit and kinds
 * @returns results, best first
 */
export function searchProject(project: Project, query: string, opts: { limit?: number; kinds?: ('case' | 'note' | 'runbook')[] } = {}): SearchResult[] {
  return search(searchIndexFor(project), query, opts);
}

/**
 * Runbooks that fit a free-text symptom, best first: a runbook's own match, or a
 * matching case that the runbook concludes (core's runbooksConcluding; at a discount).
 * @param project the project
 * @param text the symptom
 * @returns runbooks with scores
 */
export function matchRunbooks(project: Project, text: string): { id: string; title: string; score: number }[] {
  const results = searchProject(project, text, { limit: 25 });
  const concluding = runbooksConcluding(project.runbooks);
  // A runbook's own match counts in full; each matching case adds a share to the runbooks that can
  // conclude it, split between them, so a case many runbooks share says little about which one fits.
  const scores = new Map<string, number>();
  const add = (id: string, s: number) => scores.set(id, (scores.get(id) ?? 0) + s);
  let casesSeen = 0;
  for (const r of results) {
    if (r.kind === 'runbook') add(r.id, r.score);
    else if (r.kind === 'case' && casesSeen < 10) {
      casesSeen++;
      const rbs = concluding.get(r.id) ?? [];
      for (const rb of rbs) add(rb.id, (0.3 * r.score) / rbs.length);
    }
  }
  // A runbook that names this very phrase among its symptoms serves it, whatever the word scores say.
  const norm = (x: string) => x.toLowerCase().replace(/[\s_-]+/g, ' ').trim();
  const q = norm(text);
  const top = Math.max(0, ...scores.values());
  for (const rb of project.runbooks) {
    if (rb.symptoms.some((sym) => { const n = norm(sym); return n.length >= 4 && (n === q || (q.length >= 6 && (n.includes(q) || q.includes(n)))); })) {
      add(rb.id, top);
    }
  }
  const titles = new Map(project.runbooks.map((r) => [r.id, r.title]));
  return [...scores.entries()]
    .filter(([id]) => titles.has(id))
    .map(([id, score]) => ({ id, title: titles.get(id)!, score }))
    .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
}

/**
 * A symptom matcher for diagnosis: the best matching cases get a few points.
 * @param project the project
 * @returns the matcher
 */
export function symptomMatcher(project: Project): SymptomMatcher {
  const points = [1.5, 1, 0.75, 0.5, 0.25];
  return (text) => {
    const out = new Map<string, { points: number; reason: string }>();
    const hits = searchProject(project, text, { limit: 5, kinds: ['case'] });
    hits.forEach((h, i) => out.set(h.id, { points: points[i] ?? 0, reason: `the symptom text resembles this case (search rank ${i + 1})` }));
    return out;
  };
}

/** The runbook for "I don't know where to start", used when no runbook matches a symptom. */
export const FALLBACK_RUNBOOK = 'triage';

/**
 * The runbook to start when a symptom matches none: the triage runbook, else the first one.
 * @param project the project
 * @returns a runbook id, or undefined when there are no runbooks
 */
export function fallbackRunbook(project: Project): string | undefined {
  return project.runbooks.some((r) => r.id === FALLBACK_RUNBOOK) ? FALLBACK_RUNBOOK : project.runbooks[0]?.id;
}
