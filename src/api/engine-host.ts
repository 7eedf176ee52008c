/**
 * The session engine host: everything the API computes for a session (replay,
 * answer, back, the JSON view, the evidence trail), with a cache of rendered
 * sessions, and nothing that touches storage or HTTP.
 *
 * It runs either in the server's own thread ({@link inlineEngine}) or in
 * worker threads (`engine-pool.ts`), so parsing pastes and ranking causes do
 * not hold up the event loop that answers other requests. Requests and replies
 * are plain data (structured-cloneable); views travel as JSON text.
 *
 * Cache rules: a view is cached per `(session, version)`, and a version names
 * one immutable log prefix. A state computed for a write (answer, back, start)
 * is only *pending* until the caller reports whether the store took the write
 * (`settle`): a write that lost a race must never be cached as the new version.
 */
import { appendInput, isInputError, replay, type EngineData, type SessionInput, type SessionState } from '../core/engine/session.js';
import { readingFactCount } from '../core/engine/evidence.js';
import { evidenceTrail, trailMarkdown, type EvidenceTrail } from '../core/engine/summary.js';
import { DEFAULT_CACHE_BYTES, DEFAULT_CACHE_SIZE } from './defaults.js';
import type { ErrorCode } from './errors.js';
import type { AnswerBody, SessionView } from './schemas.js';
import type { SessionMeta, SessionProgress } from './store.js';

/** What the host needs to know of a stored session (its log only when the host has no state for this version). */
interface SessionRef {
  meta: SessionMeta;
  /** The effective inputs at `meta.version`; omitted when the caller expects the host to have them cached. */
  inputs?: SessionInput[];
}

/** A request to the host. `token` identifies a pending write state until it is settled. */
export type EngineRequest =
  | { op: 'start'; token: number; meta: SessionMeta; alternatives?: { id: string; title: string; score: number }[] }
  | ({ op: 'view' } & SessionRef)
  | ({ op: 'answer'; token: number; input: SessionInput } & SessionRef)
  | ({ op: 'back'; token: number; at: string } & SessionRef)
  | ({ op: 'summary'; markdown: boolean } & SessionRef)
  | { op: 'settle'; token: number; id: string; version: number; ok: boolean };

/** An error the host reports; the API turns it into its JSON error (a 409 carries the current view). */
export interface EngineError {
  code: ErrorCode;
  message: string;
  field?: string;
  /** The session's current view as JSON, for conflicts. */
  session?: string;
  /** For an unexpected failure: what to log (never sent to the client). */
  detail?: string;
}

const utf8 = new TextEncoder();
const text = new TextDecoder();

/** A stored session that the installed runbooks cannot replay any more. */
class ReplayError extends Error {}

/** What the client is told about a session that no longer replays (`unreplayable`). */
function unreplayable(id: string, why: string): string {
  return `session ${id} no longer replays over the installed runbooks (they changed since it was recorded: ${why}); start a new session with POST /v1/sessions`;
}

/** A reply of the host. */
export type EngineReply =
  /** A view as JSON: UTF-8 bytes (as rendered and cached), or text when made for this reply only. */
  | { ok: true; json: string | Uint8Array; progress: SessionProgress }
  | { ok: true; trail: EvidenceTrail; markdown?: string }
  | { ok: true; settled: true }
  | { ok: false; miss: true }
  | { ok: false; error: EngineError };

/**
 * A session at one version as the host keeps it: its inputs and its rendered view, not the
 * replayed state's object graph (a flat string is far cheaper to keep for the garbage collector,
 * and a read needs nothing else). A step replays from the inputs anyway.
 */
interface Cached {
  version: number;
  inputs: SessionInput[];
  /**
   * The view as UTF-8 bytes: outside the JavaScript heap, so a cache of them costs the garbage
   * collector almost nothing, and they are what the socket writes. Never mutated once made.
   */
  json: Uint8Array;
  /** The `updatedAt` the view was rendered with. */
  updatedAt: string;
  /** The runbook and node the session is at. */
  runbook: string;
  node: string;
  /** What it holds, for the cache's bound: the characters of its pasted outputs plus the bytes of its view. */
  size: number;
}

/**
 * The session input an answer makes (what the store appends and the engine applies).
 * @param body the answer as sent
 * @param at when it arrived (ISO time)
 * @returns the input
 */
export function answerInput(body: AnswerBody, at: string): SessionInput {
  if (body.output !== undefined) {
    return { kind: 'output', node: body.node, output: body.output, ...(body.command ? { command: body.command } : {}), ...(body.takenAt ? { takenAt: body.takenAt } : {}), at };
  }
  return body.skip ? { kind: 'skip', node: body.node, at } : { kind: 'choice', node: body.node, choice: body.choice!, at };
}

