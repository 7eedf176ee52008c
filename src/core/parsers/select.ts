/**
 * Choosing a parser: from the command line the user gave (matched against
 * each parser's `meta.commands`), or from the text alone (each parser's
 * detector).
 */
import type { Parser } from '../facts/types.js';
import { PARSERS, type ParserId } from './registry.js';
import { shapeOf, words, type CommandShape } from './lib/shell.js';
import { detached } from '../strings.js';

/** Programs that read a file named on their command line. */
export const FILE_READERS: ReadonlySet<string> = new Set([
  'cat', 'grep', 'egrep', 'fgrep', 'zgrep', 'head', 'tail', 'less', 'more', 'zcat', 'awk', 'sed', 'ls', 'stat', 'column', 'tac', 'cut', 'sort', 'wc', 'xargs',
]);

/** A placeholder in `meta.commands`: IF, NAME, HOST, KEY, N, FILE, CMD, STATE, SERVER, URL, FORMAT. */
function isPlaceholder(w: string): boolean {
  return /^@?[A-Z][A-Z_]*$/.test(w);
}

interface Entry {
  parser: Parser;
  shape: CommandShape;
  path?: RegExp;
  words: string[];
}

/** `*` matches one path segment, or everything when it ends the pattern (`/proc/sys/*`). */
function globToRegExp(path: string): RegExp {
  const esc = path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*$/, '\u0000').replace(/\*/g, '[^/\\s]+').replace('\u0000', '\\S+');
  return new RegExp(`^${esc}$`);
}

const ENTRIES: Entry[] = PARSERS.flatMap((p) =>
  p.meta.commands
    .filter((c) => !c.startsWith('CMD'))
    .map((c) => {
      const shape = shapeOf(c);
      const pathArg = shape.operands.find((o) => o.startsWith('/'));
      return {
        parser: p as Parser,
        shape,
        path: FILE_READERS.has(shape.program) && pathArg ? globToRegExp(pathArg) : undefined,
        words: shape.operands.filter((o) => !isPlaceholder(o) && !o.startsWith('/')),
      };
    }),
);

/** Does the pipeline end in a counting stage (`grep -c`, `wc -l`, `uniq -c`, an awk tally)? */
function countingPipeline(shape: CommandShape): boolean {
  return shape.filters.some((f) => {
    const w = words(f);
    const prog = w[0] ?? '';
    const flags = w.slice(1).filter((x) => x.startsWith('-') && !x.startsWith('--')).join('');
    if (/^(e|f|z)?grep$/.test(prog)) return flags.includes('c') || w.includes('--count');
    if (prog === 'wc') return flags.includes('l') || w.includes('--lines');
    if (prog === 'uniq') return flags.includes('c') || w.includes('--count');
    if (prog === 'awk') return /\+\+\w*\[|\w+\[[^\]]*\]\s*\+\+|\bEND\b/.test(f);
    return false;
  });
}

function scoreEntry(e: Entry, c: CommandShape): number | undefined {
  if (e.path) {
    const p = c.operands.find((o) => o.startsWith('/'));
    return p !== undefined && e.path.test(p) ? 10 : undefined;
  }
  if (e.shape.program !== c.program) return undefined;
  for (const w of e.words) {
    if (!c.operands.some((o) => o.startsWith(w) || (w.startsWith(o) && o.length > 0))) return undefined;
  }
  let s = e.words.length;
  for (const f of e.shape.flags) s += c.flags.has(f) ? 2 : -2;
  for (const f of c.flags) if (!e.shape.flags.has(f)) s -= 0.25;
  return s;
}

/**
 * The parsers a command line points at, best first.
 * @param command what the user ran, e.g. `netstat -s | grep -i listen`
 * @returns parsers to try, in order (a counting pipeline gives `count` first)
 */
export function parsersForCommand(command: string): Parser[] {
  if (!command || !command.trim()) return [];
  // Pure in the command line, and the same few lines come back all the time (bounded memo).
  const hit = forCommand.get(command);
  if (hit) return hit;
  const found = parsersForCommandUncached(command);
  if (forCommand.size > 2000) forCommand.clear();
  forCommand.set(detached(command), found);
  return found;
}
const forCommand = new Map<string, Parser[]>();

function parsersForCommandUncached(command: string): Parser[] {
  const shape = shapeOf(command);
  const out: Parser[] = [];
  const counting = countingPipeline(shape);
  if (counting) out.push(PARSERS.find((p) => p.meta.id === 'count') as Parser);
  let best: { p: Parser; s: number } | undefined;
  const pathOperand = FILE_READERS.has(shape.program) && shape.operands.some((o) => o.startsWith('/'));
  for (const e of ENTRIES) {
    if (!!e.path !== pathOperand) continue;
    const s = scoreEntry(e, shape);
    if (s !== undefined && (!best || s > best.s)) best = { p: e.parser, s };
  }
  if (best && best.s > -1 && !out.includes(best.p)) out.push(best.p);
  return out;
}

/** What {@link detectCommand} returns. */
export interface Detection {
  /** The parser id, or null when the text does not look like any known command. */
  parser: ParserId | null;
  /** Confidence 0..1 of the best guess. */
  confidence: number;
  /** Other parsers that scored at least 0.3, best first. */
  alternatives: { parser: ParserId; confidence: number }[];
}

/** Below this confidence detection says it cannot tell. */
export const DETECT_THRESHOLD = 0.5;

/**
 * Guess which command produced a (cleaned) paste.
 * @param text the output
 * @returns the best parser (or null), its confidence and the alternatives
 */
export function detectCommand(text: string): Detection {
  const scored = PARSERS.map((p, i) => ({ parser: p.meta.id as ParserId, confidence: Math.round(p.detect(text) * 1000) / 1000, i }))
    .filter((s) => s.confidence > 0)
    .sort((a, b) => b.confidence - a.confidence || a.i - b.i);
  const best = scored[0];
  const alternatives = scored
    .slice(best && best.confidence >= DETECT_THRESHOLD ? 1 : 0)
    .filter((s) => s.confidence >= 0.3)
    .slice(0, 3)
    .map(({ parser, confidence }) => ({ parser, confidence }));
  if (!best || best.confidence < DETECT_THRESHOLD) return { parser: null, confidence: best?.confidence ?? 0, alternatives };
  return { parser: best.parser, confidence: best.confidence, alternatives };
}
