/**
 * The markdown normalizer: a case or note file (YAML front matter plus a
 * markdown body with sections found by heading) in, a validated {@link Entry}
 * and every located problem out. Never throws on user text.
 */
import { fromMarkdown } from 'mdast-util-from-markdown';
import { frontmatterFromMarkdown } from 'mdast-util-frontmatter';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { frontmatter } from 'micromark-extension-frontmatter';
import { gfm } from 'micromark-extension-gfm';
import { toString } from 'mdast-util-to-string';
import type { Code, Heading, List, Root, RootContent } from 'mdast';
import { Entry, FrontMatter, SECTION_KEYS, type EvidenceCommand, type SectionKey } from '../schema/case.js';
import { isKernelParseError, parseKernelRange } from '../kernel.js';
import { problem, type Problem } from '../problems.js';
import { SECTION_NAMES, sectionKeyFor } from './sections.js';
import { readYaml, reportIssue, yamlPos } from './yaml.js';

/** The result of normalizing one file. */
export interface NormalizeResult {
  /** The entry, when the file is valid enough to produce one. */
  entry?: Entry;
  /** Every problem found, in file order. */
  problems: Problem[];
}

const SHELL_LANGS = new Set(['', 'sh', 'bash', 'shell', 'console', 'zsh', 'shell-session']);
const REQUIRED_CASE_SECTIONS: SectionKey[] = ['symptom', 'evidence', 'rootCause', 'fix', 'applies'];

interface RawSection {
  key: string;
  title: string;
  heading?: Heading;
  nodes: RootContent[];
  markdown: string;
}

/**
 * Normalize one case or note file.
 * @param source the file text
 * @param path the path shown in problems (and stored on the entry)
 * @returns the entry (when valid) and every problem
 */
