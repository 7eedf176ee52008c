/**
 * The markdown normalizer: fixture pairs under test/fixtures/cases/ (each
 * `<name>.md` beside `<name>.json`, the reviewed expected output: formatted
 * problems, and the entry when the file is valid). A missing `.json` is
 * written on first run; `UPDATE=1` regenerates them all.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { buildKnowledgeBase } from '../src/core/kb.js';
import { normalizeEntry, type NormalizeResult } from '../src/core/normalize/normalize.js';
import { formatProblem, type ProblemCode } from '../src/core/problems.js';
import type { Entry } from '../src/core/schema/case.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'cases');
const UPDATE = process.env.UPDATE === '1';

/** Project-relative, forward slashes: the path shown in messages. */
const rel = (p: string) => relative(ROOT, p).split('\\').join('/');

interface Expected {
  problems: string[];
  entry?: Entry;
}

/**
 * Compare with the stored expectation, writing it when missing or when UPDATE=1.
 * @param jsonPath the `.json` beside the input
 * @param actual what the code produced now
 */
function matchFixture(jsonPath: string, actual: Expected): void {
  const text = JSON.stringify(actual, null, 2) + '\n';
  if (UPDATE || !existsSync(jsonPath)) writeFileSync(jsonPath, text);
  expect(JSON.parse(text)).toEqual(JSON.parse(readFileSync(jsonPath, 'utf8')));
}

const toExpected = (r: NormalizeResult): Expected => ({
  problems: r.problems.map(formatProblem),
  ...(r.entry ? { entry: r.entry } : {}),
});

const mdFixtures = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.md') && statSync(join(FIXTURES, f)).isFile())
  .sort();

/** The kind of problem each fixture exists to exercise, in file order. */
const CODES: Record<string, ProblemCode[]> = {
  'bad-yaml-syntax.md': ['yaml-syntax'],
  'unknown-field.md': ['unknown-field', 'unknown-field'],
  'missing-section.md': ['missing-section'],
  'bad-kernel-range.md': ['bad-kernel-range'],
  'missing-front-matter.md': ['missing-front-matter'],
  'invalid-field-type.md': ['invalid-field', 'invalid-field', 'invalid-field'],
  'evidence-without-code.md': ['no-evidence-command'],
  'several-problems.md': ['unknown-field', 'invalid-field', 'invalid-field', 'bad-kernel-range', 'no-evidence-command', 'empty-section', 'missing-section'],
  'valid-chinese-headings.md': [],
};

/** The exact location of every problem, checked by hand against the fixture files. */
const LOCATIONS: Record<string, string[]> = {
  // line 11 is `  distros: [RHEL 7`; column 19 is just past it, where the "]" is missing
  'bad-yaml-syntax.md': ['11:19'],
  // `severity:` at line 6; `kernal:` indented two spaces under applies at line 9
  'unknown-field.md': ['6:1', '9:3'],
  // the file's last line (29, "Any kernel."): where the section would be added
  'missing-section.md': ['29:1'],
  // the quoted value of `  kernel: "=>3.18 <4.10"` starts at column 11
  'bad-kernel-range.md': ['8:11'],
  'missing-front-matter.md': ['1:1'],
  // `kind: incident` and `tags: tcp` values at column 7; "128" at column 62 of the signal line
  'invalid-field-type.md': ['3:7', '6:7', '8:62'],
  // the `## Evidence` heading
  'evidence-without-code.md': ['15:1'],
  // TCP inside [..] at 7:8; Not_An_Id at 8:11; kernel value at 10:11; headings at 19 and 23; last line 27
  'several-problems.md': ['6:1', '7:8', '8:11', '10:11', '19:1', '23:1', '27:1'],
  'valid-chinese-headings.md': [],
};

const LOCATED = /^test\/fixtures\/cases\/[\w/.-]+\.md:\d+:\d+: (warning: )?\S.* \(hint: .+\)$/;

