/**
 * Sessions over HTTP: the store's event log replayed by the core engine
 * (`replay`, `appendInput`), guarded by the version the client saw. The API
 * never computes a state itself: it calls the same functions as the CLI.
 *
 * Replayed states are cached per `(session, version)`: a version names one
 * immutable log prefix, so a cached state is correct on any node.
 */
import { randomUUID } from 'node:crypto';
import { appendInput, isInputError, replay, type EngineData, type SessionInput, type SessionState } from '../core/engine/session.js';
import { evidenceTrail, trailMarkdown, type EvidenceTrail } from '../core/engine/summary.js';
import type { Project } from '../core/project.js';
import { fallbackRunbook, matchRunbooks } from '../node/search.js';
import { ApiError } from './errors.js';
import type { AnswerBody, SessionView } from './schemas.js';
import { effectiveInputs, type SessionMeta, type SessionProgress, type SessionRecord, type SessionStore } from './store.js';

interface Cached {
  version: number;
  inputs: SessionInput[];
  state: SessionState;
}

/** The progress columns a store keeps for a state. */
function progressOf(state: SessionState, steps: number): SessionProgress {
  return {
    runbook: state.runbook,
    node: state.current.node,
    finished: state.finished,
    conclusion: state.current.type === 'conclude' ? state.current.cases : [],
    steps,
  };
}

/** Sessions for the routes: create, read, answer, go back, summarize. */
export class SessionService {
  private readonly cache = new Map<string, Cached>();

  /**
   * @param store where sessions live
   * @param project the loaded project (for matching symptoms to runbooks)
   * @param data the engine's view of the project
   * @param cacheSize replayed states kept in memory (0 disables the cache)
   */
  constructor(
    private readonly store: SessionStore,
    private readonly project: Project,
    private readonly data: EngineData,
    private readonly cacheSize = 10_000,
  ) {}

  private remember(id: string, c: Cached): void {
    if (this.cacheSize <= 0) return;
    this.cache.delete(id);
    this.cache.set(id, c);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
  }

  /** The cached state of a session at its stored version, if any. */
  private fresh(rec: SessionMeta): Cached | undefined {
    const hit = this.cache.get(rec.id);
    return hit && hit.version === rec.version ? hit : undefined;
  }

  /** Replay a stored session (or take its cached state). */
  private stateOf(rec: SessionRecord): Cached {
    const hit = this.fresh(rec);
    if (hit) return hit;
    const inputs = effectiveInputs(rec.events);
    const state = replay(this.data, rec.runbook, inputs);
    if (isInputError(state)) {
      throw new ApiError('internal', `session ${rec.id} no longer replays over the installed runbooks (${state.message}); start a new session`);
    }
    const c = { version: rec.version, inputs, state };
    this.remember(rec.id, c);
    return c;
  }

  private async load(id: string): Promise<SessionRecord> {
    const rec = await this.store.get(id);
    if (!rec) throw new ApiError('not-found', `no session "${id}"`);
    return rec;
  }

  /**
   * The JSON view of a session.
   * @param meta the stored session
   * @param state its replayed state
   * @param steps its effective inputs
   * @returns the view
   */
  view(meta: SessionMeta, state: SessionState, steps: number): SessionView {
    let conclusion: SessionView['conclusion'] = null;
    if (state.finished) {
      const t = evidenceTrail(state, this.data);
      if (t.conclusion) {
        conclusion = {
          ...(t.conclusion.confidence ? { confidence: t.conclusion.confidence } : {}),
          ...(t.conclusion.message ? { message: t.conclusion.message } : {}),
          cases: t.conclusion.cases,
          fix: t.fix,
        };
      }
    }
    return {
      id: meta.id,
      runbook: meta.runbook,
      currentRunbook: state.runbook,
      ...(meta.symptom ? { symptom: meta.symptom } : {}),
      ...(meta.externalRef ? { externalRef: meta.externalRef } : {}),
      createdAt: meta.createdAt,
      updatedAt: meta.updatedAt,
      version: meta.version,
      steps,
      finished: state.finished,
      current: state.current as SessionView['current'],
      candidates: state.candidates.map(({ id, title, score, status, why }) => ({ id, title, score, status, why })),
      transcript: state.transcript.map((t) =>
        t.readings
          ? { ...t, readings: t.readings.map((r) => ({ command: r.command, parser: r.parser, confidence: r.confidence, factCount: Object.keys(r.facts).length, warnings: r.warnings })) }
          : t,
      ) as SessionView['transcript'],
      facts: state.facts,
      deltas: state.deltas as SessionView['deltas'],
      conclusion,
    };
  }

