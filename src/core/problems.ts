/**
 * Located problems: every validation error in content and runbooks is one of
 * these, tagged by `code`, printed as `path:line:column: message (hint)`.
 */

/** Problem codes; the hint for each code lives in {@link HINTS}. */
export type ProblemCode =
  | 'missing-front-matter'
  | 'yaml-syntax'
  | 'invalid-field'
  | 'unknown-field'
  | 'missing-section'
  | 'empty-section'
  | 'no-evidence-command'
  | 'bad-kernel-range'
  | 'duplicate-id'
  | 'unknown-id'
  | 'file-name-mismatch'
  | 'no-source'
  | 'unknown-fact'
  | 'unknown-parser'
  | 'unknown-node'
  | 'unreachable-node'
  | 'cycle'
  | 'route-cycle'
  | 'unreachable-case'
  | 'uncovered-case'
  | 'missing-catalog-case'
  | 'read-error'
  | 'todo-left';

/** One problem, located. */
export interface Problem {
  code: ProblemCode;
  /** File path as shown to the user. */
  path: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  message: string;
  /** How to fix it. */
  hint?: string;
  severity: 'error' | 'warning';
}

/** The default hint per code. */
export const HINTS: Record<ProblemCode, string> = {
  'missing-front-matter': 'start the file with a YAML block between two "---" lines holding id, kind, title and summary',
  'yaml-syntax': 'check indentation and quoting; strings with ":" or "#" need quotes',
  'invalid-field': 'see schema/case.schema.json for the expected shape of each field',
  'unknown-field': 'remove the field or fix its spelling; run `runbook new <id>` to see every allowed field',
  'missing-section': 'add a "## <section>" heading; accepted headings are listed in docs/writing-cases.md (English or Chinese)',
  'empty-section': 'write at least one sentence under the heading',
  'no-evidence-command': 'put each command in a ```sh code block under "## Evidence", followed by what to look for',
  'bad-kernel-range': 'write ranges like "<4.12", ">=3.18 <4.10", "el7 <3.10.0-1062.1.1" or "any"',
  'duplicate-id': 'every entry needs its own id; rename one of the files and its id',
  'unknown-id': 'use the id of an existing case or note (`runbook list` shows them)',
  'file-name-mismatch': 'name the file <id>.md so links and tools can find it',
  'no-source': 'add a `sources:` entry with a seed file and section, or a url',
  'unknown-fact': 'use a fact name from the catalog (`runbook facts` lists them)',
  'unknown-parser': 'use a parser id from `runbook facts --parsers`',
  'unknown-node': 'point to a node id defined under `nodes:`',
  'unreachable-node': 'link the node from another node, or remove it',
  'cycle': 'a runbook is a tree: make the path end in a conclude node',
  'route-cycle': 'give one runbook of the loop a path to a conclude node, or route to a runbook that concludes',
  'unreachable-case': 'add a conclude node naming the case, or remove it from the candidates',
  'uncovered-case': 'make at least one runbook conclude with this case',
  'missing-catalog-case': 'write content/cases/<id>.md for this catalog id (`runbook new <id>`)',
  'read-error': 'check that the file exists and is readable',
  'todo-left': 'replace the TODO marker left by `runbook new` / `runbook import` with real content',
};

/**
 * Build a problem with the default hint for its code.
 * @param code the problem code
 * @param path the file path
 * @param line 1-based line
 * @param column 1-based column
 * @param message what is wrong
 * @param extra optional hint override and severity
 * @returns the problem
 */
export function problem(
  code: ProblemCode,
  path: string,
  line: number,
  column: number,
  message: string,
  extra: { hint?: string; severity?: 'error' | 'warning' } = {},
): Problem {
  return { code, path, line, column, message, hint: extra.hint ?? HINTS[code], severity: extra.severity ?? 'error' };
}

/**
 * Format as `path:line:column: message (hint: ...)`.
 * @param p the problem
 * @returns one line of text
 */
export function formatProblem(p: Problem): string {
  const sev = p.severity === 'warning' ? 'warning: ' : '';
  return `${p.path}:${p.line}:${p.column}: ${sev}${p.message}${p.hint ? ` (hint: ${p.hint})` : ''}`;
}

/**
 * Edit distance, for "did you mean" suggestions.
 * @param a first string
 * @param b second string
 * @returns the Levenshtein distance
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/**
 * The closest names to a wrong one, best first.
 * @param wrong the name given
 * @param names the known names
 * @param max how many to return
 * @returns up to `max` names within a sensible distance
 */
export function closest(wrong: string, names: Iterable<string>, max = 3): string[] {
  const w = wrong.toLowerCase();
  const scored: [string, number][] = [];
  for (const n of names) {
    const l = n.toLowerCase();
    let d = editDistance(w, l);
    if (l.includes(w) || w.includes(l)) d = Math.min(d, Math.abs(l.length - w.length) / 4 + 1);
    scored.push([n, d]);
  }
  const limit = Math.max(2, Math.floor(w.length / 3));
  return scored
    .filter(([, d]) => d <= limit)
    .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
    .slice(0, max)
    .map(([n]) => n);
}
