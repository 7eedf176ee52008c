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
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { EngineData } from '../core/engine/session.js';
import { MAX_DEFAULT_ENGINE_THREADS } from './defaults.js';
import { EngineHost, type EngineReply, type EngineRequest } from './engine-host.js';
import { workerScript } from './worker-script.js';

/** Runs engine requests somewhere. */
export interface EngineClient {
  /** Engine threads (0: the server's own thread). */
  readonly threads: number;
  /**
   * Run a request for a session.
   * @param req the request
   * @returns its reply (a rejected promise only when a worker died under it)
   */
  call(req: EngineRequest): Promise<EngineReply>;
  /**
   * Report whether the store took a write (fire and forget).
   * @param req the settle request
   */
  settle(req: Extract<EngineRequest, { op: 'settle' }>): void;
  /** Stop the workers. */
  close(): Promise<void>;
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

/** An engine worker died with requests in flight. */
export class EngineUnavailable extends Error {}

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (r: EngineReply) => void; reject: (e: Error) => void }>;
}

/** A pool of engine worker threads. */
export class WorkerEngine implements EngineClient {
  readonly threads: number;
  private readonly slots: Slot[] = [];
  private next = 0;
  private closing = false;

  /**
   * Start the workers (they load in the background; early requests wait in their queues).
   * @param data the engine's view of the project (copied to each worker)
   * @param opts `threads` (default {@link defaultEngineThreads}), `cacheSize` per worker, `onError` for worker failures
   */
  constructor(
    private readonly data: EngineData,
    private readonly opts: { threads?: number; cacheSize?: number; onError?: (message: string) => void } = {},
  ) {
    this.threads = Math.max(1, Math.floor(opts.threads ?? defaultEngineThreads()));
    const script = workerScript('engine-worker.js');
    for (let i = 0; i < this.threads; i++) this.slots.push(this.spawn(script));
  }

  private spawn(script: URL): Slot {
    const worker = new Worker(script, { workerData: { data: this.data, cacheSize: this.opts.cacheSize } });
    const slot: Slot = { worker, pending: new Map() };
    worker.on('message', (m: { n: number; reply: EngineReply }) => {
      const p = slot.pending.get(m.n);
      if (!p) return;
      slot.pending.delete(m.n);
      p.resolve(m.reply);
    });
    let dead = false;
    const fail = (why: string) => {
      if (this.closing || dead) return;
      dead = true;
      this.opts.onError?.(`engine worker stopped (${why}); starting another`);
      for (const p of slot.pending.values()) p.reject(new EngineUnavailable('the engine restarted while answering; retry the request'));
      slot.pending.clear();
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots[i] = this.spawn(script);
    };
    worker.on('error', (e) => fail(e.message));
    worker.on('exit', (code) => fail(`exit code ${code}`));
    // Idle workers do not keep the process alive; pending requests do (see call).
    worker.unref();
    return slot;
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
    const slot = this.slotFor(this.idOf(req));
    const n = this.next++;
    return new Promise((resolve, reject) => {
      if (slot.pending.size === 0) slot.worker.ref();
      slot.pending.set(n, {
        resolve: (r) => {
          if (slot.pending.size === 0) slot.worker.unref();
          resolve(r);
        },
        reject,
      });
      slot.worker.postMessage({ n, req });
    });
  }

  /** @inheritDoc */
  settle(req: Extract<EngineRequest, { op: 'settle' }>): void {
    if (this.closing) return;
    this.slotFor(req.id).worker.postMessage({ n: -1, req });
  }

  /**
   * Stop one worker as a crash would (for tests of the restart path).
   * @param i which worker
   */
  async crashForTest(i = 0): Promise<void> {
    await this.slots[i]?.worker.terminate();
  }

  /** @inheritDoc */
  async close(): Promise<void> {
    this.closing = true;
    for (const s of this.slots) for (const p of s.pending.values()) p.reject(new EngineUnavailable('the server is shutting down'));
    await Promise.all(
      this.slots.map((s) => {
        s.worker.ref();
        return s.worker.terminate();
      }),
    );
  }
}
