/**
 * API keys are hashed once per request: the rate limit and the auth hook share
 * one check of the bearer token.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { call, startServer, type Server } from './helpers.js';

// Every value hashed by the server's code (node:crypto's createHash, wrapped to record what it is given).
const hashed = vi.hoisted(() => [] as string[]);
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  const createHash: typeof real.createHash = (algorithm, options) => {
    const h = real.createHash(algorithm, options);
    const update = h.update.bind(h) as (data: unknown) => typeof h;
    h.update = ((data: unknown) => {
      hashed.push(String(data));
      return update(data);
    }) as typeof h.update;
    return h;
  };
  return { ...real, default: { ...real, createHash }, createHash };
});

const servers: Server[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

describe('API keys', () => {
  it('are hashed once per request, with the rate limit on', async () => {
    const s = await startServer({ apiKeys: ['alpha-key'], rateLimit: { max: 1000 } });
    servers.push(s);
    const count = (token: string) => hashed.filter((v) => v === token).length;
    hashed.length = 0;
    const parsed = await call(s.base, 'POST', '/v1/parse', { output: 'net.ipv4.tcp_tw_recycle = 1\n' }, { key: 'alpha-key' });
    expect(parsed.status).toBe(200);
    expect(count('alpha-key'), 'hashes of a valid key on a write').toBe(1);

    hashed.length = 0;
    const wrong = await call(s.base, 'POST', '/v1/parse', { output: 'x' }, { key: 'wrong-key' });
    expect(wrong.status).toBe(401);
    expect(count('wrong-key'), 'hashes of a wrong key').toBe(1);

    hashed.length = 0;
    const read = await call(s.base, 'GET', '/v1/runbooks', undefined, { key: 'alpha-key' });
    expect(read.status).toBe(200);
    expect(count('alpha-key'), 'hashes of a key on a read').toBe(1);
    // The key still has its own rate-limit bucket: its count went down by the two requests it made.
    expect(Number(read.headers.get('x-ratelimit-remaining'))).toBe(1000 - 2);
  });
});
