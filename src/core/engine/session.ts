/**
 * Sessions: an append-only list of inputs; the state is a pure replay of that
 * list over the runbooks and the knowledge base. Going back one step is
 * replaying without the last input.
 */
import type { Entry } from '../schema/case.js';
import type { CheckCommand, CheckNode, Runbook, RunbookNode } from '../schema/runbook.js';
import type { Facts } from '../facts/types.js';
import { evaluate, describeFacts } from './conditions.js';
import { conditionFacts } from '../schema/condition.js';
import { rankCandidates, type Candidate, type ExtraEvidence } from './candidates.js';
import { absenceIsMeaningful, combineReadings, readEvidence, readingFactCount, type EvidenceRead } from './evidence.js';
import { orderCommands } from './next.js';

/** One input of a session. */
export type SessionInput =
  | { kind: 'choice'; node: string; choice: number | string; at?: string }
  | { kind: 'output'; node: string; output: string; command?: string; at?: string; takenAt?: string }
  | { kind: 'skip'; node: string; at?: string };

/** What the engine needs to run sessions. */
export interface EngineData {
  runbooks: Map<string, Runbook>;
  cases: Map<string, Entry>;
}

/** A change in one candidate caused by one step. */
export interface CandidateMove {
  id: string;
  from: Candidate['status'] | 'new';
  to: Candidate['status'];
  why: string[];
}

/** One step of the transcript. */
export interface TranscriptStep {
  runbook: string;
  node: string;
  kind: SessionInput['kind'] | 'route' | 'conclude';
  /** The question, or the check's title. */
  prompt: string;
  /** The chosen label, or an excerpt of the pasted output. */
  answer?: string;
  /** Readings of pasted output. */
  readings?: EvidenceRead[];
  /** The sentence of the branch taken, or the route/conclusion message. */
  outcome?: string;
  /** Candidates whose status changed. */
  moved: CandidateMove[];
  at?: string;
}

/**
 * The engine's view of a loaded project.
 * @param project runbooks and the knowledge base
 * @returns runbooks and cases by id
 */
export function engineData(project: { kb: { byId: Map<string, Entry> }; runbooks: Runbook[] }): EngineData {
  return { runbooks: new Map(project.runbooks.map((r) => [r.id, r])), cases: project.kb.byId };
}

/** The current step presented to the user. */
export type CurrentStep =
  | { type: 'ask'; runbook: string; node: string; question: string; why?: string; choices: { index: number; label: string }[] }
  | {
      type: 'check';
      runbook: string;
      node: string;
      title: string;
      why: string;
      commands: CheckCommand[];
      /** Snapshots already pasted at this node. */
      snapshots: number;
      /** Set when the node wants a second snapshot of a counter command. */
      againAfterSeconds?: number;
    }
  | { type: 'conclude'; runbook: string; node: string; cases: string[]; confidence: 'high' | 'medium' | 'low'; message?: string };

/** The replayed state of a session. */
export interface SessionState {
  /** The runbook the session started with. */
  startRunbook: string;
  /** The runbook the session is in now (a route may have switched it). */
  runbook: string;
  current: CurrentStep;
  finished: boolean;
  facts: Facts;
  deltas: ReturnType<typeof combineReadings>['deltas'];
  candidates: Candidate[];
  transcript: TranscriptStep[];
  /** Number of inputs replayed. */
  version: number;
}

/** A rejected input. */
export interface InputError {
  code: 'unknown-node' | 'wrong-node' | 'bad-choice' | 'finished' | 'empty-output' | 'unknown-runbook';
  message: string;
}

interface Work {
  data: EngineData;
  runbook: Runbook;
  nodeId: string;
  readings: EvidenceRead[];
  nodeReadings: EvidenceRead[];
  answerFacts: Facts;
  extra: Required<Pick<ExtraEvidence, 'supports' | 'rulesOut'>> & { concluded: Map<string, 'high' | 'medium' | 'low'> };
  candidateIds: string[];
  candidates: Candidate[];
  transcript: TranscriptStep[];
  startRunbook: string;
  /** Bumped whenever readings or answer facts change; keys the cached combination. */
  rev: number;
  combined?: { rev: number; value: ReturnType<typeof combineReadings> };
}

/** Facts and deltas of everything read so far (computed once per change). */
function combined(w: Work): ReturnType<typeof combineReadings> {
  if (!w.combined || w.combined.rev !== w.rev) w.combined = { rev: w.rev, value: combineReadings(w.readings, w.answerFacts) };
  return w.combined.value;
}

function push(map: Map<string, string[]>, id: string, reason: string): void {
  const list = map.get(id) ?? [];
  list.push(reason);
  map.set(id, list);
}

