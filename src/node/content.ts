/**
 * Reading the project's content from disk: case and note files, runbooks and
 * the case catalog. The only place the CLI and API touch content files.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceFile } from '../core/kb.js';
import { problem, type Problem } from '../core/problems.js';

/** The package root (where bin/, lib/ and the embedded content live). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The content root: `RUNBOOK_HOME`, else the current directory when it has
 * `content/cases`, else the package's embedded content.
 * @returns an absolute directory
 */
export function contentRoot(): string {
  const env = process.env.RUNBOOK_HOME;
  if (env) return resolve(env);
  const cwd = process.cwd();
  if (existsSync(join(cwd, 'content', 'cases'))) return cwd;
  return PACKAGE_ROOT;
}

function listFiles(dir: string, ext: RegExp): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((f) => (f.isFile() || f.isSymbolicLink()) && ext.test(f.name))
    .map((f) => f.name)
    .sort()
    .map((f) => join(dir, f));
}

/** Every content file path under a root. */
export interface ContentPaths {
  cases: string[];
  notes: string[];
  runbooks: string[];
  catalog?: string;
}

/**
 * Find content files.
 * @param root the content root
 * @returns absolute paths
 */
export function contentPaths(root: string): ContentPaths {
  const catalog = join(root, 'content', 'catalog.json');
  return {
    cases: listFiles(join(root, 'content', 'cases'), /\.md$/),
    notes: listFiles(join(root, 'content', 'notes'), /\.md$/),
    runbooks: listFiles(join(root, 'runbooks'), /\.ya?ml$/),
    ...(existsSync(catalog) ? { catalog } : {}),
  };
}

/**
 * Read files as {@link SourceFile}s with root-relative paths.
 * @param root the content root
 * @param paths absolute paths
 * @returns the files
 */
export function readSources(root: string, paths: string[]): SourceFile[] {
  return paths.map((p) => ({ path: relative(root, p) || p, text: readFileSync(p, 'utf8') }));
}

/**
 * The catalog ids, when the root has a catalog; a catalog that cannot be read is a problem.
 * @param root the content root
 * @returns ids (undefined without a readable catalog) and problems
 */
export function readCatalog(root: string): { ids?: string[]; problems: Problem[] } {
  const p = join(root, 'content', 'catalog.json');
  if (!existsSync(p)) return { problems: [] };
  const path = relative(root, p);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(p, 'utf8'));
  } catch (e) {
    return { problems: [problem('read-error', path, 1, 1, `the catalog is not valid JSON: ${(e as Error).message}`)] };
  }
  const cases = (data as { cases?: unknown } | null)?.cases;
  if (!Array.isArray(cases) || !cases.every((c) => typeof (c as { id?: unknown } | null)?.id === 'string')) {
    return { problems: [problem('invalid-field', path, 1, 1, 'the catalog must be { "cases": [ { "id": "..." }, ... ] }')] };
  }
  return { ids: cases.map((c: { id: string }) => c.id), problems: [] };
}

/**
 * The newest modification time over content files (for bundle freshness).
 * @param paths content paths
 * @returns milliseconds since the epoch
 */
export function newestMtime(paths: ContentPaths): number {
  let t = 0;
  for (const p of [...paths.cases, ...paths.notes, ...paths.runbooks, ...(paths.catalog ? [paths.catalog] : [])]) {
    t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}
