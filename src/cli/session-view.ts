/**
 * Text rendering of a session for the terminal: the current step, what was
 * read from a paste, how the candidates moved, and the conclusion.
 */
import type { Entry } from '../core/schema/case.js';
import type { Candidate } from '../core/engine/candidates.js';
import type { CurrentStep, SessionState, TranscriptStep } from '../core/engine/session.js';
import { formatDelta, formatFactValue } from '../core/engine/conditions.js';
import { commandInfo } from '../core/parsers/index.js';
import { colors, type CliIO } from './io.js';
import { plain, wrap } from './render.js';

type C = ReturnType<typeof colors>;

const STATUS_MARK: Record<Candidate['status'], (c: C) => string> = {
  confirmed: (c) => c.green('● confirmed'),
  likely: (c) => c.green('◐ likely   '),
  possible: (c) => c.yellow('○ possible '),
  'ruled-out': (c) => c.dim('✗ ruled out'),
};

/**
 * Render the current step.
 * @param step the step
 * @param n the step number shown
 * @param io for colours
 * @param opts `run`: the session may run recommended commands (offer `run`)
 * @returns text
 */
export function renderStep(step: CurrentStep, n: number, io: Pick<CliIO, 'color'>, opts: { run?: boolean } = {}): string {
  const c = colors(io);
  const out: string[] = [];
  if (step.type === 'ask') {
    out.push('', c.bold(c.cyan(`Step ${n} · Question`)), wrap(step.question, 78, '  '));
    for (const ch of step.choices) out.push(wrap(`${ch.index}) ${ch.label}`, 78, '    ').replace(`${ch.index})`, c.bold(`${ch.index})`)));
    out.push(c.dim('  Type a number. Also: why, back, quit.'));
  } else if (step.type === 'check') {
    out.push('', c.bold(c.cyan(`Step ${n} · Check: ${step.title}`)), wrap(step.why, 78, '  '), '');
    step.commands.forEach((cmd, i) => {
      const info = commandInfo(cmd.command);
      const notes: string[] = [];
      if (info?.cost.needsRoot) notes.push('needs root');
      if (info?.cost.heavy) notes.push('heavy on busy hosts');
      if (info && !info.cost.readOnly) notes.push('changes state');
      const lead = i === 0 ? 'Run:' : 'or: ';
      out.push(`  ${c.dim(lead)} ${c.green('$')} ${c.bold(cmd.command)}${notes.length ? c.yellow(`  (${notes.join(', ')})`) : ''}`);
      if (cmd.why) out.push(wrap(c.dim(cmd.why), 78, '        '));
    });
    if (step.againAfterSeconds) {
      out.push('', c.yellow(`  Now run the same command again in about ${step.againAfterSeconds} s and paste it, to see which counters rise (or type skip).`));
    }
    out.push('', c.dim(`  Paste the output, then an empty line (or Ctrl-D). Also: skip, missing, ${opts.run ? 'run, ' : ''}why, back, quit.`));
  } else {
    out.push('', c.bold(c.cyan('Conclusion')));
  }
  return out.join('\n') + '\n';
}

/**
 * Facts worth showing after a paste: those the candidates' signals or the node's branches read, first.
 * @param step the transcript step with the readings of the paste
 * @param relevant fact names that matter now (core's relevantFacts)
 * @param state the state (for deltas)
 * @param io for colours
 * @returns text
 */
export function renderReadings(step: TranscriptStep, relevant: Set<string>, state: SessionState, io: Pick<CliIO, 'color'>): string {
  const c = colors(io);
  const out: string[] = [];
  for (const r of step.readings ?? []) {
    const facts = Object.entries(r.facts);
    const what = r.command ? `\`${r.command}\`` : r.parser ? r.parser : 'unknown output';
    out.push(`  ${c.bold('Read')} ${what}${r.parser ? c.dim(` (parser ${r.parser}, ${Math.round(r.confidence * 100)}% sure)`) : ''}: ${facts.length} facts`);
    const shown = facts.filter(([k]) => relevant.has(k)).slice(0, 12);
    const width = Math.max(0, ...shown.map(([k]) => k.length));
    for (const [k, v] of shown) {
      const d = state.deltas[k];
      const value = formatFactValue(v);
      const delta = d ? ` (${formatDelta(d)})` : '';
      const nonZero = typeof v === 'number' ? v !== 0 : Boolean(v);
      out.push(`    ${k.padEnd(width)}  ${nonZero ? c.bold(value) : c.dim(value)}${d && d.delta > 0 ? c.yellow(delta) : c.dim(delta)}`);
    }
    if (facts.length > shown.length) out.push(c.dim(`    and ${facts.length - shown.length} more (runbook parse shows them all)`));
    for (const w of r.warnings) out.push(c.yellow(wrap(`! ${w}`, 78, '    ')));
  }
  if (step.outcome) out.push(wrap(`→ ${step.outcome}`, 78, '  ').replace(/^ {2}→/, `  ${c.cyan('→')}`).replace(/\n {2}/g, '\n    '));
  return out.join('\n') + (out.length ? '\n' : '');
}