function computeCandidates(w: Work): Candidate[] {
  const { facts, deltas, parsersRun } = combined(w);
  const cases = w.candidateIds.map((id) => w.data.cases.get(id)).filter((e): e is Entry => Boolean(e));
  return rankCandidates(cases, { facts, deltas, absentMeansFalse: (f) => absenceIsMeaningful(f, parsersRun) }, w.extra);
}

function moves(before: Candidate[], after: Candidate[]): CandidateMove[] {
  const prev = new Map(before.map((c) => [c.id, c]));
  const out: CandidateMove[] = [];
  for (const c of after) {
    const p = prev.get(c.id);
    if (!p) {
      out.push({ id: c.id, from: 'new', to: c.status, why: c.why });
      continue;
    }
    if (p.status !== c.status || p.points !== c.points) {
      const fresh = c.why.filter((r) => !p.why.includes(r));
      out.push({ id: c.id, from: p.status, to: c.status, why: fresh.length ? fresh : c.why.slice(0, 2) });
    }
  }
  return out;
}

function node(w: Work): RunbookNode {
  return w.runbook.nodes[w.nodeId];
}

/** Follow route and conclude nodes that need no input. */
function settle(w: Work, at?: string): void {
  for (let guard = 0; guard < 50; guard++) {
    const n = node(w);
    if (!n) return;
    if (n.type === 'route') {
      const target = w.data.runbooks.get(n.runbook);
      if (!target) return;
      const before = w.candidates;
      w.transcript.push({ runbook: w.runbook.id, node: w.nodeId, kind: 'route', prompt: `Continue with "${target.title}"`, outcome: n.message ?? `routed to ${target.id}`, moved: [], ...(at ? { at } : {}) });
      w.runbook = target;
      w.nodeId = target.entry;
      w.nodeReadings = [];
      w.candidateIds = [...new Set([...target.candidates])];
      w.candidates = computeCandidates(w);
      w.transcript[w.transcript.length - 1].moved = moves(before, w.candidates);
      continue;
    }
    if (n.type === 'conclude') {
      const last = w.transcript[w.transcript.length - 1];
      if (last && last.kind === 'conclude' && last.node === w.nodeId && last.runbook === w.runbook.id) return;
      const before = w.candidates;
      for (const id of n.cases) {
        w.extra.concluded.set(id, n.confidence);
        if (!w.candidateIds.includes(id)) w.candidateIds.push(id);
      }
      w.candidates = computeCandidates(w);
      w.transcript.push({
        runbook: w.runbook.id,
        node: w.nodeId,
        kind: 'conclude',
        prompt: 'Conclusion',
        outcome: n.message ?? (n.cases.length ? `Concluded: ${n.cases.join(', ')}` : 'None of the causes this runbook knows fits.'),
        moved: moves(before, w.candidates),
        ...(at ? { at } : {}),
      });
    }
    return;
  }
}

/**
 * The command of a check node that asks for a second snapshot now: one of its readings is at
 * the node (counted per command, so a paste that also held other commands still counts once).
 */
function secondSnapshot(n: CheckNode, nodeReadings: EvidenceRead[]): CheckCommand | undefined {
  return n.commands.find((c) => c.twiceSeconds && nodeReadings.filter((r) => r.parser === c.parser).length === 1);
}

function currentStep(w: Work): CurrentStep {
  const n = node(w);
  const base = { runbook: w.runbook.id, node: w.nodeId };
  // A node a runbook names but does not define (runbook check reports it): end here and say so.
  if (!n) return { type: 'conclude', ...base, cases: [], confidence: 'low', message: `the runbook has no node "${w.nodeId}"` };
  if (n.type === 'ask') return { type: 'ask', ...base, question: n.question, ...(n.why ? { why: n.why } : {}), choices: n.choices.map((c, i) => ({ index: i + 1, label: c.label })) };
  if (n.type === 'check') {
    const { facts, deltas } = combined(w);
    const ordered = orderCommands(n.commands, w.candidates, w.data.cases, facts, deltas);
    const twice = secondSnapshot(n, w.nodeReadings);
    const step: CurrentStep = { type: 'check', ...base, title: n.title, why: n.why, commands: ordered, snapshots: w.nodeReadings.length };
    if (twice) step.againAfterSeconds = twice.twiceSeconds;
    return step;
  }
  if (n.type === 'conclude') return { type: 'conclude', ...base, cases: n.cases, confidence: n.confidence, ...(n.message ? { message: n.message } : {}) };
  // Still at a route: its runbook is unknown, or the routes went round in a loop (runbook check reports both).
  const message = w.data.runbooks.has(n.runbook)
    ? `the runbooks route in a loop without a question, check or conclusion (last: ${w.runbook.id} -> ${n.runbook})`
    : `route to unknown runbook ${n.runbook}`;
  return { type: 'conclude', ...base, cases: [], confidence: 'low', message };
}

