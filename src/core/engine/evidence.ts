/**
 * Reading pasted evidence into facts and deltas: the single path by which
 * sessions and one-shot diagnosis learn anything from command output.
 */
import type { Deltas, Facts, FactValue } from '../facts/types.js';
import { cleanPaste, computeDeltas, DETECT_THRESHOLD, factCatalog, factCount, getParser, parseOutput, parsersForCommand, splitPaste } from '../parsers/index.js';

/** One pasted output. */
export interface EvidenceInput {
  /** The command that produced it, when known. */
  command?: string;
  output: string;
  /** ISO time it was taken; two outputs of one command give deltas. */
  takenAt?: string;
}

/** What was read from one output. */
export interface EvidenceRead {
  command: string | null;
  parser: string | null;
  confidence: number;
  facts: Facts;
  warnings: string[];
  takenAt?: string;
  /** The first lines of the output, for the evidence trail. */
  excerpt: string;
}

/**
 * An excerpt of pasted text: the first lines, shortened.
 * @param text the output
 * @param maxLines lines kept
 * @returns the excerpt
 */
export function excerpt(text: string, maxLines = 12): string {
  // The same as normalizing line ends, dropping leading blank lines and splitting, but only the
  // first lines are cut out; the rest is only counted. Line breaks are found with indexOf (a
  // native scan), character by character only where a carriage return is involved.
  let i = /^[\r\n]*/.exec(text)![0].length;
  const crlf = text.indexOf('\r', i) !== -1;
  const kept: string[] = [];
  while (kept.length < maxLines && i <= text.length) {
    const end = crlf ? lineEnd(text, i) : endOf(text.indexOf('\n', i), text.length);
    const l = text.slice(i, end);
    kept.push(l.length > 160 ? `${l.slice(0, 157)}...` : l);
    i = end + (text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? 2 : 1);
  }
  if (i <= text.length) kept.push(`... (${1 + (crlf ? lineBreaks(text, i) : newlines(text, i))} more lines)`);
  return kept.join('\n').trimEnd();
}

function endOf(found: number, length: number): number {
  return found === -1 ? length : found;
}

/** Where the line starting at `from` ends: its `\n` or `\r`, or the text's end. */
function lineEnd(text: string, from: number): number {
  return Math.min(endOf(text.indexOf('\n', from), text.length), endOf(text.indexOf('\r', from), text.length));
}

/** `\n` characters from `from` on. */
function newlines(text: string, from: number): number {
  let n = 0;
  for (let j = text.indexOf('\n', from); j !== -1; j = text.indexOf('\n', j + 1)) n++;
  return n;
}

/** Line breaks (`\n`, `\r\n` or a lone `\r`) from `from` on; each kind is searched forward once. */
function lineBreaks(text: string, from: number): number {
  let n = 0;
  let cr = text.indexOf('\r', from);
  let lf = text.indexOf('\n', from);
  while (cr !== -1 || lf !== -1) {
    n++;
    if (cr !== -1 && (lf === -1 || cr < lf)) {
      // A carriage return, and the line feed right after it belongs to the same break.
      if (lf === cr + 1) lf = text.indexOf('\n', lf + 1);
      cr = text.indexOf('\r', cr + 1);
    } else {
      lf = text.indexOf('\n', lf + 1);
    }
  }
  return n;
}

/**
 * Whether a reading found anything (without listing its keys).
 * @param facts the facts read
 * @returns true when there is at least one fact
 */
export function hasFacts(facts: Facts): boolean {
  for (const _ in facts) return true;
  return false;
}

/**
 * How many facts a reading has (counted once per reading: see {@link factCount}).
 * @param r a reading
 * @returns its number of facts
 */
export function readingFactCount(r: EvidenceRead): number {
  return factCount(r.facts);
}

