/**
 * Layout of a runbook's decision tree for a static SVG, computed at build time (no
 * client-side diagram library). A small layered ("Sugiyama") layout:
 *
 * 1. layers by longest path from the entry node (runbooks are verified acyclic);
 * 2. edges spanning several layers get dummy points, so they route around boxes;
 * 3. order within layers by barycenter sweeps, keeping the order with fewest crossings;
 * 4. x by isotonic regression (pool adjacent violators) towards the neighbours' mean,
 *    which keeps the order and the minimum gaps and is otherwise as close as possible;
 * 5. edges as vertical cubic curves through their dummy points, labels staggered so they
 *    do not overlap.
 *
 * Pure: no DOM and no Node APIs; `renderTreeSvg` turns the layout into markup.
 */
import type { Condition } from '../../src/core/schema/condition.js';
import type { Runbook } from '../../src/core/schema/runbook.js';

/** Box kinds, which also name the CSS classes. */
export type TreeNodeKind = 'ask' | 'check' | 'conclude' | 'none' | 'route';

/** A positioned box. */
export interface TreeNode {
  id: string;
  kind: TreeNodeKind;
  /** Small caps line above the text, e.g. "QUESTION". */
  caption: string;
  /** Text blocks; each block may link somewhere. */
  blocks: { lines: string[]; href?: string; mono?: boolean }[];
  /** Full text for the tooltip. */
  title: string;
  x: number;
  y: number;
  w: number;
  h: number;
  layer: number;
}

/** A drawn edge. */
export interface TreeEdge {
  from: string;
  to: string;
  /** SVG path data. */
  d: string;
  /** Short label shown on the edge. */
  label: string;
  /** Full explanation for the tooltip. */
  title: string;
  /** default / fallback edges are drawn dashed. */
  dashed: boolean;
  lx: number;
  ly: number;
  lw: number;
}

/** The whole layout. */
export interface TreeLayout {
  width: number;
  height: number;
  nodes: TreeNode[];
  edges: TreeEdge[];
}

/** Lookups the layout needs for conclusions and routes. */
export interface TreeContext {
  caseTitle: (id: string) => string | undefined;
  runbookTitle: (id: string) => string | undefined;
  /** The site's base path, ending with "/". */
  base: string;
}

const NODE_W = 224;
const PAD_X = 12;
const PAD_Y = 10;
const LINE_H = 16;
const CAPTION_H = 16;
const BLOCK_GAP = 4;
const FONT_PX = 12.5;
const LABEL_PX = 10.5;
const LAYER_GAP = 78;
const GAP_REAL = 30;
const DUMMY_W = 14;
const MARGIN = 16;
const MAX_LINES = 4;

/**
 * Approximate rendered width of text in a sans-serif font.
 * @param s the text
 * @param px font size
 * @returns width in pixels
 */
export function textWidth(s: string, px = FONT_PX): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (c >= 0x2e80) w += 1.0;
    else if (/[ilj.,:;'|!()[\]]/.test(ch)) w += 0.3;
    else if (/[mwMW@%]/.test(ch)) w += 0.85;
    else if (/[A-Z0-9_]/.test(ch)) w += 0.64;
    else if (ch === ' ') w += 0.3;
    else w += 0.53;
  }
  return w * px;
}

/**
 * Wrap text into lines no wider than `max` pixels, at most `maxLines` (the last ends with "…").
 * @param text the text
 * @param max width in pixels
 * @param maxLines line limit
 * @param px font size
 * @returns lines
 */