/** Leave a check node by its first branch that holds (else its default, or its fallback when nothing was read); returns the outcome sentence. */
function advanceCheck(w: Work): string {
  const n = node(w);
  if (n.type !== 'check') return '';
  const { facts, deltas, parsersRun } = combined(w);
  const ctx = { facts, deltas, absentMeansFalse: (f: string) => absenceIsMeaningful(f, parsersRun) };
  const readable = w.nodeReadings.some((r) => readingFactCount(r) > 0);
  let next: string;
  let outcome: string;
  if (!readable) {
    next = n.fallback ?? n.default;
    outcome = w.nodeReadings.length ? 'The output could not be read; continuing without it.' : 'Skipped.';
  } else {
    const b = n.branches.find((br) => evaluate(br.when, ctx) === true);
    if (b) {
      next = b.next;
      const cite = describeFacts(b.when, ctx);
      outcome = `${b.says}${cite ? ` (${cite})` : ''}`;
    } else {
      next = n.default;
      outcome = n.otherwise ?? 'Read; nothing here changes the path, going on.';
    }
  }
  w.nodeId = next;
  w.nodeReadings = [];
  return outcome;
}

/**
 * Start a session state for a runbook (no inputs yet).
 * @param data runbooks and cases
 * @param runbookId the runbook
 * @returns the state, or an error for an unknown runbook
 */
export function startSession(data: EngineData, runbookId: string): SessionState | InputError {
  return replay(data, runbookId, []);
}

function snapshot(w: Work, version: number): SessionState {
  const { facts, deltas } = combined(w);
  const current = currentStep(w);
  return {
    startRunbook: w.startRunbook,
    runbook: w.runbook.id,
    current,
    finished: current.type === 'conclude',
    facts,
    deltas,
    candidates: w.candidates,
    transcript: w.transcript,
    version,
  };
}

