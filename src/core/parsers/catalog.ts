/**
 * The fact catalog: every fact any parser can produce, with the parsers that
 * produce it. Case signals and runbook branches are checked against it.
 */
import type { FactSpec } from '../facts/types.js';
import { closest } from '../problems.js';
import { PARSERS, type ParserId } from './registry.js';

/** A catalog entry: the spec and who produces it. */
export interface CatalogEntry extends FactSpec {
  /** Parser ids that produce the fact, in registry order. */
  parsers: ParserId[];
}

let cache: CatalogEntry[] | undefined;

/**
 * Every fact spec, merged over parsers (the first declaration wins; parser
 * lists are merged), sorted by name.
 * @returns the catalog
 */
export function factCatalog(): CatalogEntry[] {
  if (cache) return cache.map((e) => ({ ...e, parsers: [...e.parsers] }));
  const by = new Map<string, CatalogEntry>();
  for (const p of PARSERS) {
    for (const f of p.meta.facts) {
      const e = by.get(f.name);
      if (e) {
        if (!e.parsers.includes(p.meta.id)) e.parsers.push(p.meta.id);
        if (!e.unit && f.unit) e.unit = f.unit;
        if (!e.netstatText && f.netstatText) e.netstatText = f.netstatText;
      } else by.set(f.name, { ...f, parsers: [p.meta.id] });
    }
  }
  cache = [...by.values()].sort((a, b) => a.name.localeCompare(b.name));
  return factCatalog();
}

let patterns: RegExp[] | undefined;
let exact: Set<string> | undefined;

/**
 * The fact names a catalog name stands for: itself, or with each `*` one
 * dynamic part (which may contain dots: an address, `eth0.11`).
 * @param name a catalog name, e.g. `link.*.rx_errors`
 * @returns a regular expression matching whole fact names
 */
export function factPattern(name: string): RegExp {
  return new RegExp(`^${name.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^\\s]+?')}$`);
}

function compile(): void {
  const names = factCatalog().map((e) => e.name);
  exact = new Set(names.filter((n) => !n.includes('*')));
  patterns = names.filter((n) => n.includes('*')).map(factPattern);
}

/**
 * Whether a fact name is in the catalog. A `*` in a catalog name stands for
 * one dynamic part (an interface, a port, an address), which may itself
 * contain dots (`ss.listen.0.0.0.0:80.recvQ` matches `ss.listen.*.recvQ`).
 * A name written with `*` itself (as signals may) matches the same pattern.
 * @param name the fact name
 * @returns true when some parser produces it
 */
export function isKnownFact(name: string): boolean {
  if (!patterns || !exact) compile();
  if (typeof name !== 'string' || name.length === 0 || name.length > 512) return false;
  if (exact!.has(name)) return true;
  return patterns!.some((re) => re.test(name));
}

/**
 * Catalog names closest to a wrong one, for "did you mean".
 * @param name the unknown name
 * @param max how many
 * @returns up to `max` catalog names
 */
export function closestFacts(name: string, max = 3): string[] {
  return closest(name, factCatalog().map((e) => e.name), max);
}
