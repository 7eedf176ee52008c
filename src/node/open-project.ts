/**
 * The CLI's fast path to the project: the prebuilt bundle when it is fresh
 * (without loading the markdown normalizer), else the sources.
 */
import type { Project } from '../core/project.js';
import { readFreshBundle } from './bundle.js';
import { contentRoot } from './content.js';

/**
 * Open the project for reading.
 * @returns the project, its root, and whether it came from the bundle
 */
export async function openProject(): Promise<Project & { root: string; fromBundle: boolean }> {
  const root = contentRoot();
  const fromBundle = readFreshBundle(root);
  if (fromBundle) return fromBundle;
  const { loadProject } = await import('./project.js');
  return loadProject({ root });
}
