/**
 * Terminal rendering of entries: readable in 80 columns, colours optional.
 */
import type { Entry } from '../core/schema/case.js';
import type { Runbook, RunbookNode } from '../core/schema/runbook.js';
import { colors, type CliIO } from './io.js';

/**
 * Wrap text to a width, keeping words whole.
 * @param text the text
 * @param width columns
 * @param indent prefix for every line
 * @returns wrapped lines joined by newlines
 */
export function wrap(text: string, width = 78, indent = ''): string {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    if (para.trim() === '') {
      out.push('');
      continue;
    }
    if (para.startsWith('    ')) {
      out.push(para);
      continue;
    }
    const leadMatch = /^(\s*(?:[-*]|\d+[.)])\s+|\s+)/.exec(para);
    const lead = leadMatch?.[1] ?? '';
    const hang = ' '.repeat(lead.length);
    let line = lead;
    let fresh = true;
    for (const word of para.slice(lead.length).split(/\s+/).filter(Boolean)) {
      if (!fresh && indent.length + visible(line).length + 1 + visible(word).length > width) {
        out.push(line);
        line = hang + word;
      } else {
        line = fresh ? line + word : `${line} ${word}`;
      }
      fresh = false;
    }
    out.push(line);
  }
  return out.map((l) => (l ? indent + l : '')).join('\n');
}

