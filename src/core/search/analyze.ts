/**
 * Text analysis shared by indexing and querying: one tokenizer for English,
 * Chinese and the identifiers engineers paste (counter names, sysctls, socket
 * states, command flags). Every token keeps its offsets so snippets can mark
 * the words that matched.
 *
 * - Words are lowercased and Porter-stemmed (`overflowed` → `overflow`).
 * - Identifiers are kept whole and also split: `net.ipv4.tcp_tw_recycle` gives
 *   the whole name, its suffixes at separators (`tcp_tw_recycle`, `tw_recycle`)
 *   and its parts (`tcp`, `tw`, `recycl`); camelCase counters likewise, so
 *   `TcpExtListenOverflows` and `ListenOverflows` share `listenoverflow`.
 *   `-` and `_` are one separator: `CLOSE_WAIT`, `close-wait` and `CLOSE-WAIT`
 *   are all `close_wait`.
 * - Command flags are kept with their command and single-letter flag clusters
 *   are order-free: `ss -lnt` and `ss -ntl` both give `ss-lnt`.
 * - Chinese (and other CJK) runs give overlapping bigrams plus unigrams (`char`
 *   for a lone character), which
 *   segment identically in Node and in every browser (dictionary segmenters
 *   such as `Intl.Segmenter` differ between ICU builds, and the index is built
 *   in one runtime and queried in another).
 */
import { stem } from './stem.js';

/** What produced a token; query weights depend on it. */
export type TokenKind = 'word' | 'whole' | 'suffix' | 'joined' | 'part' | 'flag' | 'cmdflag' | 'bigram' | 'unigram' | 'char';

/** One token with its place in the analyzed text. */
export interface Token {
  /** The index term. */
  term: string;
  /** Start offset (UTF-16 code units) in the text. */
  start: number;
  /** End offset (exclusive). */
  end: number;
  /** What produced it. */
  kind: TokenKind;
}

/** How much a query token of each kind counts (an exact identifier counts more than one of its parts). */
export const KIND_WEIGHT: Record<TokenKind, number> = {
  word: 1,
  whole: 1.2,
  suffix: 0.8,
  joined: 0.8,
  part: 0.45,
  flag: 0.6,
  cmdflag: 1.2,
  bigram: 1,
  unigram: 0.3,
  char: 1,
};

/** English words too common to index. */
const STOPWORDS = new Set(
  (
    'a an the and or but if then else of to in on at by for with from as is are was were be been being it its this that these those there ' +
    'their they them he she we you i me my our your his her so than too very can could would should will shall may might do does did ' +
    'has have had into onto about after before when while which who whom what where why how all any each other some such only own same ' +
    'just also via per more most e.g i.e etc doesn isn don didn wasn aren won t s'
  ).split(' '),
);

/** CJK characters too common to index on their own (they still count inside bigrams). */
const CJK_STOP = new Set(Array.from('的了是在和与或也就都而及着把被让给对从向以为之其这那个些有没不很太更最吗呢吧啊呀哦一'));

/**
 * Chinese function words: rare in a mostly English corpus, so without this
 * list they would get a high IDF and outweigh the real terms of a query.
 */
const CJK_STOP_BIGRAMS = new Set(
  (
    '一个 一些 一直 一样 一般 一下 一次 一定 使用 可以 可能 没有 不是 就是 还是 但是 因为 所以 如果 已经 进行 出现 发现 导致 ' +
    '问题 情况 时候 什么 怎么 这个 那个 这些 那些 这样 那样 然后 之后 之前 通过 对于 以及 或者 而且 并且 其中 同时 的话 ' +
    '我们 他们 你们 自己 需要 应该 比较 非常 特别 所有 每个 其他 相同 同一 有时 有些 现在 当时 只是 只有 也是 都是 会有 是否 如何 ' +
    '这种 那种 怎样 为了 由于 其实 还有 不会 不能 能够 一旦 看到 看看'
  ).split(' '),
);

