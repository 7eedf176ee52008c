/**
 * Knowledge-base entries: the front matter authors write, and the normalized
 * entry the normalizer produces from front matter plus markdown sections.
 */
import { z } from 'zod';
import { Signal } from './condition.js';

/** Lowercase words joined by single hyphens, e.g. `accept-queue-overflow`. */
export const EntryId = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'an id is lowercase words joined by hyphens, like accept-queue-overflow');

/** case: an incident with a root cause; note: background material. */
export const EntryKind = z.enum(['case', 'note']);
export type EntryKind = z.infer<typeof EntryKind>;

/** A symptom as a user would describe it, with other phrasings (Chinese allowed). */
export const Symptom = z
  .object({
    /** The phrasing in English. */
    text: z.string().min(3),
    /** Other phrasings, e.g. the seed's Chinese words: 三次握手失败. */
    aliases: z.array(z.string().min(1)).default([]),
  })
  .strict();
export type Symptom = z.infer<typeof Symptom>;

/** Where the knowledge comes from: a seed file and its section, or a URL. */
export const Source = z
  .object({
    /** Seed file name, e.g. `000_9d40286ec5ccfc49.txt`. */
    seed: z.string().min(1).optional(),
    /** Section title in the seed. */
    section: z.string().min(1).optional(),
    /** Original URL. */
    url: z.string().url().optional(),
    /** Free note. */
    note: z.string().optional(),
  })
  .strict()
  .refine((s) => s.seed || s.url || s.note, { message: 'a source needs a seed file, a url or a note' });
export type Source = z.infer<typeof Source>;

/** A library or runtime version note, e.g. glibc >= 2.9 for single-request-reopen. */
export const LibraryNote = z
  .object({
    name: z.string().min(1),
    /** Version range in the library's own terms, free text (e.g. ">= 2.9"). */
    versions: z.string().optional(),
    note: z.string().optional(),
  })
  .strict();
export type LibraryNote = z.infer<typeof LibraryNote>;

/** Applicability as written in front matter. */
export const AppliesFrontMatter = z
  .object({
    /** Kernel range, e.g. `<4.12`, `>=3.18 <4.10`, `el7 <3.10.0-1062.1.1`; `any` for all kernels. */
    kernel: z.string().min(1).optional(),
    /** Distributions or images, e.g. `RHEL 7`, `alpine`. */
    distros: z.array(z.string().min(1)).default([]),
    /** Libraries and runtimes with versions. */
    libraries: z.array(LibraryNote).default([]),
  })
  .strict();

/** The YAML front matter of a case or note file. */
export const FrontMatter = z
  .object({
    id: EntryId,
    kind: EntryKind.default('case'),
    title: z.string().min(3),
    /** Two sentences: what happens and why. */
    summary: z.string().min(10),
    symptoms: z.array(z.union([z.string().min(3), Symptom])).default([]),
    tags: z.array(z.string().regex(/^[a-z0-9][a-z0-9.+-]*$/, 'tags are lowercase words like tcp or nat')).default([]),
    signals: z.array(Signal).default([]),
    applies: AppliesFrontMatter.optional(),
    sources: z.array(Source).default([]),
    related: z.array(EntryId).default([]),
  })
  .strict();
export type FrontMatter = z.infer<typeof FrontMatter>;

/** A command that confirms or rules out a case, with what to look for. */
export const EvidenceCommand = z
  .object({
    /** The command line, e.g. `netstat -s | grep -i timestamp`. */
    command: z.string().min(1),
    /** What to look for in its output. */
    lookFor: z.string(),
    /** The command needs root (marked with `root` after the code fence language, or a `sudo` prefix). */
    needsRoot: z.boolean(),
  })
  .strict();
export type EvidenceCommand = z.infer<typeof EvidenceCommand>;

/** A fix command. */
export const FixCommand = z
  .object({
    command: z.string().min(1),
    needsRoot: z.boolean(),
  })
  .strict();

/** The fix: ordered steps, commands and risks. */
export const Fix = z
  .object({
    steps: z.array(z.string()),
    commands: z.array(FixCommand),
    risks: z.array(z.string()),
    /** The section as markdown. */
    markdown: z.string(),
  })
  .strict();
export type Fix = z.infer<typeof Fix>;

/** The normalized section keys recognized by heading. */
export const SECTION_KEYS = ['symptom', 'evidence', 'rootCause', 'fix', 'applies', 'sources'] as const;
export type SectionKey = (typeof SECTION_KEYS)[number];

/** A normalized knowledge-base entry: what the CLI, the API and the site all read. */
export const Entry = z
  .object({
    id: EntryId,
    kind: EntryKind,
    title: z.string(),
    summary: z.string(),
    symptoms: z.array(Symptom),
    tags: z.array(z.string()),
    evidence: z.array(EvidenceCommand),
    signals: z.array(Signal),
    /** Root cause, markdown. */
    rootCause: z.string(),
    fix: Fix,
    applies: z
      .object({
        kernel: z.string().optional(),
        distros: z.array(z.string()),
        libraries: z.array(LibraryNote),
        /** The "Applies to" section, markdown. */
        markdown: z.string(),
      })
      .strict(),
    sources: z.array(Source),
    related: z.array(EntryId),
    /** Every section by key, markdown; headings that are not recognized are kept under their own title. */
    sections: z.array(z.object({ key: z.string(), title: z.string(), markdown: z.string() }).strict()),
    /** Path of the file it came from, relative to the project, when known. */
    path: z.string().optional(),
  })
  .strict();
export type Entry = z.infer<typeof Entry>;
