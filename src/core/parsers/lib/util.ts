/**
 * Small helpers shared by the parsers: line splitting, number reading (and
 * ungrouping), fact key hygiene, the jc-style "could not read" message and
 * parser definition. Pure and browser-safe.
 */
import type { Facts, FactSpec, Parser, ParseResult } from '../../facts/types.js';

/** A parser whose id is a string literal, so the registry can derive the id union. */
export type DefinedParser<Id extends string> = Parser & { meta: Parser['meta'] & { id: Id } };

/** How much of a paste the detectors read (their first lines, see {@link head}): all that is ungrouped for them. */
const DETECT_SPAN = 65536;

/**
 * Define a parser, keeping its id as a literal type and guarding `parse` and
 * `detect` so they never throw on user text. A parser whose meta sets
 * `groupedNumbers` gets its text with digit grouping undone ({@link ungroupNumbers}).
 * @param p the parser
 * @returns the same parser with guarded functions
 */
export function defineParser<const Id extends string>(p: DefinedParser<Id>): DefinedParser<Id> {
  const { detect, parse } = p;
  const grouped = p.meta.groupedNumbers === true;
  return {
    meta: p.meta,
    detect(text: string): number {
      try {
        const t = String(text ?? '');
        const c = detect(grouped ? ungroupNumbers(t.length > DETECT_SPAN ? t.slice(0, DETECT_SPAN) : t) : t);
        return Number.isFinite(c) ? Math.max(0, Math.min(1, c)) : 0;
      } catch {
        return 0;
      }
    },
    parse(text: string, command?: string): ParseResult {
      try {
        const t = String(text ?? '');
        return parse(grouped ? ungroupNumbers(t) : t, command);
      } catch (e) {
        return { facts: {}, warnings: [`Internal error while reading \`${p.meta.commands[0]}\` output: ${(e as Error)?.message ?? e}`] };
      }
    },
  };
}

/**
 * Split text into lines (handles a missing final newline).
 * @param text the text
 * @returns the lines, without a trailing empty one
 */
export function lines(text: string): string[] {
  const out = text.split('\n');
  if (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

/**
 * The first lines of a text, cheaply, for detectors.
 * @param text the text
 * @param max how many lines
 * @param maxChars how many characters to look at
 * @returns up to `max` non-empty lines
 */
export function head(text: string, max = 40, maxChars = 16384): string[] {
  const part = text.length > maxChars ? text.slice(0, maxChars) : text;
  const out: string[] = [];
  for (const l of part.split('\n')) {
    if (l.trim() === '') continue;
    out.push(l);
    if (out.length >= max) break;
  }
  return out;
}

/**
 * Split on runs of spaces and tabs, dropping empty fields.
 * @param line one line
 * @returns the fields
 */
export function fields(line: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 32 || c === 9 || c === 13) {
      if (start >= 0) {
        out.push(line.slice(start, i));
        start = -1;
      }
    } else if (start < 0) start = i;
  }
  if (start >= 0) out.push(line.slice(start));
  return out;
}

