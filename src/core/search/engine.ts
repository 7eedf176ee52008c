/**
 * The search index: a flexsearch Document index with one field per weighted
 * field, fed with terms from {@link analyze} (plus glossary terms), ranked with
 * BM25F-style scoring over the per-field matches.
 *
 * Build once (`buildSearchIndex`), serialize (`exportSearchIndex`), load
 * anywhere without rebuilding (`loadSearchIndex`), query (`search`). Pure: no
 * Node APIs, so the site runs the same code in the browser.
 */
import { Document } from 'flexsearch';
import { analyze, KIND_WEIGHT, type Token } from './analyze.js';
import { FIELD_WEIGHTS, SEARCH_FIELDS, type SearchDoc, type SearchKind } from './docs.js';
import { defaultGlossary, glossaryTerms } from './expand.js';
import { makeSnippet, type Snippet } from './snippet.js';

/** What a result needs besides the index: stored per document. */
export interface StoredDoc {
  id: string;
  kind: SearchKind;
  title: string;
  /** Snippet passages. */
  passages: string[];
  /** Distinct terms per field, in {@link SEARCH_FIELDS} order (for length normalization). */
  lens: number[];
}

/** A built or loaded index. Treat as opaque; query it with {@link search}. */
export interface SearchIndex {
  /** Stored documents; a document's number is its flexsearch id. */
  readonly docs: readonly StoredDoc[];
  /** The flexsearch index. */
  readonly flex: Document;
  /** Every indexed term. */
  readonly terms: ReadonlySet<string>;
  /** Latin terms of 3+ characters by length (typo and prefix candidates), sorted. */
  readonly vocab: ReadonlyMap<number, readonly string[]>;
  /** Mean field lengths. */
  readonly avgLens: readonly number[];
}

/** The serialized index: JSON-safe, loaded by {@link loadSearchIndex}. */
export interface SearchArtifact {
  format: 'netrunbook-search';
  version: 1;
  /** The field names, in order; a mismatch means the artifact is from another version. */
  fields: string[];
  /** Stored documents: `[id, kind, title, passages, lens]`. */
  docs: Array<[string, SearchKind, string, string[], number[]]>;
  /** flexsearch's export, as `[key, parsed data]` in export order. */
  flex: Array<[string, unknown]>;
}

/** Options of {@link search}. */
export interface SearchOptions {
  /** Maximum results (default 10). */
  limit?: number;
  /** Only these kinds (default: all). */
  kinds?: readonly SearchKind[];
}

/** One search result. */
export interface SearchResult {
  id: string;
  kind: SearchKind;
  title: string;
  /** A passage with the matched words marked: `marks` are `[start, end)` offsets into `text`. */
  snippet: Snippet;
  /** The snippet as plain text (same as `snippet.text`). */
  snippetText: string;
  /** Relevance, higher is better; comparable within one query only. */
  score: number;
}

const ARTIFACT_FORMAT = 'netrunbook-search';
const ARTIFACT_VERSION = 1;
const MAX_QUERY = 512;
/** How much a term the glossary adds to a query counts. */
const GLOSSARY_QUERY_WEIGHT = 0.4;
/** BM25 saturation and per-field length normalization. */
const K1 = 3;
const B: readonly number[] = SEARCH_FIELDS.map((f) => (f === 'body' || f === 'cause' || f === 'evidence' ? 0.5 : 0.3));
const WEIGHTS: readonly number[] = SEARCH_FIELDS.map((f) => FIELD_WEIGHTS[f]);
const FIELD_INDEX = new Map<string, number>(SEARCH_FIELDS.map((f, i) => [f, i]));
/** Runbooks are entry points, cases the specific answers: a runbook needs a clearly better match to rank first. */
const KIND_BOOST: Record<SearchKind, number> = { case: 1, note: 0.9, runbook: 0.85 };

const splitTerms = (s: string): string[] => (s ? s.split(' ') : []);

function createFlex(): Document {
  return new Document({
    id: 'i',
    index: SEARCH_FIELDS.map((field) => ({ field, encode: splitTerms, tokenize: 'strict' as const, resolution: 1 })),
  } as never);
}

function addVocab(vocab: Map<number, string[]>, term: string): void {
  if (term.length < 3 || !/^[a-z][a-z0-9_]*$/.test(term)) return;
  const list = vocab.get(term.length);
  if (list) list.push(term);
  else vocab.set(term.length, [term]);
}

function finish(docs: StoredDoc[], flex: Document, terms: Set<string>): SearchIndex {
  const vocab = new Map<number, string[]>();
  for (const t of [...terms].sort()) addVocab(vocab, t);
  const avgLens = SEARCH_FIELDS.map((_, f) => (docs.length ? docs.reduce((a, d) => a + d.lens[f], 0) / docs.length : 0) || 1);
  return { docs, flex, terms, vocab, avgLens };
}

/**
 * Build the index.
 * @param docs documents from {@link searchDocsFromEntries} and {@link searchDocsFromRunbooks}
 * @returns the index
 */
