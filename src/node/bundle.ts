/**
 * The prebuilt bundle: normalized entries and runbooks as JSON, read at
 * startup instead of the markdown sources when it is fresh.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
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
  entries: Entry[];
  runbooks: Runbook[];
}

/**
 * Make a bundle from a loaded project.
 * @param project the project
 * @returns the bundle
 */
export function createBundle(project: Project): Bundle {
  return { format: 1, builtAt: new Date().toISOString(), entries: project.kb.entries, runbooks: project.runbooks };
}

/**
 * The project from the prebuilt bundle, when the root is the package's own content and the
 * bundle is newer than every content file.
 * @param root the content root
 * @returns the project, or undefined when the sources must be read
 */
export function readFreshBundle(root: string): (Project & { root: string; fromBundle: true }) | undefined {
  if (root !== PACKAGE_ROOT || !existsSync(BUNDLE_PATH)) return undefined;
  try {
    if (statSync(BUNDLE_PATH).mtimeMs < newestMtime(contentPaths(root))) return undefined;
    const b = JSON.parse(readFileSync(BUNDLE_PATH, 'utf8')) as Bundle;
    if (b.format !== 1) return undefined;
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
