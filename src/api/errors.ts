/**
 * API errors: one JSON shape `{ "error": { "code", "message" } }` for every
 * failure, with the status decided in one place. Messages never carry stack
 * traces or the request body (pasted output stays out of responses and logs).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { BODY_LIMIT } from './defaults.js';

/** Error codes and their statuses. */
export const ERROR_STATUS = {
  'invalid-request': 400,
  'invalid-json': 400,
  'unknown-node': 400,
  'bad-choice': 400,
  'empty-output': 400,
  'nothing-to-undo': 400,
  unauthorized: 401,
  'not-found': 404,
  'version-conflict': 409,
  'wrong-node': 409,
  finished: 409,
  'session-full': 409,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  unreplayable: 422,
  'rate-limited': 429,
  internal: 500,
  unavailable: 503,
} as const;

/** A machine error code. */
export type ErrorCode = keyof typeof ERROR_STATUS;

/**
 * Whether an error is SQLite's "database is locked" (another connection holds the write lock).
 * @param e the error
 * @returns true for SQLITE_BUSY and its extended codes
 */
export function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/** An error the API answers with; anything else becomes a 500 `internal`. */
export class ApiError extends Error {
  /** The HTTP status. */
  readonly statusCode: number;
  /**
   * @param code the machine code (decides the status)
   * @param message what went wrong and how to fix it
   * @param extra more fields for the body (`field` inside `error`, anything else beside it), and
   *   `retryAfterMs` for a `Retry-After` header (whole seconds, rounded up, at least 1)
   */
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { field?: string; body?: Record<string, unknown>; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.statusCode = ERROR_STATUS[code];
  }
}

/**
 * The body of an error.
 * @param code the code
 * @param message the message
 * @param field the failing field, for 400s
 * @returns the JSON body
 */
export function errorBody(code: string, message: string, field?: string): { error: { code: string; message: string; field?: string } } {
  return { error: { code, message, ...(field ? { field } : {}) } };
}

/**
 * The value of a `Retry-After` header: whole seconds, rounded up, at least 1.
 * @param ms the wait in milliseconds
 * @returns the seconds, as the header's text
 */
export function retryAfterSeconds(ms: number): string {
  return String(Math.max(1, Math.ceil(ms / 1000)));
}

const FASTIFY_CODES: Record<string, { code: ErrorCode; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid-json', message: 'the body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'invalid-json', message: 'the body is empty; send a JSON object' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload-too-large', message: `the body is larger than ${BODY_LIMIT / 1024 / 1024} MB; paste only the output of the command asked for` },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported-media-type', message: 'send the body as JSON with the header "Content-Type: application/json"' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'invalid-request', message: 'the body size does not match Content-Length' },
  FST_ERR_CTP_INVALID_TYPE: { code: 'unsupported-media-type', message: 'the Content-Type header is not valid; use "application/json"' },
};

/**
 * Fastify's error handler: maps every error to the JSON shape and a status,
 * and logs it without the body.
 * @param err the error
 * @param req the request
 * @param reply the reply
 */
export function errorHandler(err: FastifyError | ApiError | Error, req: FastifyRequest, reply: FastifyReply): void {
  if (err instanceof ApiError) {
    req.log.info({ code: err.code, statusCode: err.statusCode }, err.message);
    if (err.code === 'unauthorized') void reply.header('www-authenticate', 'Bearer');
    if (err.extra.retryAfterMs !== undefined) void reply.header('retry-after', retryAfterSeconds(err.extra.retryAfterMs));
    void reply
      .code(err.statusCode)
      .send({ ...errorBody(err.code, err.message, err.extra.field), ...(err.extra.body ?? {}) });
    return;
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const ctx = (err as FastifyError).validationContext ?? 'body';
    const first = err.validation[0];
    const path = first.instancePath.replace(/^\//, '').replace(/\//g, '.');
    const field = path ? `${ctx}.${path}` : ctx;
    const more = err.validation.length > 1 ? ` (and ${err.validation.length - 1} more problem${err.validation.length > 2 ? 's' : ''})` : '';
    const message = `${field}: ${first.message}${more}`;
    req.log.info({ code: 'invalid-request', statusCode: 400, field }, message);
    void reply.code(400).send(errorBody('invalid-request', message, field));
    return;
  }
  const fe = err as FastifyError & { statusCode?: number };
  const known = fe.code ? FASTIFY_CODES[fe.code] : undefined;
  if (known) {
    req.log.info({ code: known.code, statusCode: ERROR_STATUS[known.code] }, known.message);
    void reply.code(ERROR_STATUS[known.code]).send(errorBody(known.code, known.message));
    return;
  }
  if (fe.statusCode === 429) {
    void reply.code(429).send(errorBody('rate-limited', fe.message || 'too many requests; slow down and retry later'));
    return;
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    // Other client errors Fastify raises (bad URL encoding, unsupported methods...): safe messages, no stack.
    req.log.info({ code: fe.code, statusCode: fe.statusCode }, fe.message);
    void reply.code(fe.statusCode).send(errorBody(fe.statusCode === 404 ? 'not-found' : 'invalid-request', fe.message));
    return;
  }
  if (isBusy(err)) {
    // Another process sharing the database held its write lock too long: nothing was written.
    req.log.warn({ code: 'unavailable', statusCode: 503 }, err.message);
    void reply.header('retry-after', 1);
    void reply.code(503).send(errorBody('unavailable', 'the session store is busy (another process holds its write lock); nothing was written, retry'));
    return;
  }
  req.log.error({ err: { type: err.name, message: err.message, stack: err.stack } }, 'unhandled error');
  void reply.code(500).send(errorBody('internal', 'the server failed to answer this request; it has been logged'));
}

/**
 * The 404 for routes that do not exist.
 * @param req the request
 * @param reply the reply
 */
export function notFoundHandler(req: FastifyRequest, reply: FastifyReply): void {
  void reply.code(404).send(errorBody('not-found', `no route ${req.method} ${req.url.split('?')[0]}; the API is under /v1 (see /docs)`));
}
