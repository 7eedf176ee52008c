/**
 * Evaluating conditions over facts, three-valued: a condition is true, false
 * or unknown (the facts it needs were not seen). Unknown never moves a
 * candidate; only what was actually read does.
 */
import type { Condition } from '../schema/condition.js';
import type { Delta, Deltas, Facts, FactValue } from '../facts/types.js';
import { kernelSatisfies, parseKernel } from '../kernel.js';

/** The three truth values. */
export type Truth = true | false | 'unknown';

/** What a condition is evaluated against. */
export interface EvalContext {
  facts: Facts;
  /** Changes between snapshots; a fact seen in two snapshots without change has delta 0. */
  deltas: Deltas;
  /** Facts that a parser which ran could have produced: their absence means "not there". */
  absentMeansFalse?: (fact: string) => boolean;
}

/**
 * The kernel release known from the facts, if any: `kernel.release` (from `uname`), else
 * `sysctl.kernel.osrelease`, the first that reads as a kernel release.
 * @param facts the facts
 * @returns the `uname -r` string
 */
export function knownKernel(facts: Record<string, unknown>): string | undefined {
  for (const k of ['kernel.release', 'sysctl.kernel.osrelease']) {
    const v = facts[k];
    if (typeof v === 'string' && parseKernel(v)) return v;
  }
  return undefined;
}

function num(v: FactValue | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  return undefined;
}

function equal(a: FactValue, b: FactValue): boolean {
  if (typeof b === 'boolean' || typeof a === 'boolean') {
    const na = num(a);
    const nb = num(b);
    if (na !== undefined && nb !== undefined) return na === nb;
    return String(a).toLowerCase() === String(b).toLowerCase();
  }
  const na = num(a);
  const nb = num(b);
  if (na !== undefined && nb !== undefined) return na === nb;
  return String(a) === String(b);
}

const regexCache = new Map<string, RegExp | null>();
function regex(src: string): RegExp | null {
  if (!regexCache.has(src)) {
    try {
      regexCache.set(src, new RegExp(src, 'i'));
    } catch {
      regexCache.set(src, null);
    }
  }
  return regexCache.get(src)!;
}

/**
 * Evaluate a condition.
 * @param c the condition
 * @param ctx facts and deltas
 * @returns true, false or 'unknown'
 */
export function evaluate(c: Condition, ctx: EvalContext): Truth {
  if ('all' in c) {
    let unknown = false;
    for (const sub of c.all) {
      const t = evaluate(sub, ctx);
      if (t === false) return false;
      if (t === 'unknown') unknown = true;
    }
    return unknown ? 'unknown' : true;
  }
  if ('any' in c) {
    let unknown = false;
    for (const sub of c.any) {
      const t = evaluate(sub, ctx);
      if (t === true) return true;
      if (t === 'unknown') unknown = true;
    }
    return unknown ? 'unknown' : false;
  }
  if ('not' in c) {
    const t = evaluate(c.not, ctx);
    return t === 'unknown' ? 'unknown' : !t;
  }
  if ('kernel' in c) {
    const release = knownKernel(ctx.facts);
    if (release === undefined) return 'unknown';
    return kernelSatisfies(release, c.kernel) ?? 'unknown';
  }
  const v = ctx.facts[c.fact];
  if (c.op === 'increased') {
    const d = ctx.deltas[c.fact];
    if (!d) return 'unknown';
    const min = typeof c.value === 'number' ? c.value : 1;
    return d.delta >= min;
  }
  if (c.op === 'exists') {
    if (v !== undefined) return true;
    return ctx.absentMeansFalse?.(c.fact) ? false : 'unknown';
  }
  if (v === undefined) return 'unknown';
  const target = c.value as FactValue;
  switch (c.op) {
    case '==':
      return equal(v, target);
    case '!=':
      return !equal(v, target);
    case 'matches': {
      const re = regex(String(target));
      return re ? re.test(String(v)) : 'unknown';
    }
    default: {
      const a = num(v);
      const b = num(target);
      if (a === undefined || b === undefined) return 'unknown';
      if (c.op === '>') return a > b;
      if (c.op === '>=') return a >= b;
      if (c.op === '<') return a < b;
      return a <= b;
    }
  }
}

/**
 * Format a number for people: thousands grouped, short decimals.
 * @param n the number
 * @returns text
 */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n) || Math.abs(n) >= 1e21) return String(n);
  const neg = n < 0;
  const abs = Number.isInteger(n) ? Math.abs(n) : Math.round(Math.abs(n) * 1000) / 1000;
  const int = Math.trunc(abs);
  let frac = '';
  if (abs !== int) frac = (abs - int).toFixed(3).slice(1).replace(/0+$/, '').replace(/\.$/, '');
  const digits = String(int);
  let grouped = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) grouped += ',';
    grouped += digits[i];
  }
  return (neg ? '-' : '') + grouped + frac;
}

/**
 * A fact value as shown to people: numbers by {@link formatNumber}, anything else as text.
 * @param v the value
 * @returns text
 */
export function formatFactValue(v: FactValue): string {
  return typeof v === 'number' ? formatNumber(v) : String(v);
}

/**
 * The change of a counter between two snapshots, e.g. `+412 in 10 s` (or `+412` without times).
 * @param d the delta
 * @returns text, always signed
 */
export function formatDelta(d: Pick<Delta, 'delta' | 'seconds'>): string {
  return `${d.delta >= 0 ? '+' : '-'}${formatNumber(Math.abs(d.delta))}${d.seconds ? ` in ${formatNumber(d.seconds)} s` : ''}`;
}

/**
 * Describe the facts a condition read, e.g. "netstat.TcpExt.PAWSPassive = 960,055 (+412 in 10 s)".
 * @param c the condition
 * @param ctx facts and deltas
 * @returns a short description of each fact that is known
 */
export function describeFacts(c: Condition, ctx: EvalContext): string {
  const names = new Set<string>();
  const walk = (x: Condition) => {
    if ('all' in x) x.all.forEach(walk);
    else if ('any' in x) x.any.forEach(walk);
    else if ('not' in x) walk(x.not);
    else if ('kernel' in x) names.add('kernel.release');
    else names.add(x.fact);
  };
  walk(c);
  const parts: string[] = [];
  for (const n of names) {
    const v = ctx.facts[n];
    if (v === undefined) continue;
    const d = ctx.deltas[n];
    const value = typeof v === 'number' ? formatNumber(v) : JSON.stringify(v);
    const delta = d ? ` (${formatDelta(d)}${d.seconds ? '' : ' between snapshots'})` : '';
    parts.push(`${n} = ${value}${delta}`);
  }
  return parts.join(', ');
}
