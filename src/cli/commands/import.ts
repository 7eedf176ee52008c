// Placeholder until the authoring tool lands (being written now).
import { CliError, type CliIO } from '../io.js';
export async function run(_opts: unknown, _io: CliIO): Promise<number> {
  throw new CliError('`runbook import` is not built yet', 1);
}
