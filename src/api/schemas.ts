/**
 * The API's request and response schemas (zod). Request bodies reuse the core
 * schemas (`DiagnoseInput`, `DiagnoseOutput`, `Entry`, `Runbook`); the session
 * shapes mirror the engine's types. The OpenAPI 3.1 document is generated
 * from these, so a field documented here is a field the server checks.
 */
import { z } from 'zod';
import { MAX_OUTPUT_CHARS } from '../core/schema/diagnose.js';

/** Every error body: `{ "error": { "code", "message" } }`, plus the failing field for 400s. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().describe('stable machine code, e.g. invalid-request, not-found, version-conflict'),
      message: z.string().describe('what went wrong and how to fix it'),
      field: z.string().optional().describe('the failing field, e.g. body.version'),
    }),
  })
  .describe('An error.');

/** The `Retry-After` header of a 429 or 503 (described in the OpenAPI document). */
const RETRY_AFTER = { type: 'integer', minimum: 1, description: 'whole seconds to wait before retrying' };

/** A 429 `rate-limited` error: it always carries `Retry-After`. */
export const RateLimitedBody = ErrorBody.meta({
  description: '`rate-limited`: over the per-key limit; `Retry-After` says when the window lets the key in again',
  headers: { 'Retry-After': RETRY_AFTER },
});

/** A 503 `unavailable` error: `Retry-After` unless the server is shutting down. */
export const UnavailableBody = ErrorBody.meta({
  description:
    '`unavailable`: the engine worker of this session is restarting, or was stopped at the request deadline, or the session is refused for a while because its requests keep running over it; ' +
    '`Retry-After` says when to retry (absent while the server is shutting down)',
  headers: { 'Retry-After': RETRY_AFTER },
});

/** A session id in a path. */
export const SessionParams = z.object({ id: z.string().min(1).max(64).describe('the session id') });

/** An entry or runbook id in a path. */
export const IdParams = z.object({ id: z.string().min(1).max(200) });

/** `GET /v1/cases` query. */
export const CasesQuery = z.object({
  q: z.string().max(512).optional().describe('search text (English or Chinese); without it, every case is listed'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  kind: z.enum(['case', 'note', 'runbook']).optional().describe('only this kind of result'),
});

/** One search hit or listed case. */
export const CaseHit = z.object({
  id: z.string(),
  kind: z.string(),
  title: z.string(),
  score: z.number().optional(),
  snippet: z.string().optional(),
  summary: z.string().optional(),
  tags: z.array(z.string()).optional(),
});

/** A runbook in a listing. */
export const RunbookSummary = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  symptoms: z.array(z.string()),
  tags: z.array(z.string()),
  candidates: z.array(z.string()),
  entry: z.string(),
  nodes: z.number().int().describe('number of nodes'),
});

/** An edge of a runbook's tree, for drawing it. */
export const RunbookEdge = z.object({ from: z.string(), to: z.string(), label: z.string(), runbook: z.string().optional() });

/** `POST /v1/parse` body. */
export const ParseBody = z
  .object({
    output: z.string().max(MAX_OUTPUT_CHARS).describe('what the command printed'),
    command: z.string().max(2000).optional().describe('the command that printed it; detected when absent'),
  })
  .strict();

/** `POST /v1/parse` answer. */
export const ParseOut = z.object({
  command: z.string().nullable(),
  parser: z.string().nullable(),
  confidence: z.number(),
  facts: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  warnings: z.array(z.string()),
});

/** `POST /v1/sessions` body. */
export const CreateSessionBody = z
  .object({
    runbook: z.string().min(1).max(200).optional().describe('the runbook id to walk'),
    symptom: z.string().min(1).max(5000).optional().describe('what the user sees; the best matching runbook is picked'),
    externalRef: z.string().min(1).max(200).optional().describe('the ticket id the session belongs to'),
  })
  .strict()
  .refine((b) => Boolean(b.runbook) !== Boolean(b.symptom), { message: 'give exactly one of "runbook" or "symptom"', path: ['runbook'] });

/** `POST /v1/sessions/:id/answers` body. */
export const AnswerBody = z
  .object({
    version: z.number().int().min(0).describe('the session version the answer was given against (from the last GET or answer)'),
    node: z.string().min(1).max(200).describe('the node being answered (current.node)'),
    choice: z.union([z.number().int().min(1), z.string().min(1).max(500)]).optional().describe('ask nodes: the choice index (1-based) or its label'),
    output: z.string().max(MAX_OUTPUT_CHARS).optional().describe('check nodes: the pasted command output'),
    command: z.string().max(2000).optional().describe('check nodes: the command that printed the output'),
    takenAt: z.iso.datetime({ offset: true }).optional().describe('check nodes: when the output was taken (two snapshots give deltas)'),
    skip: z.literal(true).optional().describe('check nodes: skip this check'),
  })
  .strict()
  .superRefine((b, ctx) => {
    const given = (['choice', 'output', 'skip'] as const).filter((k) => b[k] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({ code: 'custom', path: [given[1] ?? 'choice'], message: 'give exactly one of "choice", "output" or "skip": true' });
    }
    if ((b.command !== undefined || b.takenAt !== undefined) && b.output === undefined) {
      ctx.addIssue({ code: 'custom', path: [b.command !== undefined ? 'command' : 'takenAt'], message: '"command" and "takenAt" go with "output"' });
    }
  });
export type AnswerBody = z.infer<typeof AnswerBody>;