export function wrapText(text: string, max: number, maxLines = MAX_LINES, px = FONT_PX): string[] {
  // Break between words, and anywhere inside CJK runs.
  const parts = text.replace(/\s+/g, ' ').trim().match(/[\u2e80-\uffff]|[^\s\u2e80-\uffff]+\s*|\s+/g) ?? [];
  const lines: string[] = [];
  let cur = '';
  for (const p of parts) {
    if (textWidth((cur + p).trimEnd(), px) <= max || cur === '') {
      cur += p;
      while (textWidth(cur.trimEnd(), px) > max && cur.length > 1) {
        // A single word wider than the line: hard-break it.
        let cut = cur.length - 1;
        while (cut > 1 && textWidth(cur.slice(0, cut), px) > max) cut--;
        lines.push(cur.slice(0, cut));
        cur = cur.slice(cut);
      }
    } else {
      lines.push(cur.trimEnd());
      cur = p.trimStart();
    }
  }
  if (cur.trim()) lines.push(cur.trimEnd());
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    let last = kept[maxLines - 1];
    while (last.length > 1 && textWidth(`${last}…`, px) > max) last = last.slice(0, -1);
    kept[maxLines - 1] = `${last.trimEnd()}…`;
    return kept;
  }
  return lines;
}

/**
 * Shorten a label to at most `max` pixels, cutting at a word when possible.
 * @param s the text
 * @param max width in pixels
 * @returns the label
 */
