/**
 * `runbook show <id>`: a case or note in the terminal, or as JSON.
 */
import { findEntry } from '../../core/kb.js';
import { openProject } from '../../node/open-project.js';
import { CliError, type CliIO } from '../io.js';
import { renderEntry } from '../render.js';

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
  const found = findEntry(project.kb, id);
  if ('entry' in found) {
    io.stdout(opts.json ? JSON.stringify(found.entry, null, 2) + '\n' : renderEntry(found.entry, io));
    return 0;
  }
  const hint = found.suggestions.length ? ` Did you mean: ${found.suggestions.join(', ')}?` : ' Run `runbook list` to see every id.';
  throw new CliError(`no case or note with id "${id}".${hint}`, 1);
}
