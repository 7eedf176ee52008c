/**
 * Presentation helpers shared by pages (build time) and, where marked, client scripts.
 */
import { isKernelParseError, parseKernelRange } from '../../src/core/kernel.js';

/** The site's base path, always ending with "/". */
export const BASE = import.meta.env.BASE_URL.endsWith('/') ? import.meta.env.BASE_URL : `${import.meta.env.BASE_URL}/`;

/**
 * A site-internal URL.
 * @param path a path without leading slash, e.g. `cases/x/`
 * @returns the URL with the base path
 */
export function url(path: string): string {
  return BASE + path.replace(/^\//, '');
}

const OP_WORDS: Record<string, string> = { '<': 'older than', '<=': 'up to', '>': 'newer than', '>=': 'from', '==': 'exactly' };

function streamName(s: string): string {
  const el = /^el(\d+)/.exec(s);
  if (el) return `RHEL/CentOS ${el[1]} builds`;
  const map: Record<string, string> = { ubuntu: 'Ubuntu builds', debian: 'Debian builds', al7: 'Alibaba Cloud Linux 2 builds' };
  return map[s] ?? `${s} builds`;
}

/**
 * A kernel range in plain words, e.g. `<4.12` → "Linux kernels older than 4.12".
 * @param range the range as written in a case
 * @returns a sentence fragment; the range itself when it cannot be read
 */
export function describeKernelRange(range: string | undefined): { text: string; any: boolean } {
  if (!range) return { text: 'Any kernel (no kernel restriction given)', any: true };
  const r = parseKernelRange(range);
  if (isKernelParseError(r)) return { text: `Kernels matching ${range}`, any: false };
  if (r.any) return { text: 'Any kernel version', any: true };
  const alts = r.alternatives.map((clauses) => {
    const stream = clauses.find((c) => c.stream)?.stream;
    const bounds = clauses.map((c) => `${OP_WORDS[c.op] ?? c.op} ${c.version.raw}`).join(' and ');
    return stream ? `${streamName(stream)} ${bounds}` : `Linux kernels ${bounds}`;
  });
  return { text: alts.join('; or '), any: false };
}

/**
 * The first sentence of a text (for cards).
 * @param s text
 * @param max maximum characters
 * @returns the sentence, shortened with "…" when needed
 */
export function firstSentence(s: string, max = 180): string {
  const t = s.replace(/\s+/g, ' ').trim();
  const m = /^(.+?[.!?。])(\s|$)/.exec(t);
  const out = m ? m[1] : t;
  return out.length > max ? `${out.slice(0, max - 1).replace(/\s+\S*$/, '')}…` : out;
}

/**
 * A tag's URL segment.
 * @param tag the tag
 * @returns a path-safe slug
 */
export function tagSlug(tag: string): string {
  return tag.toLowerCase().replace(/[^a-z0-9.+-]+/g, '-').replace(/^-|-$/g, '') || 'tag';
}
