/**
 * Knowledge-base and evidence routes: cases (search, get), runbooks (list,
 * get with the tree), `POST /v1/parse`, `POST /v1/diagnose`. Each calls the
 * same core or node function as the CLI command of the same name.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { diagnose } from '../core/engine/diagnose.js';
import { parseOutput } from '../core/parsers/index.js';
import type { Project } from '../core/project.js';
import { Entry } from '../core/schema/case.js';
import { DiagnoseInput, DiagnoseOutput } from '../core/schema/diagnose.js';
import { Runbook } from '../core/schema/runbook.js';
import { searchProject, symptomMatcher } from '../node/search.js';
import { ApiError } from './errors.js';
import { CaseHit, CasesQuery, ErrorBody, IdParams, ParseBody, ParseOut, RateLimitedBody, RunbookEdge, RunbookSummary } from './schemas.js';

/**
 * The edges of a runbook's tree, for drawing it.
 * @param rb the runbook
 * @param runbooks every runbook (to resolve routes)
 * @returns edges `{ from, to, label }`
 */
export function runbookEdges(rb: Runbook, runbooks: Map<string, Runbook>): z.infer<typeof RunbookEdge>[] {
  const out: z.infer<typeof RunbookEdge>[] = [];
  for (const [id, n] of Object.entries(rb.nodes)) {
    if (n.type === 'ask') for (const c of n.choices) out.push({ from: id, to: c.next, label: c.label });
    else if (n.type === 'check') {
      for (const b of n.branches) out.push({ from: id, to: b.next, label: b.says });
      out.push({ from: id, to: n.default, label: 'otherwise' });
      if (n.fallback && n.fallback !== n.default) out.push({ from: id, to: n.fallback, label: 'unreadable or skipped' });
    } else if (n.type === 'route') {
      const target = runbooks.get(n.runbook);
      out.push({ from: id, to: target?.entry ?? '', label: n.message ?? `continue with ${n.runbook}`, runbook: n.runbook });
    }
  }
  return out;
}

const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 413: ErrorBody, 415: ErrorBody, 429: RateLimitedBody };
const writeSecurity = [{ bearer: [] as string[] }];

/**
 * Register the knowledge-base and evidence routes.
 * @param app the Fastify instance (zod type provider)
 * @param project the loaded project
 */
export function registerContentRoutes(app: FastifyInstance, project: Project): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const runbooks = new Map(project.runbooks.map((rb) => [rb.id, rb]));
  const matcher = symptomMatcher(project);

  r.get(
    '/v1/cases',
    {
      schema: {
        tags: ['knowledge base'],
        summary: 'Search cases (or list them)',
        description: 'With `q`, the same ranked search as `runbook search`; without it, every case and note.',
        querystring: CasesQuery,
        response: { 200: z.object({ query: z.string().optional(), results: z.array(CaseHit) }), 400: ErrorBody },
      },
    },
    async (req) => {
      const { q, limit, kind } = req.query;
      if (q && q.trim()) {
        const hits = searchProject(project, q, { limit, ...(kind ? { kinds: [kind] } : {}) });
        return { query: q, results: hits.map((h) => ({ id: h.id, kind: h.kind, title: h.title, score: h.score, snippet: h.snippetText })) };
      }
      const entries = project.kb.entries.filter((e) => (kind ? e.kind === kind : true));
      const list = kind === 'runbook' ? project.runbooks.map((rb) => ({ id: rb.id, kind: 'runbook', title: rb.title, summary: rb.description, tags: rb.tags })) : entries.map((e) => ({ id: e.id, kind: e.kind, title: e.title, summary: e.summary, tags: e.tags }));
      return { results: list };
    },
  );

  r.get(
    '/v1/cases/:id',
    {
      schema: { tags: ['knowledge base'], summary: 'Get a case or note', params: IdParams, response: { 200: Entry, 404: ErrorBody } },
    },
    async (req) => {
      const e = project.kb.byId.get(req.params.id);
      if (!e) throw new ApiError('not-found', `no case "${req.params.id}"; GET /v1/cases?q=... searches them`);
      return e;
    },
  );

  r.get(
    '/v1/runbooks',
    {
      schema: { tags: ['knowledge base'], summary: 'List runbooks', response: { 200: z.object({ runbooks: z.array(RunbookSummary) }) } },
    },
    async () => ({
      runbooks: project.runbooks.map((rb) => ({
        id: rb.id,
        title: rb.title,
        description: rb.description,
        symptoms: rb.symptoms,
        tags: rb.tags,
        candidates: rb.candidates,
        entry: rb.entry,
        nodes: Object.keys(rb.nodes).length,
      })),
    }),
  );

  r.get(
    '/v1/runbooks/:id',
    {
      schema: {
        tags: ['knowledge base'],
        summary: 'Get a runbook with its tree',
        description: '`nodes` is the tree (ask, check, conclude, route nodes); `edges` lists every transition for drawing it.',
        params: IdParams,
        response: { 200: Runbook.extend({ edges: z.array(RunbookEdge) }), 404: ErrorBody },
      },
    },
    async (req) => {
      const rb = runbooks.get(req.params.id);
      if (!rb) throw new ApiError('not-found', `no runbook "${req.params.id}"; GET /v1/runbooks lists them`);
      return { ...rb, edges: runbookEdges(rb, runbooks) };
    },
  );

  r.post(
    '/v1/parse',
    {
      config: { auth: 'write' },
      schema: {
        tags: ['evidence'],
        summary: 'Read pasted command output into facts',
        description: 'The same parsers as `runbook parse`. The command is detected when not given.',
        security: writeSecurity,
        body: ParseBody,
        response: { 200: ParseOut, ...errors },
      },
    },
    async (req) => {
      const p = parseOutput(req.body.output, req.body.command ? { command: req.body.command } : {});
      return { command: p.command ?? null, parser: p.parser ?? null, confidence: p.confidence ?? 0, facts: p.facts, warnings: p.warnings };
    },
  );

  r.post(
    '/v1/diagnose',
    {
      config: { auth: 'write' },
      schema: {
        tags: ['evidence'],
        summary: 'One-shot diagnosis',
        description: 'Symptom, kernel and pasted outputs in; ranked candidate causes, facts, next commands and warnings out (same as `runbook diagnose --json`).',
        security: writeSecurity,
        body: DiagnoseInput,
        response: { 200: DiagnoseOutput, ...errors },
      },
    },
    async (req) => {
      const { readings, ...out } = diagnose(req.body, { cases: project.kb.entries, symptomMatcher: matcher });
      void readings;
      return out;
    },
  );
}
