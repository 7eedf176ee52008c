/**
 * `runbook parse [--command "<cmd>"] [--json] [file]`: read command output from
 * a file or stdin and print the facts the parsers find in it.
 */
import { readFile } from 'node:fs/promises';
import { parseOutput, getParser, type Facts } from '../../core/parsers/index.js';
import { CliError, colors, type CliIO } from '../io.js';

/** Options of `runbook parse`. */
export interface ParseCommandOptions {
  /** The command that printed the output (chooses the parser). */
  command?: string;
  /** Print JSON instead of text. */
  json?: boolean;
  /** Read this file instead of stdin. */
  file?: string;
}

function formatValue(v: Facts[string]): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/**
 * Run `runbook parse`.
 * @param opts command, json and file options
 * @param io the process io
 * @returns exit code: 0 facts read, 1 nothing read, 2 usage error
 */
export async function run(opts: ParseCommandOptions, io: CliIO): Promise<number> {
  let text: string;
  try {
    text = opts.file ? await readFile(opts.file, 'utf8') : await io.readStdin();
  } catch (e) {
    io.stderr(`runbook parse: cannot read ${opts.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (check the path)\n`);
    return 2;
  }
  if (opts.command !== undefined && typeof opts.command !== 'string') throw new CliError('--command needs a command line, e.g. --command "netstat -s"', 2);
  // Nothing on standard input (a terminal, or an empty pipe) is a usage slip, as for `runbook diagnose`.
  if (!opts.file && text.trim() === '') throw new CliError('no input: pipe the output in, e.g. netstat -s | runbook parse, or pass a file: runbook parse out.txt', 2);
  const r = parseOutput(text, { command: opts.command });
  const ok = Object.keys(r.facts).length > 0;
  if (opts.json) {
    io.stdout(`${JSON.stringify({ command: r.command, parser: r.parser, confidence: r.confidence, facts: r.facts, warnings: r.warnings }, null, 2)}\n`);
    return ok ? 0 : 1;
  }
  const c = colors(io);
  const parser = r.parser ? getParser(r.parser) : undefined;
  const how = r.command ? `command \`${r.command}\`` : 'detected';
  io.stdout(
    parser
      ? `${c.bold(parser.meta.commands[0])} ${c.dim(`(parser ${parser.meta.id}, ${how}, confidence ${r.confidence})`)}\n`
      : `${c.bold('unknown output')} ${c.dim(`(confidence ${r.confidence})`)}\n`,
  );
  const names = Object.keys(r.facts);
  const width = Math.min(60, Math.max(0, ...names.map((n) => n.length)));
  for (const n of names) {
    const v = r.facts[n];
    const shown = formatValue(v);
    const lit = (typeof v === 'number' && v !== 0) || v === true;
    io.stdout(`  ${n.padEnd(width)}  ${lit ? c.yellow(shown) : c.dim(shown)}\n`);
  }
  if (names.length === 0) io.stdout(`  ${c.dim('no facts')}\n`);
  for (const w of r.warnings) io.stdout(`${c.yellow('warning:')} ${w}\n`);
  return ok ? 0 : 1;
}
