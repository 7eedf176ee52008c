/**
 * The Porter stemmer (M. F. Porter, 1980), so `overflow`, `overflows`,
 * `overflowed` and `overflowing` index and query as one term. Pure and
 * deterministic; applied to lowercase alphabetic words only.
 */
import { detached } from '../strings.js';

const VOWELS = new Set(['a', 'e', 'i', 'o', 'u']);

function isCons(w: string, i: number): boolean {
  const c = w[i];
  if (VOWELS.has(c)) return false;
  if (c === 'y') return i === 0 ? true : !isCons(w, i - 1);
  return true;
}

/** The measure m of a stem: the number of vowel-consonant sequences. */
function measure(s: string): number {
  let n = 0;
  let i = 0;
  const L = s.length;
  while (i < L && isCons(s, i)) i++;
  while (i < L) {
    while (i < L && !isCons(s, i)) i++;
    if (i >= L) break;
    n++;
    while (i < L && isCons(s, i)) i++;
  }
  return n;
}

function hasVowel(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!isCons(s, i)) return true;
  return false;
}

function doubleCons(s: string): boolean {
  const L = s.length;
  return L >= 2 && s[L - 1] === s[L - 2] && isCons(s, L - 1);
}

function cvc(s: string): boolean {
  const L = s.length;
  if (L < 3) return false;
  if (!isCons(s, L - 3) || isCons(s, L - 2) || !isCons(s, L - 1)) return false;
  const c = s[L - 1];
  return c !== 'w' && c !== 'x' && c !== 'y';
}

const STEP2: Array<[string, string]> = [
  ['ational', 'ate'],
  ['tional', 'tion'],
  ['enci', 'ence'],
  ['anci', 'ance'],
  ['izer', 'ize'],
  ['bli', 'ble'],
  ['alli', 'al'],
  ['entli', 'ent'],
  ['eli', 'e'],
  ['ousli', 'ous'],
  ['ization', 'ize'],
  ['ation', 'ate'],
  ['ator', 'ate'],
  ['alism', 'al'],
  ['iveness', 'ive'],
  ['fulness', 'ful'],
  ['ousness', 'ous'],
  ['aliti', 'al'],
  ['iviti', 'ive'],
  ['biliti', 'ble'],
  ['logi', 'log'],
].sort((a, b) => b[0].length - a[0].length) as Array<[string, string]>;

const STEP3: Array<[string, string]> = [
  ['icate', 'ic'],
  ['ative', ''],
  ['alize', 'al'],
  ['iciti', 'ic'],
  ['ical', 'ic'],
  ['ful', ''],
  ['ness', ''],
].sort((a, b) => b[0].length - a[0].length) as Array<[string, string]>;

const STEP4 = ['al', 'ance', 'ence', 'er', 'ic', 'able', 'ible', 'ant', 'ement', 'ment', 'ent', 'ion', 'ou', 'ism', 'ate', 'iti', 'ous', 'ive', 'ize'].sort(
  (a, b) => b.length - a.length,
);

function replaceSuffix(w: string, table: Array<[string, string]>, minMeasure: number): string {
  for (const [suffix, repl] of table) {
    if (w.endsWith(suffix)) {
      const stem = w.slice(0, -suffix.length);
      return measure(stem) > minMeasure ? stem + repl : w;
    }
  }
  return w;
}

const cache = new Map<string, string>();

/**
 * Stem one lowercase English word with the Porter algorithm.
 * @param word a lowercase word of letters a-z (other input is returned unchanged)
 * @returns the stem, e.g. `overflow` for `overflowed`
 */
export function stem(word: string): string {
  if (word.length <= 2 || !/^[a-z]+$/.test(word)) return word;
  const hit = cache.get(word);
  if (hit !== undefined) return hit;
  // Kept in the cache: a copy, so that neither it nor the stem cut from it holds on to the text the word came from.
  const own = detached(word);
  let w = own;
  // Step 1a
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ies')) w = w.slice(0, -2);
  else if (w.endsWith('ss')) {
    /* keep */
  } else if (w.endsWith('s')) w = w.slice(0, -1);
  // Step 1b
  let extra = false;
  if (w.endsWith('eed')) {
    if (measure(w.slice(0, -3)) > 0) w = w.slice(0, -1);
  } else if (w.endsWith('ed') && hasVowel(w.slice(0, -2))) {
    w = w.slice(0, -2);
    extra = true;
  } else if (w.endsWith('ing') && hasVowel(w.slice(0, -3))) {
    w = w.slice(0, -3);
    extra = true;
  }
  if (extra) {
    if (w.endsWith('at') || w.endsWith('bl') || w.endsWith('iz')) w += 'e';
    else if (doubleCons(w) && !/[lsz]$/.test(w)) w = w.slice(0, -1);
    else if (measure(w) === 1 && cvc(w)) w += 'e';
  }
  // Step 1c
  if (w.endsWith('y') && hasVowel(w.slice(0, -1))) w = w.slice(0, -1) + 'i';
  // Steps 2 and 3
  w = replaceSuffix(w, STEP2, 0);
  w = replaceSuffix(w, STEP3, 0);
  // Step 4
  for (const suffix of STEP4) {
    if (w.endsWith(suffix)) {
      const s = w.slice(0, -suffix.length);
      if (measure(s) > 1 && (suffix !== 'ion' || /[st]$/.test(s))) w = s;
      break;
    }
  }
  // Step 5a
  if (w.endsWith('e')) {
    const s = w.slice(0, -1);
    const m = measure(s);
    if (m > 1 || (m === 1 && !cvc(s))) w = s;
  }
  // Step 5b
  if (measure(w) > 1 && w.endsWith('ll')) w = w.slice(0, -1);
  if (cache.size > 50_000) cache.clear();
  cache.set(own, w);
  return w;
}
