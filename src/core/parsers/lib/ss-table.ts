/**
 * Reader for `ss` socket tables, shared by the `ss-lnt` and `ss-tan` parsers.
 * Handles the Netid and State columns being present or not (`ss -tan state
 * time-wait` has no State column; `ss -a` has Netid), `-H` (no header),
 * wide padding, `[::1]` and `%iface` addresses, process columns and the
 * continuation lines of `-i` / `-e`.
 */
import type { Facts, ParseResult } from '../../facts/types.js';
import { fieldRanges, firstFields, intAt, listsEverySocket, normalizeState, NO_STATE, SocketStats, stateAt, stateFilter } from './sockets.js';
import { blank, cannotRead, head, nothing } from './util.js';

const NETIDS = new Set(['tcp', 'udp', 'raw', 'u_str', 'u_dgr', 'u_seq', 'nl', 'p_raw', 'p_dgr', 'sctp', 'mptcp', 'tipc', 'v_str', 'v_dgr', 'xdp', 'icmp6', 'tcp6', 'udp6', 'unix']);

/** What a first look at an ss table says. */
export interface SsShape {
  /** A header line with Recv-Q and Local Address was found. */
  header: boolean;
  /** Rows read (of any netid). */
  rows: number;
  /** TCP rows whose state is LISTEN. */
  listen: number;
  /** TCP rows in another state. */
  other: number;
  /** Rows that are UDP/UNCONN or other netids. */
  nonTcp: number;
}

/**
 * Look at the first lines of a paste to see whether it is an ss table.
 * @param text the text
 * @returns the shape, or undefined when it is not an ss table
 */
export function ssShape(text: string): SsShape | undefined {
  const ls = head(text, 60);
  if (ls.length === 0) return undefined;
  const shape: SsShape = { header: false, rows: 0, listen: 0, other: 0, nonTcp: 0 };
  let start = 0;
  const h = ls[0];
  if (h.includes('Recv-Q') && h.includes('Send-Q') && /Local Address/.test(h)) {
    if (/Foreign Address/.test(h) || /^Proto\b/.test(h.trim())) return undefined; // netstat
    shape.header = true;
    start = 1;
  }
  const f: string[] = [];
  let bad = 0;
  for (let i = start; i < ls.length; i++) {
    const n = firstFields(ls[i], 6, f);
    if (n < 4) {
      bad++;
      continue;
    }
    let j = 0;
    let netid = 'tcp';
    if (NETIDS.has(f[0])) {
      netid = f[0];
      j = 1;
    }
    const st = normalizeState(f[j]);
    if (st) j++;
    if (!/^\d+$/.test(f[j] ?? '') || !/^\d+$/.test(f[j + 1] ?? '')) {
      if (/^\s/.test(ls[i])) continue; // -i / -e continuation line
      bad++;
      continue;
    }
    if (j === 0 && !shape.header) {
      bad++; // bare numbers without a header or state: too weak
      continue;
    }
    shape.rows++;
    if (netid !== 'tcp' && netid !== 'tcp6' && netid !== 'mptcp') shape.nonTcp++;
    else if (st === 'LISTEN') shape.listen++;
    else if (st && st !== 'CLOSE') shape.other++;
    else if (!st) shape.other++;
    else shape.nonTcp++;
  }
  if (shape.rows === 0 || bad > shape.rows) return undefined;
  return shape;
}

/**
 * Read an ss table into socket statistics.
 * @param text the text
 * @param command the command line, for `state X` filters and `-l`
 * @returns facts and warnings
 */
export function parseSsTable(text: string, command: string | undefined, label: string): ParseResult {
  if (blank(text)) return nothing();
  const stats = new SocketStats();
  const filter = stateFilter(command);
  const warnings: string[] = [];
  const r = new Int32Array(14);
  let pos = 0;
  const len = text.length;
  let first = true;
  let hasHeader = false;
  let bad = 0;
  let noState = 0;
  let nonTcp = 0;
  while (pos < len) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = len;
    const ls = pos;
    pos = nl + 1;
    const n = fieldRanges(text, ls, nl, 7, r);
    if (first) {
      if (n === 0) continue;
      first = false;
      const line = text.slice(ls, nl);
      if (line.includes('Recv-Q') && line.includes('Local')) {
        hasHeader = true;
        continue;
      }
    }
    if (n < 4) {
      if (n > 0) bad++;
      continue;
    }
    let j = 0;
    let netid = 'tcp';
    const c0 = text.charCodeAt(r[0]);
    if (c0 >= 97 && c0 <= 122) {
      const w = text.slice(r[0], r[1]);
      if (NETIDS.has(w)) {
        netid = w;
        j = 1;
      }
    }
    let state: string | undefined;
    const cs = text.charCodeAt(r[2 * j]);
    if ((cs >= 65 && cs <= 90) || (cs >= 97 && cs <= 122)) {
      state = stateAt(text, r[2 * j], r[2 * j + 1]);
      if (state) j++;
    }
    const rq = intAt(text, r[2 * j], r[2 * j + 1]);
    const sq = intAt(text, r[2 * j + 2], r[2 * j + 3]);
    if (rq < 0 || sq < 0 || n < j + 4) {
      const cc = text.charCodeAt(ls);
      if (!(cc === 32 || cc === 9)) bad++; // continuation lines of -i/-e start with blanks
      continue;
    }
    if (netid !== 'tcp' && netid !== 'tcp6' && netid !== 'mptcp') {
      nonTcp++;
      continue;
    }
    if (!state) {
      if (!filter) {
        noState++;
        state = NO_STATE;
      } else state = filter;
    }
    if (state === 'CLOSE' && j === 2 && text.startsWith('UNCONN', r[2])) {
      nonTcp++; // old ss prints UNCONN for udp rows labelled tcp (rhel6 -tupna)
      continue;
    }
    stats.addAt(state, text, r[2 * j + 4], r[2 * j + 5], r[2 * j + 6], r[2 * j + 7], rq, sq);
  }
  const filtered = !listsEverySocket(command) || filter !== undefined;
  const facts: Facts = stats.facts({ withTotal: !filtered && noState === 0, backlog: true });
  if (noState > 0) {
    facts['tcp.sockets'] = noState;
    warnings.push(
      `${noState} row(s) have no State column (an \`ss ... state X\` listing?); say which state, e.g. \`--command "ss -tan state time-wait"\`.`,
    );
  }
  if (stats.total === 0 && nonTcp === 0) {
    warnings.push(cannotRead(label, 'no socket rows like `ESTAB 0 0 10.0.0.1:22 10.0.0.2:50000`', `Try \`${label}\` without grep or awk.`));
    return { facts: {}, warnings };
  }
  if (stats.total === 0) warnings.push('No TCP sockets in this listing (only UDP, UNIX or other sockets).');
  if (!hasHeader && bad > 0) warnings.push(`Skipped ${bad} line(s) that are not socket rows.`);
  else if (bad > 0) warnings.push(`Skipped ${bad} line(s) that are not socket rows.`);
  return { facts, warnings };
}
