/**
 * `runbook start "<symptom>"` and `runbook resume [id]`: walk a runbook
 * interactively (text), or step by step as JSON lines (`--json`), or replay
 * recorded answers (`--answers`). Every input is saved so a session can be
 * resumed and summarized for a ticket.
 */
import { readFileSync, existsSync } from 'node:fs';
import { appendInput, isInputError, replay, type SessionInput, type SessionState } from '../../core/engine/session.js';
import { readEvidence } from '../../core/engine/evidence.js';
import { relevantFacts } from '../../core/engine/relevant.js';
import { evidenceTrail, trailMarkdown } from '../../core/engine/summary.js';
import { engineData } from '../../core/engine/session.js';
import { commandInfo, isSafeToRun } from '../../core/parsers/index.js';
import { openProject } from '../../node/open-project.js';
import { LineReader } from '../../node/lines.js';
import { listSessions, newSession, readSession, saveSession, type SavedSession } from '../../node/sessions.js';
import { runPipeline, splitPipeline } from '../../node/run-command.js';
import { CliError, colors, type CliIO } from '../io.js';
import { wrap } from '../render.js';
import { renderCandidates, renderConclusion, renderMoves, renderReadings, renderStep } from '../session-view.js';

/** Options of `runbook start` / `runbook resume`. */
export interface StartOptions {
  args: string[];
  json?: boolean;
  runbook?: string;
  answers?: string;
  run?: boolean;
  /** resume mode: args[0] is a session id (optional). */
  resume?: boolean;
  /** Do not save the session. */
  save?: boolean;
}

/** One answer line in JSON mode or in an answers file. */
type AnswerLine =
  | { choice: number | string; node?: string }
  | { output: string; command?: string; takenAt?: string; node?: string }
  | { action: 'skip' | 'back' | 'quit' | 'why' | 'missing' | 'summary' }
  | { runbook: string };

function parseAnswerLine(line: string): AnswerLine | string {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return `not JSON: ${line.slice(0, 60)}`;
  }
  if (!v || typeof v !== 'object') return 'an answer must be a JSON object';
  const o = v as Record<string, unknown>;
  if ('choice' in o && (typeof o.choice === 'number' || typeof o.choice === 'string')) return o as AnswerLine;
  if ('output' in o && typeof o.output === 'string') return o as AnswerLine;
  if ('action' in o && ['skip', 'back', 'quit', 'why', 'missing', 'summary'].includes(String(o.action))) return o as AnswerLine;
  if ('runbook' in o && typeof o.runbook === 'string') return o as AnswerLine;
  return 'expected {"choice": n}, {"output": "..."}, {"action": "skip|back|quit|why|missing"} or {"runbook": "id"}';
}

/**
 * Run `start` or `resume`.
 * @param opts options
 * @param io input and output
 * @returns the exit code
 */
