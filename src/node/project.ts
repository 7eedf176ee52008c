/**
 * Load the project from disk (or from the prebuilt bundle) for the CLI and API.
 */
import { buildProject, type Project } from '../core/project.js';
import { contentPaths, contentRoot, readCatalog, readSources } from './content.js';
import { readFreshBundle } from './bundle.js';

/** Options for {@link loadProject}. */
export interface LoadOptions {
  /** Read and check the source files even when a bundle exists. */
  fromSources?: boolean;
  /** Content root; default {@link contentRoot}. */
  root?: string;
}

const memo = new Map<string, Project & { root: string; fromBundle: boolean }>();

/**
 * Load the project: from the prebuilt bundle when it is newer than every content
 * file of the package's own content, else from the sources.
 * @param opts options
 * @returns the project, its root, and whether it came from the bundle
 */
export function loadProject(opts: LoadOptions = {}): Project & { root: string; fromBundle: boolean } {
  const root = opts.root ?? contentRoot();
  const key = `${root}|${opts.fromSources ? 1 : 0}`;
  const hit = memo.get(key);
  if (hit) return hit;
  if (!opts.fromSources) {
    const p = readFreshBundle(root);
    if (p) {
      memo.set(key, p);
      return p;
    }
  }
  const project = { ...readProject(root), fromBundle: false };
  memo.set(key, project);
  return project;
}

/**
 * Read and check every case, note, runbook and the catalog of a content root, from the source
 * files (no bundle, no memo): the one way the CLI, the API and the site build a project.
 * @param root the content root
 * @returns the project with its root
 */
export function readProject(root: string): Project & { root: string } {
  const paths = contentPaths(root);
  const cases = readSources(root, [...paths.cases, ...paths.notes]);
  const runbooks = readSources(root, paths.runbooks);
  const catalog = readCatalog(root);
  const project = { ...buildProject(cases, runbooks, catalog.ids), root };
  project.problems.push(...catalog.problems);
  return project;
}
