/**
 * Reader for the kernel's header/value line pairs used by `/proc/net/netstat`
 * and `/proc/net/snmp`:
 * ```
 * TcpExt: SyncookiesSent SyncookiesRecv ...
 * TcpExt: 0 0 ...
 * ```
 * and for the name/value lines of `/proc/net/snmp6` (`Ip6InReceives  7`).
 */
import type { Facts, ParseResult } from '../../facts/types.js';
import { counterFact, counterLine, deriveCounters } from './mib.js';
import { blank, cannotRead, fields, lines, nothing } from './util.js';

/** What the pair reader found. */
export interface PairsRead {
  facts: Facts;
  groups: string[];
  warnings: string[];
}

/**
 * Read header/value pairs (and snmp6 name/value lines).
 * @param text the file contents
 * @returns facts named `netstat.<Group>.<Name>`, the groups seen and warnings
 */
export function readPairs(text: string): PairsRead {
  const facts: Facts = {};
  const groups: string[] = [];
  const warnings: string[] = [];
  let pending: { group: string; names: string[] } | undefined;
  let unread = 0;
  for (const line of lines(text)) {
    const t = line.trim();
    if (t === '') continue;
    const colon = t.indexOf(':');
    if (colon > 0 && /^[A-Za-z][A-Za-z0-9]*$/.test(t.slice(0, colon))) {
      const group = t.slice(0, colon);
      const rest = fields(t.slice(colon + 1));
      const numeric = rest.length > 0 && rest.every((f) => /^-?\d+$/.test(f));
      if (!numeric) {
        pending = { group, names: rest };
        continue;
      }
      if (!pending || pending.group !== group) {
        warnings.push(`Values for ${group} without a header line above them were skipped.`);
        pending = undefined;
        continue;
      }
      if (pending.names.length !== rest.length) {
        warnings.push(
          `${group}: ${pending.names.length} names but ${rest.length} values; read the first ${Math.min(pending.names.length, rest.length)} pairs only.`,
        );
      }
      const n = Math.min(pending.names.length, rest.length);
      for (let i = 0; i < n; i++) facts[counterFact(group, pending.names[i])] = Number(rest[i]);
      if (!groups.includes(group)) groups.push(group);
      pending = undefined;
      continue;
    }
    const c = counterLine(t);
    if (c && c.rest.length === 0) {
      facts[counterFact(c.group, c.name)] = c.value;
      if (!groups.includes(c.group)) groups.push(c.group);
      continue;
    }
    unread++;
  }
  if (unread > 0) warnings.push(`Skipped ${unread} line(s) that are neither a header nor a value line.`);
  deriveCounters(facts);
  return { facts, groups, warnings };
}

/**
 * The parse shared by the two proc files: their counters, or, when none could be read, a message
 * naming the file and what it lacked before the reader's own warnings.
 * @param text pasted text
 * @param command the command that prints the file, e.g. `cat /proc/net/netstat`
 * @param missing what was not found, e.g. ``no `TcpExt:` header/value line pairs``
 * @param hint how to paste it instead
 * @returns facts and warnings
 */
export function parsePairs(text: string, command: string, missing: string, hint: string): ParseResult {
  if (blank(text)) return nothing();
  const { facts, warnings } = readPairs(text);
  if (Object.keys(facts).length === 0) return { facts, warnings: [cannotRead(command, missing, hint), ...warnings] };
  return { facts, warnings };
}

/**
 * Detector shared by the two proc files.
 * @param text pasted text
 * @param wanted groups that identify the file
 * @returns confidence 0..1
 */
export function detectPairs(text: string, wanted: readonly string[]): number {
  const ls = lines(text.length > 65536 ? text.slice(0, 65536) : text).filter((l) => l.trim() !== '').slice(0, 40);
  if (ls.length < 2) return 0;
  let pairs = 0;
  let hits = 0;
  for (let i = 0; i + 1 < ls.length; i++) {
    const a = /^([A-Za-z][A-Za-z0-9]*): [A-Za-z]/.exec(ls[i]);
    const b = /^([A-Za-z][A-Za-z0-9]*):( -?\d+)+\s*$/.exec(ls[i + 1]);
    if (a && b && a[1] === b[1]) {
      pairs++;
      if (wanted.includes(a[1])) hits++;
      i++;
    }
  }
  if (pairs === 0) return 0;
  return hits > 0 ? Math.min(1, 0.75 + (0.25 * pairs * 2) / ls.length) : 0.3;
}
