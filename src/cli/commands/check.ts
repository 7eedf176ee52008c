/**
 * `runbook check`: validate every case, note and runbook; print each problem
 * with its location and a summary; exit 1 on errors.
 */
import { formatProblem, type Problem } from '../../core/problems.js';
import { loadProject } from '../../node/project.js';
import { colors, type CliIO } from '../io.js';

/** Options of `runbook check`. */
export interface CheckOptions {
  json?: boolean;
  /** Treat warnings as errors. */
  strict?: boolean;
}

/**
 * Run the check.
 * @param opts options
 * @param io input and output
 * @returns the exit code
 */
export async function run(opts: CheckOptions, io: CliIO): Promise<number> {
  const c = colors(io);
  const project = loadProject({ fromSources: true });
  const problems: Problem[] = project.problems;
  const errors = problems.filter((p) => p.severity === 'error' || opts.strict);
  const warnings = problems.length - errors.length;
  if (opts.json) {
    io.stdout(JSON.stringify({ ok: errors.length === 0, errors: errors.length, warnings, problems, counts: project.counts }, null, 2) + '\n');
    return errors.length ? 1 : 0;
  }
  for (const p of problems) {
    const line = formatProblem(p);
    io.stdout((p.severity === 'error' ? c.red(line) : c.yellow(line)) + '\n');
  }
  const { cases, notes, runbooks } = project.counts;
  const summary = `${cases} cases, ${notes} notes, ${runbooks} runbooks checked: ${errors.length} error${errors.length === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
  io.stdout((errors.length ? c.red(summary) : c.green(summary)) + '\n');
  return errors.length ? 1 : 0;
}
