/**
 * Typed access to the site's collections (filled by content.config.ts from the core).
 */
import { getCollection } from 'astro:content';
import type { Entry } from '../../src/core/schema/case.js';
import type { Runbook } from '../../src/core/schema/runbook.js';
import { runbooksConcluding } from '../../src/core/engine/concludes.js';
import type { EntryHtml } from '../content.config.js';

/** A case or note with its rendered sections. */
export interface EntryItem {
  entry: Entry;
  html: EntryHtml;
}

/** Everything, loaded once per build. */
export interface SiteData {
  cases: EntryItem[];
  notes: EntryItem[];
  runbooks: Runbook[];
  byId: Map<string, Entry>;
  runbookById: Map<string, Runbook>;
  /** Runbooks that can conclude each case. */
  runbooksFor: Map<string, Runbook[]>;
  /** Tag → entries and runbooks with it. */
  tags: Map<string, { entries: Entry[]; runbooks: Runbook[] }>;
}

let memo: Promise<SiteData> | undefined;

/**
 * Load the collections (memoized).
 * @returns site data
 */
export function siteData(): Promise<SiteData> {
  memo ??= (async (): Promise<SiteData> => {
    const byKindThenId = (a: EntryItem, b: EntryItem) => a.entry.title.localeCompare(b.entry.title);
    const data = async (name: 'cases' | 'notes' | 'runbooks'): Promise<unknown[]> => ((await getCollection(name)) as { data: unknown }[]).map((c) => c.data);
    const cases = ((await data('cases')) as EntryItem[]).sort(byKindThenId);
    const notes = ((await data('notes')) as EntryItem[]).sort(byKindThenId);
    const runbooks = ((await data('runbooks')) as { runbook: Runbook }[]).map((c) => c.runbook).sort((a, b) => (a.id === 'triage' ? -1 : b.id === 'triage' ? 1 : a.title.localeCompare(b.title)));
    const byId = new Map<string, Entry>([...cases, ...notes].map((i) => [i.entry.id, i.entry]));
    const runbookById = new Map<string, Runbook>(runbooks.map((r) => [r.id, r]));
    const runbooksFor = runbooksConcluding(runbooks);
    const tags = new Map<string, { entries: Entry[]; runbooks: Runbook[] }>();
    const tag = (t: string) => {
      if (!tags.has(t)) tags.set(t, { entries: [], runbooks: [] });
      return tags.get(t)!;
    };
    for (const i of [...cases, ...notes]) for (const t of i.entry.tags) tag(t).entries.push(i.entry);
    for (const r of runbooks) for (const t of r.tags) tag(t).runbooks.push(r);
    return { cases, notes, runbooks, byId, runbookById, runbooksFor, tags: new Map([...tags].sort((a, b) => a[0].localeCompare(b[0]))) };
  })();
  return memo!;
}
