/**
 * The site's one door to the content: the same files, the same normalizer and
 * the same `buildProject` as the CLI and the API, so a page can never show
 * something the CLI does not. Runs at build time only (Node).
 *
 * The content root is the CLI's: `RUNBOOK_HOME`, else the current directory.
 */
import type { Project } from '../../src/core/project.js';
import { contentRoot } from '../../src/node/content.js';
import { readProject } from '../../src/node/project.js';
import type { Entry } from '../../src/core/schema/case.js';
import type { Runbook } from '../../src/core/schema/runbook.js';

/** A loaded project and where it came from. */
export interface SiteProject extends Project {
  /** The content root the files were read from. */
  root: string;
}

let memo: { root: string; project: SiteProject } | undefined;

/**
 * Load (once per build) every case, note and runbook through the core.
 * @param fresh reload even when loaded already (dev server file changes)
 * @returns the project, with its problems
 */
export function loadSiteProject(fresh = false): SiteProject {
  const root = contentRoot();
  if (memo && memo.root === root && !fresh) return memo.project;
  const project = readProject(root);
  memo = { root, project };
  return project;
}

/**
 * The directories the dev server should watch for content changes.
 * @returns absolute directories
 */
export function contentDirs(): string[] {
  const root = contentRoot();
  return ['content/cases', 'content/notes', 'runbooks'].map((d) => `${root}/${d}`);
}

/**
 * A case as the in-page engine needs it: the markdown bodies dropped (the engine reads
 * signals, applicability, evidence commands and the fix; the page shows the rest).
 * @param e the entry
 * @returns a lighter entry, still an Entry
 */
export function engineEntry(e: Entry): Entry {
  return { ...e, rootCause: '', sections: [], fix: { ...e.fix, markdown: '' }, applies: { ...e.applies, markdown: '' } };
}

/**
 * The engine data a runbook page ships to the browser: the runbook, every runbook it can
 * route to (transitively), and every case those runbooks name.
 * @param runbookId the page's runbook
 * @param runbooks every runbook
 * @param cases every entry by id
 * @returns JSON-safe engine data: runbooks and cases as arrays
 */
export function pageEngineData(runbookId: string, runbooks: readonly Runbook[], cases: ReadonlyMap<string, Entry>): { runbooks: Runbook[]; cases: Entry[] } {
  const byId = new Map(runbooks.map((r) => [r.id, r]));
  const seen = new Set<string>();
  const queue = [runbookId];
  while (queue.length) {
    const id = queue.shift()!;
    if (seen.has(id) || !byId.has(id)) continue;
    seen.add(id);
    for (const n of Object.values(byId.get(id)!.nodes)) if (n.type === 'route') queue.push(n.runbook);
  }
  const rbs = [...seen].map((id) => byId.get(id)!);
  const caseIds = new Set<string>();
  for (const r of rbs) {
    for (const c of r.candidates) caseIds.add(c);
    for (const n of Object.values(r.nodes)) {
      if (n.type === 'conclude') n.cases.forEach((c) => caseIds.add(c));
      if (n.type === 'ask') for (const ch of n.choices) [...ch.supports, ...ch.rulesOut].forEach((c) => caseIds.add(c));
    }
  }
  const entries = [...caseIds].map((id) => cases.get(id)).filter((e): e is Entry => Boolean(e)).map(engineEntry);
  return { runbooks: rbs, cases: entries };
}
