/**
 * The prebuilt bundle: normalized entries and runbooks as JSON, read at
 * startup instead of the markdown sources when it is fresh.
 */
import type { Project } from '../core/project.js';
import type { Entry } from '../core/schema/case.js';
import type { Runbook } from '../core/schema/runbook.js';

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