export async function run(opts: StartOptions, io: CliIO): Promise<number> {
  const project = await openProject();
  const data = engineData(project);
  const c = colors(io);
  const emit = (o: unknown) => io.stdout(JSON.stringify(o) + '\n');
  const save = opts.save !== false;
  const recorded = opts.answers ? readAnswers(opts.answers) : undefined;
  const answers: string[] | undefined = recorded?.lines;
  const reader = answers ? undefined : new LineReader(process.stdin, process.stdout, !opts.json && Boolean(process.stdin.isTTY));
  const nextLine = async (): Promise<string | null> => (answers ? (answers.length ? answers.shift()! : null) : reader!.next());

  try {
    let session: SavedSession;
    if (opts.resume) {
      const id = opts.args[0];
      const found = id ? readSession(id) : listSessions().find((s) => !s.finished);
      if (!found) throw new CliError(id ? `no saved session "${id}"; \`runbook resume\` without an id continues the latest unfinished one` : 'no unfinished session to resume; start one with `runbook start "<symptom>"`', 1);
      session = found;
    } else {
      const symptom = opts.args.join(' ').trim();
      // A saved session given as --answers replays in its own runbook unless --runbook says otherwise.
      let runbookId = opts.runbook ?? recorded?.runbook;
      if (runbookId && !data.runbooks.has(runbookId)) {
        throw new CliError(`no runbook "${runbookId}"; \`runbook list --runbooks\` shows them`, 1);
      }
      if (!runbookId) {
        if (!symptom) throw new CliError('say what you see, e.g. runbook start "SYN no response", or pick one with --runbook <id>');
        const { fallbackRunbook, matchRunbooks } = await import('../../node/search.js');
        const matches = matchRunbooks(project, symptom);
        if (matches.length === 0) runbookId = fallbackRunbook(project);
        else if (matches.length > 1 && matches[1].score >= matches[0].score * 0.85) {
          // The runbooks that fit about as well as the best one (at most three).
          const close = matches.slice(0, 3).filter((m) => m.score >= matches[0].score * 0.85);
          runbookId = await chooseRunbook(close, opts, io, reader, nextLine);
          if (!runbookId) {
            reader?.close();
            return 130;
          }
        } else runbookId = matches[0].id;
      }
      if (!runbookId) throw new CliError('no runbooks are installed; add runbooks/*.yaml', 1);
      session = newSession(runbookId, symptom || undefined);
    }

    const initial = replay(data, session.runbook, session.inputs);
    if (isInputError(initial)) throw new CliError(`the saved session no longer replays: ${initial.message}`, 1);
    let state: SessionState = initial;
    const rb = data.runbooks.get(session.runbook)!;
    if (opts.json) emit({ type: 'session', id: session.id, runbook: rb.id, title: rb.title, resumed: Boolean(opts.resume) });
    else {
      io.stdout(`${c.bold(rb.title)} ${c.dim(`(runbook ${rb.id}, session ${session.id})`)}\n`);
      io.stdout(`${c.dim(wrap(rb.description, 78))}\n`);
      if (opts.resume) io.stdout(c.dim(`Resuming after ${session.inputs.length} answers.\n`));
    }

    const persist = () => {
      session.finished = state.finished;
      if (save) saveSession(session);
    };
    const show = (fresh: SessionState['transcript'] = []) => {
      const last = [...fresh].reverse().find((t) => t.kind !== 'route' && t.kind !== 'conclude');
      if (opts.json) {
        emit({
          type: 'step',
          session: session.id,
          version: state.version,
          runbook: state.runbook,
          current: state.current,
          candidates: state.candidates.map(({ id, status, score, why }) => ({ id, status, score, why })),
          ...(last ? { last } : {}),
          ...(fresh.some((t) => t.kind === 'route') ? { routed: fresh.filter((t) => t.kind === 'route') } : {}),
        });
        return;
      }
      for (const t of fresh) {
        if (t.kind === 'conclude') continue;
        if (t.readings) io.stdout(renderReadings(t, relevantFacts(state, data), state, io));
        else if (t.outcome) io.stdout(`${wrap(`→ ${t.outcome}`, 78, '  ').replace(/^ {2}→/, `  ${c.cyan('→')}`).replace(/\n {2}/g, '\n    ')}\n`);
        io.stdout(renderMoves(t, io));
      }
      if (state.current.type === 'conclude') return;
      if (fresh.length) io.stdout(renderCandidates(state.candidates, io));
      const cur = state.current;
      const done = new Set(state.transcript.filter((t) => t.kind !== 'route' && t.kind !== 'conclude' && !(t.node === cur.node && t.runbook === cur.runbook)).map((t) => `${t.runbook}/${t.node}`));
      io.stdout(renderStep(cur, done.size + 1, io, { run: opts.run === true }));
    };
    const finish = (): number => {
      persist();
      const trail = evidenceTrail(state, data);
      if (opts.json) emit({ type: 'concluded', session: session.id, summary: trail, markdown: trailMarkdown(trail) });
      else {
        io.stdout(renderConclusion(state, data.cases, io));
        io.stdout(c.dim(save ? `\nSession ${session.id} saved. Ticket summary: runbook summary ${session.id} (add --json for JSON).\n` : '\nSession not saved (--no-save); run without it to keep a ticket summary (runbook summary).\n'));
      }
      reader?.close();
      return 0;
    };

    show();
    if (state.finished) return finish();
    for (;;) {
      if (!opts.json && reader) reader.prompt(state.current.type === 'ask' ? '> ' : 'paste> ');
      const line = await nextLine();
      if (line === null) {
        persist();
        if (!opts.json) io.stdout(c.dim(save ? `\nStopped. Session ${session.id} is saved; continue with: runbook resume ${session.id}\n` : '\nStopped.\n'));
        reader?.close();
        return state.finished ? 0 : 130;
      }
      let answer: AnswerLine | string;
      if (opts.json || answers) {
        if (line.trim() === '') continue;
        answer = parseAnswerLine(line);
        if (answers && !opts.json && typeof answer !== 'string') {
          // Replaying a recorded session: show each answer as if it had been typed.
          const shown =
            'choice' in answer ? String(answer.choice) : 'output' in answer ? `(pasted ${answer.output.split('\n').filter(Boolean).length} lines)` : 'action' in answer ? answer.action : answer.runbook;
          io.stdout(`${c.dim(state.current.type === 'ask' ? '>' : 'paste>')} ${shown}\n`);
        }
      } else {
        answer = await textAnswer(line, state, reader!);
      }
      if (typeof answer === 'string') {
        if (answer === '') continue;
        if (opts.json) emit({ type: 'error', code: 'bad-answer', message: answer });
        else io.stdout(c.yellow(`  ${answer}\n`));
        continue;
      }
      const node = state.current.node;
      const at = new Date().toISOString();
      let input: SessionInput | undefined;
      if ('action' in answer) {
        if (answer.action === 'quit') {
          persist();
          if (opts.json) emit({ type: 'quit', session: session.id });
          else io.stdout(c.dim(save ? `Session ${session.id} saved; continue with: runbook resume ${session.id}\n` : 'Stopped.\n'));
          reader?.close();
          return 0;
        }
        if (answer.action === 'back') {
          if (session.inputs.length === 0) {
            if (opts.json) emit({ type: 'error', code: 'nothing-to-undo', message: 'already at the first step' });
            else io.stdout(c.yellow('  Already at the first step.\n'));
            continue;
          }
          session.inputs.pop();
          state = replay(data, session.runbook, session.inputs) as SessionState;
          persist();
          if (!opts.json) io.stdout(c.dim('  Went back one step.\n'));
          show();
          continue;
        }
        if (answer.action === 'why') {
          const text = whyText(state);
          if (opts.json) emit({ type: 'why', text });
          else io.stdout(`${wrap(text, 78, '  ').replace(/^ {4}/gm, '  ')}\n`);
          continue;
        }
        if (answer.action === 'missing') {
          const text = missingText(state);
          if (opts.json) emit({ type: 'missing', text });
          else io.stdout(`${wrap(text, 78, '  ').replace(/^ {4}/gm, '  ')}\n`);
          continue;
        }
        if (answer.action === 'summary') {
          const trail = evidenceTrail(state, data);
          if (opts.json) emit({ type: 'summary', summary: trail });
          else io.stdout(trailMarkdown(trail));
          continue;
        }
        input = { kind: 'skip', node, at };
      } else if ('runbook' in answer) {
        if (opts.json) emit({ type: 'error', code: 'bad-answer', message: 'the runbook is already chosen' });
        continue;
      } else if ('choice' in answer) {
        input = { kind: 'choice', node: answer.node ?? node, choice: answer.choice, at };
      } else {
        input = { kind: 'output', node: answer.node ?? node, output: answer.output, ...(answer.command ? { command: answer.command } : {}), at, ...(answer.takenAt ? { takenAt: answer.takenAt } : {}) };
      }
      const next = appendInput(data, session.runbook, session.inputs, input);
      if (isInputError(next)) {
        if (opts.json) emit({ type: 'error', code: next.code, message: next.message });
        else io.stdout(c.yellow(`  ${next.message}\n`));
        continue;
      }
      session.inputs.push(input);
      const seen = state.transcript.length;
      state = next;
      persist();
      show(state.transcript.slice(seen));
      if (state.finished) return finish();
    }

    async function textAnswer(line: string, st: SessionState, rd: LineReader): Promise<AnswerLine | string> {
      const t = line.trim();
      const word = t.toLowerCase();
      if (['quit', 'q', 'exit'].includes(word)) return { action: 'quit' };
      if (['back', 'b', 'undo'].includes(word)) return { action: 'back' };
      if (['why', '?', 'help'].includes(word)) return { action: 'why' };
      if (['summary'].includes(word)) return { action: 'summary' };
      if (st.current.type === 'ask') {
        if (t === '') return '';
        if (word === 'skip') return 'A question cannot be skipped; pick the closest answer (or back / quit).';
        return { choice: /^\d+$/.test(t) ? Number(t) : t };
      }
      if (word === 'skip' || word === 's') return { action: 'skip' };
      if (word === 'missing') return { action: 'missing' };
      if (word === 'run' && !opts.run) return 'Running commands here is off: start the session with --run to let runbook offer it (read-only commands only, it asks first).';
      if (opts.run && (word === 'run' || t === '')) return runRecommended(st);
      if (t === '') return '';
      const text = await rd.readPaste(line);
      // A paste nothing can read is more likely a slip than evidence: say so and keep the step.
      if (st.current.type === 'check') {
        const hints = st.current.commands.map((x) => x.command);
        const reads = readEvidence({ output: text }, hints);
        if (reads.every((r) => Object.keys(r.facts).length === 0)) {
          return wrap(
            `Could not read that as the output of ${hints.map((h) => `\`${h}\``).join(' or ')}. Paste it again (output of another command: put its \`$ command\` line first), or type skip to go on without it.`,
            76,
            '  ',
          ).trimStart();
        }
      }
      return { output: text };
    }

    async function runRecommended(st: SessionState): Promise<AnswerLine | string> {
      if (st.current.type !== 'check') return '';
      const cmd = st.current.commands[0].command;
      const stages = splitPipeline(cmd);
      if (!stages || !isSafeToRun(cmd)) return `Not running \`${cmd}\` here: only read-only commands from the allowlist run locally, without a shell. Run it yourself and paste the output.`;
      io.stdout(`  Run ${c.bold(cmd)} on this machine now? [y/N] `);
      const yes = await reader!.next();
      if (!yes || !/^y(es)?$/i.test(yes.trim())) return 'Not run. Paste the output instead, or type skip.';
      const r = await runPipeline(stages);
      if (r.stderr.trim()) io.stdout(c.dim(`  ${r.stderr.trim().split('\n').slice(0, 3).join('\n  ')}\n`));
      if (!r.stdout.trim()) return `\`${cmd}\` printed nothing${r.code ? ` (exit ${r.code})` : ''}.`;
      return { output: r.stdout, command: cmd };
    }
  } finally {
    reader?.close();
  }
}