/**
 * The progress columns a store keeps for a state.
 * @param state the replayed state
 * @param steps its effective inputs
 * @returns the columns
 */
export function progressOf(state: SessionState, steps: number): SessionProgress {
  return {
    runbook: state.runbook,
    node: state.current.node,
    finished: state.finished,
    conclusion: state.current.type === 'conclude' ? state.current.cases : [],
    steps,
  };
}

/** Sessions' engine work with a bounded cache of rendered sessions. */
export class EngineHost {
  private readonly cache = new Map<string, Cached>();
  private readonly pending = new Map<number, { id: string } & Cached>();
  /** The sum of the cached sessions' sizes. */
  private cachedSize = 0;

  /**
   * @param data the engine's view of the project
   * @param cacheSize sessions whose inputs and rendered view are kept (0 disables the cache)
   * @param cacheBytes what they may hold at most: pasted output (two bytes a character) plus bytes of views
   */
  constructor(
    private readonly data: EngineData,
    private readonly cacheSize = DEFAULT_CACHE_SIZE,
    private readonly cacheBytes = DEFAULT_CACHE_BYTES,
  ) {}

  /**
   * Handle one request. Never throws: failures come back as `{ ok: false, error }`.
   * @param req the request
   * @returns the reply
   */
  handle(req: EngineRequest): EngineReply {
    try {
      switch (req.op) {
        case 'start':
          return this.start(req);
        case 'view': {
          const c = this.entry(req);
          return c ? { ok: true, json: c.json, progress: req.meta.progress } : { ok: false, miss: true };
        }
        case 'answer':
          return this.answer(req);
        case 'back':
          return this.back(req);
        case 'summary': {
          const c = this.entry(req);
          if (!c) return { ok: false, miss: true };
          const trail = evidenceTrail(this.replayed(req.meta, c.inputs), this.data);
          return req.markdown ? { ok: true, trail, markdown: trailMarkdown(trail) } : { ok: true, trail };
        }
        case 'settle':
          return this.settle(req);
      }
    } catch (e) {
      // A session that no longer replays is the user's to know; anything else stays in the server's log.
      if (e instanceof ReplayError) return { ok: false, error: { code: 'unreplayable', message: e.message } };
      return { ok: false, error: { code: 'internal', message: 'the engine failed', detail: (e as Error)?.stack ?? String(e) } };
    }
  }

  private remember(id: string, c: Cached): void {
    if (this.cacheSize <= 0) return;
    this.forget(id);
    // A session bigger than the whole bound is not kept (nor does it push the others out).
    if (c.size > this.cacheBytes) return;
    this.cache.set(id, c);
    this.cachedSize += c.size;
    // Oldest out, by count and by size.
    while (this.cache.size > this.cacheSize || this.cachedSize > this.cacheBytes) this.forget(this.cache.keys().next().value as string);
  }

  private forget(id: string): void {
    const old = this.cache.get(id);
    if (!old) return;
    this.cache.delete(id);
    this.cachedSize -= old.size;
  }

  private replayed(meta: SessionMeta, inputs: SessionInput[]): SessionState {
    const state = replay(this.data, meta.runbook, inputs);
    if (isInputError(state)) {
      throw new ReplayError(unreplayable(meta.id, state.message));
    }
    return state;
  }

  private cached(meta: SessionMeta, inputs: SessionInput[], state: SessionState): Cached {
    const json = utf8.encode(JSON.stringify(this.view(meta, state, inputs.length)));
    let size = json.byteLength;
    // Two bytes a character: V8 keeps a string in one byte a character only while all of it is
    // Latin-1, so this bounds what the pastes can take whatever their text.
    for (const i of inputs) if (i.kind === 'output') size += 2 * i.output.length;
    return { version: meta.version, inputs, json, updatedAt: meta.updatedAt, runbook: state.runbook, node: state.current.node, size };
  }

  /**
   * The inputs at the stored version: from the cache (without rendering anything), else as given;
   * undefined when neither.
   */
  private inputsOf(ref: SessionRef): SessionInput[] | undefined {
    const hit = this.cache.get(ref.meta.id);
    return hit && hit.version === ref.meta.version ? hit.inputs : ref.inputs;
  }