/** `POST /v1/sessions/:id/back` body. */
export const BackBody = z.object({ version: z.number().int().min(0).describe('the session version the client saw') }).strict();

/** `GET /v1/sessions` query. */
export const ListSessionsQuery = z.object({
  externalRef: z.string().min(1).max(200).optional().describe('the ticket id'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** `GET /v1/sessions/:id/summary` query. */
export const SummaryQuery = z.object({ format: z.enum(['markdown', 'json']).default('json') });

/** `GET /v1/stats` query. */
export const StatsQuery = z.object({
  idleMinutes: z.coerce.number().int().min(1).max(525600).default(1440).describe('an unfinished session idle this long counts as abandoned'),
});

const FactValue = z.union([z.number(), z.string(), z.boolean()]);
const Status = z.enum(['confirmed', 'likely', 'possible', 'ruled-out']);

/** A candidate cause. */
export const CandidateView = z.object({ id: z.string(), title: z.string(), score: z.number(), status: Status, why: z.array(z.string()) });

/** The current step: a question, a check (commands to run), or a conclusion. */
export const CurrentStepView = z
  .object({
    type: z.enum(['ask', 'check', 'conclude']),
    runbook: z.string(),
    node: z.string(),
    question: z.string().optional(),
    why: z.string().optional(),
    choices: z.array(z.object({ index: z.number().int(), label: z.string() })).optional(),
    title: z.string().optional(),
    commands: z.array(z.looseObject({ command: z.string(), parser: z.string(), why: z.string().optional(), twiceSeconds: z.number().optional() })).optional(),
    snapshots: z.number().int().optional(),
    againAfterSeconds: z.number().optional(),
    cases: z.array(z.string()).optional(),
    confidence: z.enum(['high', 'medium', 'low']).optional(),
    message: z.string().optional(),
  })
  .describe('ask: question + choices; check: title, why, commands; conclude: cases, confidence, message');

/**
 * One reading of pasted output, as the session view shows it: which command and parser, how many
 * facts and the warnings. The values are in the session's `facts` (latest) and, step by step, in
 * `GET /v1/sessions/:id/summary`; the pasted excerpt is the step's `answer`.
 */
export const ReadingView = z.looseObject({
  command: z.string().nullable(),
  parser: z.string().nullable(),
  confidence: z.number(),
  factCount: z.number().int(),
  warnings: z.array(z.string()),
});

/** One step of the transcript. */
export const TranscriptStepView = z.looseObject({
  runbook: z.string(),
  node: z.string(),
  kind: z.string(),
  prompt: z.string(),
  answer: z.string().optional(),
  readings: z.array(ReadingView).optional(),
  outcome: z.string().optional(),
  moved: z.array(z.object({ id: z.string(), from: z.string(), to: z.string(), why: z.array(z.string()) })),
  at: z.string().optional(),
});

/** A session: its place in the runbook, what is known, and the version to answer against. */
export const SessionView = z.object({
  id: z.string(),
  runbook: z.string().describe('the runbook the session started with'),
  currentRunbook: z.string().describe('the runbook it is in now (a route may switch it)'),
  symptom: z.string().optional(),
  externalRef: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int().describe('send it back with the next answer; a stale one gets 409'),
  steps: z.number().int().describe('answers that count (after going back)'),
  finished: z.boolean(),
  current: CurrentStepView,
  candidates: z.array(CandidateView),
  transcript: z.array(TranscriptStepView),
  facts: z.record(z.string(), FactValue),
  deltas: z.record(z.string(), z.looseObject({ from: z.number(), to: z.number(), delta: z.number() })),
  conclusion: z
    .object({
      confidence: z.string().optional(),
      message: z.string().optional(),
      cases: z.array(z.object({ id: z.string(), title: z.string(), status: z.string(), why: z.array(z.string()) })),
      fix: z.array(z.object({ id: z.string(), steps: z.array(z.string()), commands: z.array(z.string()), risks: z.array(z.string()) })),
    })
    .nullable()
    .describe('set when finished: the concluded cases and their fix'),
  alternatives: z.array(z.object({ id: z.string(), title: z.string(), score: z.number() })).optional().describe('other runbooks that matched the symptom'),
});
export type SessionView = z.infer<typeof SessionView>;

/** A session in a listing. */
export const SessionListItem = z.object({
  id: z.string(),
  runbook: z.string(),
  symptom: z.string().optional(),
  externalRef: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
  finished: z.boolean(),
  node: z.string(),
  currentRunbook: z.string(),
  conclusion: z.array(z.string()),
});

/** A stale write: the error plus the session as it is now. */
export const ConflictBody = ErrorBody.extend({ session: SessionView });

/** `GET /v1/stats` answer. */
export const StatsOut = z.object({
  idleMinutes: z.number(),
  sessions: z.number().int(),
  medianStepsToConclusion: z.number().nullable(),
  conclusions: z.array(z.object({ case: z.string(), count: z.number().int() })),
  runbooks: z.array(
    z.object({
      runbook: z.string(),
      sessions: z.number().int(),
      finished: z.number().int(),
      active: z.number().int(),
      abandoned: z.number().int(),
      medianStepsToConclusion: z.number().nullable(),
      conclusions: z.array(z.object({ runbook: z.string(), node: z.string(), cases: z.array(z.string()), count: z.number().int() })),
      abandonedAt: z.array(z.object({ runbook: z.string(), node: z.string(), count: z.number().int() })),
    }),
  ),
});
