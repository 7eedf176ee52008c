/**
 * Load the project from disk (or from the prebuilt bundle) for the CLI and API.
 */
import { buildProject, type Project } from '../core/project.js';
import { contentPaths, contentRoot, readCatalogIds, readSources } from './content.js';

/** Options for {@link loadProject}. */
export interface LoadOptions {
  /** Read and check the source files even when a bundle exists. */
  fromSources?: boolean;
  /** Restrict to these case/note/runbook files. */
  files?: string[];
  /** Content root; default {@link contentRoot}. */
  root?: string;
}

/**
 * Load the project.
 * @param opts options
 * @returns the project and where it came from
 */
export function loadProject(opts: LoadOptions = {}): Project & { root: string } {
  const root = opts.root ?? contentRoot();
  const paths = contentPaths(root);
  const cases = readSources(root, [...paths.cases, ...paths.notes]);
  const runbooks = readSources(root, paths.runbooks);
  const project = buildProject(cases, runbooks, readCatalogIds(root));
  return { ...project, root };
}
