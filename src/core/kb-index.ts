/**
 * The loaded knowledge base as an index by id. Kept apart from the normalizer
 * so that loading a prebuilt bundle does not load the markdown parser.
 */
import type { Entry } from './schema/case.js';

/** The loaded knowledge base. */
export interface KnowledgeBase {
  entries: Entry[];
  byId: Map<string, Entry>;
}

/**
 * Index entries by id.
 * @param entries normalized entries
 * @returns the knowledge base
 */
export function indexEntries(entries: Entry[]): KnowledgeBase {
  const sorted = [...entries].sort((a, b) => (a.kind === b.kind ? a.id.localeCompare(b.id) : a.kind === 'case' ? -1 : 1));
  return { entries: sorted, byId: new Map(sorted.map((e) => [e.id, e])) };
}