  /**
   * Start a session from a runbook id or a symptom.
   * @param body `{ runbook }` or `{ symptom }`, and an optional `externalRef`
   * @returns the new session's view
   */
  async create(body: { runbook?: string; symptom?: string; externalRef?: string }): Promise<SessionView> {
    let runbookId = body.runbook;
    let alternatives: { id: string; title: string; score: number }[] | undefined;
    if (runbookId) {
      if (!this.data.runbooks.has(runbookId)) throw new ApiError('not-found', `no runbook "${runbookId}"; GET /v1/runbooks lists them`, { field: 'body.runbook' });
    } else {
      const matches = matchRunbooks(this.project, body.symptom ?? '');
      // Same choice as `runbook start "<symptom>"`: the best match, else triage, else the first runbook.
      runbookId = matches[0]?.id ?? fallbackRunbook(this.project);
      if (!runbookId) throw new ApiError('not-found', 'no runbooks are installed');
      alternatives = matches.slice(1, 4).map((m) => ({ id: m.id, title: m.title, score: m.score }));
    }
    const state = replay(this.data, runbookId, []);
    if (isInputError(state)) throw new ApiError('not-found', state.message);
    const meta = await this.store.create({
      id: randomUUID(),
      runbook: runbookId,
      ...(body.symptom ? { symptom: body.symptom } : {}),
      ...(body.externalRef ? { externalRef: body.externalRef } : {}),
      createdAt: new Date().toISOString(),
      progress: progressOf(state, 0),
    });
    this.remember(meta.id, { version: 0, inputs: [], state });
    const v = this.view(meta, state, 0);
    return alternatives ? { ...v, alternatives } : v;
  }

  /**
   * Read a session.
   * @param id the session id
   * @returns its view
   */
  async get(id: string): Promise<SessionView> {
    const rec = await this.load(id);
    const c = this.stateOf(rec);
    return this.view(rec, c.state, c.inputs.length);
  }

  /**
   * Sessions of a ticket.
   * @param externalRef the ticket id (all sessions when undefined)
   * @param limit most returned
   * @returns sessions, newest first
   */
  async list(externalRef: string | undefined, limit: number) {
    const rows = await this.store.list(externalRef, limit);
    return rows.map((m) => ({
      id: m.id,
      runbook: m.runbook,
      ...(m.symptom ? { symptom: m.symptom } : {}),
      ...(m.externalRef ? { externalRef: m.externalRef } : {}),
      createdAt: m.createdAt,
      updatedAt: m.updatedAt,
      version: m.version,
      finished: m.progress.finished,
      node: m.progress.node,
      currentRunbook: m.progress.runbook,
      conclusion: m.progress.conclusion,
    }));
  }

  private conflict(rec: SessionRecord, c: Cached, message: string, code: 'version-conflict' | 'wrong-node' | 'finished' = 'version-conflict'): ApiError {
    return new ApiError(code, message, { body: { session: this.view(rec, c.state, c.inputs.length) } });
  }

