/**
 * Runbook loading and static verification: schema, reachability, cycles,
 * targets, conclusions, parsers, fact names, and catalog coverage.
 */
import { Runbook } from '../schema/runbook.js';
import { concludedCases, runbooksConcluding, targets } from './concludes.js';
import { conditionFacts, type Condition } from '../schema/condition.js';
import type { Entry } from '../schema/case.js';
import { readYaml, reportIssue, yamlPos } from '../normalize/yaml.js';
import { closest, problem, type Problem } from '../problems.js';
import type { SourceFile } from '../kb.js';
import type { Document, LineCounter } from 'yaml';
import { isKernelParseError, parseKernelRange } from '../kernel.js';

/** What verification needs to know about parsers and facts. */
export interface FactChecker {
  isKnownFact: (name: string) => boolean;
  closestFacts: (name: string) => string[];
  parserIds: string[];
}

interface Located {
  runbook: Runbook;
  path: string;
  doc: Document;
  lc: LineCounter;
}

/**
 * Parse and schema-check runbook files.
 * @param files runbook YAML files
 * @returns the valid runbooks with their positions, and problems
 */
export function loadRunbooks(files: SourceFile[]): { runbooks: Located[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const runbooks: Located[] = [];
  for (const f of files) {
    const y = readYaml(f.text.replace(/\r\n?/g, '\n'), f.path, 1, problems, 'runbook');
    if (!y.data) continue;
    const r = Runbook.safeParse(y.data);
    if (!r.success) {
      for (const issue of r.error.issues) reportIssue(issue, y.doc!, y.lineCounter!, 1, f.path, problems);
      continue;
    }
    const fileId = /([^/\\]+)\.ya?ml$/.exec(f.path)?.[1];
    if (fileId && fileId !== r.data.id) {
      const p = yamlPos(y.doc!, y.lineCounter!, ['id'], 1);
      problems.push(problem('file-name-mismatch', f.path, p.line, p.column, `the id "${r.data.id}" does not match the file name "${fileId}"`, { severity: 'warning' }));
    }
    runbooks.push({ runbook: r.data, path: f.path, doc: y.doc!, lc: y.lineCounter! });
  }
  return { runbooks, problems };
}

/**
 * Statically verify runbooks against each other, the cases and the fact catalog.
 * @param located loaded runbooks
 * @param cases case and note entries
 * @param facts the fact catalog checker
 * @param catalogIds case ids that must each be concluded by some runbook
 * @returns problems
 */
export function verifyRunbooks(located: Located[], cases: Map<string, Entry>, facts: FactChecker, catalogIds?: string[]): Problem[] {
  const problems: Problem[] = [];
  const ids = new Map<string, string>();
  const runbookIds = new Set(located.map((l) => l.runbook.id));
  const concludedAnywhere = runbooksConcluding(located.map((l) => l.runbook));
  const parsers = new Set(facts.parserIds);

  for (const { runbook: rb, path, doc, lc } of located) {
    const at = (p: (string | number)[]) => yamlPos(doc, lc, p, 1);
    const err = (code: Parameters<typeof problem>[0], p: (string | number)[], msg: string, severity: 'error' | 'warning' = 'error') => {
      const pos = at(p);
      problems.push(problem(code, path, pos.line, pos.column, msg, { severity }));
    };
    if (ids.has(rb.id)) err('duplicate-id', ['id'], `runbook id "${rb.id}" is already used by ${ids.get(rb.id)}`);
    ids.set(rb.id, path);
    const nodeIds = Object.keys(rb.nodes);
    if (!rb.nodes[rb.entry]) err('unknown-node', ['entry'], `entry node "${rb.entry}" does not exist${hint(closest(rb.entry, nodeIds))}`);

    const checkFact = (c: Condition, p: (string | number)[]) => {
      for (const r of kernelRanges(c)) {
        const parsed = parseKernelRange(r);
        if (isKernelParseError(parsed)) err('bad-kernel-range', p, parsed.message);
      }
      for (const f of conditionFacts(c)) {
        if (f.startsWith('answer.')) continue;
        if (!facts.isKnownFact(f)) err('unknown-fact', p, `unknown fact "${f}"${hint(facts.closestFacts(f))}`);
      }
    };
    const checkCase = (id: string, p: (string | number)[]) => {
      const e = cases.get(id);
      if (!e) err('unknown-id', p, `case "${id}" does not exist${hint(closest(id, cases.keys()))}`);
      else if (e.kind !== 'case') err('unknown-id', p, `"${id}" is a note, not a case`);
    };
    rb.candidates.forEach((id, i) => checkCase(id, ['candidates', i]));

    for (const [nid, n] of Object.entries(rb.nodes)) {
      for (const t of targets(n)) if (!rb.nodes[t]) err('unknown-node', ['nodes', nid], `node "${nid}" leads to "${t}", which does not exist${hint(closest(t, nodeIds))}`);
      if (n.type === 'ask') {
        n.choices.forEach((ch, i) => {
          [...ch.supports, ...ch.rulesOut].forEach((id) => checkCase(id, ['nodes', nid, 'choices', i]));
          for (const f of Object.keys(ch.sets ?? {})) if (!f.startsWith('answer.') && !facts.isKnownFact(f)) err('unknown-fact', ['nodes', nid, 'choices', i, 'sets'], `unknown fact "${f}"${hint(facts.closestFacts(f))}`);
        });
      }
      if (n.type === 'check') {
        n.commands.forEach((c, i) => {
          if (!parsers.has(c.parser)) err('unknown-parser', ['nodes', nid, 'commands', i, 'parser'], `unknown parser "${c.parser}"${hint(closest(c.parser, parsers))}`);
        });
        n.branches.forEach((b, i) => checkFact(b.when, ['nodes', nid, 'branches', i, 'when']));
      }
      if (n.type === 'conclude') n.cases.forEach((id, i) => checkCase(id, ['nodes', nid, 'cases', i]));
      if (n.type === 'route' && !runbookIds.has(n.runbook)) err('unknown-id', ['nodes', nid, 'runbook'], `runbook "${n.runbook}" does not exist${hint(closest(n.runbook, runbookIds))}`);
    }

    // Reachability and cycles (depth-first from the entry).
    const state = new Map<string, 'open' | 'done'>();
    const reportedCycle = new Set<string>();
    const visit = (id: string, trail: string[]) => {
      const n = rb.nodes[id];
      if (!n) return;
      const s = state.get(id);
      if (s === 'open') {
        if (!reportedCycle.has(id)) {
          reportedCycle.add(id);
          err('cycle', ['nodes', id], `cycle: ${[...trail.slice(trail.indexOf(id)), id].join(' -> ')}`);
        }
        return;
      }
      if (s === 'done') return;
      state.set(id, 'open');
      for (const t of targets(n)) visit(t, [...trail, id]);
      state.set(id, 'done');
    };
    if (rb.nodes[rb.entry]) visit(rb.entry, []);
    for (const nid of nodeIds) if (!state.has(nid)) err('unreachable-node', ['nodes', nid], `node "${nid}" cannot be reached from the entry "${rb.entry}"`);

    // Every candidate reachable: some reachable conclude names it.
    const reachableConcludes = new Set(concludedCases(rb));
    rb.candidates.forEach((id, i) => {
      if (!reachableConcludes.has(id)) err('unreachable-case', ['candidates', i], `candidate "${id}" is not concluded by any reachable node of this runbook`);
    });
  }

  for (const loop of endlessRouteLoops(located)) {
    const pos = yamlPos(loop.at.doc, loop.at.lc, ['nodes', loop.node, 'runbook'], 1);
    problems.push(problem('route-cycle', loop.at.path, pos.line, pos.column, `route cycle with no way out: ${loop.trail.join(' -> ')}; no path through these runbooks reaches a conclusion`));
  }

  // Case signals use known facts and valid kernel ranges.
  for (const e of cases.values()) {
    e.signals.forEach((s) => {
      for (const r of kernelRanges(s.when)) {
        const parsed = parseKernelRange(r);
        if (isKernelParseError(parsed)) problems.push(problem('bad-kernel-range', e.path ?? e.id, 1, 1, `signal "${s.says}": ${parsed.message}`));
      }
      for (const f of conditionFacts(s.when)) {
        if (!facts.isKnownFact(f)) problems.push(problem('unknown-fact', e.path ?? e.id, 1, 1, `signal "${s.says}" uses unknown fact "${f}"${hint(facts.closestFacts(f))}`));
      }
    });
  }

  if (catalogIds && located.length > 0) {
    for (const id of catalogIds) {
      if (cases.has(id) && !concludedAnywhere.has(id)) problems.push(problem('uncovered-case', 'runbooks/', 1, 1, `catalog case "${id}" is not the conclusion of any runbook`));
    }
  }
  return problems;
}

function kernelRanges(c: Condition): string[] {
  if ('kernel' in c) return [c.kernel];
  if ('all' in c) return c.all.flatMap(kernelRanges);
  if ('any' in c) return c.any.flatMap(kernelRanges);
  if ('not' in c) return kernelRanges(c.not);
  return [];
}

/**
 * The "did you mean" end of a message about a name that does not exist.
 * @param near the closest known names, best first
 * @returns `; did you mean "a" or "b"?`, or nothing when no name is close
 */
function hint(near: string[]): string {
  return near.length ? `; did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : '';
}

/**
 * Route nodes on a loop between runbooks that can only go round forever: every node of the
 * loop (a strongly connected part of the graph of all runbooks' nodes, a route leading to the
 * entry of its runbook) leads back into it, and none reaches a conclusion. A loop with a way
 * out (a choice or branch that concludes) is a legitimate back-and-forth and is not reported.
 * A path that ends at a missing node or runbook counts as a way out: it is reported elsewhere.
 * @param located loaded runbooks
 * @returns one entry per route node of such a loop, with the runbooks it passes through
 */
function endlessRouteLoops(located: Located[]): { at: Located; node: string; trail: string[] }[] {
  const byId = new Map<string, Located>();
  for (const l of located) if (!byId.has(l.runbook.id)) byId.set(l.runbook.id, l);
  const key = (rb: string, node: string) => `${rb}/${node}`;
  const edges = new Map<string, string[]>();
  const routes = new Map<string, { at: Located; node: string; to: string; runbook: string }>();
  const ends = new Set<string>();
  for (const l of byId.values()) {
    for (const [nid, n] of Object.entries(l.runbook.nodes)) {
      const from = key(l.runbook.id, nid);
      const out: string[] = [];
      if (n.type === 'conclude') ends.add(from);
      for (const t of targets(n)) {
        if (l.runbook.nodes[t]) out.push(key(l.runbook.id, t));
        else ends.add(from);
      }
      if (n.type === 'route') {
        const target = byId.get(n.runbook)?.runbook;
        if (target?.nodes[target.entry]) {
          const to = key(target.id, target.entry);
          out.push(to);
          routes.set(from, { at: l, node: nid, to, runbook: target.id });
        } else ends.add(from);
      }
      edges.set(from, out);
    }
  }

  // Nodes from which some path ends: walk the edges backwards from the ends.
  const into = new Map<string, string[]>();
  for (const [from, tos] of edges) {
    for (const to of tos) {
      if (!into.has(to)) into.set(to, []);
      into.get(to)!.push(from);
    }
  }
  const canEnd = new Set(ends);
  const queue = [...ends];
  while (queue.length) {
    for (const from of into.get(queue.pop()!) ?? []) {
      if (!canEnd.has(from)) {
        canEnd.add(from);
        queue.push(from);
      }
    }
  }

  const out: { at: Located; node: string; trail: string[] }[] = [];
  for (const component of stronglyConnected(edges)) {
    if (component.some((k) => canEnd.has(k))) continue;
    const inside = new Set(component);
    for (const k of component) {
      const route = routes.get(k);
      if (!route || !inside.has(route.to)) continue;
      // The shortest way round, from the entry this node routes to back to this node.
      const prev = new Map<string, string>();
      const seen = new Set([route.to]);
      const walk = [route.to];
      while (walk.length && !seen.has(k)) {
        const cur = walk.shift()!;
        for (const next of edges.get(cur) ?? []) {
          if (!inside.has(next) || seen.has(next)) continue;
          seen.add(next);
          prev.set(next, cur);
          walk.push(next);
        }
      }
      const path = [k];
      while (path[0] !== route.to) path.unshift(prev.get(path[0])!);
      const trail = [route.at.runbook.id, route.runbook];
      for (const p of path.slice(0, -1)) {
        const hop = routes.get(p);
        if (hop) trail.push(hop.runbook);
      }
      out.push({ at: route.at, node: route.node, trail });
    }
  }
  // In file order, then node order, like the other problems.
  const order = (x: { at: Located; node: string }) => located.indexOf(x.at) * 1e6 + Object.keys(x.at.runbook.nodes).indexOf(x.node);
  return out.sort((a, b) => order(a) - order(b));
}

/**
 * The strongly connected components of a directed graph (Tarjan), each with more than one
 * node or a node that leads to itself.
 * @param edges each node's successors
 * @returns the components, as lists of nodes
 */
function stronglyConnected(edges: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    for (let w = stack.pop()!; ; w = stack.pop()!) {
      onStack.delete(w);
      component.push(w);
      if (w === v) break;
    }
    if (component.length > 1 || (edges.get(v) ?? []).includes(v)) out.push(component);
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return out;
}