describe('normalizeEntry on fixture pairs', () => {
  it('finds every fixture the tables describe', () => {
    expect(mdFixtures).toEqual(Object.keys(CODES).sort());
  });

  it.each(mdFixtures)('%s matches its .json', (file) => {
    const path = join(FIXTURES, file);
    const result = normalizeEntry(readFileSync(path, 'utf8'), rel(path));
    matchFixture(path.replace(/\.md$/, '.json'), toExpected(result));
  });

  it.each(mdFixtures)('%s reports the problems it was written for, at the right place', (file) => {
    const path = join(FIXTURES, file);
    const result = normalizeEntry(readFileSync(path, 'utf8'), rel(path));
    expect(result.problems.map((p) => p.code)).toEqual(CODES[file]);
    expect(result.problems.map((p) => `${p.line}:${p.column}`)).toEqual(LOCATIONS[file]);
    for (const message of result.problems.map(formatProblem)) {
      expect(message).toMatch(LOCATED);
      expect(message.startsWith(`test/fixtures/cases/${file}:`)).toBe(true);
      expect(message).not.toMatch(/\n|\bat .+:\d+:\d+\)|Error:|ZodError/);
    }
    if (CODES[file].length > 0) expect(result.entry).toBeUndefined();
  });
});

describe('the duplicate id pair', () => {
  const dir = join(FIXTURES, 'duplicate-id');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => ({ path: rel(join(dir, f)), text: readFileSync(join(dir, f), 'utf8') }));

  it('matches duplicate-id.json', () => {
    const { kb, problems } = buildKnowledgeBase(files);
    matchFixture(join(FIXTURES, 'duplicate-id.json'), { problems: problems.map(formatProblem) });
    expect(kb.entries.map((e) => e.id)).toEqual(['dup-first']);
  });

  it('points at the id in the second file', () => {
    const { problems } = buildKnowledgeBase(files);
    const dup = problems.find((p) => p.code === 'duplicate-id');
    expect(dup).toMatchObject({ path: 'test/fixtures/cases/duplicate-id/dup-second.md', line: 3, column: 5, severity: 'error' });
    expect(dup!.message).toBe('the id "dup-first" is already used by test/fixtures/cases/duplicate-id/dup-first.md');
    expect(problems.find((p) => p.code === 'file-name-mismatch')?.severity).toBe('warning');
  });
});

describe('related ids', () => {
  it('an unknown related id is reported where it is written, with the closest ids', () => {
    const valid = readFileSync(join(FIXTURES, 'valid-chinese-headings.md'), 'utf8');
    const other = readFileSync(join(FIXTURES, 'duplicate-id', 'dup-first.md'), 'utf8').replace(
      'sources:',
      'related:\n  - valid-chinese-heading\n  - no-such-case-anywhere\nsources:',
    );
    const { problems } = buildKnowledgeBase([
      { path: 'content/cases/valid-chinese-headings.md', text: valid },
      { path: 'content/cases/dup-first.md', text: other },
    ]);
    expect(problems.map(formatProblem)).toEqual([
      'content/cases/dup-first.md:8:5: related id "valid-chinese-heading" does not exist; did you mean "valid-chinese-headings"? (hint: use the id of an existing case or note (`runbook list` shows them))',
      'content/cases/dup-first.md:9:5: related id "no-such-case-anywhere" does not exist (hint: use the id of an existing case or note (`runbook list` shows them))',
    ]);
  });
});

describe('Chinese headings', () => {
  const path = join(FIXTURES, 'valid-chinese-headings.md');
  const r = normalizeEntry(readFileSync(path, 'utf8'), rel(path));

  it('are read as the standard sections', () => {
    expect(r.problems).toEqual([]);
    const e = r.entry!;
    expect(e.sections.map((s) => [s.key, s.title])).toEqual([
      ['symptom', '现象'],
      ['evidence', '排查'],
      ['rootCause', '原因'],
      ['fix', '解决'],
      ['applies', '适用'],
      ['sources', '参考'],
    ]);
    expect(e.evidence).toEqual([
      { command: 'ss -lnt', lookFor: 'Recv-Q 接近 Send-Q 说明全连接队列已满。', needsRoot: false },
      { command: "netstat -s | grep -i -E 'listen|overflow'", lookFor: '"times the listen queue of a socket overflowed" 持续增长。', needsRoot: true },
    ]);
    expect(e.rootCause).toMatch(/^全连接队列长度为/);
    expect(e.fix.steps).toHaveLength(2);
    expect(e.fix.commands).toEqual([{ command: 'sysctl -w net.core.somaxconn=4096', needsRoot: true }]);
    expect(e.fix.risks).toEqual(['队列过长会掩盖应用处理慢的问题。']);
    expect(e.symptoms).toEqual([
      { text: 'Rare connection timeouts under bursts while CPU is low', aliases: ['全连接队列溢出', '偶发连接超时'] },
      { text: '新建连接偶尔失败', aliases: [] },
    ]);
    expect(e.sources.map((s) => s.url ?? s.seed)).toEqual(['001_ffbba08da076dbdc.txt', 'https://example.com/tcp-queues']);
  });
});

