/**
 * YAML reading with located problems, shared by case front matter and runbooks.
 */
import { LineCounter, parseDocument, isMap, isPair, isScalar, type Document } from 'yaml';
import type { z } from 'zod';
import { problem, type Problem } from '../problems.js';

export interface YamlRead {
  data?: unknown;
  doc?: Document;
  lineCounter?: LineCounter;
}

/**
 * Parse YAML text, reporting syntax errors as located problems.
 * @param yamlText the YAML
 * @param path file path for problems
 * @param startLine the file line of the YAML's first line
 * @param problems where problems go
 * @param what what the YAML is, for messages ("front matter", "runbook")
 * @returns the data with its document and line counter, or nothing on errors
 */
export function readYaml(yamlText: string, path: string, startLine: number, problems: Problem[], what: string): YamlRead {
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const err of doc.errors) {
      const pos = lineCounter.linePos(err.pos[0]);
      const msg = err.message.split('\n')[0];
      problems.push(problem('yaml-syntax', path, startLine + pos.line - 1, pos.col, `${what}: ${msg}`));
    }
    return {};
  }
  let data: unknown;
  try {
    // Syntax is fine but the value may still not build: an alias to an anchor that does not exist,
    // or an alias bomb over the yaml library's limit.
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    problems.push(problem('yaml-syntax', path, startLine, 1, `${what}: ${((e as Error)?.message ?? String(e)).split('\n')[0]}`));
    return {};
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    problems.push(problem('invalid-field', path, startLine, 1, `${what} must be a mapping of fields (id: ..., title: ...)`));
    return {};
  }
  return { data, doc, lineCounter };
}

/**
 * The file position of a path in a YAML document (the deepest part that exists).
 * @param doc the document
 * @param lc its line counter
 * @param path keys and indexes
 * @param startLine the file line of the YAML's first line
 * @returns 1-based line and column
 */
export function yamlPos(doc: Document, lc: LineCounter, path: (string | number)[], startLine: number): { line: number; column: number } {
  // Walk down as far as the path exists; report the deepest node found.
  for (let n = path.length; n >= 0; n--) {
    const sub = path.slice(0, n);
    const node = n === 0 ? doc.contents : doc.getIn(sub, true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) {
      // For a key that exists, point at the key rather than its value when possible.
      const parent = n > 0 ? (n === 1 ? doc.contents : doc.getIn(sub.slice(0, -1), true)) : undefined;
      if (parent && isMap(parent)) {
        const pair = parent.items.find((it) => isPair(it) && isScalar(it.key) && it.key.value === sub[sub.length - 1]);
        const keyRange = pair && isScalar(pair.key) ? pair.key.range : undefined;
        if (keyRange && typeof sub[sub.length - 1] === 'string' && n < path.length) {
          const p = lc.linePos(keyRange[0]);
          return { line: startLine + p.line - 1, column: p.col };
        }
      }
      const p = lc.linePos(range[0]);
      return { line: startLine + p.line - 1, column: p.col };
    }
  }
  return { line: startLine, column: 1 };
}

/**
 * Report a zod issue at its YAML position.
 * @param issue the zod issue
 * @param doc the document
 * @param lc its line counter
 * @param startLine the file line of the YAML's first line
 * @param path file path
 * @param problems where problems go
 */
export function reportIssue(issue: z.core.$ZodIssue, doc: Document, lc: LineCounter, startLine: number, path: string, problems: Problem[]): void {
  const where = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)) as (string | number)[];
  const field = where.length ? where.join('.') : 'the document';
  if (issue.code === 'unrecognized_keys') {
    for (const key of issue.keys) {
      const map = where.length ? doc.getIn(where, true) : doc.contents;
      let pos = { line: startLine, column: 1 };
      if (map && isMap(map)) {
        const pair = map.items.find((it) => isPair(it) && isScalar(it.key) && it.key.value === key);
        const r = pair && isScalar(pair.key) ? pair.key.range : undefined;
        if (r) {
          const p = lc.linePos(r[0]);
          pos = { line: startLine + p.line - 1, column: p.col };
        }
      }
      const scope = where.length ? ` in ${field}` : '';
      problems.push(problem('unknown-field', path, pos.line, pos.column, `unknown field "${key}"${scope}`));
    }
    return;
  }
  const pos = yamlPos(doc, lc, where, startLine);
  const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
  const message = missing ? `${field} is required` : `${field}: ${issue.message}`;
  problems.push(problem('invalid-field', path, pos.line, pos.column, message));
}

