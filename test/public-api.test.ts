/**
 * The public core API is pinned: adding or removing an export of
 * src/core/index.ts must be a deliberate change to this list.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as core from '../src/core/index.js';
import type {
  Entry,
  EvidenceCommand,
  FrontMatter,
  KernelParseError,
  KernelRange,
  KernelVersion,
  KnowledgeBase,
  KnowledgeBaseResult,
  NormalizeResult,
  Problem,
  ProblemCode,
  Signal,
  SourceFile,
  Symptom,
} from '../src/core/index.js';

const EXPECTED = [
  'AppliesFrontMatter',
  'Comparison',
  'Condition',
  'Entry',
  'EntryId',
  'EntryKind',
  'EvidenceCommand',
  'FactName',
  'FactValue',
  'Fix',
  'FixCommand',
  'FrontMatter',
  'HINTS',
  'KernelCondition',
  'LibraryNote',
  'OPERATORS',
  'Operator',
  'SECTION_HEADINGS',
  'SECTION_KEYS',
  'SECTION_NAMES',
  'SIGNAL_WEIGHTS',
  'Signal',
  'SignalWeight',
  'Source',
  'Symptom',
  'buildKnowledgeBase',
  'closest',
  'commandsInCode',
  'compareBase',
  'compareKernels',
  'comparisons',
  'conditionFacts',
  'describeKernel',
  'editDistance',
  'findEntry',
  'formatProblem',
  'indexEntries',
  'isKernelParseError',
  'kernelSatisfies',
  'normalizeEntry',
  'parseKernel',
  'parseKernelRange',
  'problem',
  'sectionKeyFor',
];

describe('src/core/index.ts', () => {
  it('exports exactly the pinned names', () => {
    expect(Object.keys(core).sort()).toEqual(EXPECTED);
  });

  it('exports functions as functions and schemas as zod schemas', () => {
    for (const name of ['normalizeEntry', 'parseKernel', 'kernelSatisfies', 'formatProblem', 'buildKnowledgeBase', 'findEntry']) {
      expect(typeof (core as Record<string, unknown>)[name], name).toBe('function');
    }
    for (const name of ['Entry', 'FrontMatter', 'Signal', 'Condition', 'Symptom', 'Source']) {
      expect(typeof (core as unknown as Record<string, { safeParse?: unknown }>)[name].safeParse, name).toBe('function');
    }
  });

  it('exports the types adapters use', () => {
    expectTypeOf(core.normalizeEntry).returns.toEqualTypeOf<NormalizeResult>();
    expectTypeOf(core.parseKernel).returns.toEqualTypeOf<KernelVersion | undefined>();
    expectTypeOf(core.parseKernelRange).returns.toEqualTypeOf<KernelRange | KernelParseError>();
    expectTypeOf(core.buildKnowledgeBase).returns.toEqualTypeOf<KnowledgeBaseResult>();
    expectTypeOf(core.indexEntries).returns.toEqualTypeOf<KnowledgeBase>();
    expectTypeOf(core.formatProblem).parameter(0).toEqualTypeOf<Problem>();
    expectTypeOf(core.buildKnowledgeBase).parameter(0).toEqualTypeOf<SourceFile[]>();
    expectTypeOf<Problem['code']>().toEqualTypeOf<ProblemCode>();
    expectTypeOf<Entry['evidence'][number]>().toEqualTypeOf<EvidenceCommand>();
    expectTypeOf<Entry['symptoms'][number]>().toEqualTypeOf<Symptom>();
    expectTypeOf<Entry['signals'][number]>().toEqualTypeOf<Signal>();
    expectTypeOf<FrontMatter['id']>().toEqualTypeOf<string>();
  });
});