export function shortLabel(s: string, max = 150): string {
  const text = s.replace(/\s+/g, ' ').trim();
  const first = /^(.{8,}?)[,;(—:]\s/.exec(text)?.[1] ?? text;
  if (textWidth(first, LABEL_PX) <= max) return first;
  const words = first.split(' ');
  let out = '';
  for (const w of words) {
    if (textWidth(`${out} ${w}…`, LABEL_PX) > max) break;
    out = out ? `${out} ${w}` : w;
  }
  if (!out) {
    out = first;
    while (out.length > 1 && textWidth(`${out}…`, LABEL_PX) > max) out = out.slice(0, -1);
  }
  return `${out}…`;
}

function factShort(fact: string): string {
  const parts = fact.split('.');
  const last = parts[parts.length - 1];
  return last.length < 6 && parts.length > 1 ? parts.slice(-2).join('.') : last;
}

/**
 * A compact rendering of a branch condition, e.g. `PAWSPassive rising and tcp_tw_recycle = 1`.
 * @param c the condition
 * @returns text
 */
export function conditionText(c: Condition): string {
  if ('all' in c) return c.all.map(conditionText).join(' and ');
  if ('any' in c) return c.any.map(conditionText).join(' or ');
  if ('not' in c) return `not ${conditionText(c.not)}`;
  if ('kernel' in c) return `kernel ${String((c as { kernel: string }).kernel)}`;
  if (!('fact' in c)) return 'condition';
  const name = factShort(c.fact);
  switch (c.op) {
    case 'increased':
      return `${name} rising`;
    case 'exists':
      return `${name} present`;
    case 'matches':
      return `${name} matches`;
    case '==':
      return `${name} = ${String(c.value)}`;
    case '!=':
      return `${name} ≠ ${String(c.value)}`;
    default:
      return `${name} ${c.op.replace('>=', '≥').replace('<=', '≤')} ${String(c.value)}`;
  }
}

interface RawEdge {
  from: string;
  to: string;
  labels: string[];
  titles: string[];
  dashed: boolean;
}

function rawGraph(rb: Runbook, ctx: TreeContext): { nodes: Map<string, Omit<TreeNode, 'x' | 'y' | 'h' | 'layer'>>; edges: RawEdge[] } {
  const nodes = new Map<string, Omit<TreeNode, 'x' | 'y' | 'h' | 'layer'>>();
  const edges = new Map<string, RawEdge>();
  const inner = NODE_W - 2 * PAD_X;
  const addEdge = (from: string, to: string, label: string, title: string, dashed: boolean) => {
    if (!rb.nodes[to]) return;
    const key = `${from}→${to}`;
    const e = edges.get(key);
    if (e) {
      e.labels.push(label);
      e.titles.push(title);
      e.dashed &&= dashed;
    } else edges.set(key, { from, to, labels: [label], titles: [title], dashed });
  };
  for (const [id, n] of Object.entries(rb.nodes)) {
    if (n.type === 'ask') {
      nodes.set(id, { id, kind: 'ask', caption: id === rb.entry ? 'START · QUESTION' : 'QUESTION', blocks: [{ lines: wrapText(n.question, inner) }], title: n.question, w: NODE_W });
      n.choices.forEach((c, i) => addEdge(id, c.next, `${i + 1}. ${shortLabel(c.label, 140)}`, c.label, false));
    } else if (n.type === 'check') {
      const cmd = n.commands[0]?.command ?? '';
      nodes.set(id, {
        id,
        kind: 'check',
        caption: id === rb.entry ? 'START · CHECK' : 'CHECK',
        blocks: [{ lines: wrapText(n.title, inner, 3) }, ...(cmd ? [{ lines: wrapText(cmd, inner, 1, 11.5 * 1.15), mono: true }] : [])],
        title: `${n.title}\n${n.commands.map((c) => `$ ${c.command}`).join('\n')}`,
        w: NODE_W,
      });
      for (const b of n.branches) addEdge(id, b.next, shortLabel(conditionText(b.when), 160), b.says, false);
      addEdge(id, n.default, 'otherwise', (n as { otherwise?: string }).otherwise ?? 'None of the branches holds', true);
      if (n.fallback && n.fallback !== n.default) addEdge(id, n.fallback, 'unreadable / skipped', 'The output could not be read, or the check was skipped', true);
    } else if (n.type === 'conclude') {
      const blocks = n.cases.length
        ? n.cases.map((c) => ({ lines: wrapText(ctx.caseTitle(c) ?? c, inner, n.cases.length > 1 ? 2 : 4), href: `${ctx.base}cases/${c}/` }))
        : [{ lines: wrapText(n.message ?? 'None of the causes this runbook knows fits.', inner, 3) }];
      nodes.set(id, {
        id,
        kind: n.cases.length ? 'conclude' : 'none',
        caption: n.cases.length ? `CONCLUSION · ${n.confidence.toUpperCase()}` : 'NO KNOWN CAUSE',
        blocks,
        title: [n.cases.map((c) => ctx.caseTitle(c) ?? c).join('\n'), n.message ?? ''].filter(Boolean).join('\n\n'),
        w: NODE_W,
      });
    } else {
      const t = ctx.runbookTitle(n.runbook) ?? n.runbook;
      nodes.set(id, { id, kind: 'route', caption: 'CONTINUE WITH RUNBOOK', blocks: [{ lines: wrapText(t, inner, 3), href: `${ctx.base}runbooks/${n.runbook}/` }], title: n.message ?? t, w: NODE_W });
    }
  }
  return { nodes, edges: [...edges.values()] };
}

function nodeHeight(n: Pick<TreeNode, 'blocks'>): number {
  const lines = n.blocks.reduce((a, b) => a + b.lines.length, 0);
  return PAD_Y * 2 + CAPTION_H + lines * LINE_H + (n.blocks.length - 1) * BLOCK_GAP;
}

/** Longest-path layers from the entry (unreachable nodes go after the deepest). */
function layers(rb: Runbook, edges: RawEdge[]): Map<string, number> {
  const out = new Map<string, string[]>();
  for (const e of edges) out.set(e.from, [...(out.get(e.from) ?? []), e.to]);
  const layer = new Map<string, number>([[rb.entry, 0]]);
  // Relax in topological order (DFS post-order reversed); cycles are not expected but are cut.
  const order: string[] = [];
  const state = new Map<string, 1 | 2>();
  const visit = (v: string) => {
    if (state.get(v)) return;
    state.set(v, 1);
    for (const w of out.get(v) ?? []) if (state.get(w) !== 1) visit(w);
    state.set(v, 2);
    order.push(v);
  };
  visit(rb.entry);
  order.reverse();
  const pos = new Map(order.map((v, i) => [v, i]));
  for (const v of order) {
    for (const w of out.get(v) ?? []) {
      if ((pos.get(w) ?? 0) <= (pos.get(v) ?? 0)) continue;
      layer.set(w, Math.max(layer.get(w) ?? 0, (layer.get(v) ?? 0) + 1));
    }
  }
  const deepest = Math.max(0, ...layer.values());
  for (const id of Object.keys(rb.nodes)) if (!layer.has(id)) layer.set(id, deepest + 1);
  return layer;
}

/** Pool adjacent violators: the nondecreasing sequence closest (least squares) to `y`. */
function isotonic(y: number[]): number[] {
  const blocks: { sum: number; n: number }[] = [];
  for (const v of y) {
    blocks.push({ sum: v, n: 1 });
    while (blocks.length > 1 && blocks[blocks.length - 2].sum / blocks[blocks.length - 2].n > blocks[blocks.length - 1].sum / blocks[blocks.length - 1].n) {
      const b = blocks.pop()!;
      blocks[blocks.length - 1].sum += b.sum;
      blocks[blocks.length - 1].n += b.n;
    }
  }
  const out: number[] = [];
  for (const b of blocks) for (let i = 0; i < b.n; i++) out.push(b.sum / b.n);
  return out;
}

interface Item {
  key: string;
  w: number;
  dummy: boolean;
}

/**
 * Lay out a runbook.
 * @param rb the runbook
 * @param ctx case and runbook titles, base path
 * @returns positioned nodes and edges
 */
export function layoutRunbook(rb: Runbook, ctx: TreeContext): TreeLayout {
  const { nodes: raw, edges: rawEdges } = rawGraph(rb, ctx);
  const layerOf = layers(rb, rawEdges);
  const nLayers = Math.max(...layerOf.values()) + 1;
  const rows: Item[][] = Array.from({ length: nLayers }, () => []);
  const up = new Map<string, string[]>();
  const down = new Map<string, string[]>();
  const link = (a: string, b: string) => {
    down.set(a, [...(down.get(a) ?? []), b]);
    up.set(b, [...(up.get(b) ?? []), a]);
  };
  // Initial order: breadth-first from the entry, in choice/branch order.
  const seen = new Set<string>();
  const queue = [rb.entry];
  const bfs: string[] = [];
  while (queue.length) {
    const v = queue.shift()!;
    if (seen.has(v)) continue;
    seen.add(v);
    bfs.push(v);
    for (const e of rawEdges) if (e.from === v) queue.push(e.to);
  }
  for (const id of raw.keys()) if (!seen.has(id)) bfs.push(id);
  for (const id of bfs) rows[layerOf.get(id)!].push({ key: id, w: NODE_W, dummy: false });
  // Chains of dummy points for long edges; back edges (not expected) are drawn straight.
  const chains = new Map<RawEdge, string[]>();
  for (const e of rawEdges) {
    const a = layerOf.get(e.from)!;
    const b = layerOf.get(e.to)!;
    const chain = [e.from];
    for (let l = a + 1; l < b; l++) {
      const key = `~${e.from}→${e.to}@${l}`;
      rows[l].push({ key, w: DUMMY_W, dummy: true });
      chain.push(key);
    }
    chain.push(e.to);
    for (let i = 0; i + 1 < chain.length; i++) link(chain[i], chain[i + 1]);
    chains.set(e, chain);
  }

  // Ordering: barycenter sweeps, keep the best.
  const index = new Map<string, number>();
  const reindex = () => rows.forEach((r) => r.forEach((it, i) => index.set(it.key, i)));
  reindex();
  const crossings = () => {
    let c = 0;
    for (let l = 0; l + 1 < nLayers; l++) {
      const segs: [number, number][] = [];
      for (const it of rows[l]) for (const w of down.get(it.key) ?? []) if (layerOf.get(w) === l + 1 || w.startsWith('~')) segs.push([index.get(it.key)!, index.get(w)!]);
      for (let i = 0; i < segs.length; i++) for (let j = i + 1; j < segs.length; j++) if ((segs[i][0] - segs[j][0]) * (segs[i][1] - segs[j][1]) < 0) c++;
    }
    return c;
  };
  let best = rows.map((r) => [...r]);
  let bestC = crossings();
  for (let sweep = 0; sweep < 12 && bestC > 0; sweep++) {
    const downward = sweep % 2 === 0;
    const range = downward ? [...Array(nLayers).keys()].slice(1) : [...Array(nLayers).keys()].slice(0, -1).reverse();
    for (const l of range) {
      const nb = downward ? up : down;
      const bary = new Map<string, number>();
      for (const it of rows[l]) {
        const ns = (nb.get(it.key) ?? []).map((k) => index.get(k)!).filter((v) => v !== undefined);
        bary.set(it.key, ns.length ? ns.reduce((a, b) => a + b, 0) / ns.length : index.get(it.key)!);
      }
      rows[l].sort((a, b) => bary.get(a.key)! - bary.get(b.key)! || index.get(a.key)! - index.get(b.key)!);
      rows[l].forEach((it, i) => index.set(it.key, i));
    }
    const c = crossings();
    if (c < bestC) {
      bestC = c;
      best = rows.map((r) => [...r]);
    }
  }
  rows.splice(0, rows.length, ...best);
  reindex();

  // x: centres.
  const cx = new Map<string, number>();
  const gap = (a: Item, b: Item) => (a.dummy || b.dummy ? 12 : GAP_REAL) + a.w / 2 + b.w / 2;
  for (const r of rows) {
    let x = 0;
    r.forEach((it, i) => {
      if (i > 0) x += gap(r[i - 1], it);
      cx.set(it.key, x);
    });
  }
  const place = (r: Item[], desired: number[]) => {
    const off: number[] = [0];
    for (let i = 1; i < r.length; i++) off.push(off[i - 1] + gap(r[i - 1], r[i]));
    const y = isotonic(desired.map((d, i) => d - off[i]));
    r.forEach((it, i) => cx.set(it.key, y[i] + off[i]));
  };
  const mean = (keys: string[] | undefined, fallback: number) => (keys && keys.length ? keys.reduce((a, k) => a + cx.get(k)!, 0) / keys.length : fallback);
  for (let it = 0; it < 8; it++) {
    for (let l = 1; l < nLayers; l++) place(rows[l], rows[l].map((x) => mean(up.get(x.key), cx.get(x.key)!)));
    for (let l = nLayers - 2; l >= 0; l--) place(rows[l], rows[l].map((x) => mean(down.get(x.key), cx.get(x.key)!)));
  }
  for (let l = 0; l < nLayers; l++) {
    place(
      rows[l],
      rows[l].map((x) => {
        const ks = [...(up.get(x.key) ?? []), ...(down.get(x.key) ?? [])];
        return mean(ks, cx.get(x.key)!);
      }),
    );
  }
  let minX = Infinity;
  let maxX = -Infinity;
  for (const r of rows) for (const it of r) {
    minX = Math.min(minX, cx.get(it.key)! - it.w / 2);
    maxX = Math.max(maxX, cx.get(it.key)! + it.w / 2);
  }
  for (const [k, v] of cx) cx.set(k, v - minX + MARGIN);

  // y: layer tops.
  const heights = new Map<string, number>();
  for (const [id, n] of raw) heights.set(id, nodeHeight(n));
  const top: number[] = [];
  const layerH: number[] = [];
  let y = MARGIN;
  for (let l = 0; l < nLayers; l++) {
    top.push(y);
    const h = Math.max(0, ...rows[l].filter((i) => !i.dummy).map((i) => heights.get(i.key)!));
    layerH.push(h);
    y += h + LAYER_GAP;
  }
  const height = y - LAYER_GAP + MARGIN;
  const width = maxX - minX + 2 * MARGIN;

  const nodes: TreeNode[] = [];
  for (const [id, n] of raw) {
    const l = layerOf.get(id)!;
    nodes.push({ ...n, x: cx.get(id)! - NODE_W / 2, y: top[l], h: heights.get(id)!, layer: l });
  }
  const byId = new Map(nodes.map((n) => [n.id, n]));

  // Ports: spread an edge's ends along the box by the other end's x.
  const outPort = new Map<string, number>();
  const inPort = new Map<string, number>();
  const spread = (ends: { key: string; x: number }[], centre: number, map: Map<string, number>) => {
    ends.sort((a, b) => a.x - b.x);
    const span = Math.min(NODE_W * 0.6, (ends.length - 1) * 36);
    ends.forEach((e, i) => map.set(e.key, centre - span / 2 + (ends.length > 1 ? (span * i) / (ends.length - 1) : span / 2)));
  };
  for (const n of nodes) {
    const outs = rawEdges.filter((e) => e.from === n.id).map((e) => ({ key: `${e.from}→${e.to}`, x: cx.get(chains.get(e)![1])! }));
    spread(outs, cx.get(n.id)!, outPort);
    const ins = rawEdges.filter((e) => e.to === n.id).map((e) => ({ key: `${e.from}→${e.to}`, x: cx.get(chains.get(e)![chains.get(e)!.length - 2])! }));
    spread(ins, cx.get(n.id)!, inPort);
  }

  const edges: TreeEdge[] = [];
  const placed: { x: number; y: number; w: number }[] = [];
  const sorted = [...rawEdges].sort((a, b) => layerOf.get(a.from)! - layerOf.get(b.from)! || outPort.get(`${a.from}→${a.to}`)! - outPort.get(`${b.from}→${b.to}`)!);
  for (const e of sorted) {
    const key = `${e.from}→${e.to}`;
    const chain = chains.get(e)!;
    const src = byId.get(e.from)!;
    const dst = byId.get(e.to)!;
    const pts: { x: number; yTop: number; yBottom: number }[] = [{ x: outPort.get(key)!, yTop: src.y, yBottom: src.y + src.h }];
    for (const k of chain.slice(1, -1)) {
      const l = Number(k.slice(k.lastIndexOf('@') + 1));
      pts.push({ x: cx.get(k)!, yTop: top[l] - 6, yBottom: top[l] + layerH[l] + 6 });
    }
    pts.push({ x: inPort.get(key)!, yTop: dst.y, yBottom: dst.y + dst.h });
    let d = `M${r1(pts[0].x)},${r1(pts[0].yBottom)}`;
    for (let i = 1; i < pts.length; i++) {
      const p = pts[i - 1];
      const q = pts[i];
      const dy = (q.yTop - p.yBottom) / 2;
      d += ` C${r1(p.x)},${r1(p.yBottom + dy)} ${r1(q.x)},${r1(q.yTop - dy)} ${r1(q.x)},${r1(q.yTop)}`;
      if (i < pts.length - 1) d += ` L${r1(q.x)},${r1(q.yBottom)}`;
    }
    if (layerOf.get(e.to)! <= layerOf.get(e.from)!) {
      d = `M${r1(pts[0].x)},${r1(pts[0].yBottom)} L${r1(pts[pts.length - 1].x)},${r1(pts[pts.length - 1].yTop)}`;
    }
    // Label: the first spot along the path (first gap first) that overlaps no other label
    // and no box; else the spot with the least overlap.
    const label = e.labels.length > 1 ? `${e.labels[0]} (+${e.labels.length - 1})` : e.labels[0];
    const lw = textWidth(label, LABEL_PX) + 10;
    const overlap = (x: number, y: number) => {
      let a = 0;
      for (const o of placed) a += Math.max(0, Math.min(x + lw / 2, o.x + o.w / 2) - Math.max(x - lw / 2, o.x - o.w / 2) + 10) * Math.max(0, 21 - Math.abs(o.y - y));
      for (const n of nodes) a += Math.max(0, Math.min(x + lw / 2, n.x + n.w) - Math.max(x - lw / 2, n.x) + 4) * Math.max(0, Math.min(y + 10, n.y + n.h) - Math.max(y - 10, n.y) + 2) * 4;
      return a;
    };
    let lx = (pts[0].x + pts[1].x) / 2;
    let ly = (pts[0].yBottom + pts[1].yTop) / 2;
    let bestA = Infinity;
    search: for (let seg = 0; seg + 1 < pts.length; seg++) {
      const p = pts[seg];
      const q = pts[seg + 1];
      for (const t of [0.5, 0.32, 0.68, 0.2, 0.8, 0.42, 0.58, 0.12, 0.88]) {
        const bx = bezier(p.x, p.x, q.x, q.x, t);
        const by = bezier(p.yBottom, (p.yBottom + q.yTop) / 2, (p.yBottom + q.yTop) / 2, q.yTop, t);
        const a = overlap(bx, by);
        if (a < bestA) {
          bestA = a;
          lx = bx;
          ly = by;
        }
        if (a === 0) break search;
      }
    }
    placed.push({ x: lx, y: ly, w: lw });
    edges.push({ from: e.from, to: e.to, d, label, title: e.titles.join('\n'), dashed: e.dashed, lx: r1(lx), ly: r1(ly), lw: r1(lw) });
  }
  return { width: Math.ceil(width), height: Math.ceil(height), nodes, edges };
}

function bezier(a: number, b: number, c: number, d: number, t: number): number {
  const u = 1 - t;
  return u * u * u * a + 3 * u * u * t * b + 3 * u * t * t * c + t * t * t * d;
}

function r1(v: number): number {
  return Math.round(v * 10) / 10;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Render a layout as an SVG element (escaped; safe to inline).
 * @param layout from {@link layoutRunbook}
 * @param label accessible name of the figure
 * @returns SVG markup
 */
export function renderTreeSvg(layout: TreeLayout, label: string): string {
  const out: string[] = [];
  out.push(
    `<svg class="rb-tree" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${layout.width} ${layout.height}" width="${layout.width}" height="${layout.height}" role="img" aria-label="${esc(label)}">`,
    '<defs><marker id="rb-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,1 L9,5 L0,9 z" class="rb-arrowhead"/></marker></defs>',
    '<g class="rb-edges">',
  );
  for (const e of layout.edges) {
    out.push(`<path class="rb-edge${e.dashed ? ' rb-edge-dashed' : ''}" data-from="${esc(e.from)}" data-to="${esc(e.to)}" d="${e.d}" marker-end="url(#rb-arrow)"><title>${esc(e.title)}</title></path>`);
  }
  out.push('</g><g class="rb-labels">');
  for (const e of layout.edges) {
    out.push(
      `<g class="rb-label" data-from="${esc(e.from)}" data-to="${esc(e.to)}"><title>${esc(e.title)}</title><rect x="${r1(e.lx - e.lw / 2)}" y="${r1(e.ly - 8.5)}" width="${e.lw}" height="17" rx="8.5"/><text x="${e.lx}" y="${r1(e.ly + 3.6)}" text-anchor="middle">${esc(e.label)}</text></g>`,
    );
  }
  out.push('</g><g class="rb-nodes">');
  for (const n of layout.nodes) {
    out.push(`<g class="rb-node rb-${n.kind}${n.caption.startsWith('START') ? ' rb-entry' : ''}" data-node="${esc(n.id)}" transform="translate(${r1(n.x)},${r1(n.y)})"><title>${esc(n.title)}</title>`);
    out.push(`<rect class="rb-box" width="${n.w}" height="${n.h}" rx="9"/><rect class="rb-bar" width="5" height="${n.h}" rx="2.5"/>`);
    out.push(`<text class="rb-caption" x="${PAD_X}" y="${PAD_Y + 10}">${esc(n.caption)}</text>`);
    let ty = PAD_Y + CAPTION_H + 12;
    for (const b of n.blocks) {
      const text = b.lines.map((l, i) => `<tspan x="${PAD_X}" y="${ty + i * LINE_H}">${esc(l)}</tspan>`).join('');
      const el = `<text class="rb-text${b.mono ? ' rb-mono' : ''}">${text}</text>`;
      out.push(b.href ? `<a href="${esc(b.href)}" class="rb-link">${el}</a>` : el);
      ty += b.lines.length * LINE_H + BLOCK_GAP;
    }
    out.push('</g>');
  }
  out.push('</g></svg>');
  return out.join('');
}
