/**
 * One call from loaded content to the search artifact the CLI, the API and
 * the site load.
 */
import type { Entry } from '../schema/case.js';
import type { Runbook } from '../schema/runbook.js';
import { searchDocsFromEntries, searchDocsFromRunbooks } from './docs.js';
import { buildSearchIndex, exportSearchIndex, type SearchArtifact, type SearchIndex } from './engine.js';

/**
 * Build the index over every entry and runbook.
 * @param entries cases and notes
 * @param runbooks runbooks (default none)
 * @returns the index
 */
export function buildProjectIndex(entries: readonly Entry[], runbooks: readonly Runbook[] = []): SearchIndex {
  return buildSearchIndex([...searchDocsFromEntries(entries), ...searchDocsFromRunbooks(runbooks)]);
}

/**
 * Build the serialized search artifact (what `runbook bundle` writes to `lib/search-index.json`).
 * @param entries cases and notes
 * @param runbooks runbooks (default none)
 * @returns the artifact, JSON-safe
 */
export function buildSearchArtifact(entries: readonly Entry[], runbooks: readonly Runbook[] = []): SearchArtifact {
  return exportSearchIndex(buildProjectIndex(entries, runbooks));
}
