/**
 * `runbook facts [filter] [--json] [--parsers]`: list the fact catalog (what
 * parsers can read and signals may test), or the parsers with their commands
 * and cost.
 */
import { COMMANDS, PARSERS, factCatalog } from '../../core/parsers/index.js';
import { colors, type CliIO } from '../io.js';

/** Options of `runbook facts`. */
export interface FactsCommandOptions {
  /** Case-insensitive substring over name, meaning, MIB and netstat sentence (or parser id and commands). */
  filter?: string;
  /** Print JSON. */
  json?: boolean;
  /** List parsers instead of facts. */
  parsers?: boolean;
}

/**
 * Run `runbook facts`.
 * @param opts filter, json and parsers options
 * @param io the process io
 * @returns exit code: 0 something listed, 1 nothing matched the filter
 */
export async function run(opts: FactsCommandOptions, io: CliIO): Promise<number> {
  const c = colors(io);
  const f = (opts.filter ?? '').toLowerCase();
  if (opts.parsers) {
    const list = PARSERS.filter((p) => !f || [p.meta.id, p.meta.description, ...p.meta.commands].some((s) => s.toLowerCase().includes(f))).map((p) => ({
      id: p.meta.id,
      commands: p.meta.commands,
      description: p.meta.description,
      cost: p.meta.cost,
      facts: p.meta.facts.length,
    }));
    if (opts.json) io.stdout(`${JSON.stringify(list, null, 2)}\n`);
    else {
      const w = Math.max(...list.map((p) => p.id.length), 2);
      for (const p of list) {
        const cost = [p.cost.readOnly ? 'read-only' : c.red('changes state'), p.cost.needsRoot ? 'root' : '', ...(p.cost.packages ?? []), p.cost.heavy ? c.yellow('heavy') : '']
          .filter(Boolean)
          .join(', ');
        io.stdout(`${c.bold(p.id.padEnd(w))}  ${p.description}\n${' '.repeat(w)}  ${c.cyan(p.commands.join(' | '))}\n${' '.repeat(w)}  ${c.dim(cost)}${p.cost.equivalents ? c.dim(`; else: ${p.cost.equivalents.join(', ')}`) : ''}\n`);
      }
      io.stdout(c.dim(`${list.length} parser(s); ${COMMANDS.length} known commands\n`));
    }
    return list.length > 0 ? 0 : 1;
  }
  const list = factCatalog().filter((e) => !f || [e.name, e.description, e.mib ?? '', e.netstatText ?? ''].some((s) => s.toLowerCase().includes(f)));
  if (opts.json) io.stdout(`${JSON.stringify(list, null, 2)}\n`);
  else {
    const w = Math.min(48, Math.max(...list.map((e) => e.name.length), 4));
    for (const e of list) {
      const extra = [e.mib ? `MIB ${e.mib}` : '', e.netstatText ? `netstat -s: "${e.netstatText}"` : ''].filter(Boolean).join('; ');
      io.stdout(
        `${c.bold(e.name.padEnd(w))}  ${c.dim(`${e.type}${e.unit ? ` (${e.unit})` : ''}`)}  ${e.description}\n` +
          `${' '.repeat(w)}  ${c.dim(`from ${e.parsers.join(', ')}${extra ? `; ${extra}` : ''}`)}\n`,
      );
    }
    io.stdout(c.dim(`${list.length} fact(s)\n`));
  }
  return list.length > 0 ? 0 : 1;
}
