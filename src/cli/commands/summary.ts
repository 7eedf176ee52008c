/**
 * `runbook summary [session-id] [--json]`: the ticket-ready evidence trail of
 * a saved session (markdown, or JSON).
 */
import { replay, isInputError } from '../../core/engine/session.js';
import { evidenceTrail, trailMarkdown } from '../../core/engine/summary.js';
import { engineData } from '../../core/engine/session.js';
import { openProject } from '../../node/open-project.js';
import { listSessions, readSession } from '../../node/sessions.js';
import { CliError, type CliIO } from '../io.js';

/** Options of `runbook summary`. */
export interface SummaryOptions {
  args: string[];
  json?: boolean;
}

/**
 * Print a session's evidence trail.
 * @param opts options; args[0] is the session id (default: the latest session)
 * @param io input and output
 * @returns the exit code
 */
export async function run(opts: SummaryOptions, io: CliIO): Promise<number> {
  const id = opts.args[0];
  const s = id ? readSession(id) : listSessions()[0];
  if (!s) throw new CliError(id ? `no saved session "${id}"` : 'no saved sessions yet; start one with `runbook start "<symptom>"`', 1);
  const data = engineData(await openProject());
  const state = replay(data, s.runbook, s.inputs);
  if (isInputError(state)) throw new CliError(`session ${s.id} no longer replays: ${state.message}`, 1);
  const trail = evidenceTrail(state, data);
  io.stdout(opts.json ? JSON.stringify({ session: s.id, ...trail }, null, 2) + '\n' : trailMarkdown(trail));
  return 0;
}