function whyText(state: SessionState): string {
  const cur = state.current;
  if (cur.type === 'ask') return `  ${cur.why ?? 'This answer decides which checks come next.'}`;
  if (cur.type === 'check') return `  ${cur.why}\n${cur.commands.map((x) => (x.why ? `  - ${x.command}: ${x.why}` : '')).filter(Boolean).join('\n')}`;
  return '  The session has concluded.';
}

function missingText(state: SessionState): string {
  const cur = state.current;
  if (cur.type !== 'check') return '  There is no command to replace at this step.';
  const lines: string[] = [];
  for (const cmd of cur.commands) {
    const info = commandInfo(cmd.command);
    const eq = info?.cost.equivalents ?? [];
    if (eq.length) lines.push(`  Instead of ${cmd.command}: ${eq.join('  or  ')}`);
    if (info?.cost.packages?.length) lines.push(`  (${cmd.command.split(' ')[0]} comes with: ${info.cost.packages.join(', ')})`);
  }
  return lines.length ? lines.join('\n') : '  No known equivalent; type skip to go on without it.';
}

function readAnswers(file: string): { lines: string[]; runbook?: string } {
  if (!existsSync(file)) throw new CliError(`answers file "${file}" does not exist`, 2);
  const text = readFileSync(file, 'utf8');
  // A saved session file replays its inputs.
  if (text.trimStart().startsWith('{') && text.includes('"inputs"')) {
    try {
      const s = JSON.parse(text) as SavedSession;
      const lines = s.inputs.map((i) =>
        JSON.stringify(i.kind === 'choice' ? { choice: i.choice } : i.kind === 'output' ? { output: i.output, ...(i.command ? { command: i.command } : {}), ...(i.takenAt ? { takenAt: i.takenAt } : {}) } : { action: 'skip' }),
      );
      return { lines, ...(typeof s.runbook === 'string' ? { runbook: s.runbook } : {}) };
    } catch {
      /* not a session file: read as JSON lines */
    }
  }
  return { lines: text.split('\n').filter((l) => l.trim() !== '') };
}