/** Text length without ANSI colour codes. */
function visible(s: string): string {
  // eslint-disable-next-line no-control-regex
  const t = s.replace(/\u001b\[[0-9;]*m/g, '');
  // East Asian wide characters take two columns.
  return t.replace(/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/g, '  ');
}

/**
 * Strip the markdown that reads badly in a terminal (emphasis, link targets).
 * @param md markdown
 * @returns plain text
 */
export function plain(md: string): string {
  const blocks: string[] = [];
  const parts = md.split(/(```[^\n]*\n[\s\S]*?```)/g);
  for (const part of parts) {
    if (part.startsWith('```')) {
      const code = part.replace(/^```[^\n]*\n/, '').replace(/```$/, '').replace(/\s+$/, '');
      blocks.push(code.replace(/^/gm, '    '));
      continue;
    }
    const text = part
      .replace(/\*\*([^*]+)\*\*/g, '$1')
      .replace(/(^|[^*])\*([^*\n]+)\*/g, '$1$2')
      .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1 <$2>')
      .replace(/^#{3,6}\s+(.*)$/gm, '$1:');
    const tabled = tables(text);
    // Join soft line breaks: a line continues the previous one unless it starts a list item.
    const lines: string[] = [];
    for (const raw of tabled.split('\n')) {
      const line = raw.replace(/\s+$/, '');
      if (line.startsWith('\u2063')) {
        lines.push(line.slice(1));
        continue;
      }
      const prev = lines[lines.length - 1];
      const startsItem = /^\s*([-*]|\d+\.)\s+/.test(line);
      if (line.trim() !== '' && prev !== undefined && prev.trim() !== '' && !startsItem && !prev.endsWith(':')) {
        lines[lines.length - 1] = `${prev} ${line.trim()}`;
      } else {
        lines.push(line);
      }
    }
    blocks.push(lines.join('\n').trim());
  }
  return blocks.filter(Boolean).join('\n\n').replace(/^\n+/, '').replace(/\s+$/, '');
}

/** Markdown tables as aligned columns; table lines are marked so they are not joined or wrapped. */
function tables(text: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    if (!/^\s*\|.*\|\s*$/.test(lines[i])) {
      out.push(lines[i++]);
      continue;
    }
    const rows: string[][] = [];
    while (i < lines.length && /^\s*\|.*\|\s*$/.test(lines[i])) {
      const cells = lines[i].trim().slice(1, -1).split('|').map((x) => x.trim().replace(/`/g, ''));
      if (!cells.every((x) => /^:?-{2,}:?$/.test(x))) rows.push(cells);
      i++;
    }
    const widths = rows[0].map((_, j) => Math.max(...rows.map((r) => (r[j] ?? '').length)));
    for (const r of rows) out.push('\u2063' + r.map((x, j) => x.padEnd(widths[j])).join('  ').trimEnd());
  }
  return out.join('\n');
}

/**
 * Render an entry for the terminal.
 * @param e the entry
 * @param io for colours
 * @returns text
 */
export function renderEntry(e: Entry, io: Pick<CliIO, 'color'>): string {
  const c = colors(io);
  const h = (s: string) => c.bold(c.cyan(s));
  const out: string[] = [];
  out.push(`${c.bold(e.title)}  ${c.dim(`[${e.kind}] ${e.id}`)}`);
  if (e.tags.length) out.push(c.dim(e.tags.map((t) => `#${t}`).join(' ')));
  out.push('', wrap(e.summary));
  if (e.symptoms.length) {
    out.push('', h('Symptoms'));
    for (const s of e.symptoms) out.push(wrap(`- ${s.text}${s.aliases.length ? c.dim(` (${s.aliases.join(', ')})`) : ''}`, 78, '  '));
  }
  if (e.evidence.length) {
    out.push('', h('Evidence'));
    for (const ev of e.evidence) {
      out.push(`  ${c.green('$')} ${c.bold(ev.command)}${ev.needsRoot ? c.yellow('  (needs root)') : ''}`);
      if (ev.lookFor) out.push(wrap(plain(ev.lookFor), 78, '      '));
    }
  }
  if (e.rootCause) out.push('', h('Root cause'), wrap(plain(e.rootCause), 78, '  '));
  if (e.fix.markdown) out.push('', h('Fix'), wrap(plain(e.fix.markdown), 78, '  '));
  if (e.applies.markdown || e.applies.kernel) {
    out.push('', h('Applies to'));
    if (e.applies.kernel) out.push(`  kernel: ${c.bold(e.applies.kernel)}`);
    if (e.applies.distros.length) out.push(wrap(`distros: ${e.applies.distros.join(', ')}`, 78, '  '));
    for (const l of e.applies.libraries) out.push(wrap(`- ${l.name}${l.versions && l.versions !== 'any' ? ` ${l.versions}` : ''}${l.note ? `: ${l.note}` : ''}`, 78, '  '));
    if (e.applies.markdown) out.push(wrap(plain(e.applies.markdown), 78, '  '));
  }
  for (const s of e.sections.filter((x) => x.key.startsWith('other:') || (e.kind === 'note' && x.key === 'intro'))) {
    out.push('', h(s.title || 'Notes'), wrap(plain(s.markdown), 78, '  '));
  }
  if (e.sources.length) {
    out.push('', h('Sources'));
    for (const s of e.sources) out.push(wrap(`- ${[s.seed, s.section && `"${s.section}"`, s.url, s.note].filter(Boolean).join(', ')}`, 78, '  '));
  }
  if (e.related.length) out.push('', h('Related'), wrap(e.related.join(', '), 78, '  '));
  return out.join('\n') + '\n';
}

/**
 * Render a runbook's decision tree as indented text, from the entry node.
 * @param rb the runbook
 * @param io for colours
 * @returns text
 */
export function renderRunbook(rb: Runbook, io: Pick<CliIO, 'color'>): string {
  const c = colors(io);
  const out: string[] = [`${c.bold(rb.title)}  ${c.dim(`[runbook] ${rb.id}`)}`, '', wrap(rb.description), ''];
  out.push(wrap(c.dim(`Symptoms: ${rb.symptoms.join(' · ')}`)), '');
  const seen = new Set<string>();
  const walk = (id: string, depth: number, via: string) => {
    const pad = '  '.repeat(depth);
    const n: RunbookNode | undefined = rb.nodes[id];
    const lead = via ? `${c.dim(via)} → ` : '';
    if (!n) return;
    if (seen.has(id)) {
      out.push(`${pad}${lead}${c.dim(`(see ${id} above)`)}`);
      return;
    }
    seen.add(id);
    if (n.type === 'ask') {
      out.push(`${pad}${lead}${c.cyan('?')} ${n.question} ${c.dim(`[${id}]`)}`);
      for (const ch of n.choices) walk(ch.next, depth + 1, `"${ch.label.length > 50 ? ch.label.slice(0, 47) + '...' : ch.label}"`);
    } else if (n.type === 'check') {
      out.push(`${pad}${lead}${c.green('$')} ${n.commands[0].command} ${c.dim(`[${id}: ${n.title}]`)}`);
      for (const b of n.branches) walk(b.next, depth + 1, `if ${b.says.length > 60 ? b.says.slice(0, 57) + '...' : b.says}`);
      walk(n.default, depth + 1, 'otherwise');
      if (n.fallback && n.fallback !== n.default) walk(n.fallback, depth + 1, 'unreadable or skipped');
    } else if (n.type === 'conclude') {
      out.push(`${pad}${lead}${c.bold(n.cases.length ? `⇒ ${n.cases.join(', ')}` : '⇒ none of these causes')} ${c.dim(`(${n.confidence})`)}`);
    } else {
      out.push(`${pad}${lead}${c.bold(`⇒ continue with runbook ${n.runbook}`)}`);
    }
  };
  walk(rb.entry, 0, '');
  out.push('', c.dim(`Start it: runbook start --runbook ${rb.id}`));
  return out.join('\n') + '\n';
}