export function buildSearchIndex(docs: readonly SearchDoc[]): SearchIndex {
  const flex = createFlex();
  const glossary = defaultGlossary();
  const terms = new Set<string>();
  const stored: StoredDoc[] = [];
  docs.forEach((d, i) => {
    const record: Record<string, string | number> = { i };
    const lens: number[] = [];
    for (const field of SEARCH_FIELDS) {
      const text = d.fields[field] ?? '';
      const tokens = analyze(text);
      const set = new Set<string>();
      for (const t of tokens) set.add(t.term);
      for (const t of glossaryTerms(text, tokens, glossary)) set.add(t);
      for (const t of set) terms.add(t);
      lens.push(set.size);
      record[field] = [...set].join(' ');
    }
    flex.add(record as never);
    stored.push({ id: d.id, kind: d.kind, title: d.title, passages: d.passages, lens });
  });
  return finish(stored, flex, terms);
}

/**
 * Serialize the index into a compact JSON-safe artifact.
 * @param index a built (or loaded) index
 * @returns the artifact; `JSON.stringify` it to store
 */
export function exportSearchIndex(index: SearchIndex): SearchArtifact {
  const flex: Array<[string, unknown]> = [];
  index.flex.export((key: string, data: string) => {
    flex.push([key, typeof data === 'string' ? JSON.parse(data) : data]);
  });
  return {
    format: ARTIFACT_FORMAT,
    version: ARTIFACT_VERSION,
    fields: [...SEARCH_FIELDS],
    docs: index.docs.map((d) => [d.id, d.kind, d.title, d.passages, d.lens]),
    flex,
  };
}

/**
 * Load an artifact made by {@link exportSearchIndex}, without rebuilding.
 * @param artifact the parsed artifact
 * @returns the index
 * @throws Error when the artifact is not a search index of this version (rebuild it with `runbook bundle`)
 */
export function loadSearchIndex(artifact: SearchArtifact): SearchIndex {
  const a = artifact as Partial<SearchArtifact> | null;
  if (!a || a.format !== ARTIFACT_FORMAT || a.version !== ARTIFACT_VERSION || !Array.isArray(a.docs) || !Array.isArray(a.flex)) {
    throw new Error(`not a ${ARTIFACT_FORMAT} v${ARTIFACT_VERSION} artifact; rebuild it (runbook bundle)`);
  }
  if (JSON.stringify(a.fields) !== JSON.stringify(SEARCH_FIELDS)) {
    throw new Error(`search artifact fields ${JSON.stringify(a.fields)} differ from ${JSON.stringify(SEARCH_FIELDS)}; rebuild it (runbook bundle)`);
  }
  const flex = createFlex();
  const terms = new Set<string>();
  for (const [key, data] of a.flex) {
    if (key.endsWith('map') && Array.isArray(data)) {
      for (const entry of data as unknown[]) if (Array.isArray(entry) && typeof entry[0] === 'string') terms.add(entry[0]);
    }
    flex.import(key, data as string);
  }
  const docs = a.docs.map(([id, kind, title, passages, lens]) => ({ id, kind, title, passages, lens }));
  return finish(docs, flex, terms);
}