export function normalizeEntry(source: string, path: string): NormalizeResult {
  const problems: Problem[] = [];
  const text = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  let tree: Root;
  try {
    tree = fromMarkdown(text, { extensions: [frontmatter(['yaml']), gfm()], mdastExtensions: [frontmatterFromMarkdown(['yaml']), gfmFromMarkdown()] });
  } catch (e) {
    problems.push(problem('read-error', path, 1, 1, `could not read the markdown: ${(e as Error).message}`));
    return { problems };
  }
  // TODO markers left by the scaffolding tools: a warning each (the file still loads).
  text.split('\n').forEach((l, i) => {
    const col = l.search(/\bTODO\b/);
    if (col >= 0) problems.push(problem('todo-left', path, i + 1, col + 1, 'a TODO marker is left in the file', { severity: 'warning' }));
  });
  const first = tree.children[0];
  if (!first || first.type !== 'yaml') {
    problems.push(problem('missing-front-matter', path, 1, 1, 'no YAML front matter at the top of the file'));
    return { problems };
  }
  const yamlStartLine = (first.position?.start.line ?? 1) + 1;
  const fm = readYaml(first.value, path, yamlStartLine, problems, 'front matter');
  const sections = splitSections(tree, text);
  const kind = fm.data && typeof fm.data === 'object' && (fm.data as { kind?: unknown }).kind === 'note' ? 'note' : 'case';
  const at = (n?: { position?: { start: { line: number; column: number } } }) => n?.position?.start ?? { line: 1, column: 1 };

  const byKey = new Map<string, RawSection>();
  for (const s of sections) if (!byKey.has(s.key)) byKey.set(s.key, s);
  if (kind === 'case') {
    const lastLine = text.replace(/\n+$/, '').split('\n').length;
    for (const key of REQUIRED_CASE_SECTIONS) {
      const s = byKey.get(key);
      if (!s) {
        problems.push(problem('missing-section', path, lastLine, 1, `the "${SECTION_NAMES[key]}" section is missing`));
      } else if (s.markdown.trim() === '') {
        const p = at(s.heading);
        problems.push(problem('empty-section', path, p.line, p.column, `the "${SECTION_NAMES[key]}" section is empty`));
      }
    }
  }

  const evidence = readEvidence(byKey.get('evidence'));
  const evidenceSection = byKey.get('evidence');
  if (kind === 'case' && evidenceSection && evidenceSection.markdown.trim() !== '' && evidence.length === 0) {
    const p = at(evidenceSection.heading);
    problems.push(problem('no-evidence-command', path, p.line, p.column, 'the Evidence section has no shell code block with a command'));
  }
  const fix = readFix(byKey.get('fix'));

  if (!fm.data) return { problems: sortProblems(problems) };
  // The kernel range is checked on the raw data so it is reported beside any schema problem.
  const rawKernel = (fm.data as { applies?: { kernel?: unknown } }).applies?.kernel;
  if (typeof rawKernel === 'string' && rawKernel !== '') {
    const r = parseKernelRange(rawKernel);
    if (isKernelParseError(r)) {
      const pos = yamlPos(fm.doc!, fm.lineCounter!, ['applies', 'kernel'], yamlStartLine);
      problems.push(problem('bad-kernel-range', path, pos.line, pos.column, r.message));
    }
  }
  const parsed = FrontMatter.safeParse(fm.data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) reportIssue(issue, fm.doc!, fm.lineCounter!, yamlStartLine, path, problems);
    return { problems: sortProblems(problems) };
  }
  const data = parsed.data;
  const fileId = /([^/\\]+)\.md$/.exec(path)?.[1];
  if (fileId && fileId !== data.id && !/^(index|readme)$/i.test(fileId)) {
    const pos = yamlPos(fm.doc!, fm.lineCounter!, ['id'], yamlStartLine);
    problems.push(problem('file-name-mismatch', path, pos.line, pos.column, `the id "${data.id}" does not match the file name "${fileId}.md"`, { severity: 'warning' }));
  }
  const sourcesSection = byKey.get('sources');
  const sources = [...data.sources];
  if (sourcesSection) for (const url of linksIn(sourcesSection.nodes)) if (!sources.some((s) => s.url === url)) sources.push({ url });
  if (kind === 'case' && sources.length === 0) {
    problems.push(problem('no-source', path, yamlStartLine - 1, 1, 'the case names no source'));
  }

  const entry: Entry = {
    id: data.id,
    kind: data.kind,
    title: data.title,
    summary: data.summary.trim(),
    symptoms: data.symptoms.map((s) => (typeof s === 'string' ? { text: s, aliases: [] } : s)),
    tags: data.tags,
    evidence,
    signals: data.signals,
    rootCause: byKey.get('rootCause')?.markdown.trim() ?? '',
    fix,
    applies: {
      ...(data.applies?.kernel ? { kernel: data.applies.kernel } : {}),
      distros: data.applies?.distros ?? [],
      libraries: data.applies?.libraries ?? [],
      markdown: byKey.get('applies')?.markdown.trim() ?? '',
    },
    sources,
    related: data.related,
    sections: sections.filter((s) => s.key !== 'intro' || s.markdown.trim() !== '').map((s) => ({ key: s.key, title: s.title, markdown: s.markdown.trim() })),
    path,
  };
  const check = Entry.safeParse(entry);
  if (!check.success) {
    for (const issue of check.error.issues) problems.push(problem('invalid-field', path, 1, 1, `${issue.path.join('.')}: ${issue.message}`));
  }
  const errors = problems.filter((p) => p.severity === 'error');
  return errors.length === 0 ? { entry, problems: sortProblems(problems) } : { problems: sortProblems(problems) };
}

function sortProblems(ps: Problem[]): Problem[] {
  return ps.sort((a, b) => a.line - b.line || a.column - b.column);
}

function splitSections(tree: Root, text: string): RawSection[] {
  const sections: RawSection[] = [];
  let current: RawSection = { key: 'intro', title: '', nodes: [], markdown: '' };
  const body = tree.children.filter((n) => n.type !== 'yaml');
  const flush = (endOffset: number) => {
    const startNode = current.nodes[0];
    const start = startNode?.position?.start.offset;
    current.markdown = start === undefined ? '' : text.slice(start, endOffset);
    sections.push(current);
  };
  for (const node of body) {
    if (node.type === 'heading' && node.depth <= 2) {
      flush(node.position?.start.offset ?? text.length);
      const title = toString(node).trim();
      current = { key: sectionKeyFor(title) ?? `other:${title}`, title, heading: node, nodes: [], markdown: '' };
      continue;
    }
    current.nodes.push(node);
  }
  flush(text.length);
  return sections.filter((s) => s.key !== 'intro' || s.nodes.length > 0);
}

