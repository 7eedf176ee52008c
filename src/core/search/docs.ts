/**
 * Search documents: the text of cases, notes and runbooks split into the
 * weighted fields the index reads, plus the short passages snippets are cut
 * from.
 */
import type { Entry } from '../schema/case.js';
import { conditionFacts } from '../schema/condition.js';
import type { Runbook } from '../schema/runbook.js';

/** What a search result is. */
export type SearchKind = 'case' | 'note' | 'runbook';

/** The indexed fields, in a fixed order (the artifact stores them positionally). */
export const SEARCH_FIELDS = ['title', 'symptoms', 'summary', 'tags', 'evidence', 'cause', 'body'] as const;
/** One indexed field. */
export type SearchField = (typeof SEARCH_FIELDS)[number];

/**
 * How much a match in each field counts. Title and symptom phrasings (with
 * their Chinese aliases) describe what a user sees; evidence holds the
 * commands and counter names; the body is everything else.
 */
export const FIELD_WEIGHTS: Record<SearchField, number> = {
  title: 5,
  symptoms: 4,
  summary: 2.5,
  tags: 2.5,
  evidence: 2,
  cause: 1.5,
  body: 1,
};

/** A document to index. */
export interface SearchDoc {
  /** The case, note or runbook id. */
  id: string;
  kind: SearchKind;
  title: string;
  /** Text per field (markdown is fine). */
  fields: Record<SearchField, string>;
  /** Short plain-text passages snippets are cut from, most descriptive first. */
  passages: string[];
}

const PASSAGE_MAX = 300;

/**
 * Markdown to plain text for display: drops code fences' info lines, link
 * targets, URLs, emphasis and list/heading markers.
 * @param md markdown
 * @returns plain text on one line
 */
export function plainText(md: string): string {
  return md
    .replace(/^```.*$/gm, ' ')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/^\s{0,3}(?:#{1,6}|[-*+]|\d+[.)]|>)\s+/gm, '')
    .replace(/(\*\*|__|`)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Markdown to indexable text: URLs out (their paths are noise), the rest kept. */
function indexText(md: string): string {
  return md.replace(/^```.*$/gm, ' ').replace(/\]\([^)]*\)/g, '] ').replace(/https?:\/\/\S+/g, ' ');
}

function cap(s: string): string {
  if (s.length <= PASSAGE_MAX) return s;
  const cut = s.lastIndexOf(' ', PASSAGE_MAX);
  return s.slice(0, cut > PASSAGE_MAX / 2 ? cut : PASSAGE_MAX) + '…';
}

function firstParagraph(md: string): string {
  const para = md.split(/\n\s*\n/).find((p) => p.trim() && !p.trim().startsWith('```'));
  return para ? plainText(para) : '';
}

/**
 * Search documents from knowledge-base entries.
 * @param entries normalized cases and notes
 * @returns one document per entry, in the same order
 */
export function searchDocsFromEntries(entries: readonly Entry[]): SearchDoc[] {
  return entries.map((e) => {
    const section = (key: string) =>
      e.sections
        .filter((s) => s.key === key)
        .map((s) => s.markdown)
        .join('\n\n');
    const bodyKeys = new Set(['symptom', 'evidence', 'rootCause']);
    const facts = e.signals.flatMap((s) => conditionFacts(s.when));
    const symptomLines = e.symptoms.flatMap((s) => [s.text, ...s.aliases]);
    const body = [
      ...e.sections.filter((s) => !bodyKeys.has(s.key)).map((s) => s.markdown),
      e.applies.kernel ? `kernel ${e.applies.kernel}` : '',
      ...e.applies.distros,
      ...e.applies.libraries.map((l) => [l.name, l.versions, l.note].filter(Boolean).join(' ')),
      ...e.sources.map((s) => [s.section, s.note].filter(Boolean).join(' ')),
    ];
    const evidence = [
      section('evidence'),
      ...e.evidence.map((c) => `${c.command}\n${c.lookFor}`),
      ...facts,
      ...e.signals.map((s) => s.says),
    ];
    const passages = [
      plainText(e.summary),
      ...e.symptoms.map((s) => s.text),
      ...e.symptoms.filter((s) => s.aliases.length).map((s) => s.aliases.join(' · ')),
      firstParagraph(e.rootCause),
    ]
      .filter(Boolean)
      .map(cap);
    return {
      id: e.id,
      kind: e.kind,
      title: e.title,
      fields: {
        title: e.title,
        symptoms: symptomLines.join('\n'),
        summary: [e.summary, section('symptom')].join('\n'),
        tags: [...e.tags, e.id].join(' '),
        evidence: indexText(evidence.join('\n')),
        cause: indexText(e.rootCause),
        body: indexText(body.join('\n')),
      },
      passages,
    };
  });
}

/**
 * Search documents from runbooks: title, description, symptom phrases and tags.
 * @param runbooks validated runbooks
 * @returns one document per runbook, in the same order
 */
export function searchDocsFromRunbooks(runbooks: readonly Runbook[]): SearchDoc[] {
  return runbooks.map((r) => ({
    id: r.id,
    kind: 'runbook' as const,
    title: r.title,
    fields: {
      title: r.title,
      symptoms: r.symptoms.join('\n'),
      summary: r.description,
      tags: [...r.tags, r.id].join(' '),
      evidence: '',
      cause: '',
      body: '',
    },
    passages: [plainText(r.description), ...r.symptoms].filter(Boolean).map(cap),
  }));
}
