/**
 * The built CLI end to end: `node bin/runbook.js` in a child process, over a
 * temporary content root (RUNBOOK_HOME) holding copies of the fixture cases.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeEntry } from '../src/core/normalize/normalize.js';
import { buildKnowledgeBase } from '../src/core/kb.js';
import { formatProblem } from '../src/core/problems.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'cases');
const REFERENCE_CASE = join(ROOT, 'content', 'cases', 'tcp-tw-recycle-nat-paws.md');
const homes: string[] = [];

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run the built CLI.
 * @param args arguments after `runbook`
 * @param home the RUNBOOK_HOME content root
 * @returns exit status and output
 */
function runbook(args: string[], home: string): Run {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'runbook.js'), ...args], {
    cwd: home,
    env: { ...process.env, RUNBOOK_HOME: home, NO_COLOR: '1', RUNBOOK_DEBUG: '' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A temporary content root with these files copied into content/cases/.
 * @param files absolute paths of case files
 * @returns the root
 */
function makeHome(files: string[]): string {
  const home = mkdtempSync(join(tmpdir(), 'runbook-cli-'));
  homes.push(home);
  mkdirSync(join(home, 'content', 'cases'), { recursive: true });
  for (const f of files) copyFileSync(f, join(home, 'content', 'cases', f.split(/[\\/]/).pop()!));
  return home;
}

const STACK = /^\s+at .+[:(]\d+/m;

/** The newest modification time of the TypeScript sources under src/. */
function newestSource(dir = join(ROOT, 'src')): number {
  let t = 0;
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newestSource(p) : f.endsWith('.ts') ? s.mtimeMs : 0);
  }
  return t;
}

beforeAll(() => {
  // Build lib/ with `tsc -p tsconfig.build.json` unless the global setup has just
  // done it (rebuilding while other test files run the CLI would race with them).
  // tsc emits even when files other work has in flight have type errors, so
  // its exit status is not the gate: the compiled entry point must exist.
  const entry = join(ROOT, 'lib', 'cli', 'index.js');
  if (!existsSync(entry) || statSync(entry).mtimeMs < newestSource()) {
    spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, encoding: 'utf8' });
  }
  expect(existsSync(entry)).toBe(true);
}, 180_000);

afterAll(() => {
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});

describe('runbook check', () => {
  const badFiles = readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(FIXTURES, f))
    .concat(readdirSync(join(FIXTURES, 'duplicate-id')).map((f) => join(FIXTURES, 'duplicate-id', f)));

  it('prints one located message per problem, a summary, and exits 1 without a stack trace', () => {
    const home = makeHome(badFiles);
    const r = runbook(['check'], home);
    expect(r.status).toBe(1);
    expect(r.stdout + r.stderr).not.toMatch(STACK);
    expect(r.stderr).not.toMatch(/unexpected error/);

    // What core says about the same files, with the paths check shows.
    const files = badFiles.map((f) => ({ path: `content/cases/${f.split(/[\\/]/).pop()}`, text: readFileSync(f, 'utf8') }));
    const expected = buildKnowledgeBase(files).problems.map(formatProblem);
    expect(expected.length).toBeGreaterThanOrEqual(17);
    const lines = r.stdout.split('\n');
    for (const line of expected) expect(lines).toContain(line);

    // A few spelled out, so the format itself is pinned here too.
    expect(lines).toContain(
      'content/cases/bad-kernel-range.md:8:11: cannot read "=>3.18" in kernel range "=>3.18 <4.10": expected an operator and a version, like <4.12 or >=3.18 (hint: write ranges like "<4.12", ">=3.18 <4.10", "el7 <3.10.0-1062.1.1" or "any")',
    );
    expect(lines).toContain('content/cases/unknown-field.md:9:3: unknown field "kernal" in applies (hint: remove the field or fix its spelling; run `runbook new <id>` to see every allowed field)');
    expect(lines.some((l) => l.startsWith('content/cases/dup-second.md:3:5: the id "dup-first" is already used by content/cases/dup-first.md'))).toBe(true);
    expect(lines.some((l) => l.startsWith('content/cases/missing-front-matter.md:1:1: no YAML front matter'))).toBe(true);

    const summary = lines.filter(Boolean).pop()!;
    expect(summary).toMatch(/cases, \d+ notes?, \d+ runbooks? checked: \d+ errors?, \d+ warnings?$/);
    const errors = Number(/checked: (\d+) error/.exec(summary)![1]);
    expect(errors).toBeGreaterThanOrEqual(expected.filter((l) => !/:\d+:\d+: warning: /.test(l)).length);
  });

  it('--json prints the problems as data', () => {
    const home = makeHome([join(FIXTURES, 'missing-section.md')]);
    const r = runbook(['check', '--json'], home);
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as { ok: boolean; problems: { code: string; path: string; line: number; column: number }[] };
    expect(out.ok).toBe(false);
    expect(out.problems).toContainEqual(expect.objectContaining({ code: 'missing-section', path: 'content/cases/missing-section.md', line: 29, column: 1 }));
  });

  it('exits 0 on valid content', () => {
    const home = makeHome([join(FIXTURES, 'valid-chinese-headings.md'), join(FIXTURES, 'duplicate-id', 'dup-first.md')]);
    const r = runbook(['check'], home);
    expect(r.stdout + r.stderr).not.toMatch(STACK);
    expect(r.stdout).toMatch(/checked: 0 errors/);
    expect(r.status).toBe(0);
  });

  it('reports a catalog that is not valid JSON, or not a list of ids, as a located problem', () => {
    for (const [text, message] of [
      ['{bad', /content\/catalog\.json:1:1: the catalog is not valid JSON/],
      ['{}', /content\/catalog\.json:1:1: the catalog must be/],
    ] as const) {
      const home = makeHome([join(FIXTURES, 'valid-chinese-headings.md')]);
      writeFileSync(join(home, 'content', 'catalog.json'), text);
      const r = runbook(['check'], home);
      expect(r.stdout + r.stderr).not.toMatch(/unexpected error|^\s+at /m);
      expect(r.stdout).toMatch(message);
      expect(r.status).toBe(1);
      // The rest of the content still loads.
      expect(runbook(['list'], home).stdout).toMatch(/1 entr/);
    }
  });
});

