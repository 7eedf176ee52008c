/**
 * The small condition language used by case signals and runbook branches.
 * Conditions are data: a fact name, an operator and a value, combined with
 * `all` / `any` / `not`. They are evaluated by `evaluateCondition` in
 * `../signals.ts`, never with `eval`.
 */
import { z } from 'zod';

/** Comparison operators a condition may use. */
export const OPERATORS = ['==', '!=', '>', '>=', '<', '<=', 'exists', 'matches', 'increased'] as const;

/** One operator of {@link OPERATORS}. */
export const Operator = z.enum(OPERATORS);
export type Operator = z.infer<typeof Operator>;

/** A fact value: facts are flat scalars. */
export const FactValue = z.union([z.number(), z.string(), z.boolean()]);
export type FactValue = z.infer<typeof FactValue>;

/** A fact name: dot separated segments, e.g. `netstat.TcpExt.PAWSPassive`. */
export const FactName = z
  .string()
  .min(1)
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.:\-[\]"*]*$/, 'a fact name is dot separated, like netstat.TcpExt.PAWSPassive');

/** A single comparison over one fact. */
export const Comparison = z
  .object({
    /** The fact the comparison reads. */
    fact: FactName,
    /** The operator. `exists` needs no value; `increased` compares two snapshots (value: minimum increase, default 1). */
    op: Operator,
    /** The value compared against (a regular expression source for `matches`). */
    value: FactValue.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.op !== 'exists' && c.op !== 'increased' && c.value === undefined) {
      ctx.addIssue({ code: 'custom', message: `operator "${c.op}" needs a value`, path: ['value'] });
    }
    if (c.op === 'increased' && c.value !== undefined && typeof c.value !== 'number') {
      ctx.addIssue({ code: 'custom', message: 'operator "increased" takes a number (the least increase) or no value', path: ['value'] });
    }
    if (c.op === 'exists' && c.value !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'operator "exists" takes no value', path: ['value'] });
    }
    if (['>', '>=', '<', '<='].includes(c.op) && c.value !== undefined && typeof c.value !== 'number') {
      ctx.addIssue({ code: 'custom', message: `operator "${c.op}" compares numbers; value must be a number`, path: ['value'] });
    }
    if (c.op === 'matches' && typeof c.value === 'string') {
      try {
        new RegExp(c.value);
      } catch {
        ctx.addIssue({ code: 'custom', message: `"${c.value}" is not a valid regular expression`, path: ['value'] });
      }
    }
  });
export type Comparison = z.infer<typeof Comparison>;

/**
 * A kernel range test on the known kernel (`kernel.release`), e.g. `{ kernel: "<4.12" }`;
 * the range grammar is the one of `applies.kernel` (see src/core/kernel.ts).
 */
export const KernelCondition = z
  .object({
    kernel: z.string().min(1),
  })
  .strict();
export type KernelCondition = z.infer<typeof KernelCondition>;

/** A condition: a comparison, a kernel range test, or a combination of conditions. */
export type Condition = Comparison | KernelCondition | { all: Condition[] } | { any: Condition[] } | { not: Condition };

/** Schema for {@link Condition}. */
export const Condition: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    Comparison,
    KernelCondition,
    z.object({ all: z.array(Condition).min(1) }).strict(),
    z.object({ any: z.array(Condition).min(1) }).strict(),
    z.object({ not: Condition }).strict(),
  ]),
);

/** How much a signal counts for its case. */
export const SIGNAL_WEIGHTS = ['required', 'strong', 'supporting', 'rules-out'] as const;
export const SignalWeight = z.enum(SIGNAL_WEIGHTS);
export type SignalWeight = z.infer<typeof SignalWeight>;

/** A machine-checkable piece of evidence for or against a case. */
export const Signal = z
  .object({
    /** The condition over facts. */
    when: Condition,
    /** required: the case cannot hold if false; strong / supporting: evidence for; rules-out: true means the case is excluded. */
    weight: SignalWeight,
    /** A plain sentence saying what the condition means when it holds, e.g. "tcp_tw_recycle is enabled". */
    says: z.string().min(3),
  })
  .strict();
export type Signal = z.infer<typeof Signal>;

/** Every fact name a condition reads, in order of appearance. */
export function conditionFacts(condition: Condition): string[] {
  if ('fact' in condition) return [condition.fact];
  if ('kernel' in condition) return ['kernel.release'];
  if ('all' in condition) return condition.all.flatMap(conditionFacts);
  if ('any' in condition) return condition.any.flatMap(conditionFacts);
  return conditionFacts(condition.not);
}

/** Every comparison in a condition, in order of appearance (kernel range tests are not comparisons). */
export function comparisons(condition: Condition): Comparison[] {
  if ('fact' in condition) return [condition];
  if ('kernel' in condition) return [];
  if ('all' in condition) return condition.all.flatMap(comparisons);
  if ('any' in condition) return condition.any.flatMap(comparisons);
  return comparisons(condition.not);
}
