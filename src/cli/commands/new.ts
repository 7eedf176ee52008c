/**
 * `runbook new <id> [--note] [--force] [--stdout]`: scaffold a case file
 * (content/cases/<id>.md) or a note (content/notes/<id>.md) with every
 * section and a commented front matter skeleton.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { scaffoldEntry, slugify } from '../../core/importer.js';
import { EntryId } from '../../core/schema/case.js';
import { contentRoot } from '../../node/content.js';
import { CliError, colors, shownPath, type CliIO } from '../io.js';

/** Options of `runbook new`. */
export interface NewOptions {
  /** args[0] is the id. */
  args: string[];
  /** Scaffold a background note instead of a case. */
  note?: boolean;
  /** Overwrite an existing file. */
  force?: boolean;
  /** Print the skeleton instead of writing it. */
  stdout?: boolean;
}

/**
 * Check an id, explaining how to fix a bad one.
 * @param id the id given
 * @returns the id
 */
export function checkId(id: string | undefined): string {
  if (!id) throw new CliError('give the id of the new entry, e.g. `runbook new accept-queue-overflow`');
  if (EntryId.safeParse(id).success) return id;
  const suggestion = slugify(id);
  const hint = suggestion && suggestion !== id ? ` Try \`${suggestion}\`.` : '';
  throw new CliError(`"${id}" is not a valid id: an id is lowercase words joined by hyphens, like accept-queue-overflow.${hint}`);
}

/**
 * Write (or print) the skeleton.
 * @param opts the id and flags
 * @param io input and output
 * @returns the exit code: 0 written, 1 the file exists (without --force), 2 a bad id
 */
export async function run(opts: NewOptions, io: CliIO): Promise<number> {
  const id = checkId(opts.args?.[0]);
  const kind = opts.note ? 'note' : 'case';
  const text = scaffoldEntry(id, kind);
  if (opts.stdout) {
    io.stdout(text);
    return 0;
  }
  const root = contentRoot();
  const dir = join(root, 'content', kind === 'note' ? 'notes' : 'cases');
  const path = join(dir, `${id}.md`);
  if (existsSync(path) && !opts.force) {
    throw new CliError(`${shownPath(path)} already exists; pass --force to overwrite it, or choose another id`, 1);
  }
  const other = join(root, 'content', kind === 'note' ? 'cases' : 'notes', `${id}.md`);
  if (existsSync(other) && !opts.force) {
    throw new CliError(`the id "${id}" is already used by ${shownPath(other)}; ids are shared by cases and notes, so choose another id`, 1);
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  const c = colors(io);
  io.stdout(`${c.green('created')} ${shownPath(path)}\n`);
  io.stdout(
    [
      '',
      'Next:',
      `  1. Fill in the front matter and every section of ${shownPath(path)}; replace each TODO.`,
      kind === 'case'
        ? '  2. Put each evidence command in a ```sh block (```sh root when it needs root), followed by what to look for.'
        : '  2. Link the note from the cases that use it (their `related:` list).',
      '  3. `runbook check`: validate it; every problem is printed with its line and column.',
      `  4. \`runbook show ${id}\`: read it as users will.`,
      'How to write a case: docs/writing-cases.md',
      '',
    ].join('\n'),
  );
  return 0;
}
