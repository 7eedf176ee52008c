/**
 * The one-shot diagnosis contract (design: "Machine interfaces"): the body of
 * `runbook diagnose --json` and `POST /v1/diagnose`, and its answer.
 */
import { z } from 'zod';

/** Up to 1 MB of pasted output per item is accepted by the adapters. */
export const MAX_OUTPUT_CHARS = 1_000_000;

/** One pasted command output. */
export const EvidenceItem = z
  .object({
    /** The command that produced it; detected when absent. */
    command: z.string().max(2000).optional(),
    /** What the command printed. */
    output: z.string().max(MAX_OUTPUT_CHARS),
    /** ISO time it was taken; two outputs of one command give deltas. */
    takenAt: z.string().datetime({ offset: true }).optional(),
  })
  .strict();

/** Diagnose input. */
export const DiagnoseInput = z
  .object({
    /** Free text, optional. */
    symptom: z.string().max(5000).optional(),
    /** `uname -r`, optional. */
    kernel: z.string().max(200).optional(),
    evidence: z.array(EvidenceItem).max(100).default([]),
  })
  .strict();
export type DiagnoseInput = z.input<typeof DiagnoseInput>;

/** One ranked candidate. */
export const CandidateOut = z.object({
  id: z.string(),
  title: z.string(),
  score: z.number(),
  status: z.enum(['confirmed', 'likely', 'possible', 'ruled-out']),
  why: z.array(z.string()),
});

/** Diagnose output. */
export const DiagnoseOutput = z.object({
  candidates: z.array(CandidateOut),
  facts: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  next: z.array(z.object({ command: z.string(), why: z.string() })),
  warnings: z.array(z.string()),
});
export type DiagnoseOutput = z.infer<typeof DiagnoseOutput>;
