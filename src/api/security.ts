/**
 * API keys (bearer tokens), the rate-limit key, and the logger options that
 * keep pasted output and keys out of the logs.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

/**
 * Split a comma-separated environment value (`RUNBOOK_API_KEYS`, `RUNBOOK_CORS_ORIGINS`).
 * @param value the raw value
 * @returns the non-empty trimmed items
 */
export function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** What a request's bearer token is worth. */
export interface KeyCheck {
  /** The bearer token, when the request sent one. */
  token?: string;
  /** Whether it is one of the keys. */
  valid: boolean;
  /** For a valid key: its rate-limit bucket (a prefix of its hash, never the key). */
  bucket?: string;
}

/**
 * Checks bearer tokens against the configured keys in constant time, each
 * request's token once (the rate limit and the auth hook ask for the same answer).
 */
export class KeyRing {
  private readonly digests: Buffer[];
  private readonly checked = new WeakMap<FastifyRequest, KeyCheck>();

  /**
   * @param keys the accepted keys; none means keys are not required
   */
  constructor(keys: readonly string[]) {
    this.digests = keys.map(digest);
  }

  /** Whether write endpoints need a key. */
  get required(): boolean {
    return this.digests.length > 0;
  }

  /**
   * A request's token, checked the first time it is asked for and remembered for the request.
   * @param req the request
   * @returns the token, whether it is a key, and its bucket
   */
  check(req: FastifyRequest): KeyCheck {
    let c = this.checked.get(req);
    if (!c) {
      c = this.checkToken(bearerToken(req));
      this.checked.set(req, c);
    }
    return c;
  }

  private checkToken(token: string | undefined): KeyCheck {
    if (!token) return { valid: false };
    if (!this.required) return { token, valid: false };
    const d = digest(token);
    let ok = false;
    for (const k of this.digests) ok = timingSafeEqual(d, k) || ok;
    return ok ? { token, valid: true, bucket: `key:${d.toString('hex').slice(0, 16)}` } : { token, valid: false };
  }
}

/**
 * The bearer token of a request.
 * @param req the request
 * @returns the token, or undefined
 */
export function bearerToken(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1] : undefined;
}

/**
 * The rate-limit bucket of a request: its key (hashed) when it carries a valid one, else its IP.
 * @param req the request
 * @param keys the key ring
 * @returns the bucket name
 */
export function rateLimitKey(req: FastifyRequest, keys: KeyRing): string {
  return keys.check(req).bucket ?? `ip:${req.ip}`;
}

/** Paths redacted from every log line (bodies, pasted output, credentials). */
export const REDACT_PATHS = [
  'body',
  'req.body',
  'output',
  '*.output',
  'evidence',
  '*.evidence',
  'req.headers.authorization',
  'headers.authorization',
  'req.headers.cookie',
];

/**
 * Fastify logger options: structured request logs with method, path, status and
 * timing; no bodies, no query strings of pasted text, no credentials.
 * @param level the log level
 * @param stream where lines go (default stdout)
 * @returns the logger options
 */
export function loggerOptions(level: string, stream?: NodeJS.WritableStream): Record<string, unknown> {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      req(req: { method: string; url: string; ip?: string; socket?: { remoteAddress?: string }; id?: string }) {
        const [path, query] = req.url.split('?');
        return { method: req.method, path, ...(query ? { queryLength: query.length } : {}), remoteAddress: req.ip ?? req.socket?.remoteAddress };
      },
      res(res: { statusCode: number }) {
        return { statusCode: res.statusCode };
      },
      err(err: Error & { code?: string; statusCode?: number }) {
        return { type: err.name, code: err.code, statusCode: err.statusCode, message: err.message, stack: err.stack };
      },
    },
  };
}