  /** The session at the stored version: cached, or replayed from the inputs given; undefined when neither. */
  private entry(ref: SessionRef): Cached | undefined {
    const hit = this.cache.get(ref.meta.id);
    let inputs = ref.inputs;
    if (hit && hit.version === ref.meta.version) {
      if (hit.updatedAt === ref.meta.updatedAt) return hit;
      inputs = hit.inputs;
    }
    if (!inputs) return undefined;
    const c = this.cached(ref.meta, inputs, this.replayed(ref.meta, inputs));
    // A read that raced behind a write must not push the newer cached version out.
    if (!hit || hit.version <= ref.meta.version) this.remember(ref.meta.id, c);
    return c;
  }

  private conflict(c: Cached, code: 'wrong-node' | 'finished', message: string): EngineReply {
    return { ok: false, error: { code, message, session: text.decode(c.json) } };
  }

  private start(req: Extract<EngineRequest, { op: 'start' }>): EngineReply {
    const state = replay(this.data, req.meta.runbook, []);
    if (isInputError(state)) return { ok: false, error: { code: 'not-found', message: state.message } };
    const c = this.cached(req.meta, [], state);
    this.pending.set(req.token, { id: req.meta.id, ...c });
    // The other runbooks that matched go in this reply only, not in the cached view (the view is an object: append a member).
    const json = req.alternatives ? `${text.decode(c.json).slice(0, -1)},"alternatives":${JSON.stringify(req.alternatives)}}` : c.json;
    return { ok: true, json, progress: progressOf(state, 0) };
  }

  /**
   * An answer is one replay of the inputs and the new one. The state before it is only replayed
   * and rendered when the answer does not apply (to tell an unknown node from a stale one, and to
   * send the current view with a conflict).
   */
  private answer(req: Extract<EngineRequest, { op: 'answer' }>): EngineReply {
    const inputs = this.inputsOf(req);
    if (!inputs) return { ok: false, miss: true };
    const { input } = req;
    const next = appendInput(this.data, req.meta.runbook, inputs, input);
    if (!isInputError(next)) return this.written(req, [...inputs, input], next, input.at ?? new Date().toISOString());
    const c = this.entry(req)!;
    if (!this.data.runbooks.get(c.runbook)?.nodes[input.node]) {
      return {
        ok: false,
        error: { code: 'unknown-node', message: `"${input.node}" is not a node of runbook "${c.runbook}"; answer current.node ("${c.node}")`, field: 'body.node' },
      };
    }
    if (next.code === 'wrong-node' || next.code === 'finished') return this.conflict(c, next.code, next.message);
    const field = next.code === 'bad-choice' ? (input.kind === 'choice' ? 'body.choice' : input.kind === 'skip' ? 'body.skip' : 'body.output') : 'body.output';
    const code: ErrorCode = next.code === 'empty-output' ? 'empty-output' : next.code === 'bad-choice' ? 'bad-choice' : 'invalid-request';
    return { ok: false, error: { code, message: next.message, field } };
  }

  private back(req: Extract<EngineRequest, { op: 'back' }>): EngineReply {
    const all = this.inputsOf(req);
    if (!all) return { ok: false, miss: true };
    if (all.length === 0) return { ok: false, error: { code: 'nothing-to-undo', message: 'the session has no answer to undo', field: 'body.version' } };
    const inputs = all.slice(0, -1);
    const prev = replay(this.data, req.meta.runbook, inputs);
    if (isInputError(prev)) return { ok: false, error: { code: 'unreplayable', message: unreplayable(req.meta.id, prev.message) } };
    return this.written(req, inputs, prev, req.at);
  }

  /** A view of the next version, pending until the store's write is settled. */
  private written(req: SessionRef & { token: number }, inputs: SessionInput[], state: SessionState, at: string): EngineReply {
    const progress = progressOf(state, inputs.length);
    const meta: SessionMeta = { ...req.meta, version: req.meta.version + 1, updatedAt: at, progress };
    const c = this.cached(meta, inputs, state);
    this.pending.set(req.token, { id: req.meta.id, ...c });
    return { ok: true, json: c.json, progress };
  }

  private settle(req: Extract<EngineRequest, { op: 'settle' }>): EngineReply {
    const p = this.pending.get(req.token);
    this.pending.delete(req.token);
    if (p && req.ok && p.id === req.id && p.version === req.version) {
      const { id, ...c } = p;
      this.remember(id, c);
    }
    return { ok: true, settled: true };
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
          ? { ...t, readings: t.readings.map((r) => ({ command: r.command, parser: r.parser, confidence: r.confidence, factCount: readingFactCount(r), warnings: r.warnings })) }
          : t,
      ) as SessionView['transcript'],
      facts: state.facts,
      deltas: state.deltas as SessionView['deltas'],
      conclusion,
    };
  }
}
