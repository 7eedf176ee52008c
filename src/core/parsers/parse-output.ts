/**
 * `parseOutput`: the one entry point adapters call with pasted text. Cleans
 * the paste, chooses the parser (the command line first, detection second),
 * parses, and never throws.
 */
import type { Facts, Parser } from '../facts/types.js';
import { cleanOrSplit, cleanPaste } from './hygiene.js';
import { factCount } from './lib/util.js';
import { PARSERS, getParser, type ParserId } from './registry.js';
import { detectCommand, parsersForCommand } from './select.js';

/** What {@link parseOutput} returns. */
export interface ParsedOutput {
  /** The command line (given, or named by a prompt line), or null. */
  command: string | null;
  /** The parser that read the text, or null when none could. */
  parser: ParserId | null;
  /** 1 when the command named the parser and it read facts; otherwise the detector's confidence. */
  confidence: number;
  facts: Facts;
  warnings: string[];
  /** For a paste of several commands (split by prompt lines): each part. */
  segments?: { command: string | null; parser: ParserId | null; confidence: number; facts: number }[];
}

/** Options of {@link parseOutput}. */
export interface ParseOptions {
  /** The command that produced the text, e.g. `netstat -s | grep -i listen`. */
  command?: string;
}

const EXPECTED = PARSERS.filter((p) => p.meta.id !== 'count')
  .slice(0, 12)
  .map((p) => `\`${p.meta.commands[0]}\``)
  .join(', ');

function one(text: string, command: string | null): ParsedOutput {
  if (text.trim() === '') {
    return { command, parser: null, confidence: 0, facts: {}, warnings: ['Nothing pasted: the output is empty.'] };
  }
  const tried: string[] = [];
  const warnings: string[] = [];
  if (command) {
    const chosen = parsersForCommand(command);
    for (const p of chosen) {
      const r = p.parse(text, command);
      if (factCount(r.facts) > 0) {
        return { command, parser: p.meta.id as ParserId, confidence: 1, facts: r.facts, warnings: r.warnings };
      }
      tried.push(p.meta.id);
      warnings.push(...r.warnings);
    }
    if (chosen.length === 0) warnings.push(`No parser reads \`${command}\`; guessing from the text.`);
  }
  const det = detectCommand(text);
  if (det.parser && !tried.includes(det.parser)) {
    const p = getParser(det.parser) as Parser;
    const r = p.parse(text, command ?? undefined);
    if (factCount(r.facts) > 0) {
      const pre = tried.length > 0 ? [`This does not read as \`${command}\` output; it looks like \`${p.meta.commands[0]}\` output (confidence ${det.confidence}).`] : [];
      return { command, parser: det.parser, confidence: det.confidence, facts: r.facts, warnings: [...pre, ...r.warnings] };
    }
    if (tried.length === 0) return { command, parser: det.parser, confidence: det.confidence, facts: r.facts, warnings: r.warnings };
  }
  if (tried.length > 0) return { command, parser: tried[0] as ParserId, confidence: 0, facts: {}, warnings };
  const alt = det.alternatives.map((a) => `\`${getParser(a.parser)!.meta.commands[0]}\` (${a.confidence})`).join(', ');
  return {
    command,
    parser: null,
    confidence: det.confidence,
    facts: {},
    warnings: [
      `Could not tell which command printed this${alt ? `; closest: ${alt}` : ''}. Say it with the command (e.g. \`--command "netstat -s"\`); known outputs include ${EXPECTED} and more (\`runbook facts --parsers\`).`,
    ],
  };
}

/**
 * Read pasted command output into facts. Never throws.
 * @param text what the user pasted (may start with a prompt line naming the command)
 * @param options `command`: the command that produced it, when known
 * @returns the command, parser, confidence, facts and warnings
 */
export function parseOutput(text: string, options: ParseOptions = {}): ParsedOutput {
  try {
    const raw = String(text ?? '');
    const given = options.command?.trim() || null;
    if (given) return one(cleanPaste(raw).text, given);
    const read = cleanOrSplit(raw);
    if ('segments' in read) {
      const parts = read.segments.map((s) => ({ s, r: one(s.text, s.command) }));
      const facts: Facts = {};
      const warnings: string[] = [];
      for (const { s, r } of parts) {
        Object.assign(facts, r.facts);
        for (const w of r.warnings) warnings.push(s.command ? `${s.command}: ${w}` : w);
      }
      const first = parts.find((p) => p.r.parser !== null)?.r;
      return {
        command: parts[0].s.command,
        parser: first?.parser ?? null,
        confidence: Math.min(...parts.map((p) => p.r.confidence)),
        facts,
        warnings,
        segments: parts.map(({ s, r }) => ({ command: s.command, parser: r.parser, confidence: r.confidence, facts: factCount(r.facts) })),
      };
    }
    return one(read.clean.text, read.clean.command);
  } catch (e) {
    return { command: options.command ?? null, parser: null, confidence: 0, facts: {}, warnings: [`Internal error while reading the paste: ${(e as Error)?.message ?? e}`] };
  }
}