describe('the reference case content/cases/tcp-tw-recycle-nat-paws.md', () => {
  const path = join(ROOT, 'content', 'cases', 'tcp-tw-recycle-nat-paws.md');
  const r = normalizeEntry(readFileSync(path, 'utf8'), 'content/cases/tcp-tw-recycle-nat-paws.md');
  const e = r.entry!;

  it('normalizes without problems', () => {
    expect(r.problems.map(formatProblem)).toEqual([]);
    expect(e.id).toBe('tcp-tw-recycle-nat-paws');
    expect(e.kind).toBe('case');
    expect(e.path).toBe('content/cases/tcp-tw-recycle-nat-paws.md');
  });

  it('has symptoms with Chinese aliases', () => {
    expect(e.symptoms.length).toBeGreaterThanOrEqual(2);
    expect(e.symptoms.flatMap((s) => s.aliases)).toContain('三次握手失败');
  });

  it('has evidence commands with what to look for, and marks tcpdump as needing root', () => {
    const byCmd = new Map(e.evidence.map((c) => [c.command, c]));
    expect(byCmd.get('sysctl net.ipv4.tcp_tw_recycle net.ipv4.tcp_timestamps')?.lookFor).toMatch(/Both must be `?1`?/);
    const netstat = e.evidence.find((c) => c.command.startsWith('netstat -s'));
    expect(netstat?.lookFor).toContain('passive connections rejected because of time stamp');
    expect(netstat?.needsRoot).toBe(false);
    const tcpdump = e.evidence.find((c) => c.command.startsWith('tcpdump'));
    expect(tcpdump).toBeDefined();
    expect(tcpdump!.needsRoot).toBe(true);
    expect(tcpdump!.lookFor).toMatch(/SYN-ACK/);
    expect(e.evidence.some((c) => c.command === 'uname -r')).toBe(true);
    for (const c of e.evidence) expect(c.lookFor.length, c.command).toBeGreaterThan(0);
  });

  it('has the root cause, and the fix with steps, commands and risks', () => {
    expect(e.rootCause).toMatch(/PAWS/);
    expect(e.rootCause).toMatch(/NAT/);
    expect(e.fix.steps.length).toBeGreaterThanOrEqual(3);
    expect(e.fix.commands).toContainEqual({ command: 'sysctl -w net.ipv4.tcp_tw_recycle=0', needsRoot: true });
    expect(e.fix.risks.length).toBeGreaterThanOrEqual(2);
    expect(e.fix.risks.join('\n')).toMatch(/tcp_timestamps/);
  });

  it('applies to kernels before 4.12 and names its sources', () => {
    expect(e.applies.kernel).toBe('<4.12');
    expect(e.applies.markdown).toMatch(/4\.12/);
    expect(e.sources.map((s) => s.seed)).toContain('000_9d40286ec5ccfc49.txt');
    expect(e.sources.every((s) => s.seed || s.url || s.note)).toBe(true);
  });
});

describe('normalizeEntry never throws on user text', () => {
  const inputs = [
    '',
    '---',
    '---\n---\n',
    '---\n- a\n- b\n---\n# x',
    '---\nid: [\n---\n',
    '\uFEFF---\r\nid: crlf-case\r\n---\r\n## Symptom\r\n',
    '```sh\nunclosed',
    '\u0000\u0001binary\u00ff',
    '---\nid: x\napplies: 5\n---\n',
    '---\nid: x\napplies:\n  kernel: ">>>"\n---\n',
    // Valid syntax that does not build: an alias to no anchor, and an alias bomb.
    '---\nid: x\nrelated: *typo\n---\n',
    `---\nid: x\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n---\n`,
  ];

  it.each(inputs.map((t, i) => [i, t] as const))('input %i', (_i, text) => {
    let r: NormalizeResult | undefined;
    expect(() => (r = normalizeEntry(text, 'x.md'))).not.toThrow();
    expect(r!.problems.length).toBeGreaterThan(0);
    for (const p of r!.problems) expect(formatProblem(p)).toMatch(/^x\.md:\d+:\d+: /);
  });

  it('returns typed results', () => {
    expectTypeOf(normalizeEntry).parameters.toEqualTypeOf<[string, string]>();
    expectTypeOf(normalizeEntry).returns.toEqualTypeOf<NormalizeResult>();
  });
});
