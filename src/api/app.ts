/**
 * The Fastify app: the JSON API under `/v1`, its OpenAPI 3.1 document and
 * docs, health checks, the embeddable widget, and (when built) the static site.
 */
import { existsSync } from 'node:fs';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Condition } from '../core/schema/condition.js';
import { engineData, type Project } from '../core/project.js';
import { ApiError, errorHandler, notFoundHandler, retryAfterSeconds } from './errors.js';
import { registerContentRoutes } from './routes-content.js';
import { registerEmbedRoutes } from './embed.js';
import { registerSessionRoutes } from './routes-sessions.js';
import { KeyRing, loggerOptions, rateLimitKey } from './security.js';
import { responseSerializer, type ResponseValidation } from './serialize.js';
import { SessionService } from './sessions.js';
import { inlineEngine, WorkerEngine, type EngineClient } from './engine-pool.js';
import { BODY_LIMIT, DEFAULT_CACHE_SIZE, DEFAULT_ENGINE_TIMEOUT_MS, DEFAULT_LOG_LEVEL, DEFAULT_RATE_LIMIT, RATE_LIMIT_WINDOW_MS } from './defaults.js';
import type { SessionStore } from './store.js';

export { BODY_LIMIT };

/** Options of {@link buildApp}. */
export interface AppOptions {
  /** Where sessions live. */
  store: SessionStore;
  /** The loaded knowledge base and runbooks. */
  project: Project;
  /** Accepted bearer keys; when non-empty, write endpoints require one. */
  apiKeys?: readonly string[];
  /** Origins allowed to call the API from a browser (CORS); empty: none. `*` allows any. */
  corsOrigins?: readonly string[];
  /** Requests per key (or per IP without a key) per window; default {@link DEFAULT_RATE_LIMIT} per minute. `false` disables. */
  rateLimit?: { max: number; timeWindowMs?: number } | false;
  /** `false` for no logs, or a level and an optional stream (default: {@link DEFAULT_LOG_LEVEL} to stdout). */
  logger?: false | { level?: string; stream?: NodeJS.WritableStream };
  /** The built site to serve at `/` when it exists (e.g. `dist/`). */
  siteDir?: string;
  /** Check responses against their schemas: `strict` fails the request, `log` logs and sends, `off` skips. Default `log`. */
  responseValidation?: ResponseValidation;
  /** Sessions whose inputs and rendered view are kept in memory, per engine thread (default {@link DEFAULT_CACHE_SIZE}). */
  cacheSize?: number;
  /** Worker threads for the session engine; 0 (the default here) runs it in the server's thread. `runbook serve` defaults to one per spare core. */
  engineThreads?: number;
  /**
   * How long an engine worker may spend on one request before the request gets 503 and the worker is
   * replaced, in ms (default {@link DEFAULT_ENGINE_TIMEOUT_MS}). The engine in the server's thread
   * (`engineThreads` 0) cannot be interrupted, so it has no deadline.
   */
  engineTimeoutMs?: number;
  /**
   * An engine to use instead of the one `engineThreads` describes (tests and benchmarks); the app
   * closes it, and logs its worker failures (besides telling its own `onError`).
   */
  engine?: EngineClient;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `write`: needs an API key when keys are configured. */
    auth?: 'write';
  }
}

/** One log line per request (the method, path and status together) instead of Fastify's two; errors as Fastify logs them. */
class OneLineLogs extends LogController {
  override incomingRequest(): void {}
  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) return super.requestCompleted(error, request, reply);
    reply.log.info({ req: request, res: reply, responseTime: Math.round(reply.elapsedTime * 1000) / 1000 }, 'request completed');
  }
}

/**
 * Name the recursive schemas so the OpenAPI document can `$ref` them from
 * `components.schemas` (zod cannot inline a cycle).
 */
function registerSchemaIds(): void {
  if (!z.globalRegistry.has(Condition)) z.globalRegistry.add(Condition, { id: 'Condition', description: 'A condition over facts: a comparison, or all / any / not of conditions.' });
}

