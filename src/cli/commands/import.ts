/**
 * `runbook import <file> [--id <id>] [--out <file>] [--json]`: draft a case
 * from a raw postmortem (markdown, text, zim wiki or HTML; English or
 * Chinese). The draft goes to stdout (or --out); what could not be placed is
 * listed on stderr.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { importPostmortem } from '../../core/importer.js';
import { CliError, colors, shownPath, type CliIO } from '../io.js';
import { checkId } from './new.js';

/** Options of `runbook import`. */
export interface ImportCommandOptions {
  /** args[0] is the postmortem file. */
  args: string[];
  /** The draft's id (default: made from the title). */
  id?: string;
  /** Write the draft to this file instead of printing it. */
  out?: string;
  /** Print everything found as JSON (the draft included). */
  json?: boolean;
}

/**
 * Draft a case from a postmortem file.
 * @param opts the file and flags
 * @param io input and output
 * @returns the exit code: 0 drafted, 1 the file cannot be read, 2 a bad id
 */
export async function run(opts: ImportCommandOptions, io: CliIO): Promise<number> {
  const file = opts.args?.[0];
  if (!file) throw new CliError('give the postmortem file to import, e.g. `runbook import incident.md`');
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) throw new CliError(`cannot read ${file}: no such file`, 1);
  if (opts.id !== undefined) checkId(opts.id);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 1);
  }
  const result = importPostmortem(text, { fileName: basename(path), ...(opts.id ? { id: opts.id } : {}) });

  if (opts.json) {
    io.stdout(JSON.stringify(result, null, 2) + '\n');
    return 0;
  }
  if (opts.out) {
    const out = resolve(opts.out);
    if (existsSync(out)) throw new CliError(`${shownPath(out)} already exists; choose another --out file, or delete it first`, 1);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, result.draft);
  } else {
    io.stdout(result.draft);
  }

  const c = colors(io);
  const evidence = result.commands.filter((x) => x.section === 'evidence').length;
  const fix = result.commands.length - evidence;
  const lines = [
    `${c.bold('drafted')} ${result.id} from ${file} (read as ${result.format})${opts.out ? ` into ${shownPath(resolve(opts.out))}` : ''}`,
    `  ${evidence} evidence command${evidence === 1 ? '' : 's'}, ${fix} fix command${fix === 1 ? '' : 's'}` +
      `; sections found: ${Object.entries(result.sections)
        .filter(([, v]) => v.length > 0)
        .map(([k]) => k)
        .join(', ') || 'none'}`,
  ];
  if (result.kernels.length) lines.push(`  kernel versions mentioned: ${result.kernels.join(', ')}`);
  if (result.sysctls.length) lines.push(`  sysctls mentioned: ${result.sysctls.join(', ')}`);
  if (result.unplaced.length) {
    lines.push(c.yellow(`  could not place ${result.unplaced.length} piece${result.unplaced.length === 1 ? '' : 's'} of text (listed in a comment at the end of the draft):`));
    for (const u of result.unplaced.slice(0, 12)) lines.push(c.dim(`    line ${u.line}: ${u.text.replace(/\s+/g, ' ').slice(0, 90)}`));
    if (result.unplaced.length > 12) lines.push(c.dim(`    ... and ${result.unplaced.length - 12} more`));
  }
  lines.push(`Next: replace every TODO, save it as content/cases/${result.id}.md, then run \`runbook check\`.`);
  io.stderr(lines.join('\n') + '\n');
  return 0;
}
