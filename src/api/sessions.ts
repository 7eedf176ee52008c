/**
 * Sessions over HTTP: the store's event log, guarded by the version the client
 * saw, and the engine ({@link EngineHost}, in this thread or in workers) that
 * replays it with the same core functions as the CLI (`replay`, `appendInput`).
 * This class does storage and concurrency; the engine computes and renders.
 *
 * A write goes: read the session row, have the engine compute the next state
 * (from its cached state for this version, or from the log), append the event
 * with the version as guard, then tell the engine whether the write landed so
 * it caches the new state only when it did.
 */
import { randomUUID } from 'node:crypto';
import type { SessionInput } from '../core/engine/session.js';
import type { EvidenceTrail } from '../core/engine/summary.js';
import type { Project } from '../core/project.js';
import { fallbackRunbook, matchRunbooks } from '../node/search.js';
import { DEFAULT_CACHE_SIZE } from './defaults.js';
import { answerInput, type EngineError, type EngineReply, type EngineRequest } from './engine-host.js';
import { EngineUnavailable, type EngineClient } from './engine-pool.js';
import { ApiError } from './errors.js';
import type { AnswerBody } from './schemas.js';
import { JsonText } from './serialize.js';
import { effectiveInputs, type SessionMeta, type SessionRecord, type SessionStore, type WriteResult } from './store.js';

type Rendered = Extract<EngineReply, { json: unknown }>;

/** A view's JSON as an object (for the body of a 409). */
function parsed(json: string | Uint8Array): unknown {
  return JSON.parse(new JsonText(json).text());
}