/**
 * Render candidate moves of one step.
 * @param step the transcript step
 * @param io for colours
 * @returns text
 */
export function renderMoves(step: TranscriptStep, io: Pick<CliIO, 'color'>): string {
  const c = colors(io);
  const out: string[] = [];
  for (const m of step.moved) {
    if (m.from === m.to) {
      out.push(wrap(`${c.dim('·')} ${m.id}: ${m.why[0] ?? 'score changed'}`, 78, '  ').replace(/\n {2}/g, '\n    '));
      continue;
    }
    out.push(`  ${STATUS_MARK[m.to](c)} ${c.bold(m.id)}${m.from !== 'new' ? c.dim(` (was ${m.from})`) : ''}`);
    for (const w of m.why.slice(0, 3)) out.push(wrap(c.dim(w), 78, '      '));
  }
  return out.length ? out.join('\n') + '\n' : '';
}

/**
 * Render the candidate list.
 * @param candidates candidates
 * @param io for colours
 * @param limit how many live ones to show
 * @returns text
 */
export function renderCandidates(candidates: Candidate[], io: Pick<CliIO, 'color'>, limit = 6): string {
  const c = colors(io);
  const live = candidates.filter((x) => x.status !== 'ruled-out');
  const out = [c.bold('  Candidates:')];
  for (const x of live.slice(0, limit)) out.push(`    ${STATUS_MARK[x.status](c)}  ${x.id}`);
  if (live.length > limit) out.push(c.dim(`    and ${live.length - limit} more possible`));
  const ruled = candidates.length - live.length;
  if (ruled) out.push(c.dim(`    ${ruled} ruled out`));
  return out.join('\n') + '\n';
}

/**
 * Render the conclusion with the case, why, and fix.
 * @param state the finished state
 * @param cases cases by id
 * @param io for colours
 * @returns text
 */
export function renderConclusion(state: SessionState, cases: Map<string, Entry>, io: Pick<CliIO, 'color'>): string {
  const c = colors(io);
  const cur = state.current;
  if (cur.type !== 'conclude') return '';
  const out: string[] = ['', c.bold(c.cyan('Conclusion'))];
  if (cur.message) out.push(wrap(cur.message, 78, '  '));
  if (cur.cases.length === 0) out.push(wrap('None of the causes this runbook knows fits the evidence. Try `runbook search` with what you see, or `runbook start` with another symptom.', 78, '  '));
  const byId = new Map(state.candidates.map((x) => [x.id, x]));
  for (const id of cur.cases) {
    const e = cases.get(id);
    const cand = byId.get(id);
    if (!e) continue;
    out.push('', `  ${cand ? STATUS_MARK[cand.status](c) : ''}  ${c.bold(e.title)} ${c.dim(`[${e.id}]`)}`, wrap(e.summary, 78, '    '));
    if (cand?.why.length) {
      out.push(c.bold('    Why:'));
      for (const w of cand.why) out.push(wrap(`- ${w}`, 78, '      '));
    }
    if (e.fix.markdown) {
      out.push(c.bold('    Fix:'));
      out.push(wrap(plain(e.fix.markdown), 78, '      '));
    }
    out.push(c.dim(`    More: runbook show ${e.id}`));
  }
  const ruled = state.candidates.filter((x) => x.status === 'ruled-out');
  if (ruled.length) {
    out.push('', c.bold('  Ruled out:'));
    for (const r of ruled) out.push(wrap(`- ${r.id}: ${r.why.find((w) => w.startsWith('ruled out'))?.replace(/^ruled out: /, '') ?? ''}`, 78, '    '));
  }
  return out.join('\n') + '\n';
}