// Character classes as explicit BMP ranges (faster than Unicode property escapes, same in every engine).
const CJK_CHARS = '\\u3040-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\uac00-\\ud7af';
const WORD_CHARS = 'A-Za-z0-9\\u00c0-\\u00d6\\u00d8-\\u00f6\\u00f8-\\u024f\\u0370-\\u03ff\\u0400-\\u04ff';
const CJK = new RegExp(`[${CJK_CHARS}]`);

/**
 * Group 1: a CJK run. Group 2: a flag dash before a word (only after a non-word character).
 * Group 3: a word or identifier: letters/digits joined by `. _ - / + @ #`. `=` and `:` separate
 * (`net.ipv4.tcp_tw_recycle=1` is the sysctl and its value; `10.0.0.1:80` the address and port).
 */
const SCAN = new RegExp(`([${CJK_CHARS}]+)|(?:(?<![${WORD_CHARS}${CJK_CHARS}_])(--?))?([${WORD_CHARS}]+(?:[._\\-/+@#]+[${WORD_CHARS}]+)*)`, 'g');

/** A word that needs splitting: connectors, camelCase, or digits followed by a unit. */
const COMPLEX = /[._\-/+@#]|[a-z][A-Z]|[A-Z][A-Z][a-z]|^[0-9]+[a-zA-Z]/;
const LOWER_WORD = /^[a-z]+$/;

/**
 * Whether a string contains CJK characters.
 * @param s any text
 * @returns true when a Han, kana or Hangul character occurs
 */
export function hasCjk(s: string): boolean {
  return CJK.test(s);
}

/** Fold full-width ASCII and the ideographic space to ASCII, keeping every offset. */
function foldWidth(s: string): string {
  if (!/[\uFF01-\uFF5E\u3000]/.test(s)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c >= 0xff01 && c <= 0xff5e ? String.fromCharCode(c - 0xfee0) : c === 0x3000 ? ' ' : s[i];
  }
  return out;
}

/**
 * Normalize one term: lowercase, `-` as `_`, Porter stem when purely alphabetic.
 * @param raw the raw text of a word or identifier
 * @returns the index term
 */
export function normTerm(raw: string): string {
  if (LOWER_WORD.test(raw)) return stem(raw);
  const t = raw.toLowerCase().replace(/-/g, '_');
  return LOWER_WORD.test(t) ? stem(t) : t;
}

interface Part {
  start: number;
  end: number;
}

const isUpper = (c: string) => c >= 'A' && c <= 'Z';
const isLower = (c: string) => c >= 'a' && c <= 'z';
const isDigit = (c: string) => c >= '0' && c <= '9';

/** Split a run of letters/digits at camelCase boundaries (`TcpExtListenOverflows`, `PAWSPassive`, `5s`). */
function camelParts(s: string, start: number, end: number, out: Part[]): void {
  let from = start;
  if (isDigit(s[start])) {
    let i = start;
    while (i < end && isDigit(s[i])) i++;
    if (i < end && /^[a-zA-Z]+$/.test(s.slice(i, end))) {
      out.push({ start, end: i }, { start: i, end });
      return;
    }
  }
  for (let i = start + 1; i < end; i++) {
    const prev = s[i - 1];
    const c = s[i];
    const lowerToUpper = isLower(prev) && isUpper(c);
    const acronymEnd = isUpper(prev) && isUpper(c) && i + 2 < end && isLower(s[i + 1]) && isLower(s[i + 2]);
    if ((lowerToUpper || acronymEnd) && i > from) {
      out.push({ start: from, end: i });
      from = i;
    }
  }
  out.push({ start: from, end });
}

/**
 * Analyze text into index terms with offsets.
 * @param input any text: prose, markdown, a query, an identifier, Chinese or mixed
 * @returns the tokens in text order (a term may repeat)
 */
export function analyze(input: string): Token[] {
  const s = foldWidth(input);
  const out: Token[] = [];
  let command: Token | null = null;
  let lastEnd = -1;
  SCAN.lastIndex = 0;
  for (let m = SCAN.exec(s); m; m = SCAN.exec(s)) {
    const at = m.index;
    if (m[1]) {
      command = null;
      cjkTokens(m[1], at, out);
      lastEnd = at + m[1].length;
      continue;
    }
    const dash = m[2] ?? '';
    const word = m[3];
    const wStart = at + dash.length;
    const wEnd = wStart + word.length;
    if (dash) {
      const between = lastEnd >= 0 ? s.slice(lastEnd, at) : '';
      const letters = dash.length === 1 && /^[a-zA-Z]+$/.test(word);
      const flag = dash + (letters ? Array.from(new Set(word.toLowerCase())).sort().join('') : word.toLowerCase().replace(/-/g, '_'));
      out.push({ term: flag, start: at, end: wEnd, kind: 'flag' });
      if (command && /^[ \t]+$/.test(between)) out.push({ term: command.term + flag, start: command.start, end: wEnd, kind: 'cmdflag' });
      lastEnd = wEnd;
      if (dash.length === 1) continue;
    } else {
      command = null;
    }
    const first = wordTokens(s, word, wStart, wEnd, out);
    if (!dash && first) command = first;
    lastEnd = wEnd;
  }
  return out;
}

/** Tokens of one word or identifier; returns the simple-word token when it is one (a possible command name). */
function wordTokens(s: string, word: string, start: number, end: number, out: Token[]): Token | null {
  if (!COMPLEX.test(word)) return simpleWord(word, start, end, out);
  const parts: Part[] = [];
  let segStart = start;
  for (let i = start; i <= end; i++) {
    if (i === end || isConnector(s.charCodeAt(i))) {
      if (i > segStart) camelParts(s, segStart, i, parts);
      segStart = i + 1;
    }
  }
  if (parts.length <= 1) return simpleWord(word, start, end, out);
  const whole = normTerm(word);
  if (!STOPWORDS.has(whole)) out.push({ term: whole, start, end, kind: 'whole' });
  for (let i = 1; i < parts.length - 1; i++) {
    out.push({ term: normTerm(s.slice(parts[i].start, end)), start: parts[i].start, end, kind: 'suffix' });
  }
  const alpha = parts.every((p) => /^[a-zA-Z]+$/.test(s.slice(p.start, p.end)));
  if (alpha && parts.length <= 3 && /[-_]/.test(word)) {
    out.push({ term: normTerm(parts.map((p) => s.slice(p.start, p.end)).join('')), start, end, kind: 'joined' });
  }
  for (const p of parts) {
    const raw = s.slice(p.start, p.end);
    if (raw.length === 1 && !isDigit(raw)) continue;
    out.push({ term: normTerm(raw), start: p.start, end: p.end, kind: 'part' });
  }
  return null;
}

function simpleWord(word: string, start: number, end: number, out: Token[]): Token | null {
  const lower = LOWER_WORD.test(word) ? word : word.toLowerCase();
  if (STOPWORDS.has(lower) || (lower.length === 1 && !isDigit(lower))) return null;
  const tok: Token = { term: normTerm(lower), start, end, kind: 'word' };
  out.push(tok);
  return tok;
}

/** `. _ - / + @ #` */
function isConnector(c: number): boolean {
  return c === 46 || c === 95 || c === 45 || c === 47 || c === 43 || c === 64 || c === 35;
}

/** Bigrams and unigrams of a CJK run. */
function cjkTokens(run: string, at: number, out: Token[]): void {
  const chars: Array<{ c: string; i: number }> = [];
  let off = at;
  for (const c of run) {
    chars.push({ c, i: off });
    off += c.length;
  }
  if (chars.length === 1) {
    out.push({ term: chars[0].c, start: at, end: off, kind: 'char' });
    return;
  }
  for (let k = 0; k < chars.length; k++) {
    const a = chars[k];
    const aEnd = a.i + a.c.length;
    if (!CJK_STOP.has(a.c)) out.push({ term: a.c, start: a.i, end: aEnd, kind: 'unigram' });
    const b = chars[k + 1];
    if (b && !CJK_STOP_BIGRAMS.has(a.c + b.c)) out.push({ term: a.c + b.c, start: a.i, end: b.i + b.c.length, kind: 'bigram' });
  }
}
