/**
 * `runbook diagnose [file] [--json]`: one-shot diagnosis of a JSON evidence
 * file (or stdin) per the design's contract.
 */
import { existsSync, readFileSync } from 'node:fs';
import { diagnose } from '../../core/engine/diagnose.js';
import { DiagnoseInput } from '../../core/schema/diagnose.js';
import { openProject } from '../../node/open-project.js';
import { CliError, colors, type CliIO } from '../io.js';
import { wrap } from '../render.js';

/** Options of `runbook diagnose`. */
export interface DiagnoseOptions {
  args: string[];
  json?: boolean;
  /** Include ruled-out candidates in text output. */
  all?: boolean;
}

/**
 * Diagnose.
 * @param opts options; args[0] is the input file (default stdin)
 * @param io input and output
 * @returns the exit code (0 on a successful run)
 */
export async function run(opts: DiagnoseOptions, io: CliIO): Promise<number> {
  const file = opts.args[0];
  let text: string;
  if (file && file !== '-') {
    if (!existsSync(file)) throw new CliError(`input file "${file}" does not exist`);
    text = readFileSync(file, 'utf8');
  } else {
    text = await io.readStdin();
    if (!text.trim()) throw new CliError('no input: pass a JSON file or pipe one in, e.g. runbook diagnose evidence.json. Shape: { "symptom", "kernel", "evidence": [ { "command", "output", "takenAt" } ] }');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new CliError(`the input is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = DiagnoseInput.safeParse(raw);
  if (!parsed.success) {
    const msgs = parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`);
    throw new CliError(`the input does not match the diagnose shape:\n  ${msgs.join('\n  ')}`);
  }
  const project = await openProject();
  // The search index is loaded only when there is symptom text to match.
  const matcher = parsed.data.symptom?.trim() ? (await import('../../node/search.js')).symptomMatcher(project) : undefined;
  const result = diagnose(parsed.data, { cases: project.kb.entries, ...(matcher ? { symptomMatcher: matcher } : {}) });
  if (opts.json) {
    const { readings, ...out } = result;
    void readings;
    io.stdout(JSON.stringify(out, null, 2) + '\n');
    return 0;
  }
  const c = colors(io);
  const live = result.candidates.filter((x) => x.status !== 'ruled-out');
  const ruled = result.candidates.filter((x) => x.status === 'ruled-out');
  io.stdout(c.bold(live.length ? 'Candidates, best first:\n' : 'No candidate cause stands out from this evidence.\n'));
  const mark = { confirmed: c.green('● confirmed'), likely: c.green('◐ likely'), possible: c.yellow('○ possible'), 'ruled-out': c.dim('✗ ruled out') } as const;
  for (const x of live.slice(0, 8)) {
    io.stdout(`\n  ${mark[x.status]}  ${c.bold(x.id)}  ${c.dim(`score ${x.score}`)}\n${wrap(x.title, 78, '    ')}\n`);
    for (const w of x.why) io.stdout(wrap(`- ${w}`, 78, '    ') + '\n');
  }
  if (ruled.length) {
    io.stdout(`\n${c.bold('Ruled out:')}\n`);
    for (const x of opts.all ? ruled : ruled.slice(0, 6)) io.stdout(wrap(`- ${x.id}: ${x.why[0]?.replace(/^ruled out: /, '') ?? ''}`, 78, '  ') + '\n');
    if (!opts.all && ruled.length > 6) io.stdout(c.dim(`  and ${ruled.length - 6} more (--all)\n`));
  }
  if (result.next.length) {
    io.stdout(`\n${c.bold('Next commands worth running:')}\n`);
    for (const n of result.next) io.stdout(`  ${c.green('$')} ${c.bold(n.command)}\n${wrap(c.dim(n.why), 78, '      ')}\n`);
  }
  if (result.warnings.length) {
    io.stdout(`\n${c.yellow('Warnings:')}\n`);
    for (const w of result.warnings) io.stdout(wrap(`- ${w}`, 78, '  ') + '\n');
  }
  return 0;
}
