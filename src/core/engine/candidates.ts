/**
 * Ranking candidate cases from what is known: each case's signals applied to
 * the facts, kernel applicability, answers to questions, the symptom text and
 * the runbook's conclusion. One function serves sessions and one-shot
 * diagnosis, so the two can never disagree.
 */
import type { Entry } from '../schema/case.js';
import { describeKernel, kernelSatisfies, parseKernel } from '../kernel.js';
import { describeFacts, evaluate, knownKernel, type EvalContext } from './conditions.js';
import { conditionFacts } from '../schema/condition.js';

/** Candidate statuses, strongest first. */
export type CandidateStatus = 'confirmed' | 'likely' | 'possible' | 'ruled-out';

/** One candidate cause. */
export interface Candidate {
  id: string;
  title: string;
  /** 0..1, higher is better supported. */
  score: number;
  status: CandidateStatus;
  /** Plain sentences citing the facts used. */
  why: string[];
  /** Raw evidence points (for ordering and tests). */
  points: number;
}

/** Evidence that does not come from facts. */
export interface ExtraEvidence {
  /** Answers that support a case: case id → reasons. */
  supports?: Map<string, string[]>;
  /** Answers that rule a case out: case id → reasons. */
  rulesOut?: Map<string, string[]>;
  /** Symptom text similarity: case id → points (small) and a reason. */
  symptom?: Map<string, { points: number; reason: string }>;
  /** Cases a runbook path concluded, with the confidence of the conclusion. */
  concluded?: Map<string, 'high' | 'medium' | 'low'>;
}

/** Points per signal weight and per other kind of evidence. */
export const POINTS = { required: 2, strong: 3, supporting: 1, answer: 1.5, concludedHigh: 3, concludedMedium: 2, concludedLow: 1 } as const;

/**
 * Points at which a candidate becomes likely; confirmed also needs a strong signal, no unknown
 * precondition, and corroboration: evidence from two different sources (fact namespaces such as
 * `netstat` and `sysctl`), or a runbook path that concluded it. One command's output alone never confirms.
 */
export const THRESHOLDS = { likely: 3, confirmed: 5 } as const;

/**
 * Rank candidate cases.
 * @param cases the cases to consider
 * @param ctx facts and deltas
 * @param extra answers, symptom similarity and conclusions
 * @returns candidates, best first, ruled-out last
 */
export function rankCandidates(cases: Entry[], ctx: EvalContext, extra: ExtraEvidence = {}): Candidate[] {
  const kernel = knownKernel(ctx.facts);
  const out: Candidate[] = [];
  for (const e of cases) {
    const why: string[] = [];
    const against: string[] = [];
    let points = 0;
    let strongHits = 0;
    let requiredUnknown = 0;
    let ruledOut = false;
    // Sources (fact namespaces such as netstat, sysctl, conntrack) that evidence for this case came from.
    const sources = new Set<string>();
    if (kernel && e.applies.kernel) {
      const ok = kernelSatisfies(kernel, e.applies.kernel);
      const k = parseKernel(kernel)!;
      if (ok === false) {
        ruledOut = true;
        against.push(`kernel ${kernel} (${describeKernel(k)}) is outside this case's range ${e.applies.kernel}`);
      } else if (ok === true && e.applies.kernel !== 'any') {
        why.push(`kernel ${kernel} is within this case's range ${e.applies.kernel}`);
      }
    }
    for (const s of e.signals) {
      const t = evaluate(s.when, ctx);
      if (t === 'unknown') {
        if (s.weight === 'required') requiredUnknown++;
        continue;
      }
      const facts = describeFacts(s.when, ctx);
      const cite = facts ? ` (${facts})` : '';
      if (s.weight === 'rules-out') {
        if (t) {
          ruledOut = true;
          against.push(`${s.says}${cite}`);
        }
        continue;
      }
      if (s.weight === 'required') {
        if (t) {
          for (const f of conditionFacts(s.when)) sources.add(f.split('.')[0]);
          points += POINTS.required;
          why.push(`${s.says}${cite}`);
        } else {
          ruledOut = true;
          against.push(`needs: ${s.says}; but${cite || ' the facts say otherwise'}`);
        }
        continue;
      }
      if (t) {
        for (const f of conditionFacts(s.when)) sources.add(f.split('.')[0]);
        points += s.weight === 'strong' ? POINTS.strong : POINTS.supporting;
        if (s.weight === 'strong') strongHits++;
        why.push(`${s.says}${cite}`);
      }
    }
    for (const r of extra.rulesOut?.get(e.id) ?? []) {
      ruledOut = true;
      against.push(r);
    }
    for (const r of extra.supports?.get(e.id) ?? []) {
      points += POINTS.answer;
      why.push(r);
    }
    const sym = extra.symptom?.get(e.id);
    if (sym) {
      points += sym.points;
      why.push(sym.reason);
    }
    const concluded = extra.concluded?.get(e.id);
    if (concluded) {
      points += concluded === 'high' ? POINTS.concludedHigh : concluded === 'medium' ? POINTS.concludedMedium : POINTS.concludedLow;
      why.push(`the runbook's path concluded this case (${concluded} confidence)`);
    }
    let status: CandidateStatus;
    if (ruledOut) status = 'ruled-out';
    else if (points >= THRESHOLDS.confirmed && strongHits > 0 && requiredUnknown === 0 && (sources.size >= 2 || concluded)) status = 'confirmed';
    else if (points >= THRESHOLDS.likely && (strongHits > 0 || concluded)) status = 'likely';
    else status = 'possible';
    out.push({
      id: e.id,
      title: e.title,
      points,
      score: ruledOut ? 0 : Math.round(Math.min(1, points / 10) * 1000) / 1000,
      status,
      why: ruledOut ? against.map((a) => `ruled out: ${a}`).concat(why) : why,
    });
  }
  const rank: Record<CandidateStatus, number> = { confirmed: 0, likely: 1, possible: 2, 'ruled-out': 3 };
  return out.sort((a, b) => rank[a.status] - rank[b.status] || b.points - a.points || a.id.localeCompare(b.id));
}
