/**
 * An engine worker thread: one {@link EngineHost} answering the server's
 * messages in order. Settles get no reply.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { EngineData } from '../core/engine/session.js';
import { EngineHost, type EngineRequest } from './engine-host.js';

const { data, cacheSize } = workerData as { data: EngineData; cacheSize?: number };
const host = new EngineHost(data, cacheSize);

const utf8 = new TextEncoder();

parentPort!.on('message', (m: { n: number; req: EngineRequest }) => {
  const reply = host.handle(m.req);
  if (m.n < 0) return;
  if ('json' in reply && typeof reply.json === 'string') {
    // A view made for this reply only: its UTF-8 bytes in a buffer of their own, moved to the
    // server's thread, not copied.
    const bytes = utf8.encode(reply.json);
    parentPort!.postMessage({ n: m.n, reply: { ...reply, json: bytes } }, [bytes.buffer]);
  } else {
    // A cached view's bytes stay in the cache: the message carries a copy (one memcpy).
    parentPort!.postMessage({ n: m.n, reply });
  }
});

// Loaded and listening: from now on the pool holds each request to its deadline.
parentPort!.postMessage({ ready: true });
