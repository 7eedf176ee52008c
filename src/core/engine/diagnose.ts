/**
 * One-shot diagnosis: evidence in, ranked candidates out. Uses the same
 * evidence reading and candidate ranking as sessions (no second rule engine).
 */
import type { Entry } from '../schema/case.js';
import { parseKernel } from '../kernel.js';
import { DiagnoseInput, type DiagnoseOutput } from '../schema/diagnose.js';
import { rankCandidates } from './candidates.js';
import { absenceIsMeaningful, combineReadings, readEvidence, type EvidenceRead } from './evidence.js';
import { suggestNext } from './next.js';

/** Ranks cases by how well free symptom text matches them: id → points and reason. */
export type SymptomMatcher = (text: string) => Map<string, { points: number; reason: string }>;

/** What diagnosis needs. */
export interface DiagnoseData {
  cases: Entry[];
  /** Optional: similarity of the symptom text to each case (from the search index). */
  symptomMatcher?: SymptomMatcher;
}

/** The full result, with the readings for the evidence trail. */
export interface DiagnoseResult extends DiagnoseOutput {
  readings: EvidenceRead[];
}

/**
 * Diagnose from a symptom, a kernel and pasted outputs.
 * @param raw the input (validated here; throws a ZodError on invalid shape — adapters validate first)
 * @param data cases and an optional symptom matcher
 * @returns ranked candidates (ruled-out last), facts, next commands and warnings
 */
export function diagnose(raw: DiagnoseInput, data: DiagnoseData): DiagnoseResult {
  const input = DiagnoseInput.parse(raw);
  const warnings: string[] = [];
  const readings: EvidenceRead[] = [];
  input.evidence.forEach((ev, i) => {
    if (ev.output.trim() === '') {
      warnings.push(`evidence ${i + 1}${ev.command ? ` (${ev.command})` : ''}: the output is empty`);
      return;
    }
    for (const r of readEvidence(ev)) {
      readings.push(r);
      const label = `evidence ${i + 1}${r.command ? ` (${r.command})` : ''}`;
      for (const w of r.warnings) warnings.push(`${label}: ${w}`);
      if (!r.parser) warnings.push(`${label}: could not tell which command printed this; pass "command" with it`);
    }
  });
  const kernel = input.kernel && parseKernel(input.kernel) ? input.kernel.trim() : undefined;
  if (input.kernel && !kernel) warnings.push(`kernel "${input.kernel}" is not a \`uname -r\` release; ignored`);
  const combined = combineReadings(readings);
  const { deltas, parsersRun } = combined;
  // The kernel given with the request wins over one read from a pasted `uname -r` (on a copy: the
  // combined facts may be a shared reading's own).
  const facts = kernel ? { ...combined.facts, 'kernel.release': kernel } : combined.facts;
  const symptom = input.symptom?.trim() ? data.symptomMatcher?.(input.symptom) : undefined;
  const candidates = rankCandidates(data.cases.filter((e) => e.kind === 'case'), { facts, deltas, absentMeansFalse: (f) => absenceIsMeaningful(f, parsersRun) }, symptom ? { symptom } : {});
  const byId = new Map(data.cases.map((e) => [e.id, e]));
  const next = suggestNext(candidates, byId, facts, deltas).map(({ command, why }) => ({ command, why }));
  const shown = candidates.filter((c) => c.status !== 'ruled-out' && (c.points > 0 || c.status !== 'possible'));
  const ruledOut = candidates.filter((c) => c.status === 'ruled-out' && c.why.length > 0);
  return {
    candidates: [...shown, ...ruledOut].map(({ id, title, score, status, why }) => ({ id, title, score, status, why })),
    facts,
    next,
    warnings,
    readings,
  };
}