/** What a client is told when a session's log is at its bound. */
function fullMessage(id: string, w: Extract<WriteResult, { reason: 'full' }>): string {
  const start = 'start a new session (POST /v1/sessions) to go on; here is the current state';
  if (w.limit === 'events') return `session "${id}" is full: its log has ${w.used} events, the most a session keeps; ${start}`;
  const size = (n: number) => (n < 10_240 ? `${n} bytes` : n < 1024 * 1024 ? `${Math.round(n / 1024)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);
  return `session "${id}" is full: this answer would take its log past ${size(w.max)} (it holds ${size(w.used)}); paste only the lines the step asks for, or ${start}`;
}

/** Sessions for the routes: create, read, answer, go back, summarize. */
export class SessionService {
  private token = 0;
  /** Sessions whose state at a version the engine reported caching: their log need not be sent. */
  private readonly engineHas = new Map<string, number>();

  /**
   * @param store where sessions live
   * @param project the loaded project (for matching symptoms to runbooks)
   * @param engine where the engine runs
   * @param hintSize sessions remembered as cached by the engine (its cache size)
   */
  constructor(
    private readonly store: SessionStore,
    private readonly project: Project,
    private readonly engine: EngineClient,
    private readonly hintSize = DEFAULT_CACHE_SIZE,
  ) {}

  private hint(id: string, version: number): void {
    // Never step back: a slow read of an older version does not undo the hint of a newer write.
    if ((this.engineHas.get(id) ?? -1) > version) return;
    this.engineHas.delete(id);
    this.engineHas.set(id, version);
    if (this.engineHas.size > this.hintSize) this.engineHas.delete(this.engineHas.keys().next().value as string);
  }

  /**
   * A session as the next engine call needs it: only its row when the engine should have its
   * state cached, else the row with its log in one read.
   */
  private async read(id: string): Promise<{ meta: SessionMeta; rec?: SessionRecord }> {
    const v = this.engineHas.get(id);
    if (v !== undefined) {
      const meta = await this.store.getMeta(id);
      if (!meta) throw new ApiError('not-found', `no session "${id}"`);
      if (meta.version === v) return { meta };
    }
    const rec = await this.load(id);
    return { meta: rec, rec };
  }

  private async load(id: string): Promise<SessionRecord> {
    const rec = await this.store.get(id);
    if (!rec) throw new ApiError('not-found', `no session "${id}"`);
    return rec;
  }

  private async run(req: EngineRequest): Promise<EngineReply> {
    try {
      return await this.engine.call(req);
    } catch (e) {
      if (e instanceof EngineUnavailable) throw new ApiError('unavailable', e.message, e.retryAfterMs === undefined ? {} : { retryAfterMs: e.retryAfterMs });
      throw e;
    }
  }

  /**
   * Run a request that needs the session's state at `meta.version`: without the log when the
   * engine should have it cached, with it (read from the store) when not or when the engine misses.
   * If the session moved meanwhile, a write (`follow` false) is a conflict; a read follows it.
   * @returns the reply and the session it was computed for
   */
  private async withState(
    meta: SessionMeta,
    make: (meta: SessionMeta, inputs?: SessionInput[]) => EngineRequest,
    rec?: SessionRecord,
    follow = false,
  ): Promise<{ r: Exclude<EngineReply, { miss: true }>; meta: SessionMeta }> {
    if (!rec && this.engineHas.get(meta.id) === meta.version) {
      const r = await this.run(make(meta));
      if (!('miss' in r)) return { r, meta };
    }
    const full = rec ?? (await this.load(meta.id));
    if (full.version !== meta.version && !follow) {
      // The session moved between the two reads: someone else wrote first.
      throw await this.conflict(full, full, (v) => `the session moved to version ${v} while this request was being applied; here is the current state`);
    }
    const r = await this.run(make(full, effectiveInputs(full.events)));
    if ('miss' in r) throw new ApiError('internal', 'the engine did not take the session log');
    return { r, meta: full };
  }

  private fail(e: EngineError): Error {
    // An unexpected engine failure: a plain error, so the API logs it and answers a generic 500.
    if (e.detail) return new Error(`engine: ${e.detail}`);
    const body = e.session ? { body: { session: JSON.parse(e.session) as unknown } } : {};
    return new ApiError(e.code, e.message, { ...(e.field ? { field: e.field } : {}), ...body });
  }

  private rendered(r: EngineReply): Rendered {
    if ('miss' in r) throw new ApiError('internal', 'the engine has no state for this session');
    if (!r.ok) throw this.fail(r.error);
    if (!('json' in r)) throw new ApiError('internal', 'the engine answered with something else than a session');
    return r;
  }

  /**
   * A 409 with the session as it is now: rendered by the engine from its cache when it should
   * have this version, else from the log, read at most once (`rec` when the caller has read it).
   * @param message the message, given the version the body shows
   */
  private async conflict(
    meta: SessionMeta,
    rec: SessionRecord | undefined,
    message: (version: number) => string,
    code: 'version-conflict' | 'session-full' = 'version-conflict',
  ): Promise<ApiError> {
    const done = await this.withState(meta, (m, inputs) => ({ op: 'view', meta: m, ...(inputs ? { inputs } : {}) }), rec, true);
    const v = this.rendered(done.r);
    this.hint(meta.id, done.meta.version);
    return new ApiError(code, message(done.meta.version), { body: { session: parsed(v.json) } });
  }

  /**
   * Start a session from a runbook id or a symptom.
   * @param body `{ runbook }` or `{ symptom }`, and an optional `externalRef`
   * @returns the new session's id and view
   */
  async create(body: { runbook?: string; symptom?: string; externalRef?: string }): Promise<{ id: string; view: JsonText }> {
    let runbookId = body.runbook;
    let alternatives: { id: string; title: string; score: number }[] | undefined;
    if (runbookId) {
      if (!this.project.runbooks.some((r) => r.id === runbookId)) throw new ApiError('not-found', `no runbook "${runbookId}"; GET /v1/runbooks lists them`, { field: 'body.runbook' });
    } else {
      const matches = matchRunbooks(this.project, body.symptom ?? '');
      // Same choice as `runbook start "<symptom>"`: the best match, else triage, else the first runbook.
      runbookId = matches[0]?.id ?? fallbackRunbook(this.project);
      if (!runbookId) throw new ApiError('not-found', 'no runbooks are installed');
      alternatives = matches.slice(1, 4).map((m) => ({ id: m.id, title: m.title, score: m.score }));
    }
    const createdAt = new Date().toISOString();
    const id = randomUUID();
    const draft: SessionMeta = {
      id,
      runbook: runbookId,
      ...(body.symptom ? { symptom: body.symptom } : {}),
      ...(body.externalRef ? { externalRef: body.externalRef } : {}),
      createdAt,
      updatedAt: createdAt,
      version: 0,
      progress: { runbook: runbookId, node: '', finished: false, conclusion: [], steps: 0 },
    };
    const token = ++this.token;
    const r = this.rendered(await this.run({ op: 'start', token, meta: draft, ...(alternatives ? { alternatives } : {}) }));
    let ok = false;
    try {
      await this.store.create({
        id,
        runbook: runbookId,
        ...(body.symptom ? { symptom: body.symptom } : {}),
        ...(body.externalRef ? { externalRef: body.externalRef } : {}),
        createdAt,
        progress: r.progress,
      });
      ok = true;
    } finally {
      this.engine.settle({ op: 'settle', token, id, version: 0, ok });
    }
    this.hint(id, 0);
    return { id, view: new JsonText(r.json) };
  }

  /**
   * Read a session.
   * @param id the session id
   * @returns its view
   */
  async get(id: string): Promise<JsonText> {
    const { meta, rec } = await this.read(id);
    const done = await this.withState(meta, (m, inputs) => ({ op: 'view', meta: m, ...(inputs ? { inputs } : {}) }), rec, true);
    const r = this.rendered(done.r);
    this.hint(id, done.meta.version);
    return new JsonText(r.json);
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

  /** The 409 for a request made against an older version than the session's (`meta`, and `rec` when its log was read). */
  private staleVersion(meta: SessionMeta, rec: SessionRecord | undefined, seen: number, what: string): Promise<ApiError> {
    return this.conflict(meta, rec, (v) => `the session is at version ${v}, not ${seen}: ${what}; here is the current state`);
  }

  /** Append the event the engine computed; tell the engine whether it landed. */
  private async write(meta: SessionMeta, token: number, r: Rendered, event: SessionInput | { kind: 'back'; at: string }): Promise<JsonText> {
    let ok = false;
    let w: Awaited<ReturnType<SessionStore['append']>> | undefined;
    try {
      w = await this.store.append(meta.id, meta.version, event, r.progress);
      ok = w.ok;
    } finally {
      this.engine.settle({ op: 'settle', token, id: meta.id, version: meta.version + 1, ok });
    }
    if (!w.ok) {
      if (w.reason === 'not-found') throw new ApiError('not-found', `no session "${meta.id}"`);
      if (w.reason === 'full') {
        const message = fullMessage(meta.id, w);
        throw await this.conflict(meta, undefined, () => message, 'session-full');
      }
      // Lost the race inside the store: answer with the state that won.
      const now = await this.store.getMeta(meta.id);
      if (!now) throw new ApiError('not-found', `no session "${meta.id}"`);
      throw await this.conflict(now, undefined, (v) => `the session moved to version ${v} while this answer was being applied; here is the current state`);
    }
    this.hint(meta.id, meta.version + 1);
    return new JsonText(r.json);
  }

  /**
   * Answer the current step, if the session is still at the version the client saw.
   * @param id the session id
   * @param body the answer
   * @returns the new view
   */
  async answer(id: string, body: AnswerBody): Promise<JsonText> {
    const { meta, rec } = await this.read(id);
    if (body.version !== meta.version) throw await this.staleVersion(meta, rec, body.version, 'someone else answered first');
    const token = ++this.token;
    const at = new Date().toISOString();
    // The input is made here, once: the engine applies it and the store appends the same object.
    const input = answerInput(body, at);
    const { r } = await this.withState(meta, (m, inputs) => ({ op: 'answer', token, input, meta: m, ...(inputs ? { inputs } : {}) }), rec);
    if (!r.ok && (r.error.code === 'wrong-node' || r.error.code === 'finished')) this.hint(id, meta.version);
    return this.write(meta, token, this.rendered(r), input);
  }

  /**
   * Undo the last answer, if the session is still at the version the client saw.
   * @param id the session id
   * @param version the version the client saw
   * @returns the new view
   */
  async back(id: string, version: number): Promise<JsonText> {
    const { meta, rec } = await this.read(id);
    if (version !== meta.version) throw await this.staleVersion(meta, rec, version, 'it changed since you looked');
    const token = ++this.token;
    const at = new Date().toISOString();
    const { r } = await this.withState(meta, (m, inputs) => ({ op: 'back', token, at, meta: m, ...(inputs ? { inputs } : {}) }), rec);
    return this.write(meta, token, this.rendered(r), { kind: 'back', at });
  }

  /**
   * The evidence trail of a session.
   * @param id the session id
   * @param markdown also render it as markdown
   * @returns the trail and, when asked, its markdown
   */
  async summary(id: string, markdown: boolean): Promise<{ trail: EvidenceTrail; markdown?: string }> {
    const { meta, rec } = await this.read(id);
    const done = await this.withState(meta, (m, inputs) => ({ op: 'summary', meta: m, markdown, ...(inputs ? { inputs } : {}) }), rec, true);
    const r = done.r;
    if (!r.ok) throw this.fail(r.error);
    if (!('trail' in r)) throw new ApiError('internal', 'the engine answered with something else than a summary');
    this.hint(id, done.meta.version);
    return { trail: r.trail, ...(r.markdown !== undefined ? { markdown: r.markdown } : {}) };
  }
}
