/**
 * `runbook bundle`: prebuild the knowledge base and the search index into lib/ so the
 * CLI starts without reading and parsing every markdown file.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatProblem } from '../../core/problems.js';
import { PACKAGE_ROOT } from '../../node/content.js';
import { loadProject } from '../../node/project.js';
import { createBundle } from '../../node/bundle.js';
import { buildSearchArtifact } from '../../core/search/index.js';
import type { CliIO } from '../io.js';

/** Options of `runbook bundle`. */
export interface BundleOptions {
  quiet?: boolean;
}

/**
 * Write the bundle.
 * @param opts options
 * @param io input and output
 * @returns the exit code
 */
export async function run(opts: BundleOptions, io: CliIO): Promise<number> {
  const project = loadProject({ fromSources: true, root: PACKAGE_ROOT });
  const errors = project.problems.filter((p) => p.severity === 'error');
  for (const p of errors) io.stderr(formatProblem(p) + '\n');
  const bundle = createBundle(project, PACKAGE_ROOT);
  mkdirSync(join(PACKAGE_ROOT, 'lib'), { recursive: true });
  const out = join(PACKAGE_ROOT, 'lib', 'bundle.json');
  writeFileSync(out, JSON.stringify(bundle));
  const artifact = JSON.stringify(buildSearchArtifact(project.kb.entries, project.runbooks));
  writeFileSync(join(PACKAGE_ROOT, 'lib', 'search-index.json'), artifact);
  if (!opts.quiet) io.stdout(`wrote lib/bundle.json: ${project.counts.cases} cases, ${project.counts.notes} notes, ${project.counts.runbooks} runbooks${errors.length ? ` (${errors.length} files skipped for errors)` : ''}\n`);
  return 0;
}