function readOne(output: string, command: string | undefined, hints: string[]): EvidenceRead {
  // An explicit command decides (or a prompt line in the paste). Otherwise the recommended commands'
  // parsers are asked first (cheap and the likeliest), then general detection, then the
  // recommended commands in turn (one-number counts cannot be detected).
  let best: ReturnType<typeof parseOutput> | undefined;
  const cleaned = !command && hints.length ? cleanPaste(output) : undefined;
  if (cleaned && !cleaned.command) {
    const text = cleaned.text;
    for (const h of hints) {
      const p = parsersForCommand(h)[0];
      if (p && p.detect(text) >= DETECT_THRESHOLD) {
        const a = parseOutput(output, { command: h });
        if (hasFacts(a.facts)) {
          best = a;
          break;
        }
      }
    }
  }
  best ??= parseOutput(output, command ? { command } : {});
  if (!command && !hasFacts(best.facts)) {
    for (const h of hints) {
      const a = parseOutput(output, { command: h });
      if (hasFacts(a.facts)) {
        best = a;
        break;
      }
    }
  }
  // A detected paste is named after the recommended command the parser reads, else the parser's own command.
  let named = best.command ?? null;
  if (!named && best.parser) {
    named = hints.find((h) => parsersForCommand(h)[0]?.meta.id === best.parser) ?? getParser(best.parser)?.meta.commands[0] ?? null;
  }
  return {
    command: named,
    parser: best.parser ?? null,
    confidence: best.confidence ?? 0,
    facts: best.facts,
    warnings: best.warnings,
    excerpt: excerpt(output),
  };
}

/**
 * Read one pasted output (several commands pasted at once are split by their prompt lines).
 * @param input the output and optional command and time
 * @param hints commands the user was asked to run (tried when detection is unsure)
 * @returns one reading per command found in the paste
 */
export function readEvidence(input: EvidenceInput, hints: string[] = []): EvidenceRead[] {
  // Keyed by the output first (no big concatenated key), then by command and hints. The time a
  // paste was taken does not change how it reads, so it is not in the key (every paste has its own).
  const small = `${input.command ?? ''}\u0000${hints.join('\u0001')}`;
  const output = input.output;
  const fp = fingerprint(output);
  let bucket = memo.get(fp);
  let byOutput = bucket?.find((e) => e.output === output)?.reads;
  let reads = byOutput?.get(small);
  if (!reads) {
    reads = readUncached(output, input.command, hints);
    if (byOutput) {
      if (byOutput.size >= MEMO_MAX_PER_OUTPUT) byOutput.delete(byOutput.keys().next().value as string);
      byOutput.set(small, reads);
    } else {
      byOutput = new Map([[small, reads]]);
      if (!bucket) memo.set(fp, (bucket = []));
      const entry: MemoEntry = { fp, output, reads: byOutput };
      bucket.push(entry);
      order.add(entry);
      memoChars += output.length;
      if (bucket.length > MEMO_MAX_PER_FINGERPRINT) forget(bucket[0]);
      while (memoChars > MEMO_MAX_CHARS || order.size > MEMO_MAX_ENTRIES) forget(order.values().next().value as MemoEntry);
    }
  }
  const takenAt = input.takenAt;
  return takenAt ? reads.map((r) => ({ ...r, takenAt })) : reads;
}

// Sessions replay their inputs on every step; reading a paste is pure, so readings are kept
// (oldest first out, bounded by distinct outputs, by their total characters, and by the
// command/hint pairs kept per output). Readings are shared: callers must not mutate them.
//
// The memo is keyed by a fingerprint of the output (its length and 256 characters spread over
// it), not by the text itself: a Map keyed by a fresh 5 KB string hashes all of it, microseconds
// per paste. Outputs with one fingerprint share a bucket; a hit is confirmed by comparing texts.
const MEMO_MAX_ENTRIES = 2000;
const MEMO_MAX_CHARS = 64 * 1024 * 1024;
const MEMO_MAX_PER_OUTPUT = 16;
const MEMO_MAX_PER_FINGERPRINT = 8;
interface MemoEntry {
  fp: number;
  output: string;
  reads: Map<string, EvidenceRead[]>;
}
const memo = new Map<number, MemoEntry[]>();
/**
 * The outputs kept, oldest first. An output leaves it when it is forgotten, whichever way (oldest
 * out, or pushed out of a full fingerprint bucket), so nothing forgotten stays reachable from here.
 */
