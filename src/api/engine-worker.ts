/**
 * An engine worker thread: one {@link EngineHost} answering the server's
 * messages in order. Settles get no reply.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { EngineData } from '../core/engine/session.js';
import { EngineHost, type EngineRequest } from './engine-host.js';

const { data, cacheSize } = workerData as { data: EngineData; cacheSize?: number };
const host = new EngineHost(data, cacheSize);

parentPort!.on('message', (m: { n: number; req: EngineRequest }) => {
  const reply = host.handle(m.req);
  if (m.n >= 0) parentPort!.postMessage({ n: m.n, reply });
});
