/**
 * The knowledge base: every normalized entry, with cross-file checks
 * (duplicate ids, unknown related ids, catalog coverage). Pure: callers pass
 * file texts in.
 */
import type { Entry } from './schema/case.js';
import { normalizeEntry } from './normalize/normalize.js';
import { closest, problem, type Problem } from './problems.js';
import { indexEntries, type KnowledgeBase } from './kb-index.js';

export { indexEntries, type KnowledgeBase };

/** A file handed to the knowledge base: a project-relative path and its text. */
export interface SourceFile {
  path: string;
  text: string;
}

/** The result of building the knowledge base. */
export interface KnowledgeBaseResult {
  kb: KnowledgeBase;
  problems: Problem[];
}

/**
 * Normalize every file and check them together.
 * @param files case and note files
 * @param catalogIds ids that must exist (the case catalog); checked when given
 * @returns the knowledge base (valid entries only) and every problem
 */
export function buildKnowledgeBase(files: SourceFile[], catalogIds?: string[]): KnowledgeBaseResult {
  const problems: Problem[] = [];
  const entries: Entry[] = [];
  const seen = new Map<string, string>();
  const texts = new Map<string, string>();
  for (const f of files) {
    const r = normalizeEntry(f.text, f.path);
    problems.push(...r.problems);
    if (!r.entry) continue;
    const prev = seen.get(r.entry.id);
    if (prev) {
      const at = idPosition(f.text);
      problems.push(problem('duplicate-id', f.path, at.line, at.column, `the id "${r.entry.id}" is already used by ${prev}`));
      continue;
    }
    seen.set(r.entry.id, f.path);
    texts.set(r.entry.id, f.text);
    entries.push(r.entry);
  }
  const ids = new Set(entries.map((e) => e.id));
  for (const e of entries) {
    for (const rel of e.related) {
      if (!ids.has(rel)) {
        const near = closest(rel, ids);
        const at = relatedPosition(texts.get(e.id) ?? '', rel);
        problems.push(
          problem('unknown-id', e.path ?? e.id, at.line, at.column, `related id "${rel}" does not exist${near.length ? `; did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : ''}`),
        );
      }
    }
  }
  if (catalogIds) {
    for (const id of catalogIds) {
      if (!ids.has(id)) problems.push(problem('missing-catalog-case', 'content/catalog.json', 1, 1, `catalog case "${id}" has no valid file in content/cases/`));
    }
  }
  return { kb: indexEntries(entries), problems };
}

/** Where the front matter's `id:` value starts (1-based), for duplicate-id problems. */
function idPosition(text: string): { line: number; column: number } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const i = lines.findIndex((l) => /^id\s*:/.test(l));
  if (i < 0) return { line: 1, column: 1 };
  return { line: i + 1, column: (/^id\s*:\s*/.exec(lines[i])?.[0].length ?? 0) + 1 };
}

/** Where a related id is written in the front matter (after `related:`), 1-based. */
function relatedPosition(text: string, id: string): { line: number; column: number } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const start = lines.findIndex((l) => /^related\s*:/.test(l));
  if (start < 0) return { line: 1, column: 1 };
  const word = new RegExp(`(?<![\\w-])${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`);
  for (let i = start; i < lines.length && (i === start || !/^(\S[^:]*:|---)/.test(lines[i])); i++) {
    const m = word.exec(lines[i]);
    if (m) return { line: i + 1, column: m.index + 1 };
  }
  return { line: start + 1, column: 1 };
}

/**
 * Find an entry or explain which ids are close.
 * @param kb the knowledge base
 * @param id the id asked for
 * @returns the entry, or the closest ids
 */
export function findEntry(kb: KnowledgeBase, id: string): { entry: Entry } | { suggestions: string[] } {
  const entry = kb.byId.get(id);
  if (entry) return { entry };
  return { suggestions: closest(id, kb.byId.keys(), 5) };
}