/**
 * Build the API server (not listening yet).
 * @param opts store, project, security and logging options
 * @returns the Fastify instance, ready to `listen`
 */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const keys = new KeyRing(opts.apiKeys ?? []);
  registerSchemaIds();
  const app = Fastify({
    logger: opts.logger === false ? false : loggerOptions(opts.logger?.level ?? DEFAULT_LOG_LEVEL, opts.logger?.stream),
    bodyLimit: BODY_LIMIT,
    trustProxy: false,
    return503OnClosing: true,
    logController: new OneLineLogs(),
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(responseSerializer(opts.responseValidation ?? 'log', (msg) => app.log.warn(msg)));
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  // JSON only: a text/plain body is a 415, not a string for the schema to reject.
  app.removeContentTypeParser(['text/plain']);

  // Keys are checked before the body is read but after every onRequest hook: CORS headers go on a
  // 401 too (a browser embed can show why), and a request with a wrong key or none still counts
  // against its IP's rate limit.
  app.addHook('preParsing', async (req, _reply, payload) => {
    if (req.routeOptions.config?.auth !== 'write' || !keys.required) return payload;
    const { token, valid } = keys.check(req);
    if (!token) throw new ApiError('unauthorized', 'this endpoint needs an API key: send "Authorization: Bearer <key>" (keys come from RUNBOOK_API_KEYS)');
    if (!valid) throw new ApiError('unauthorized', 'the API key is not valid');
    return payload;
  });
  app.addHook('onSend', (_req, reply, payload, done) => {
    reply.header('x-content-type-options', 'nosniff');
    done(null, payload);
  });
  app.addHook('onClose', async () => {
    await opts.store.close();
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'netrunbook API',
        version: '1.0.0',
        description:
          'Linux network troubleshooting: search the knowledge base, parse command output, diagnose, and walk runbook sessions from a ticketing system. ' +
          'Errors are `{ "error": { "code", "message" } }`. Write endpoints need `Authorization: Bearer <key>` when the server has keys.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'a key from RUNBOOK_API_KEYS' } } },
      tags: [
        { name: 'knowledge base', description: 'cases and runbooks' },
        { name: 'evidence', description: 'parse and diagnose pasted output' },
        { name: 'sessions', description: 'walk a runbook step by step, guarded by versions' },
        { name: 'operations', description: 'health, readiness and path analytics' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { url: '/v1/openapi.json', deepLinking: true } });

  if (opts.rateLimit !== false) {
    const windowMs = opts.rateLimit?.timeWindowMs ?? RATE_LIMIT_WINDOW_MS;
    await app.register(rateLimit, {
      global: true,
      max: opts.rateLimit?.max ?? DEFAULT_RATE_LIMIT,
      timeWindow: windowMs,
      keyGenerator: (req) => rateLimitKey(req, keys),
      allowList: (req) => !req.url.startsWith('/v1/'),
      errorResponseBuilder: (_req, ctx) =>
        Object.assign(new Error(`rate limit exceeded: ${ctx.max} requests per ${Math.round(windowMs / 1000)} s; retry in ${Math.ceil(ctx.ttl / 1000)} s`), {
          statusCode: 429,
        }),
    });
  }
  const origins = opts.corsOrigins ?? [];
  if (origins.length) {
    await app.register(cors, {
      origin: origins.includes('*') ? true : [...origins],
      methods: ['GET', 'POST', 'OPTIONS'],
      allowedHeaders: ['Authorization', 'Content-Type'],
      exposedHeaders: ['Location', 'Retry-After', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'],
      maxAge: 600,
    });
  }

  const data = engineData(opts.project);
  const cacheSize = opts.cacheSize ?? DEFAULT_CACHE_SIZE;
  // Worker failures go to the app's log, for an engine passed in as for one built here (told from
  // its constructor on, so a first worker that cannot even start is logged too).
  const logError = (msg: string) => app.log.error(msg);
  const engine: EngineClient =
    opts.engine ??
    ((opts.engineThreads ?? 0) > 0
      ? new WorkerEngine(data, { threads: opts.engineThreads, cacheSize, timeoutMs: opts.engineTimeoutMs ?? DEFAULT_ENGINE_TIMEOUT_MS, onError: logError })
      : inlineEngine(data, cacheSize));
  if (opts.engine) engine.onError?.(logError);
  app.addHook('onClose', async () => {
    await engine.close();
  });
  const sessions = new SessionService(opts.store, opts.project, engine, cacheSize * Math.max(1, engine.threads));
  registerContentRoutes(app, opts.project);
  registerSessionRoutes(app, sessions, opts.store);

  app.get('/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    const ok = await opts.store.ping().catch(() => false);
    if (!ok) return reply.code(503).header('retry-after', 1).send({ error: { code: 'unavailable', message: 'the session store does not answer' } });
    const { threads, up, retryAfterMs } = engine.status();
    if (threads > 0 && up === 0) {
      return reply
        .code(503)
        .header('retry-after', retryAfterSeconds(retryAfterMs ?? 0))
        .send({ error: { code: 'unavailable', message: `no engine worker is up (0 of ${threads}): they are loading, or restarting after failures` } });
    }
    return {
      status: 'ready',
      cases: opts.project.counts.cases,
      runbooks: opts.project.runbooks.length,
      keysRequired: keys.required,
      engine: threads > 0 ? { threads, up } : { threads: 0 },
    };
  });
  registerEmbedRoutes(app, origins);

  if (opts.siteDir && existsSync(opts.siteDir)) {
    await app.register(fastifyStatic, { root: opts.siteDir, prefix: '/', wildcard: true });
  } else {
    app.get('/', { schema: { hide: true } }, async () => ({
      name: 'netrunbook API',
      docs: '/docs',
      openapi: '/v1/openapi.json',
      site: 'not built (npm run build writes dist/)',
    }));
  }
  return app;
}