  /**
   * Answer the current step, if the session is still at the version the client saw.
   * @param id the session id
   * @param body the answer
   * @returns the new view
   */
  async answer(id: string, body: AnswerBody): Promise<SessionView> {
    // The session row first; its log only when no replayed state is cached for its version.
    const meta = await this.store.getMeta(id);
    if (!meta) throw new ApiError('not-found', `no session "${id}"`);
    const hit = this.fresh(meta);
    const rec: SessionRecord = hit ? { ...meta, events: [] } : await this.load(id);
    if (body.version !== rec.version) {
      const full = hit ? await this.load(id) : rec;
      throw this.conflict(full, this.stateOf(full), `the session is at version ${full.version}, not ${body.version}: someone else answered first; here is the current state`);
    }
    // The happy path replays once (inside appendInput): the inputs come from the cached state or
    // the log, and the current runbook from the cached state or the progress stored with the last write.
    const inputs = hit?.inputs ?? effectiveInputs(rec.events);
    const runbookNow = hit?.state.runbook ?? rec.progress.runbook;
    if (!this.data.runbooks.get(runbookNow)?.nodes[body.node]) {
      const node = hit?.state.current.node ?? rec.progress.node;
      throw new ApiError('unknown-node', `"${body.node}" is not a node of runbook "${runbookNow}"; answer current.node ("${node}")`, { field: 'body.node' });
    }
    const at = new Date().toISOString();
    const input: SessionInput =
      body.output !== undefined
        ? { kind: 'output', node: body.node, output: body.output, ...(body.command ? { command: body.command } : {}), ...(body.takenAt ? { takenAt: body.takenAt } : {}), at }
        : body.skip
          ? { kind: 'skip', node: body.node, at }
          : { kind: 'choice', node: body.node, choice: body.choice!, at };
    const next = appendInput(this.data, rec.runbook, inputs, input);
    if (isInputError(next)) {
      if (next.code === 'wrong-node' || next.code === 'finished') throw this.conflict(rec, this.stateOf(rec), next.message, next.code);
      const field = next.code === 'bad-choice' ? (input.kind === 'choice' ? 'body.choice' : input.kind === 'skip' ? 'body.skip' : 'body.output') : 'body.output';
      throw new ApiError(next.code === 'empty-output' ? 'empty-output' : next.code === 'bad-choice' ? 'bad-choice' : 'invalid-request', next.message, { field });
    }
    const after = [...inputs, input];
    const w = await this.store.append(id, rec.version, input, progressOf(next, after.length));
    return this.afterWrite(id, w, after, next, rec);
  }

  /**
   * Undo the last answer, if the session is still at the version the client saw.
   * @param id the session id
   * @param version the version the client saw
   * @returns the new view
   */
  async back(id: string, version: number): Promise<SessionView> {
    const rec = await this.load(id);
    if (version !== rec.version) {
      throw this.conflict(rec, this.stateOf(rec), `the session is at version ${rec.version}, not ${version}: it changed since you looked; here is the current state`);
    }
    const current = this.fresh(rec)?.inputs ?? effectiveInputs(rec.events);
    if (current.length === 0) throw new ApiError('nothing-to-undo', 'the session has no answer to undo', { field: 'body.version' });
    const inputs = current.slice(0, -1);
    const prev = replay(this.data, rec.runbook, inputs);
    if (isInputError(prev)) throw new ApiError('internal', `going back does not replay: ${prev.message}`);
    const w = await this.store.pop(id, rec.version, progressOf(prev, inputs.length));
    return this.afterWrite(id, w, inputs, prev, rec);
  }

  private async afterWrite(id: string, w: Awaited<ReturnType<SessionStore['append']>>, inputs: SessionInput[], state: SessionState, rec: SessionRecord): Promise<SessionView> {
    if (!w.ok) {
      if (w.reason === 'not-found') throw new ApiError('not-found', `no session "${id}"`);
      // Lost the race inside the store: answer with the state that won.
      const now = await this.load(id);
      throw this.conflict(now, this.stateOf(now), `the session moved to version ${now.version} while this answer was being applied; here is the current state`);
    }
    const meta: SessionMeta = { ...rec, version: w.version, updatedAt: new Date().toISOString(), progress: progressOf(state, inputs.length) };
    this.remember(id, { version: w.version, inputs, state });
    return this.view(meta, state, inputs.length);
  }

  /**
   * The evidence trail of a session.
   * @param id the session id
   * @returns the trail and its markdown
   */
  async summary(id: string): Promise<{ trail: EvidenceTrail; markdown: () => string }> {
    const rec = await this.load(id);
    const c = this.stateOf(rec);
    const trail = evidenceTrail(c.state, this.data);
    return { trail, markdown: () => trailMarkdown(trail) };
  }
}