const GROUP_SEP_RE = /\d[,\u00a0\u202f']\d{3}/;
const GROUPED_RE = /(^|[\s:=(])(\d{1,3}(?:([,\u00a0\u202f'])\d{3})(?:\3\d{3})*)(?=$|[\s)%.,;](?!\d))/g;

/**
 * Undo digit grouping by thousands (`1,234,567`, `1 234 567` with no-break
 * spaces, `1'234'567`). Only for outputs of counters, where such a number
 * cannot be a list: `200,512` from `curl -w '%{http_code},%{size_download}'`
 * would become `200512` (parsers opt in with `meta.groupedNumbers`).
 * @param text the text
 * @returns the text with plain integers
 */
export function ungroupNumbers(text: string): string {
  // Most pastes hold no separator at all: four native scans are cheaper than the regex over the text.
  if (text.indexOf(',') < 0 && text.indexOf("'") < 0 && text.indexOf('\u00a0') < 0 && text.indexOf('\u202f') < 0) return text;
  if (!GROUP_SEP_RE.test(text)) return text;
  return text
    .split('\n')
    .map((l) => {
      if (l.length > 10000 || !GROUP_SEP_RE.test(l)) return l;
      return l.replace(GROUPED_RE, (_m, pre: string, num: string) => pre + num.replace(/[,\u00a0\u202f']/g, ''));
    })
    .join('\n');
}

const factCounts = new WeakMap<Facts, number>();

/**
 * How many facts a parse result holds, counted once per facts object: listing the keys of a large
 * fact map (V8 keeps it as a dictionary) sorts them every time. Facts are never changed once a
 * parser returns them.
 * @param facts the facts
 * @returns their number
 */
export function factCount(facts: Facts): number {
  let n = factCounts.get(facts);
  if (n === undefined) {
    n = Object.keys(facts).length;
    factCounts.set(facts, n);
  }
  return n;
}

const INT_RE = /^-?\d+$/;
const NUM_RE = /^-?\d+(?:\.\d+)?$/;

/**
 * Read an integer, or undefined.
 * @param s the text
 * @returns the number
 */
export function int(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const t = s.trim();
  return INT_RE.test(t) ? Number(t) : undefined;
}

/**
 * Read a decimal number, or undefined.
 * @param s the text
 * @returns the number
 */
export function num(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const t = s.trim();
  return NUM_RE.test(t) ? Number(t) : undefined;
}

/**
 * Read a hexadecimal number (no prefix), or undefined.
 * @param s the text
 * @returns the number
 */
export function hex(s: string | undefined): number | undefined {
  if (s === undefined || s.length === 0 || s.length > 16 || !/^[0-9a-fA-F]+$/.test(s)) return undefined;
  return parseInt(s, 16);
}

/**
 * Make a dynamic part safe to use as one fact-name segment: keeps letters,
 * digits and `_ . : - [ ] *`, replaces anything else by `_`.
 * @param s an interface name, address, stat name...
 * @returns the key
 */
export function key(s: string): string {
  const k = s.replace(/[^A-Za-z0-9_.:\-[\]*]/g, '_');
  return k === '' ? '_' : k;
}

/**
 * The jc-style message for text that is not this command's output.
 * @param command the command the parser reads
 * @param why what was missing
 * @param hint how to get readable output
 * @returns the warning
 */
export function cannotRead(command: string, why: string, hint?: string): string {
  return `Could not read this as \`${command}\` output: ${why}.${hint ? ` ${hint}` : ''}`;
}

/**
 * Result for empty input.
 * @returns no facts and a "nothing pasted" warning
 */
export function nothing(): ParseResult {
  return { facts: {}, warnings: ['Nothing pasted: the output is empty.'] };
}

/**
 * True when the text has no content.
 * @param text the text
 * @returns whether it is blank
 */
export function blank(text: string): boolean {
  return text.trim() === '';
}

/**
 * Round to a few decimals, for ratios.
 * @param n the number
 * @param digits decimals
 * @returns the rounded number
 */
export function round(n: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/**
 * Busiest value over the mean (1 = perfectly even).
 * @param values per CPU or per queue values
 * @returns max / mean, or undefined when there is nothing to compare
 */
export function imbalance(values: number[]): number | undefined {
  if (values.length < 2) return undefined;
  let sum = 0;
  let max = 0;
  for (const v of values) {
    sum += v;
    if (v > max) max = v;
  }
  if (sum <= 0) return undefined;
  return round(max / (sum / values.length), 3);
}

/**
 * Shorthand to declare a fact.
 * @param name fact name (`*` for dynamic segments)
 * @param type value type
 * @param description one line meaning
 * @param unit unit, when any
 * @returns the spec
 */
export function fact(name: string, type: FactSpec['type'], description: string, unit?: string): FactSpec {
  return unit ? { name, type, unit, description } : { name, type, description };
}

/**
 * Set a numeric fact only when the value is a finite number.
 * @param facts the facts
 * @param name fact name
 * @param value the value
 */
export function setNum(facts: Facts, name: string, value: number | undefined): void {
  if (value !== undefined && Number.isFinite(value)) facts[name] = value;
}

/**
 * Count lines for which a predicate holds, over the first lines of a text.
 * @param ls lines
 * @param pred the predicate
 * @returns the share (0..1) of lines matching
 */
export function share(ls: string[], pred: (l: string) => boolean): number {
  if (ls.length === 0) return 0;
  let n = 0;
  for (const l of ls) if (pred(l)) n++;
  return n / ls.length;
}
