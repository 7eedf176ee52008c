// Placeholder: the parsers work replaces this whole file with the real command.
import { CliError, type CliIO } from '../io.js';
export async function run(_opts: Record<string, unknown>, _io: CliIO): Promise<number> {
  throw new CliError('`runbook parse` is not built yet', 1);
}
