/**
 * Session routes: create, read, list by ticket, answer, go back, summary,
 * and the path analytics (`GET /v1/stats`).
 */
// Session views come from the engine already serialized (JsonText); the casts below only tell the
// type provider so, and the serializer checks them against SessionView when responses are checked.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AnswerBody,
  BackBody,
  ConflictBody,
  CreateSessionBody,
  ErrorBody,
  ListSessionsQuery,
  RateLimitedBody,
  SessionListItem,
  SessionParams,
  SessionView,
  StatsOut,
  StatsQuery,
  SummaryQuery,
  UnavailableBody,
} from './schemas.js';
import type { SessionService } from './sessions.js';
import type { SessionStore } from './store.js';

const security = [{ bearer: [] as string[] }];
const clientErrors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 413: ErrorBody, 415: ErrorBody, 429: RateLimitedBody, 503: UnavailableBody };
/** A stored session whose log the installed runbooks no longer replay (they changed since). */
const unreplayable = {
  422: ErrorBody.describe('`unreplayable`: the session was recorded over runbooks that have changed since and no longer replays; start a new session'),
};

/**
 * Register the session and stats routes.
 * @param app the Fastify instance
 * @param sessions the session service
 * @param store the store (for stats)
 */
export function registerSessionRoutes(app: FastifyInstance, sessions: SessionService, store: SessionStore): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/v1/sessions',
    {
      config: { auth: 'write' },
      schema: {
        tags: ['sessions'],
        summary: 'Start a session',
        description:
          'From a runbook id (`{ "runbook" }`) or from what the user sees (`{ "symptom" }`: the best matching runbook, as `runbook start` picks it). ' +
          '`externalRef` ties the session to a ticket.',
        security,
        body: CreateSessionBody,
        response: { 201: SessionView, ...clientErrors },
      },
    },
    async (req, reply) => {
      const { id, view } = await sessions.create(req.body);
      return reply.code(201).header('location', `/v1/sessions/${id}`).send(view as unknown as SessionView);
    },
  );

  r.get(
    '/v1/sessions',
    {
      config: { auth: 'write' },
      schema: {
        tags: ['sessions'],
        summary: "A ticket's sessions",
        description: 'Sessions with this `externalRef`, newest first (the latest sessions without it). Needs a key when keys are set: ticket ids are guessable.',
        security,
        querystring: ListSessionsQuery,
        response: { 200: z.object({ sessions: z.array(SessionListItem) }), 400: ErrorBody, 401: ErrorBody },
      },
    },
    async (req) => ({ sessions: await sessions.list(req.query.externalRef, req.query.limit) }),
  );

  r.get(
    '/v1/sessions/:id',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Get a session',
        description: 'The current step (question, check or conclusion), the candidates with their status and reasons, the transcript, the facts read, and the `version` to answer against.',
        params: SessionParams,
        response: { 200: SessionView, 404: ErrorBody, ...unreplayable, 503: UnavailableBody },
      },
    },
    async (req) => (await sessions.get(req.params.id)) as unknown as SessionView,
  );

  r.post(
    '/v1/sessions/:id/answers',
    {
      config: { auth: 'write' },
      schema: {
        tags: ['sessions'],
        summary: 'Answer the current step',
        description:
          'Ask node: `{ "version", "node", "choice" }` (1-based index or label). Check node: `{ "version", "node", "output", "command"?, "takenAt"? }` or `{ "version", "node", "skip": true }`. ' +
          'A stale `version` (someone else answered first) gets 409 with the current session; so does an answer for a node that is not the current one, ' +
          'and one the session cannot keep (`session-full`: its log holds the most events, or this answer would take it past the most bytes; start a new session).',
        security,
        params: SessionParams,
        body: AnswerBody,
        response: { 200: SessionView, 409: ConflictBody, ...unreplayable, ...clientErrors },
      },
    },
    async (req) => (await sessions.answer(req.params.id, req.body)) as unknown as SessionView,
  );

  r.post(
    '/v1/sessions/:id/back',
    {
      config: { auth: 'write' },
      schema: {
        tags: ['sessions'],
        summary: 'Undo the last answer',
        description: '`{ "version" }`: guarded like an answer. The undo is recorded in the log; the version still grows (a full session refuses it too: 409 `session-full`).',
        security,
        params: SessionParams,
        body: BackBody,
        response: { 200: SessionView, 409: ConflictBody, ...unreplayable, ...clientErrors },
      },
    },
    async (req) => (await sessions.back(req.params.id, req.body.version)) as unknown as SessionView,
  );

  r.get(
    '/v1/sessions/:id/summary',
    {
      schema: {
        tags: ['sessions'],
        summary: 'The evidence trail, ready for the ticket',
        description: 'Commands, pasted excerpts, facts, signals, ruled-out causes, conclusion and fix: `format=markdown` (text/markdown) or `format=json`.',
        params: SessionParams,
        querystring: SummaryQuery,
        response: { 200: z.union([z.string(), z.looseObject({ runbook: z.string(), finished: z.boolean() })]), 404: ErrorBody, ...unreplayable, 503: UnavailableBody },
      },
    },
    async (req, reply) => {
      const s = await sessions.summary(req.params.id, req.query.format === 'markdown');
      if (s.markdown !== undefined) return reply.type('text/markdown; charset=utf-8').serializer((x: unknown) => String(x)).send(s.markdown);
      return { session: req.params.id, ...s.trail };
    },
  );

  r.get(
    '/v1/stats',
    {
      schema: {
        tags: ['operations'],
        summary: 'Path analytics for runbook maintainers',
        description: 'Sessions per runbook, conclusions reached, sessions abandoned (unfinished and idle `idleMinutes`) and at which node, and the median number of steps to a conclusion.',
        querystring: StatsQuery,
        response: { 200: StatsOut, 400: ErrorBody },
      },
    },
    async (req) => ({ idleMinutes: req.query.idleMinutes, ...(await store.stats({ idleMs: req.query.idleMinutes * 60_000, now: new Date() })) }),
  );
}
