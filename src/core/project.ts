/**
 * The whole project checked together: knowledge base, runbooks, and the
 * cross-checks between them and the parsers' fact catalog.
 */
import { buildKnowledgeBase, type KnowledgeBase, type SourceFile } from './kb.js';
import type { Problem } from './problems.js';
import type { Runbook } from './schema/runbook.js';
import { loadRunbooks, verifyRunbooks } from './engine/verify.js';
import { closestFacts, isKnownFact, PARSERS } from './parsers/index.js';

/** Everything the adapters need, loaded once. */
export interface Project {
  kb: KnowledgeBase;
  runbooks: Runbook[];
  problems: Problem[];
  counts: { cases: number; notes: number; runbooks: number };
}

/**
 * Point problems that were reported at 1:1 to the first line that mentions their subject.
 * @param problems problems to refine in place
 * @param files the source files
 */
function locate(problems: Problem[], files: SourceFile[]): void {
  const byPath = new Map(files.map((f) => [f.path, f.text]));
  for (const p of problems) {
    if (p.line !== 1 || p.column !== 1) continue;
    const text = byPath.get(p.path);
    if (!text) continue;
    const subject = /"([^"]+)"(?: does not exist)?/.exec(p.message.replace(/^signal "[^"]*" uses /, ''))?.[1];
    if (!subject) continue;
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const col = lines[i].indexOf(subject);
      if (col >= 0) {
        p.line = i + 1;
        p.column = col + 1;
        break;
      }
    }
  }
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
  const loaded = loadRunbooks(runbookFiles);
  problems.push(...loaded.problems);
  problems.push(
    ...verifyRunbooks(loaded.runbooks, kb.byId, { isKnownFact, closestFacts, parserIds: PARSERS.map((p) => p.meta.id) }, catalogIds),
  );
  locate(problems, files);
  return {
    kb,
    runbooks: loaded.runbooks.map((l) => l.runbook),
    problems,
    counts: {
      cases: kb.entries.filter((e) => e.kind === 'case').length,
      notes: kb.entries.filter((e) => e.kind === 'note').length,
      runbooks: loaded.runbooks.length,
    },
  };
}

export { engineData } from './engine/session.js';