describe('runbook parse', () => {
  it('with nothing on standard input is a usage error with an example, like diagnose', () => {
    const home = makeHome([]);
    const r = runbook(['parse'], home);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no input: pipe the output in, e\.g\. netstat -s \| runbook parse/);
  });
});

describe('the prebuilt bundle', () => {
  it('is not used once a content file it was built from is gone', () => {
    // A copy of the package: its bundle is the one read for its own content.
    const pkg = mkdtempSync(join(tmpdir(), 'runbook-pkg-'));
    homes.push(pkg);
    for (const d of ['bin', 'lib', 'content', 'runbooks']) cpSync(join(ROOT, d), join(pkg, d), { recursive: true });
    copyFileSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
    symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
    const run = (...args: string[]) => spawnSync(process.execPath, [join(pkg, 'bin', 'runbook.js'), ...args], { cwd: pkg, encoding: 'utf8', env: { ...process.env, RUNBOOK_HOME: '', NO_COLOR: '1' }, timeout: 60_000 });
    expect(run('bundle').status).toBe(0);
    const before = Number(/(\d+) entries/.exec(run('list').stdout)?.[1]);
    rmSync(join(pkg, 'content', 'cases', 'tcp-tw-recycle-nat-paws.md'));
    expect(run('list').stdout).toContain(`${before - 1} entries`);
    expect(run('show', 'tcp-tw-recycle-nat-paws').status).toBe(1);
  });
});

describe('runbook show', () => {
  const files = [REFERENCE_CASE, join(FIXTURES, 'valid-chinese-headings.md')];

  it('names the closest ids for an unknown id, exit 1, no stack trace', () => {
    const home = makeHome(files);
    const r = runbook(['show', 'tcp-tw-recycle-nat-pawz'], home);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no case, note or runbook with id "tcp-tw-recycle-nat-pawz"/);
    expect(r.stderr).toMatch(/[Dd]id you mean:? .*tcp-tw-recycle-nat-paws/);
    expect(r.stdout + r.stderr).not.toMatch(STACK);
  });

  it('--json prints the normalized entry', () => {
    const home = makeHome(files);
    const r = runbook(['show', 'tcp-tw-recycle-nat-paws', '--json'], home);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const entry = JSON.parse(r.stdout);
    const expected = normalizeEntry(readFileSync(REFERENCE_CASE, 'utf8'), 'content/cases/tcp-tw-recycle-nat-paws.md').entry;
    expect(entry).toEqual(expected);
    expect(entry.applies.kernel).toBe('<4.12');
    expect(entry.symptoms.length).toBeGreaterThan(0);
    expect(entry.evidence.length).toBeGreaterThan(0);
    expect(entry.rootCause).toMatch(/PAWS/);
    expect(entry.fix.commands.length).toBeGreaterThan(0);
    expect(entry.sources.length).toBeGreaterThan(0);
  });

  it('prints the entry as text', () => {
    const home = makeHome(files);
    const r = runbook(['show', 'valid-chinese-headings'], home);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Accept queue overflow written with Chinese headings/);
    expect(r.stdout).toMatch(/ss -lnt/);
  });
});
