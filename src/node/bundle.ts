/**
 * The prebuilt bundle: normalized entries and runbooks as JSON, read at
 * startup instead of the markdown sources when it is fresh.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Project } from '../core/project.js';
import type { Entry } from '../core/schema/case.js';
import type { Runbook } from '../core/schema/runbook.js';
import { indexEntries } from '../core/kb-index.js';
import { contentPaths, newestMtime, PACKAGE_ROOT } from './content.js';

/** The bundle's path. */
export const BUNDLE_PATH = join(PACKAGE_ROOT, 'lib', 'bundle.json');

/** The bundle file's shape. */
export interface Bundle {
  format: 1;
  builtAt: string;
  /** The content files it was built from (root-relative, sorted): a file added, removed or renamed since makes it stale. */
  sources?: string[];
  entries: Entry[];
  runbooks: Runbook[];
}

/**
 * The content files of a root, root-relative and sorted.
 * @param root the content root
 * @returns paths
 */
function sourceList(root: string): string[] {
  const p = contentPaths(root);
  return [...p.cases, ...p.notes, ...p.runbooks, ...(p.catalog ? [p.catalog] : [])].map((f) => relative(root, f)).sort();
}

/**
 * Make a bundle from a project loaded from a root's sources.
 * @param project the project
 * @param root its content root
 * @returns the bundle
 */
export function createBundle(project: Project, root: string): Bundle {
  return { format: 1, builtAt: new Date().toISOString(), sources: sourceList(root), entries: project.kb.entries, runbooks: project.runbooks };
}

/**
 * The project from the prebuilt bundle, when the root is the package's own content, the
 * bundle is newer than every content file, and it was built from the same files.
 * @param root the content root
 * @returns the project, or undefined when the sources must be read
 */
export function readFreshBundle(root: string): (Project & { root: string; fromBundle: true }) | undefined {
  if (root !== PACKAGE_ROOT || !existsSync(BUNDLE_PATH)) return undefined;
  try {
    if (statSync(BUNDLE_PATH).mtimeMs < newestMtime(contentPaths(root))) return undefined;
    const b = JSON.parse(readFileSync(BUNDLE_PATH, 'utf8')) as Bundle;
    if (b.format !== 1) return undefined;
    // Newer files are caught by the times above; a deleted or renamed file only by the list.
    if (!b.sources || b.sources.join('\n') !== sourceList(root).join('\n')) return undefined;
    const kb = indexEntries(b.entries);
    return {
      kb,
      runbooks: b.runbooks,
      problems: [],
      counts: { cases: kb.entries.filter((e) => e.kind === 'case').length, notes: kb.entries.filter((e) => e.kind === 'note').length, runbooks: b.runbooks.length },
      root,
      fromBundle: true,
    };
  } catch {
    return undefined; // a broken bundle is ignored: the sources are read instead
  }
}
