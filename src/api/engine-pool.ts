/**
 * Where the session engine runs: in the server's thread ({@link inlineEngine})
 * or in worker threads ({@link WorkerEngine}).
 *
 * With workers, the event loop keeps to HTTP and storage while another core
 * reads pastes, replays sessions and renders views: a 1 MB paste no longer
 * delays every other ticket's request, and a 2-core machine uses both cores.
 * Requests for one session always go to the same worker (by a hash of its id),
 * so that worker's cache of rendered sessions stays warm, and a settle message
 * follows its write request on the same ordered channel.
 *
 * A request gets a deadline in a worker ({@link WorkerEngineOptions.timeoutMs}): a worker stuck on
 * one (a pathological paste) is stopped and replaced, and the requests queued behind it go to the
 * replacement. The engine in the server's thread ({@link inlineEngine}) cannot be interrupted.
 *
 * A worker that crashes or fails to load is replaced at once the first time, then with a growing
 * delay ({@link ENGINE_RESTART}) until one has stayed up for a while; meanwhile requests for its
 * sessions fail at once, and {@link EngineStatus.up} tells readiness checks whether any worker is up.
 *
 * A worker stopped at a deadline is replaced at once, however often it happens: delaying the slot
 * would let one client's pathological requests stall every session that hashes to it. The session
 * is held back instead: once its requests have run over the deadline twice in a row, it is refused
 * for a while (see {@link WorkerEngine.overrun}), so repeating a pathological request costs a worker
 * restart at most every so often, not each time.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { EngineData } from '../core/engine/session.js';
import { DEFAULT_ENGINE_TIMEOUT_MS, ENGINE_RESTART, MAX_DEFAULT_ENGINE_THREADS } from './defaults.js';
import { EngineHost, type EngineReply, type EngineRequest } from './engine-host.js';
import { workerExecArgv, workerScript } from './worker-script.js';

/** Runs engine requests somewhere. */
export interface EngineClient {
  /** Engine threads (0: the server's own thread). */
  readonly threads: number;
  /**
   * Run a request for a session.
   * @param req the request
   * @returns its reply (a rejected {@link EngineUnavailable} when a worker died under it or ran over its deadline)
   */
  call(req: EngineRequest): Promise<EngineReply>;
  /**
   * Report whether the store took a write (fire and forget).
   * @param req the settle request
   */
  settle(req: Extract<EngineRequest, { op: 'settle' }>): void;
  /**
   * What the engine is doing (readiness, tests).
   * @returns its threads, the workers up, requests in flight and restarts
   */
  status(): EngineStatus;
  /** Stop the workers. */
  close(): Promise<void>;
  /**
   * Also tell a listener when a worker fails or is replaced (an engine without workers has nothing to tell).
   * @param listener told each message, after the engine's own `onError`
   */
  onError?(listener: (message: string) => void): void;
}

/**
 * The engine in the calling thread.
 * @param data the engine's view of the project
 * @param cacheSize sessions whose rendered view is kept
 * @returns the client
 */
export function inlineEngine(data: EngineData, cacheSize?: number): EngineClient {
  const host = new EngineHost(data, cacheSize);
  return {
    threads: 0,
    call: async (req) => host.handle(req),
    settle: (req) => void host.handle(req),
    status: () => ({ threads: 0, up: 0, inFlight: 0, restarts: 0 }),
    close: async () => {},
  };
}

/**
 * A default number of engine threads: one core is left to the event loop, at most {@link MAX_DEFAULT_ENGINE_THREADS}.
 * @returns the count
 */
export function defaultEngineThreads(): number {
  return Math.max(1, Math.min(MAX_DEFAULT_ENGINE_THREADS, availableParallelism() - 1));
}

