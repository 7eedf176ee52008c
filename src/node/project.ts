/**
 * Load the project from disk (or from the prebuilt bundle) for the CLI and API.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildProject, type Project } from '../core/project.js';
import { indexEntries } from '../core/kb.js';
import { contentPaths, contentRoot, newestMtime, PACKAGE_ROOT, readCatalogIds, readSources } from './content.js';
import type { Bundle } from './bundle.js';

/** Options for {@link loadProject}. */
export interface LoadOptions {
  /** Read and check the source files even when a bundle exists. */
  fromSources?: boolean;
  /** Restrict to these case/note/runbook files. */
  files?: string[];
  /** Content root; default {@link contentRoot}. */
  root?: string;
}

/** The bundle's path. */
export const BUNDLE_PATH = join(PACKAGE_ROOT, 'lib', 'bundle.json');

const memo = new Map<string, Project & { root: string; fromBundle: boolean }>();

/**
 * Load the project: from the prebuilt bundle when it is newer than every content
 * file of the package's own content, else from the sources.
 * @param opts options
 * @returns the project, its root, and whether it came from the bundle
 */
export function loadProject(opts: LoadOptions = {}): Project & { root: string; fromBundle: boolean } {
  const root = opts.root ?? contentRoot();
  const key = `${root}|${opts.fromSources ? 1 : 0}|${(opts.files ?? []).join(',')}`;
  const hit = memo.get(key);
  if (hit) return hit;
  const paths = contentPaths(root);
  if (!opts.fromSources && !opts.files && root === PACKAGE_ROOT && existsSync(BUNDLE_PATH)) {
    try {
      if (statSync(BUNDLE_PATH).mtimeMs >= newestMtime(paths)) {
        const b = JSON.parse(readFileSync(BUNDLE_PATH, 'utf8')) as Bundle;
        if (b.format === 1) {
          const kb = indexEntries(b.entries);
          const p = {
            kb,
            runbooks: b.runbooks,
            problems: [],
            counts: { cases: kb.entries.filter((e) => e.kind === 'case').length, notes: kb.entries.filter((e) => e.kind === 'note').length, runbooks: b.runbooks.length },
            root,
            fromBundle: true,
          };
          memo.set(key, p);
          return p;
        }
      }
    } catch {
      /* a broken bundle is ignored: read the sources */
    }
  }
  const only = opts.files?.map((f) => join(process.cwd(), f));
  const pick = (list: string[]) => (only ? list.filter((p) => only.includes(p)) : list);
  const cases = readSources(root, [...pick(paths.cases), ...pick(paths.notes)]);
  const runbooks = readSources(root, pick(paths.runbooks));
  const project = { ...buildProject(cases, runbooks, only ? undefined : readCatalogIds(root)), root, fromBundle: false };
  memo.set(key, project);
  return project;
}
