/**
 * `runbook search "<query>"`: cases, notes and runbooks ranked for a symptom,
 * error text, counter or command name, in English or Chinese.
 *
 * Loads the prebuilt index (`lib/search-index.json`, written by
 * `runbook bundle` with the bundle) when the bundle is fresh, else builds the
 * index from the content files (src/node/search.ts).
 */
import { search, type SearchKind, type SearchResult } from '../../core/search/index.js';
import { openProject } from '../../node/open-project.js';
import { searchIndexFor } from '../../node/search.js';
import { CliError, colors, type CliIO } from '../io.js';

/** Options of `runbook search`. */
export interface SearchCommandOptions {
  /** The query words (joined with spaces). */
  args: string[];
  /** Print JSON. */
  json?: boolean;
  /** How many results (default 10). */
  limit?: string;
  /** Only these kinds: `case`, `note`, `runbook`, comma separated. */
  kind?: string;
}

const KINDS: readonly SearchKind[] = ['case', 'note', 'runbook'];

function parseKinds(kind: string | undefined): SearchKind[] | undefined {
  if (!kind) return undefined;
  const kinds = kind.split(',').map((k) => k.trim().toLowerCase()).filter(Boolean);
  for (const k of kinds) {
    if (!KINDS.includes(k as SearchKind)) throw new CliError(`--kind "${k}" is not one of ${KINDS.join(', ')}`);
  }
  return kinds as SearchKind[];
}

function parseLimit(limit: string | undefined): number {
  if (limit === undefined) return 10;
  const n = Number(limit);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`--limit "${limit}" must be a whole number of 1 or more`);
  return n;
}

/**
 * Search and print results.
 * @param opts query words and options
 * @param io input and output
 * @returns 0 with results, 1 when nothing matched
 */
export async function run(opts: SearchCommandOptions, io: CliIO): Promise<number> {
  const query = opts.args.join(' ');
  if (!query.trim()) throw new CliError('give a query, e.g. runbook search "SYN no response" or runbook search 半连接队列溢出');
  const kinds = parseKinds(opts.kind);
  const limit = parseLimit(opts.limit);
  const results = search(searchIndexFor(await openProject()), query, { limit, kinds });
  if (opts.json) {
    io.stdout(
      JSON.stringify(
        results.map((r) => ({ id: r.id, title: r.title, kind: r.kind, score: r.score, snippet: r.snippet, snippetText: r.snippetText })),
        null,
        2,
      ) + '\n',
    );
    return results.length ? 0 : 1;
  }
  if (!results.length) {
    io.stderr(`no case, note or runbook matches "${query}". Try fewer words, a counter name (ListenOverflows) or a symptom (连接超时).\n`);
    return 1;
  }
  io.stdout(renderResults(results, io));
  return 0;
}

/**
 * Render results as a ranked list with the matched words highlighted.
 * @param results search results
 * @param io for colour support
 * @returns the text
 */
export function renderResults(results: readonly SearchResult[], io: Pick<CliIO, 'color'>): string {
  const c = colors(io);
  const width = String(results.length).length;
  const kindWidth = Math.max(...results.map((r) => r.kind.length));
  return results
    .map((r, i) => {
      const n = String(i + 1).padStart(width);
      let snippet = '';
      let at = 0;
      for (const [s, e] of r.snippet.marks) {
        snippet += r.snippet.text.slice(at, s) + (io.color ? c.bold(c.yellow(r.snippet.text.slice(s, e))) : `«${r.snippet.text.slice(s, e)}»`);
        at = e;
      }
      snippet += r.snippet.text.slice(at);
      const head = `${n}. ${c.dim(r.kind.padEnd(kindWidth))}  ${c.cyan(r.id)}  ${c.bold(r.title)}`;
      return `${head}\n${' '.repeat(width + 2)}${snippet}\n`;
    })
    .join('\n');
}
