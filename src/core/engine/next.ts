/**
 * Choosing the next command: the one whose output would move the most
 * remaining candidates, judged by the facts their signals need and the facts
 * each command's parser produces.
 */
import type { Entry } from '../schema/case.js';
import type { CheckCommand } from '../schema/runbook.js';
import { comparisons, conditionFacts } from '../schema/condition.js';
import type { Deltas, Facts } from '../facts/types.js';
import { factCatalog, parsersForCommand } from '../parsers/index.js';
import type { Candidate } from './candidates.js';

let factsByParser: Map<string, string[]> | undefined;
const signalFactsCache = new WeakMap<Entry, { all: string[]; increased: string[] }>();

/**
 * The facts a case's signals read (all of them, and those read with `increased`), computed once per entry.
 * @param e the case
 * @returns fact names
 */
export function signalFacts(e: Entry): { all: string[]; increased: string[] } {
  let v = signalFactsCache.get(e);
  if (!v) {
    v = {
      all: [...new Set(e.signals.flatMap((s) => conditionFacts(s.when)))],
      increased: [...new Set(e.signals.flatMap((s) => comparisons(s.when).filter((c) => c.op === 'increased').map((c) => c.fact)))],
    };
    signalFactsCache.set(e, v);
  }
  return v;
}

function parserFacts(parser: string): string[] {
  if (!factsByParser) {
    factsByParser = new Map();
    for (const f of factCatalog()) for (const p of f.parsers) factsByParser.set(p, [...(factsByParser.get(p) ?? []), f.name]);
  }
  return factsByParser.get(parser) ?? [];
}

const factSets = new Map<string, Set<string>>();
function parserFactSet(parser: string): Set<string> {
  let s = factSets.get(parser);
  if (!s) factSets.set(parser, (s = new Set(parserFacts(parser))));
  return s;
}

/**
 * The parser that would read a command's output.
 * @param command a command line
 * @returns the parser id, or null
 */
export function parserForCommand(command: string): string | null {
  return parsersForCommand(command)[0]?.meta.id ?? null;
}

/**
 * How many live candidates a parser's facts would inform: candidates with a
 * signal on a fact the parser produces whose value (or delta) is not known.
 * @param parser parser id
 * @param live candidates not ruled out
 * @param cases case entries by id
 * @param facts known facts
 * @param deltas known deltas
 * @returns the number of candidates informed
 */
export function informs(parser: string, live: Candidate[], cases: Map<string, Entry>, facts: Facts, deltas: Deltas): number {
  const produced = parserFactSet(parser);
  let n = 0;
  for (const c of live) {
    const e = cases.get(c.id);
    if (!e) continue;
    const sf = signalFacts(e);
    // Informs a case when it gives a fact the case reads and nobody has, or a second snapshot of a
    // counter the case reads with `increased` that has no delta yet.
    const needs = sf.all.filter((f) => produced.has(f));
    if (needs.some((f) => facts[f] === undefined || (sf.increased.includes(f) && !(f in deltas)))) n++;
  }
  return n;
}

/**
 * Order a check node's commands: the author's order, unless a later command would
 * inform strictly more of the live candidates.
 * @param commands the node's commands
 * @param candidates current candidates
 * @param cases case entries by id
 * @param facts known facts
 * @param deltas known deltas
 * @returns the commands, best first
 */
export function orderCommands(commands: CheckCommand[], candidates: Candidate[], cases: Map<string, Entry>, facts: Facts, deltas: Deltas): CheckCommand[] {
  if (commands.length < 2) return commands;
  const live = candidates.filter((c) => c.status !== 'ruled-out');
  const scored = commands.map((c, i) => ({ c, i, s: informs(c.parser, live, cases, facts, deltas) }));
  return scored.sort((a, b) => b.s - a.s || a.i - b.i).map((x) => x.c);
}

/** A suggested command with the reason. */
export interface NextCommand {
  command: string;
  why: string;
  /** Case ids it would help confirm or rule out. */
  cases: string[];
}

/**
 * Suggest the next commands for a diagnosis: the evidence commands of the leading
 * candidates whose facts are still unknown, best separating first.
 * @param candidates ranked candidates
 * @param cases case entries by id
 * @param facts known facts
 * @param deltas known deltas
 * @param limit how many to suggest
 * @returns suggestions
 */
export function suggestNext(candidates: Candidate[], cases: Map<string, Entry>, facts: Facts, deltas: Deltas, limit = 3): NextCommand[] {
  const live = candidates.filter((c) => c.status !== 'ruled-out' && c.status !== 'confirmed').slice(0, 5);
  const byParser = new Map<string, { command: string; cases: Set<string>; order: number; lookFor: string }>();
  let order = 0;
  for (const c of live) {
    const e = cases.get(c.id);
    if (!e) continue;
    const sf = signalFacts(e);
    const unknownFacts = new Set(sf.all.filter((f) => facts[f] === undefined));
    const deltaFacts = new Set(sf.increased.filter((f) => !(f in deltas)));
    for (const ev of e.evidence) {
      const parser = parserForCommand(ev.command);
      if (!parser) continue;
      const produced = parserFacts(parser);
      if (!produced.some((f) => unknownFacts.has(f) || deltaFacts.has(f))) continue;
      const slot = byParser.get(parser) ?? { command: ev.command, cases: new Set<string>(), order: order++, lookFor: ev.lookFor };
      slot.cases.add(c.id);
      byParser.set(parser, slot);
      break;
    }
  }
  return [...byParser.values()]
    .sort((a, b) => b.cases.size - a.cases.size || a.order - b.order)
    .slice(0, limit)
    .map((s) => ({
      command: s.command,
      cases: [...s.cases],
      why: `would confirm or rule out ${[...s.cases].join(', ')}${s.lookFor ? `: ${firstSentence(s.lookFor)}` : ''}`,
    }));
}

function firstSentence(text: string): string {
  // The first sentence of what to look for; one that only introduces a list (ends with ":") takes
  // the next one too. Long text is cut at a word.
  const t = text.replace(/`/g, '').replace(/\s+/g, ' ').trim();
  const sentences = t.split(/(?<=[.;:])\s+/);
  let out = sentences[0] ?? '';
  for (let i = 1; i < sentences.length && (out.endsWith(':') || out.length < 20); i++) out += ` ${sentences[i]}`;
  if (out.length > 220) out = `${out.slice(0, 217).replace(/\s+\S*$/, '')}...`;
  return out;
}
