/**
 * Runbooks: typed decision trees in `runbooks/<id>.yaml`.
 *
 * Nodes:
 * - `ask`: a question with choices; each choice leads on and may support or rule out cases.
 * - `check`: commands to run, the parser that reads the pasted output, branches on facts,
 *   a `default` when no branch matches and a `fallback` when the output cannot be read.
 * - `conclude`: one or more case ids with a confidence.
 * - `route`: hand over to another runbook (used by `triage`).
 */
import { z } from 'zod';
import { EntryId } from './case.js';
import { Condition } from './condition.js';

/** A node id: lowercase words joined by hyphens. */
export const NodeId = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'node ids are lowercase words joined by hyphens');

/** One choice of an `ask` node. */
export const Choice = z
  .object({
    /** What the user picks, e.g. "Only some clients, behind one NAT". */
    label: z.string().min(1),
    /** The node to go to. */
    next: NodeId,
    /** Cases this answer makes more likely. */
    supports: z.array(EntryId).default([]),
    /** Cases this answer excludes. */
    rulesOut: z.array(EntryId).default([]),
    /** Facts this answer establishes, e.g. `{ "answer.nat": true }` (names must be in the catalog or start with `answer.`). */
    sets: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).optional(),
  })
  .strict();
export type Choice = z.infer<typeof Choice>;

/** A question. */
export const AskNode = z
  .object({
    type: z.literal('ask'),
    question: z.string().min(3),
    /** Why the question matters (shown on `why`). */
    why: z.string().optional(),
    choices: z.array(Choice).min(2),
  })
  .strict();

/** A command recommended by a `check` node. */
export const CheckCommand = z
  .object({
    /** The command line to run, e.g. `netstat -s | grep -i -E 'timestamp|listen'`. */
    command: z.string().min(1),
    /** The parser id that reads its output (`runbook facts --parsers`). */
    parser: z.string().min(1),
    /** Why this command, in one sentence. */
    why: z.string().optional(),
    /** Ask for two snapshots this many seconds apart (counters that must be seen rising). */
    twiceSeconds: z.number().int().positive().optional(),
  })
  .strict();
export type CheckCommand = z.infer<typeof CheckCommand>;

/** A branch of a `check` node. */
export const Branch = z
  .object({
    when: Condition,
    next: NodeId,
    /** What the branch means, shown when it is taken. */
    says: z.string().min(3),
  })
  .strict();
export type Branch = z.infer<typeof Branch>;

/** Run commands, read the output, branch on facts. */
export const CheckNode = z
  .object({
    type: z.literal('check'),
    /** Short title, e.g. "Is tcp_tw_recycle on?" */
    title: z.string().min(3),
    /** Why this check matters. */
    why: z.string().min(3),
    commands: z.array(CheckCommand).min(1),
    /** Evaluated in order; the first that holds wins. */
    branches: z.array(Branch).default([]),
    /** Where to go when the output was read but no branch holds. */
    default: NodeId,
    /** What to tell the user when no branch holds (default: a neutral "nothing here changes the path"). */
    otherwise: z.string().min(3).optional(),
    /** Where to go when the output could not be read (or the user skips); default: `default`. */
    fallback: NodeId.optional(),
  })
  .strict();

/** End of a path: the case(s) the evidence points to. */
export const ConcludeNode = z
  .object({
    type: z.literal('conclude'),
    /** The cases concluded, best first; empty means "none of this runbook's causes". */
    cases: z.array(EntryId),
    confidence: z.enum(['high', 'medium', 'low']).default('medium'),
    /** What to tell the user. */
    message: z.string().optional(),
  })
  .strict();

/** Hand over to another runbook. */
export const RouteNode = z
  .object({
    type: z.literal('route'),
    runbook: EntryId,
    message: z.string().optional(),
  })
  .strict();

/** Any node. */
export const RunbookNode = z.discriminatedUnion('type', [AskNode, CheckNode, ConcludeNode, RouteNode]);
export type RunbookNode = z.infer<typeof RunbookNode>;
export type AskNode = z.infer<typeof AskNode>;
export type CheckNode = z.infer<typeof CheckNode>;
export type ConcludeNode = z.infer<typeof ConcludeNode>;
export type RouteNode = z.infer<typeof RouteNode>;

/** A runbook file. */
export const Runbook = z
  .object({
    id: EntryId,
    title: z.string().min(3),
    /** One or two sentences: when to use this runbook. */
    description: z.string().min(10),
    /** Symptom phrases it serves, English and Chinese. */
    symptoms: z.array(z.string().min(2)).min(1),
    tags: z.array(z.string()).default([]),
    /** The cases it can conclude. */
    candidates: z.array(EntryId).default([]),
    /** The first node. */
    entry: NodeId,
    nodes: z.record(NodeId, RunbookNode),
  })
  .strict();
export type Runbook = z.infer<typeof Runbook>;