const order = new Set<MemoEntry>();
let memoChars = 0;

/** Drop an output's readings. */
function forget(entry: MemoEntry): void {
  const bucket = memo.get(entry.fp)!;
  bucket.splice(bucket.indexOf(entry), 1);
  if (bucket.length === 0) memo.delete(entry.fp);
  order.delete(entry);
  memoChars -= entry.output.length;
}

/**
 * A cheap fingerprint of a text: its length and up to 256 of its characters, evenly spread.
 * @param s the text
 * @returns a 32-bit number
 */
function fingerprint(s: string): number {
  const n = s.length;
  let h = Math.imul(n ^ 0x811c9dc5, 0x01000193);
  const step = n > 256 ? Math.floor(n / 256) : 1;
  for (let i = n - 1; i >= 0; i -= step) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function readUncached(output: string, command: string | undefined, hints: string[]): EvidenceRead[] {
  if (!command) {
    const parts = splitPaste(output);
    if (parts.length > 1) return parts.map((p) => readOne(p.text, p.command ?? undefined, hints));
  }
  return [readOne(output, command, hints)];
}

/** Facts and deltas combined over every reading. */
export interface CombinedFacts {
  /** Read-only: it may be a reading's own facts, shared with every session that pasted the same text. */
  facts: Facts;
  deltas: Deltas;
  /** Parsers that produced at least one reading. */
  parsersRun: Set<string>;
}

/**
 * Combine readings: the latest value of each fact wins; a numeric fact seen in
 * two or more readings gets a delta from its first to its last value (computeDeltas, unchanged kept).
 * @param reads readings in the order they were taken
 * @param base facts known before (answers, the kernel given separately)
 * @returns facts, deltas and the parsers that ran
 */
export function combineReadings(reads: EvidenceRead[], base: Facts = {}): CombinedFacts {
  // One reading with facts and nothing else known (the usual first paste): its facts are the
  // combination, shared rather than copied (a copy of 100+ dotted keys costs as much as reading
  // the paste's numbers). Readings are never written, so neither are the facts returned.
  let sole: EvidenceRead | undefined;
  let withFacts = 0;
  for (const r of reads) {
    if (readingFactCount(r) > 0) {
      sole = r;
      withFacts++;
    }
  }
  if (withFacts === 1 && !hasFacts(base)) return { facts: sole!.facts, deltas: {}, parsersRun: new Set(sole!.parser ? [sole!.parser] : []) };
  // Plain loops: several times faster than spreads or Object.assign on objects of 100+ dotted keys.
  const facts: Facts = {};
  for (const k in base) facts[k] = base[k];
  const parsersRun = new Set<string>();
  for (const r of reads) {
    let any = false;
    for (const k in r.facts) {
      facts[k] = r.facts[k];
      any = true;
    }
    if (r.parser && any) parsersRun.add(r.parser);
  }
  return { facts, deltas: computeDeltas(reads, { unchanged: true }), parsersRun };
}

let producers: Map<string, string[]> | undefined;

/**
 * Does a fact's absence mean "not there" given which parsers ran?
 * True when a parser that ran declares the fact (exact name).
 * @param fact the fact name
 * @param parsersRun parsers that produced readings
 * @returns whether absence is meaningful
 */
export function absenceIsMeaningful(fact: string, parsersRun: Set<string>): boolean {
  if (!producers) {
    producers = new Map();
    for (const f of factCatalog()) producers.set(f.name, f.parsers);
  }
  const ps = producers.get(fact);
  return Boolean(ps && ps.some((p) => parsersRun.has(p)));
}
