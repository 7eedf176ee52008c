/**
 * Snippets: the stored passage that best matches the query, cut to a short
 * window, with the matched words marked as `[start, end)` offsets.
 *
 * Marks are structured data, never markup in the text: the CLI colours them,
 * the site wraps them in `<mark>`, JSON consumers get the offsets. Use
 * {@link markSnippet} for a plain-text rendering with « » around each mark.
 */
import { analyze, type Token } from './analyze.js';

/** A passage with marked ranges. */
export interface Snippet {
  /** Plain text. */
  text: string;
  /** Matched ranges as `[start, end)` UTF-16 offsets into `text`, sorted and disjoint. */
  marks: Array<[number, number]>;
}

const WINDOW = 200;
/** Terms weighing less than this share of the strongest are not probed for (they still get marked). */
const STRONG = 0.25;
const LEAD = 50;

/**
 * Pick and cut the best passage.
 * @param passages candidate passages, most descriptive first
 * @param weights the terms to mark (query terms, their expansions and glossary translations) and how much each counts
 * @param partWeights parts of identifiers the query names whole: marked only in a passage where no other term matches
 * @returns the snippet; the first passage unmarked when nothing matches
 */
export function makeSnippet(passages: readonly string[], weights: ReadonlyMap<string, number>, partWeights: ReadonlyMap<string, number> = new Map()): Snippet {
  let max = 0;
  for (const w of weights.values()) max = Math.max(max, w);
  for (const w of partWeights.values()) max = Math.max(max, w);
  // First only the passages holding a strong term; when none does, every passage holding any.
  const best = pick(passages, weights, partWeights, probesFor([weights, partWeights], max * STRONG)) ?? pick(passages, weights, partWeights, probesFor([weights, partWeights], 0));
  return best ? cut(best.text, best.marks) : cut(passages[0] ?? '', []);
}

function pick(
  passages: readonly string[],
  weights: ReadonlyMap<string, number>,
  partWeights: ReadonlyMap<string, number>,
  probes: readonly string[],
): { text: string; marks: Array<[number, number]>; score: number } | null {
  let best: { text: string; marks: Array<[number, number]>; score: number } | null = null;
  for (const text of passages) {
    if (!mayMatch(text, probes)) continue;
    const tokens = analyze(text);
    let found = mark(tokens, weights);
    if (!found.spans.length) found = mark(tokens, partWeights);
    if (found.spans.length && (!best || found.score > best.score)) best = { text, marks: mergeSpans(found.spans), score: found.score };
  }
  return best;
}

function mark(tokens: readonly Token[], weights: ReadonlyMap<string, number>): { spans: Array<[number, number]>; score: number } {
  const seen = new Set<string>();
  const spans: Array<[number, number]> = [];
  let score = 0;
  for (const t of tokens) {
    const w = weights.get(t.term);
    if (w === undefined) continue;
    spans.push([t.start, t.end]);
    if (!seen.has(t.term)) {
      seen.add(t.term);
      score += w > 0 ? w : 0.01;
    }
  }
  return { spans, score };
}

/** Terms weighing at least `min` as substrings to probe for (a Porter stem is almost always a prefix of its word). */
function probesFor(maps: ReadonlyArray<ReadonlyMap<string, number>>, min: number): string[] {
  const out: string[] = [];
  for (const map of maps) {
    for (const [t, w] of map) {
      if (t.length < 2 || w < min) continue;
      const probe = t.replace(/_/g, '-');
      out.push(/[a-z]i$/.test(probe) ? probe.slice(0, -1) : probe);
    }
  }
  return out;
}

/**
 * Cheap prefilter before analyzing a passage: a stem is (almost always) a
 * prefix of the word it came from, so a passage that contains none of the
 * terms as a substring (with `_` read as `-` as well) cannot match.
 */
function mayMatch(text: string, probes: readonly string[]): boolean {
  const lower = text.toLowerCase();
  for (const p of probes) {
    if (lower.includes(p)) return true;
    if (p.includes('-') && lower.includes(p.replace(/-/g, '_'))) return true;
  }
  return false;
}

function mergeSpans(spans: Array<[number, number]>): Array<[number, number]> {
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: Array<[number, number]> = [];
  for (const [s, e] of spans) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** Cut a window around the first mark, keeping marks inside it. */
function cut(text: string, marks: Array<[number, number]>): Snippet {
  if (text.length <= WINDOW) return { text, marks };
  let start = marks.length ? Math.max(0, marks[0][0] - LEAD) : 0;
  if (start > 0) {
    const space = text.indexOf(' ', start);
    if (space !== -1 && space < marks[0][0]) start = space + 1;
  }
  let end = Math.min(text.length, start + WINDOW);
  if (end < text.length) {
    const space = text.lastIndexOf(' ', end);
    if (space > start + WINDOW / 2) end = space;
  }
  const prefix = start > 0 ? '…' : '';
  const suffix = end < text.length ? '…' : '';
  const shift = prefix.length - start;
  const kept = marks
    .filter(([s, e]) => s >= start && e <= end)
    .map(([s, e]) => [s + shift, e + shift] as [number, number]);
  return { text: prefix + text.slice(start, end) + suffix, marks: kept };
}

/**
 * Render a snippet as plain text with each mark wrapped.
 * @param snippet the snippet
 * @param open text before each mark (default `«`)
 * @param close text after each mark (default `»`)
 * @returns the marked text
 */
export function markSnippet(snippet: Snippet, open = '«', close = '»'): string {
  let out = '';
  let at = 0;
  for (const [s, e] of snippet.marks) {
    out += snippet.text.slice(at, s) + open + snippet.text.slice(s, e) + close;
    at = e;
  }
  return out + snippet.text.slice(at);
}