/** Optimal string alignment distance is at most 1 (one insertion, deletion, substitution or swap). */
function withinOne(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return i + 1 < la && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** Typo candidates: known terms one edit away (for terms of 5+ characters). */
function typoCandidates(index: SearchIndex, term: string): string[] {
  if (term.length < 5 || !/^[a-z][a-z0-9_]*$/.test(term)) return [];
  const out: string[] = [];
  for (let len = term.length - 1; len <= term.length + 1; len++) {
    for (const v of index.vocab.get(len) ?? []) if (withinOne(term, v)) out.push(v);
  }
  return out.slice(0, 6);
}

/** Prefix candidates for a word still being typed. */
function prefixCandidates(index: SearchIndex, term: string): string[] {
  if (term.length < 3 || !/^[a-z][a-z0-9_]*$/.test(term)) return [];
  const out: string[] = [];
  for (let len = term.length + 1; len <= term.length + 12 && out.length < 8; len++) {
    for (const v of index.vocab.get(len) ?? []) {
      if (v.startsWith(term)) {
        out.push(v);
        if (out.length >= 8) break;
      }
    }
  }
  return out;
}

/** The weighted query terms, with typo and prefix expansions for unknown words. */
function queryTerms(index: SearchIndex, query: string, tokens: readonly Token[]): { weights: Map<string, number>; expanded: Set<string> } {
  const weights = new Map<string, number>();
  const expanded = new Set<string>();
  const put = (term: string, w: number) => {
    if (w > (weights.get(term) ?? 0)) weights.set(term, w);
  };
  const typing = !/\s$/.test(query);
  const lastEnd = tokens.length ? Math.max(...tokens.map((t) => t.end)) : -1;
  for (const t of tokens) put(t.term, KIND_WEIGHT[t.kind]);
  // Chinese concepts of the glossary at query time too, at a lower weight: a recognized concept
  // (半连接队列) pulls toward documents about it even when its characters overlap another
  // (全连接队列). English needs no such bridge: the documents are written in English.
  for (const t of glossaryTerms(query, tokens, undefined, { chineseOnly: true, strong: true })) put(t, GLOSSARY_QUERY_WEIGHT);
  for (const t of tokens) {
    if (index.terms.has(t.term) || (t.kind !== 'word' && t.kind !== 'whole')) continue;
    const w = KIND_WEIGHT[t.kind];
    for (const c of typoCandidates(index, t.term)) {
      put(c, w * 0.7);
      expanded.add(c);
    }
    if (typing && t.end === lastEnd) {
      for (const c of prefixCandidates(index, t.term)) {
        put(c, w * 0.5);
        expanded.add(c);
      }
    }
  }
  return { weights, expanded };
}

/**
 * Search the index.
 * @param index from {@link buildSearchIndex} or {@link loadSearchIndex}
 * @param query free text in English and/or Chinese: symptoms, error text, counter or command names
 * @param options `limit` (default 10) and `kinds` (default all)
 * @returns results best first (ties by id); `[]` for an empty query; never throws
 */
export function search(index: SearchIndex, query: string, options: SearchOptions = {}): SearchResult[] {
  try {
    return searchUnsafe(index, query, options);
  } catch {
    return [];
  }
}

function searchUnsafe(index: SearchIndex, rawQuery: string, options: SearchOptions): SearchResult[] {
  if (typeof rawQuery !== 'string') return [];
  const query = rawQuery.slice(0, MAX_QUERY);
  if (!query.trim()) return [];
  const limit = Math.max(0, Math.floor(Number.isFinite(options.limit) ? (options.limit as number) : 10));
  const N = index.docs.length;
  if (!N || !limit) return [];
  const tokens = analyze(query);
  const { weights, expanded } = queryTerms(index, query, tokens);
  if (!weights.size) return [];

  const scores = new Float64Array(N);
  const acc = new Float64Array(N);
  const idfs = new Map<string, number>();
  const fields = [...SEARCH_FIELDS];
  for (const [term, qw] of weights) {
    if (!index.terms.has(term)) continue;
    const res = index.flex.search(term, { index: fields, limit: N } as never) as unknown as Array<{ field: string; result: number[] }>;
    const touched: number[] = [];
    for (const r of res) {
      const f = FIELD_INDEX.get(r.field);
      if (f === undefined) continue;
      const avg = index.avgLens[f];
      for (const id of r.result) {
        const doc = index.docs[id];
        if (!doc) continue;
        if (acc[id] === 0) touched.push(id);
        acc[id] += WEIGHTS[f] / (1 - B[f] + (B[f] * doc.lens[f]) / avg);
      }
    }
    const df = touched.length;
    if (!df) continue;
    const idf = Math.log(1 + (N - df + 0.5) / (df + 0.5));
    idfs.set(term, idf);
    for (const id of touched) {
      const tf = acc[id];
      scores[id] += (qw * idf * tf * (K1 + 1)) / (tf + K1);
      acc[id] = 0;
    }
  }

  const kinds = options.kinds && options.kinds.length ? new Set(options.kinds) : null;
  const hits: Array<{ id: number; score: number }> = [];
  for (let i = 0; i < N; i++) {
    if (scores[i] > 0 && (!kinds || kinds.has(index.docs[i].kind))) hits.push({ id: i, score: scores[i] * KIND_BOOST[index.docs[i].kind] });
  }
  hits.sort((a, b) => b.score - a.score || cmp(index.docs[a.id].id, index.docs[b.id].id) || cmp(index.docs[a.id].kind, index.docs[b.id].kind));

  // Marked in snippets: what the query says, typo and prefix expansions, translations of its Chinese;
  // the parts of an identifier only where the identifier itself is not found (see makeSnippet);
  // never characters inside a longer Chinese run.
  const said = new Set(tokens.filter((t) => t.kind !== 'part' && t.kind !== 'unigram').map((t) => t.term));
  const parts = new Set(tokens.filter((t) => t.kind === 'part').map((t) => t.term));
  const marks = new Map<string, number>();
  const partMarks = new Map<string, number>();
  for (const [t, w] of weights) {
    if (said.has(t) || expanded.has(t)) marks.set(t, w * (idfs.get(t) ?? 0));
    else if (parts.has(t)) partMarks.set(t, w * (idfs.get(t) ?? 0));
  }
  let strongest = 0;
  for (const w of marks.values()) strongest = Math.max(strongest, w);
  for (const t of glossaryTerms(query, tokens, undefined, { chineseOnly: true, precise: true })) if (!marks.has(t)) marks.set(t, 0.3 * strongest);

  return hits.slice(0, limit).map(({ id, score }) => {
    const d = index.docs[id];
    const snippet = makeSnippet(d.passages, marks, partMarks);
    return { id: d.id, kind: d.kind, title: d.title, snippet, snippetText: snippet.text, score: Math.round(score * 1e4) / 1e4 };
  });
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
