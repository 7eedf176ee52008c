/**
 * `runbook list`: cases (and notes), optionally filtered by kernel.
 */
import { kernelSatisfies, parseKernel } from '../../core/kernel.js';
import { openProject } from '../../node/open-project.js';
import { CliError, colors, type CliIO } from '../io.js';

/** Options of `runbook list`. */
export interface ListOptions {
  json?: boolean;
  notes?: boolean;
  runbooks?: boolean;
  kernel?: string;
}

/**
 * List entries.
 * @param opts options
 * @param io input and output
 * @returns the exit code
 */
export async function run(opts: ListOptions, io: CliIO): Promise<number> {
  const c = colors(io);
  const project = await openProject();
  if (opts.runbooks) {
    if (opts.json) {
      io.stdout(JSON.stringify(project.runbooks.map((r) => ({ id: r.id, title: r.title, symptoms: r.symptoms, candidates: r.candidates })), null, 2) + '\n');
      return 0;
    }
    const w = Math.max(...project.runbooks.map((r) => r.id.length), 10);
    for (const r of project.runbooks) io.stdout(`${c.bold(r.id.padEnd(w))}  ${r.title}${c.dim(`  (${r.candidates.length} causes)`)}\n`);
    io.stdout(c.dim(`${project.runbooks.length} runbooks; start one with: runbook start --runbook <id>\n`));
    return 0;
  }
  if (opts.kernel && !parseKernel(opts.kernel)) throw new CliError(`"${opts.kernel}" is not a kernel release; pass what \`uname -r\` prints, e.g. 5.10.0-21-amd64`);
  let entries = project.kb.entries.filter((e) => e.kind === 'case' || opts.notes);
  const hidden: string[] = [];
  if (opts.kernel) {
    entries = entries.filter((e) => {
      const ok = !e.applies.kernel || kernelSatisfies(opts.kernel!, e.applies.kernel) !== false;
      if (!ok) hidden.push(e.id);
      return ok;
    });
  }
  if (opts.json) {
    io.stdout(JSON.stringify(entries.map((e) => ({ id: e.id, kind: e.kind, title: e.title, kernel: e.applies.kernel ?? null, tags: e.tags })), null, 2) + '\n');
    return 0;
  }
  const width = Math.max(...entries.map((e) => e.id.length), 10);
  for (const e of entries) {
    const k = e.applies.kernel && e.applies.kernel !== 'any' ? c.dim(`  [kernel ${e.applies.kernel}]`) : '';
    io.stdout(`${c.bold(e.id.padEnd(width))}  ${e.title}${k}${e.kind === 'note' ? c.dim('  (note)') : ''}\n`);
  }
  io.stdout(c.dim(`${entries.length} entries${hidden.length ? `; ${hidden.length} hidden because they cannot apply to ${opts.kernel}: ${hidden.join(', ')}` : ''}\n`));
  return 0;
}
