/**
 * Glossary expansion: the terms a text gains because it mentions a glossary
 * concept (in either language).
 */
import { analyze, hasCjk, type Token } from './analyze.js';
import { GLOSSARY, type GlossaryEntry } from './glossary.js';

interface Phrase {
  seq: string[];
  entry: number;
}

/** A glossary ready for matching. */
export interface CompiledGlossary {
  /** English phrasings by their first word term. */
  byFirst: Map<string, Phrase[]>;
  /** Chinese phrasings, lowercased, for substring matching. */
  zh: Array<{ text: string; entry: number }>;
  /** Every term of every phrasing, per entry. */
  terms: string[][];
  /** Without single CJK characters and identifier parts (for queries). */
  strongTerms: string[][];
  /** The precise terms only: one-word English phrasings, Chinese bigrams (for snippet marks). */
  markTerms: string[][];
}

const sequence = (tokens: readonly Token[]) => tokens.filter((t) => t.kind === 'word' || t.kind === 'part').map((t) => t.term);

/**
 * Compile a glossary for matching.
 * @param glossary the entries (default: the built-in glossary)
 * @returns the compiled glossary
 */
export function compileGlossary(glossary: readonly GlossaryEntry[] = GLOSSARY): CompiledGlossary {
  const byFirst = new Map<string, Phrase[]>();
  const zh: CompiledGlossary['zh'] = [];
  const terms: string[][] = [];
  const strongTerms: string[][] = [];
  const markTerms: string[][] = [];
  glossary.forEach((g, entry) => {
    const all = new Set<string>();
    const strong = new Set<string>();
    const precise = new Set<string>();
    for (const en of g.en) {
      const toks = analyze(en);
      for (const t of toks) {
        all.add(t.term);
        if (t.kind !== 'unigram' && t.kind !== 'part') strong.add(t.term);
      }
      // One-word phrasings only: the words of `time out` alone would mark every `out`.
      const words = toks.filter((t) => t.kind === 'word' || t.kind === 'whole');
      if (words.length === 1) precise.add(words[0].term);
      const seq = sequence(toks);
      if (!seq.length) continue;
      const list = byFirst.get(seq[0]) ?? [];
      list.push({ seq, entry });
      byFirst.set(seq[0], list);
    }
    for (const z of g.zh) {
      for (const t of analyze(z)) {
        all.add(t.term);
        if (t.kind !== 'unigram' && t.kind !== 'part') strong.add(t.term);
        if (t.kind === 'bigram' || t.kind === 'char' || t.kind === 'word' || t.kind === 'whole') precise.add(t.term);
      }
      zh.push({ text: z.toLowerCase(), entry });
    }
    terms.push([...all]);
    strongTerms.push([...strong]);
    markTerms.push([...precise]);
  });
  return { byFirst, zh, terms, strongTerms, markTerms };
}

let builtIn: CompiledGlossary | undefined;

/**
 * The built-in glossary, compiled once.
 * @returns the compiled built-in glossary
 */
export function defaultGlossary(): CompiledGlossary {
  return (builtIn ??= compileGlossary());
}

/**
 * The glossary concepts a text mentions.
 * @param text the text
 * @param tokens its tokens (from {@link analyze})
 * @param glossary the compiled glossary
 * @param chineseOnly only concepts named in Chinese in the text
 * @returns entry numbers, ascending
 */
export function glossaryHits(text: string, tokens: readonly Token[], glossary: CompiledGlossary, chineseOnly = false): number[] {
  const hits = new Set<number>();
  const seq = chineseOnly ? [] : sequence(tokens);
  for (let i = 0; i < seq.length; i++) {
    const cands = glossary.byFirst.get(seq[i]);
    if (!cands) continue;
    for (const c of cands) {
      if (c.seq.length > seq.length - i) continue;
      let ok = true;
      for (let k = 1; k < c.seq.length && ok; k++) ok = seq[i + k] === c.seq[k];
      if (ok) hits.add(c.entry);
    }
  }
  if (hasCjk(text)) {
    const lower = text.toLowerCase();
    for (const z of glossary.zh) if (lower.includes(z.text)) hits.add(z.entry);
  }
  return [...hits].sort((a, b) => a - b);
}

/**
 * The terms a text gains from the glossary: every phrasing, in both
 * languages, of each concept the text mentions.
 * @param text the text
 * @param tokens its tokens (from {@link analyze})
 * @param glossary the compiled glossary (default: built-in)
 * @param options `chineseOnly`: only concepts named in Chinese in the text; `strong`: leave out
 *   single CJK characters and identifier parts (for queries); `precise`: only one-word English
 *   phrasings and Chinese bigrams (for snippet marks)
 * @returns the added terms (may repeat terms the text already has)
 */
export function glossaryTerms(
  text: string,
  tokens: readonly Token[],
  glossary: CompiledGlossary = defaultGlossary(),
  options: { chineseOnly?: boolean; strong?: boolean; precise?: boolean } = {},
): string[] {
  const list = options.precise ? glossary.markTerms : options.strong ? glossary.strongTerms : glossary.terms;
  return glossaryHits(text, tokens, glossary, options.chineseOnly).flatMap((e) => list[e]);
}