/**
 * Commands in a shell code block: one per line, `$ ` prompts stripped,
 * backslash continuations joined, comment lines skipped.
 * @param code the code node
 * @returns the commands and whether they need root
 */
export function commandsInCode(code: Code): { command: string; needsRoot: boolean }[] {
  const rootMeta = /\broot\b/.test(code.meta ?? '');
  const out: { command: string; needsRoot: boolean }[] = [];
  const joined = code.value.replace(/\\\n\s*/g, ' ');
  for (const rawLine of joined.split('\n')) {
    const line = rawLine.replace(/^\s*[$#]\s+(?=\S)/, (m) => (m.trim() === '#' ? '# ' : '')).trim();
    if (line === '' || line.startsWith('#')) continue;
    out.push({ command: line, needsRoot: rootMeta || /^sudo\s/.test(line) });
  }
  return out;
}

function isShell(node: RootContent): node is Code {
  return node.type === 'code' && SHELL_LANGS.has((node.lang ?? '').toLowerCase());
}

function readEvidence(section: RawSection | undefined): EvidenceCommand[] {
  if (!section) return [];
  const out: EvidenceCommand[] = [];
  let pending: { command: string; needsRoot: boolean }[] = [];
  let notes: string[] = [];
  const flush = () => {
    const lookFor = notes.join('\n\n').trim();
    for (const c of pending) out.push({ command: c.command, lookFor, needsRoot: c.needsRoot });
    pending = [];
    notes = [];
  };
  for (const node of section.nodes) {
    if (isShell(node)) {
      flush();
      pending = commandsInCode(node);
      continue;
    }
    if (pending.length > 0) notes.push(toString(node).trim());
  }
  flush();
  return out;
}

const RISK_WORDS = '(?:risks?|trade-?offs?|caveats?|warnings?|风险|注意事项|注意)';
const RISK_HEADING = new RegExp(`^${RISK_WORDS}(?![a-z])`, 'i'); // not \b: it never matches after Chinese
/** A paragraph that starts "Risk: ..." (or 风险：...), and that lead-in. */
const RISK_LEAD = new RegExp(`^${RISK_WORDS}\\s*[:：]\\s*`, 'i');

function readFix(section: RawSection | undefined): Entry['fix'] {
  const fix: Entry['fix'] = { steps: [], commands: [], risks: [], markdown: section?.markdown.trim() ?? '' };
  if (!section) return fix;
  let inRisks = false;
  for (const node of section.nodes) {
    if (node.type === 'heading') {
      inRisks = RISK_HEADING.test(toString(node).trim());
      continue;
    }
    if (isShell(node)) {
      fix.commands.push(...commandsInCode(node));
      continue;
    }
    if (node.type === 'list') {
      const items = (node as List).children.map((li) => toString(li.children.filter((c) => c.type !== 'code')).trim()).filter(Boolean);
      if (inRisks) fix.risks.push(...items);
      else fix.steps.push(...items);
      for (const li of (node as List).children) for (const c of li.children) if (isShell(c as RootContent)) fix.commands.push(...commandsInCode(c as Code));
      continue;
    }
    if (node.type === 'paragraph') {
      const t = toString(node).trim();
      if (inRisks || RISK_LEAD.test(t)) fix.risks.push(t.replace(RISK_LEAD, ''));
    }
  }
  return fix;
}

function linksIn(nodes: RootContent[]): string[] {
  const urls: string[] = [];
  const visit = (n: unknown) => {
    if (!n || typeof n !== 'object') return;
    const node = n as { type?: string; url?: string; children?: unknown[] };
    if (node.type === 'link' && node.url && /^https?:\/\//.test(node.url)) urls.push(node.url);
    for (const c of node.children ?? []) visit(c);
  };
  nodes.forEach(visit);
  return urls;
}

export { SECTION_KEYS };