async function chooseRunbook(
  options: { id: string; title: string; score: number }[],
  opts: StartOptions,
  io: CliIO,
  reader: LineReader | undefined,
  nextLine: () => Promise<string | null>,
): Promise<string | undefined> {
  if (opts.json) {
    io.stdout(JSON.stringify({ type: 'choose-runbook', options }) + '\n');
  } else {
    const c = colors(io);
    io.stdout(`${c.bold(`${options.length === 2 ? 'Two' : 'Several'} runbooks fit what you describe. Which is closer?`)}\n`);
    options.forEach((o, i) => io.stdout(`  ${c.bold(String(i + 1))}) ${o.title} ${c.dim(`(${o.id})`)}\n`));
  }
  for (;;) {
    // JSON mode writes JSON lines only.
    if (!opts.json) reader?.prompt('> ');
    const line = await nextLine();
    if (line === null) return undefined;
    let pick: string | number = line.trim();
    if (opts.json || opts.answers) {
      const a = parseAnswerLine(line);
      if (typeof a !== 'string' && 'runbook' in a) pick = a.runbook;
      else if (typeof a !== 'string' && 'choice' in a) pick = a.choice;
    }
    const idx = typeof pick === 'number' ? pick - 1 : /^\d+$/.test(pick) ? Number(pick) - 1 : options.findIndex((o) => o.id === pick);
    if (idx >= 0 && idx < options.length) return options[idx].id;
    io.stdout(opts.json ? JSON.stringify({ type: 'error', code: 'bad-choice', message: `pick 1-${options.length}` }) + '\n' : `  Pick 1-${options.length}.\n`);
  }
}