/** An engine worker died with requests in flight, ran over its deadline, or the pool is stopping. */
export class EngineUnavailable extends Error {
  /**
   * @param message what happened and what to do
   * @param retryAfterMs in how many ms a retry can find a worker (0: as soon as the replacement has
   *   loaded; none: do not retry here, the pool is stopping)
   */
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** What the engine is doing (readiness, tests). */
export interface EngineStatus {
  /** Worker threads (0: the engine runs in the server's thread, always up). */
  threads: number;
  /** Workers loaded and answering. */
  up: number;
  /** Requests sent to workers and not answered yet. */
  inFlight: number;
  /** Workers replaced so far (crashed, failed to load, or stopped at a deadline). */
  restarts: number;
  /** When no worker is up: how long until the soonest one is started again (0 while one is loading). */
  retryAfterMs?: number;
}

/** How failed workers are restarted (see {@link ENGINE_RESTART}). */
export type RestartPolicy = { -readonly [K in keyof typeof ENGINE_RESTART]: number };

interface Pending {
  req: EngineRequest;
  resolve: (r: EngineReply) => void;
  reject: (e: Error) => void;
}

/** A place in the pool: its worker (replaced when it fails) and the requests sent to it. */
interface Slot {
  /** None while a replacement waits to start. */
  worker: Worker | undefined;
  /** The worker has built its engine (it says so); until then requests wait in its queue. */
  ready: boolean;
  /** When the worker said it was ready. */
  readyAt?: number;
  /** Requests sent and not answered, oldest first: a worker answers in order. */
  pending: Map<number, Pending>;
  /**
   * When the clock of the slot's deadline started (performance.now()): the oldest pending request's
   * turn while the worker is ready, its loading before; none while idle. The pool's watchdog reads it.
   */
  since?: number;
  /** Failures in a row (crashes, failed starts), forgotten once a worker stays up long enough. */
  failures: number;
  /** The pending start of a replacement, and when it is due. */
  restart?: { timer: NodeJS.Timeout; at: number };
}

/** A session whose requests ran over the deadline (see {@link WorkerEngine.overrun}). */
interface Overrun {
  /** Deadlines in a row: each less than {@link RestartPolicy.healthyMs} after the one before. */
  strikes: number;
  /** When the last one happened (performance.now()). */
  at: number;
  /** Until when the session's requests are refused (performance.now()). */
  until: number;
}

/** Sessions remembered for their deadlines, at most (the oldest is forgotten first). */
const MAX_OVERRUNS = 1_000;

/** Options of {@link WorkerEngine}. */
export interface WorkerEngineOptions {
  /** Worker threads (default {@link defaultEngineThreads}). */
  threads?: number;
  /** Sessions whose rendered view each worker keeps. */
  cacheSize?: number;
  /**
   * How long a worker may work on one request, in ms (default {@link DEFAULT_ENGINE_TIMEOUT_MS}): the time
   * from when the request is the oldest one the worker has not answered. Past it, the request fails
   * with {@link EngineUnavailable}, the worker is stopped and replaced, and the requests queued behind
   * it go to the replacement. A session whose requests do so twice in a row is refused for a while.
   */
  timeoutMs?: number;
  /** Told when a worker fails or is replaced (more listeners: {@link WorkerEngine.onError}). */
  onError?: (message: string) => void;
  /** How failed workers are restarted (default {@link ENGINE_RESTART}). */
  restart?: Partial<RestartPolicy>;
  /** The worker script (default the engine worker; tests pass one that misbehaves). */
  script?: URL;
}

/**
 * A duration for messages: `5 s`, `250 ms`.
 * @param ms milliseconds
 * @returns the text
 */
function duration(ms: number): string {
  return ms >= 1000 && ms % 100 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** A pool of engine worker threads. */
export class WorkerEngine implements EngineClient {
  readonly threads: number;
  private readonly slots: Slot[] = [];
  private readonly script: URL;
  private readonly timeoutMs: number;
  private readonly policy: RestartPolicy;
  private next = 0;
  private restarts = 0;
  private closing = false;
  /** Sessions whose requests ran over the deadline lately, oldest first. */
  private readonly overruns = new Map<string, Overrun>();
  /** Told when a worker fails or is replaced: the `onError` option, then those added by {@link onError}. */
  private readonly listeners: ((message: string) => void)[];
  /** Checks the deadlines a few times per deadline (one timer for the pool, not one per request). */
  private readonly watchdog: NodeJS.Timeout;
  /** The watchdog's period, and when it last looked (performance.now()). */
  private readonly period: number;
  private lastCheck: number;

  /**
   * Start the workers (they load in the background; early requests wait in their queues).
   * @param data the engine's view of the project (copied to each worker)
   * @param opts threads, cache size, deadline, failure reports and script
   */
  constructor(
    private readonly data: EngineData,
    private readonly opts: WorkerEngineOptions = {},
  ) {
    this.threads = Math.max(1, Math.floor(opts.threads ?? defaultEngineThreads()));
    this.timeoutMs = Math.max(1, opts.timeoutMs ?? DEFAULT_ENGINE_TIMEOUT_MS);
    this.script = opts.script ?? workerScript('engine-worker.js');
    this.policy = { ...ENGINE_RESTART, ...opts.restart };
    this.listeners = opts.onError ? [opts.onError] : [];
    for (let i = 0; i < this.threads; i++) {
      const slot: Slot = { worker: undefined, ready: false, pending: new Map(), failures: 0 };
      this.start(slot);
      this.slots.push(slot);
    }
    // A deadline is noticed within a quarter of it (at most a second late, checked at most every 5 ms).
    this.period = Math.min(1000, Math.max(5, Math.min(this.timeoutMs, this.policy.startTimeoutMs) / 4));
    this.lastCheck = performance.now();
    this.watchdog = setInterval(() => this.check(), this.period);
    this.watchdog.unref();
  }

  /** Give a slot a new worker. */
  private start(slot: Slot): void {
    if (this.closing) return;
    slot.restart = undefined;
    slot.ready = false;
    slot.readyAt = undefined;
    let worker: Worker;
    try {
      worker = new Worker(this.script, { execArgv: workerExecArgv(), workerData: { data: this.data, cacheSize: this.opts.cacheSize } });
    } catch (e) {
      // No thread at all (out of memory, too many threads...): a failed start like any other.
      slot.worker = undefined;
      return this.replace(slot, `it could not start: ${(e as Error).message}`, false);
    }
    slot.worker = worker;
    worker.on('message', (m: { n: number; reply: EngineReply } | { ready: true }) => {
      if (slot.worker !== worker) return;
      if ('ready' in m) {
        slot.ready = true;
        slot.readyAt = Date.now();
        return this.arm(slot);
      }
      const p = slot.pending.get(m.n);
      if (!p) return;
      slot.pending.delete(m.n);
      // The next request's turn starts now.
      this.arm(slot);
      if (slot.pending.size === 0) this.refresh(slot);
      p.resolve(m.reply);
    });
    const fail = (why: string) => {
      if (this.closing || slot.worker !== worker) return;
      this.replace(slot, why, false);
    };
    worker.on('error', (e) => fail(e.message));
    worker.on('exit', (code) => fail(`exit code ${code}`));
    // Idle workers do not keep the process alive; pending requests do (see refresh).
    worker.unref();
    // Requests already waiting (a replacement's) go to the new worker, in their order.
    for (const [n, p] of slot.pending) worker.postMessage({ n, req: p.req });
    this.refresh(slot);
    // The loading deadline.
    this.arm(slot);
  }

  /**
   * Stop a slot's worker and start another. After a crash or a failed start the requests in flight
   * fail (any of them may have caused it) and the start waits as {@link RestartPolicy} says; after a
   * deadline (`requeue`) the worker was sound: they wait for the replacement, which starts at once.
   */
  private replace(slot: Slot, why: string, requeue: boolean): void {
    if (this.closing) return;
    const old = slot.worker;
    slot.since = undefined;
    slot.worker = undefined;
    slot.ready = false;
    this.restarts++;
    let delay = 0;
    if (!requeue) {
      const now = Date.now();
      if (slot.readyAt !== undefined && now - slot.readyAt >= this.policy.healthyMs) slot.failures = 0;
      slot.failures++;
      if (slot.failures > 1) delay = Math.min(this.policy.maxDelayMs, this.policy.firstDelayMs * 2 ** (slot.failures - 2));
      for (const p of slot.pending.values()) p.reject(new EngineUnavailable('the engine restarted while answering; retry the request', delay));
      slot.pending.clear();
    }
    const message = `engine worker stopped (${why}); starting another${delay ? ` in ${duration(delay)}` : ''}`;
    for (const listener of this.listeners) listener(message);
    // Its events are ignored from now on (slot.worker is no longer it); a stuck thread is stopped.
    if (old) {
      old.on('error', () => {});
      void old.terminate();
    }
    if (delay === 0) return this.start(slot);
    const timer = setTimeout(() => this.start(slot), delay);
    timer.unref();
    slot.restart = { timer, at: Date.now() + delay };
  }

  /** Start the clock of the slot's deadline: its worker's loading, or its oldest request (none when idle). */
  private arm(slot: Slot): void {
    slot.since = slot.worker && (!slot.ready || slot.pending.size > 0) ? performance.now() : undefined;
  }

  /** The watchdog: replace a worker that did not load in time or is stuck past a request's deadline. */
  private check(): void {
    if (this.closing) return;
    const now = performance.now();
    // Late by more than a period: the event loop itself was held up (a long synchronous write, say),
    // so replies may be waiting in the ports unread. Judge nothing now; the next tick comes after them.
    const late = now - this.lastCheck > 2 * this.period;
    this.lastCheck = now;
    if (late) return;
    for (const slot of this.slots) {
      if (slot.since === undefined || !slot.worker) continue;
      if (!slot.ready) {
        const limit = this.policy.startTimeoutMs;
        if (now - slot.since >= limit) this.replace(slot, `it did not load within ${duration(limit)}`, false);
      } else if (slot.pending.size > 0 && now - slot.since >= this.timeoutMs) {
        this.overran(slot);
      }
    }
  }

  /** The oldest request of a slot ran over its deadline: fail it and replace the worker stuck on it. */
  private overran(slot: Slot): void {
    if (this.closing) return;
    const first = slot.pending.entries().next();
    if (first.done) return;
    const [n, p] = first.value;
    slot.pending.delete(n);
    const id = this.idOf(p.req);
    const { strikes, refuse } = this.overrun(id);
    p.reject(
      new EngineUnavailable(
        `the engine spent more than ${duration(this.timeoutMs)} on this request and was restarted; ` +
          (refuse ? `this session's requests did so ${strikes} times in a row, so it is refused for ${duration(refuse)}; ` : '') +
          'if it carries a large paste, send only the lines the step asks for',
        refuse,
      ),
    );
    // A refused session's requests still queued are refused too, instead of each costing the
    // sessions behind them another deadline and another worker.
    if (refuse) {
      const err = this.refused(id);
      for (const [k, q] of slot.pending) {
        if (err && this.idOf(q.req) === id) {
          slot.pending.delete(k);
          q.reject(err);
        }
      }
    }
    this.replace(slot, `a request ran over the ${duration(this.timeoutMs)} deadline`, true);
  }

  /**
   * Count a deadline against a session. The second in a row (less than `healthyMs` after the one
   * before) refuses the session's requests for one deadline's time, each next one for twice as long,
   * up to `maxDelayMs`: a session then holds a worker for at most half of the time, less and less.
   * Only that session is refused; its worker is replaced at once as always.
   * @param id the session
   * @returns its count of deadlines in a row, and for how long it is refused in ms (0: not refused)
   */
  private overrun(id: string): { strikes: number; refuse: number } {
    const now = performance.now();
    const before = this.overruns.get(id);
    const strikes = before && now - before.at < this.policy.healthyMs ? before.strikes + 1 : 1;
    const refuse = strikes > 1 ? Math.min(this.policy.maxDelayMs, this.timeoutMs * 2 ** (strikes - 2)) : 0;
    // Kept oldest first: forget the sessions neither refused nor recent, and the oldest beyond the cap.
    this.overruns.delete(id);
    for (const [other, o] of this.overruns) {
      if (this.overruns.size < MAX_OVERRUNS && (now - o.at < this.policy.healthyMs || now < o.until)) break;
      this.overruns.delete(other);
    }
    this.overruns.set(id, { strikes, at: now, until: now + refuse });
    return { strikes, refuse };
  }

  /**
   * Whether a session is refused for its deadlines.
   * @param id the session
   * @returns the error to answer with, or nothing
   */
  private refused(id: string): EngineUnavailable | undefined {
    const o = this.overruns.get(id);
    const left = o ? o.until - performance.now() : 0;
    if (!o || left <= 0) return undefined;
    return new EngineUnavailable(
      `this session's requests ran over the ${duration(this.timeoutMs)} deadline ${o.strikes} times in a row; ` +
        `it is refused for ${duration(Math.ceil(left / 100) * 100)} so that it does not hold up other sessions`,
      left,
    );
  }

  /** A worker with requests in flight keeps the process alive; an idle one does not. */
  private refresh(slot: Slot): void {
    if (slot.pending.size > 0) slot.worker?.ref();
    else slot.worker?.unref();
  }

  private slotFor(id: string): Slot {
    // FNV-1a over the id: the same session always lands on the same worker.
    let h = 0x811c9dc5;
    for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
    return this.slots[(h >>> 0) % this.slots.length];
  }

  private idOf(req: EngineRequest): string {
    return req.op === 'settle' ? req.id : req.meta.id;
  }

  /** @inheritDoc */
  call(req: EngineRequest): Promise<EngineReply> {
    if (this.closing) return Promise.reject(new EngineUnavailable('the server is shutting down'));
    const id = this.idOf(req);
    if (this.overruns.size > 0) {
      const refused = this.refused(id);
      if (refused) return Promise.reject(refused);
    }
    const slot = this.slotFor(id);
    const worker = slot.worker;
    if (!worker) {
      const wait = Math.max(0, (slot.restart?.at ?? Date.now()) - Date.now());
      return Promise.reject(new EngineUnavailable(`the engine failed and restarts in ${duration(Math.ceil(wait / 100) * 100 || 100)}; retry the request then`, wait));
    }
    const n = this.next++;
    return new Promise((resolve, reject) => {
      slot.pending.set(n, { req, resolve, reject });
      worker.postMessage({ n, req });
      // Alone in the queue of a loaded worker: its turn starts now (and the worker keeps the process alive).
      if (slot.pending.size === 1) {
        if (slot.ready) this.arm(slot);
        this.refresh(slot);
      }
    });
  }

  /** @inheritDoc */
  settle(req: Extract<EngineRequest, { op: 'settle' }>): void {
    if (this.closing) return;
    // A replacement starts with an empty cache: a settle meant for the stopped worker has nothing to settle.
    this.slotFor(req.id).worker?.postMessage({ n: -1, req });
  }

  /** @inheritDoc */
  onError(listener: (message: string) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Stop one worker as a crash would (for tests of the restart path).
   * @param i which worker
   */
  async crashForTest(i = 0): Promise<void> {
    await this.slots[i]?.worker?.terminate();
  }

  /** @inheritDoc */
  status(): EngineStatus {
    const up = this.slots.filter((s) => s.worker && s.ready).length;
    const now = Date.now();
    const waits = this.slots.map((s) => (s.restart ? Math.max(0, s.restart.at - now) : 0));
    return {
      threads: this.threads,
      up,
      inFlight: this.slots.reduce((k, s) => k + s.pending.size, 0),
      restarts: this.restarts,
      ...(up === 0 && this.threads > 0 ? { retryAfterMs: Math.min(...waits) } : {}),
    };
  }

  /** @inheritDoc */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.watchdog);
    for (const s of this.slots) {
      clearTimeout(s.restart?.timer);
      for (const p of s.pending.values()) p.reject(new EngineUnavailable('the server is shutting down'));
    }
    await Promise.all(
      this.slots.map((s) => {
        s.worker?.ref();
        return s.worker?.terminate();
      }),
    );
  }
}