function apply(w: Work, input: SessionInput): InputError | undefined {
  const n = node(w);
  if (!n) return { code: 'unknown-node', message: `the session is at an unknown node "${w.nodeId}"` };
  if (n.type === 'conclude' || n.type === 'route') return { code: 'finished', message: 'the session has concluded; go back a step to change an answer' };
  if (input.node !== w.nodeId) {
    return { code: 'wrong-node', message: `the answer is for node "${input.node}" but the session is at "${w.nodeId}"` };
  }
  const before = w.candidates;
  if (n.type === 'ask') {
    if (input.kind === 'output') return { code: 'bad-choice', message: `node "${w.nodeId}" asks a question; answer with a choice (1-${n.choices.length})` };
    let idx = -1;
    if (input.kind === 'choice') {
      if (typeof input.choice === 'number') idx = input.choice - 1;
      else {
        const t = input.choice.trim().toLowerCase();
        idx = /^\d+$/.test(t) ? Number(t) - 1 : n.choices.findIndex((c) => c.label.toLowerCase() === t);
      }
      if (!Number.isInteger(idx) || idx < 0 || idx >= n.choices.length) {
        return { code: 'bad-choice', message: `"${input.choice}" is not a choice of "${n.question}"; pick 1-${n.choices.length}` };
      }
    } else {
      return { code: 'bad-choice', message: 'a question cannot be skipped; pick the closest answer' };
    }
    const choice = n.choices[idx];
    const said = choice.label.length > 60 ? `${choice.label.slice(0, 57).replace(/\s+\S*$/, '')}...` : choice.label;
    for (const id of choice.supports) push(w.extra.supports, id, `your answer "${said}" fits this case`);
    for (const id of choice.rulesOut) push(w.extra.rulesOut, id, `your answer "${said}" excludes this case`);
    if (choice.sets) {
      Object.assign(w.answerFacts, choice.sets);
      w.rev++;
    }
    w.candidates = computeCandidates(w);
    w.transcript.push({ runbook: w.runbook.id, node: w.nodeId, kind: 'choice', prompt: n.question, answer: choice.label, moved: moves(before, w.candidates), ...(input.at ? { at: input.at } : {}) });
    w.nodeId = choice.next;
    settle(w, input.at);
    return undefined;
  }
  // check node
  if (input.kind === 'choice') return { code: 'bad-choice', message: `node "${w.nodeId}" wants command output; paste it, or skip` };
  if (input.kind === 'output') {
    if (input.output.trim() === '') return { code: 'empty-output', message: 'the pasted output is empty; paste what the command printed, or skip' };
    const hints = n.commands.map((c) => c.command);
    const reads = readEvidence({ output: input.output, ...(input.command ? { command: input.command } : {}), ...((input.takenAt ?? input.at) ? { takenAt: input.takenAt ?? input.at } : {}) }, hints);
    // Every fact read counts; but only output of this step's commands (or output that gives a fact
    // its branches test) answers the step. Something else is kept and the step is asked again.
    const nodeParsers = new Set(n.commands.map((c) => c.parser));
    const branchFacts = new Set(n.branches.flatMap((b) => conditionFacts(b.when)));
    const readable = reads.filter((r) => readingFactCount(r) > 0);
    const answers = readable.filter((r) => (r.parser && nodeParsers.has(r.parser)) || Object.keys(r.facts).some((f) => branchFacts.has(f)));
    w.readings.push(...reads);
    const offTopic = readable.length > 0 && answers.length === 0;
    w.nodeReadings.push(...(offTopic ? [] : reads));
    w.rev++;
    w.candidates = computeCandidates(w);
    const again = secondSnapshot(n, w.nodeReadings);
    const wantsAgain = again !== undefined && reads.some((r) => r.parser === again.parser);
    const step: TranscriptStep = {
      runbook: w.runbook.id,
      node: w.nodeId,
      kind: 'output',
      prompt: n.title,
      answer: reads.map((r) => r.excerpt).join('\n'),
      readings: reads,
      moved: moves(before, w.candidates),
      ...(input.at ? { at: input.at } : {}),
    };
    w.transcript.push(step);
    if (offTopic) {
      const what = readable.map((r) => (r.command ? `\`${r.command}\`` : r.parser)).join(', ');
      step.outcome = `Read ${what}, which this step does not ask for; its facts are kept. Paste the output of \`${n.commands[0].command}\` (or skip).`;
      return undefined;
    }
    if (wantsAgain) {
      step.outcome = 'First snapshot read; paste the same command again after a few seconds to see which counters rise (or skip).';
      return undefined;
    }
    step.outcome = advanceCheck(w);
    settle(w, input.at);
    return undefined;
  }
  // skip
  const step: TranscriptStep = { runbook: w.runbook.id, node: w.nodeId, kind: 'skip', prompt: n.title, moved: [], ...(input.at ? { at: input.at } : {}) };
  w.transcript.push(step);
  step.outcome = advanceCheck(w);
  settle(w, input.at);
  return undefined;
}

/**
 * Replay a session's inputs over a runbook.
 * @param data runbooks and cases
 * @param runbookId the runbook the session started with
 * @param inputs the inputs, in order
 * @returns the state, or the first input that cannot apply (with its index)
 */
export function replay(data: EngineData, runbookId: string, inputs: SessionInput[]): SessionState | (InputError & { index?: number }) {
  const runbook = data.runbooks.get(runbookId);
  if (!runbook) return { code: 'unknown-runbook', message: `no runbook "${runbookId}"` };
  // Sessions of one runbook mostly start with the same answers before their first paste: the state
  // after such a prefix is computed once and copied (see PrefixMemo).
  let n = 0;
  while (n < inputs.length && inputs[n].kind !== 'output') n++;
  const key = n > 0 ? prefixKey(runbookId, inputs, n) : undefined;
  const memo = key === undefined ? undefined : memoOf(data);
  const found = key === undefined ? undefined : memo!.get(key);
  const hit = found && found.length === n ? found : undefined;
  let w: Work;
  let from = 0;
  if (hit) {
    w = restore(data, runbook.id, hit, inputs);
    from = n;
  } else {
    w = {
      data,
      runbook,
      nodeId: runbook.entry,
      readings: [],
      nodeReadings: [],
      answerFacts: {},
      extra: { supports: new Map(), rulesOut: new Map(), concluded: new Map() },
      candidateIds: [...runbook.candidates],
      candidates: [],
      transcript: [],
      startRunbook: runbook.id,
      rev: 0,
    };
    w.candidates = computeCandidates(w);
    settle(w);
  }
  // Where each prefix input's transcript steps end (the steps before the first are the start's).
  const ends: number[] = [w.transcript.length];
  for (let i = from; i < inputs.length; i++) {
    const err = apply(w, inputs[i]);
    if (err) return { ...err, index: i };
    if (key !== undefined && !hit && i < n) {
      ends.push(w.transcript.length);
      if (i === n - 1) remember(memo!, key, w, ends);
    }
  }
  return snapshot(w, inputs.length);
}

