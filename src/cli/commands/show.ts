/**
 * `runbook show <id>`: a case or note in the terminal, or as JSON.
 */
import { findEntry } from '../../core/kb.js';
import { openProject } from '../../node/open-project.js';
import { CliError, type CliIO } from '../io.js';
import { renderEntry, renderRunbook } from '../render.js';
import { closest } from '../../core/problems.js';

/** Options of `runbook show`. */
export interface ShowOptions {
  args: string[];
  json?: boolean;
}

/**
 * Show one entry.
 * @param opts options; args[0] is the id
 * @param io input and output
 * @returns the exit code
 */
export async function run(opts: ShowOptions, io: CliIO): Promise<number> {
  const id = opts.args[0];
  const project = await openProject();
  const runbook = project.runbooks.find((r) => r.id === id);
  if (runbook && !project.kb.byId.has(id)) {
    io.stdout(opts.json ? JSON.stringify(runbook, null, 2) + '\n' : renderRunbook(runbook, io));
    return 0;
  }
  const found = findEntry(project.kb, id);
  if ('entry' in found) {
    io.stdout(opts.json ? JSON.stringify(found.entry, null, 2) + '\n' : renderEntry(found.entry, io));
    return 0;
  }
  const near = [...found.suggestions, ...closest(id, project.runbooks.map((r) => r.id), 3)];
  found.suggestions = near.slice(0, 5);
  const hint = found.suggestions.length ? ` Did you mean: ${found.suggestions.join(', ')}?` : ' Run `runbook list` to see every id.';
  throw new CliError(`no case, note or runbook with id "${id}".${hint}`, 1);
}
