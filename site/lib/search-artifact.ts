/**
 * The search artifact the site ships: the core's `buildSearchArtifact` over the same
 * entries and runbooks the CLI indexes, serialized once per build.
 */
import { createHash } from 'node:crypto';
import { buildSearchArtifact } from '../../src/core/search/index.js';
import { loadSiteProject } from './project.js';

let memo: { json: string; version: string } | undefined;

/**
 * The artifact as JSON, and a short content hash (for cache busting).
 * @returns JSON text and version
 */
export function searchArtifact(): { json: string; version: string } {
  if (memo) return memo;
  const project = loadSiteProject();
  const json = JSON.stringify(buildSearchArtifact(project.kb.entries, project.runbooks));
  memo = { json, version: createHash('sha256').update(json).digest('hex').slice(0, 10) };
  return memo;
}