/**
 * The state after a prefix of answers and skips (no pastes), shared by every session that gave
 * them: the replay is pure, so the same runbook, nodes and choices always give the same state.
 * Transcript steps keep the times of the session that made them; `by[i]` is the input that made
 * step `i` (-1: the start), whose time each session's copy takes.
 */
interface PrefixState {
  /** How many inputs the prefix has (checked on a hit, besides the key). */
  length: number;
  runbookId: string;
  nodeId: string;
  answerFacts: Facts;
  supports: [string, string[]][];
  rulesOut: [string, string[]][];
  concluded: [string, 'high' | 'medium' | 'low'][];
  candidateIds: string[];
  candidates: Candidate[];
  transcript: TranscriptStep[];
  by: number[];
  rev: number;
}

/** Prefix states per engine data (a reloaded project starts afresh), at most {@link PREFIX_MEMO_MAX} each. */
const prefixMemos = new WeakMap<EngineData, Map<string, PrefixState>>();
const PREFIX_MEMO_MAX = 1024;

function memoOf(data: EngineData): Map<string, PrefixState> {
  let m = prefixMemos.get(data);
  if (!m) prefixMemos.set(data, (m = new Map()));
  return m;
}

function prefixKey(runbookId: string, inputs: SessionInput[], n: number): string {
  // JSON, so no node or choice text (a choice may be any string) can pass for another prefix. Whether
  // an input has a time decides whether its transcript steps have one (and where the key sits).
  const parts: unknown[] = [runbookId];
  for (let i = 0; i < n; i++) {
    const x = inputs[i];
    parts.push(x.kind === 'choice' ? [x.node, x.choice, Boolean(x.at)] : [x.node, Boolean(x.at)]);
  }
  return JSON.stringify(parts);
}

function remember(memo: Map<string, PrefixState>, key: string, w: Work, ends: number[]): void {
  if (memo.size >= PREFIX_MEMO_MAX) memo.clear();
  // Step t was made by input i when ends[i] <= t < ends[i + 1]; before ends[0], by the start.
  const by = w.transcript.map((_, t) => ends.findIndex((end) => t < end) - 1);
  memo.set(key, {
    length: ends.length - 1,
    runbookId: w.runbook.id,
    nodeId: w.nodeId,
    answerFacts: { ...w.answerFacts },
    supports: [...w.extra.supports].map(([k, v]) => [k, [...v]]),
    rulesOut: [...w.extra.rulesOut].map(([k, v]) => [k, [...v]]),
    concluded: [...w.extra.concluded],
    candidateIds: [...w.candidateIds],
    candidates: w.candidates,
    transcript: w.transcript.map((t) => ({ ...t })),
    by,
    rev: w.rev,
  });
}

/** A session's own copy of a prefix state, with the times of its own inputs. */
function restore(data: EngineData, startRunbook: string, p: PrefixState, inputs: SessionInput[]): Work {
  return {
    data,
    runbook: data.runbooks.get(p.runbookId)!,
    nodeId: p.nodeId,
    readings: [],
    nodeReadings: [],
    answerFacts: { ...p.answerFacts },
    extra: {
      supports: new Map(p.supports.map(([k, v]) => [k, [...v]])),
      rulesOut: new Map(p.rulesOut.map(([k, v]) => [k, [...v]])),
      concluded: new Map(p.concluded),
    },
    candidateIds: [...p.candidateIds],
    candidates: p.candidates,
    // The same inputs had times (or not) in the session that made the steps, so only the values change.
    transcript: p.transcript.map((t, i) => (t.at !== undefined && p.by[i] >= 0 ? { ...t, at: inputs[p.by[i]].at } : { ...t })),
    startRunbook,
    rev: p.rev,
  };
}

/**
 * Validate one more input against a state's inputs (the append guard used by every adapter).
 * @param data runbooks and cases
 * @param runbookId the session's runbook
 * @param inputs the inputs so far
 * @param input the new input
 * @returns the new state, or why the input cannot apply
 */
export function appendInput(data: EngineData, runbookId: string, inputs: SessionInput[], input: SessionInput): SessionState | InputError {
  const r = replay(data, runbookId, [...inputs, input]);
  if ('code' in r) {
    const { index, ...err } = r as InputError & { index?: number };
    void index;
    return err;
  }
  return r;
}

/**
 * True when a replay result is an error.
 * @param r a replay result
 * @returns whether it is an InputError
 */
export function isInputError(r: SessionState | InputError): r is InputError {
  return 'code' in r && 'message' in r && !('current' in r);
}
