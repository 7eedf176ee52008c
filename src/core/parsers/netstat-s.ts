/**
 * # netstat -s
 *
 * Reads the protocol statistics printed by `netstat -s` (net-tools), in the
 * old wording (RHEL 6/7: "segments retransmited", "SYNs to LISTEN sockets
 * ignored") and the newer one, also a `netstat -s | grep ...` excerpt without
 * group headers. Every counter becomes `netstat.<Group>.<MibName>`, the same
 * name `nstat` and `/proc/net/netstat` give, through the sentence table in
 * `lib/mib.ts`. Lines `Name: N` (counters net-tools has no sentence for) keep
 * their kernel name.
 *
 * Usage: `netstat -s`, `netstat -st`, `netstat -su`, `netstat -s | grep -i listen`
 *
 * Output facts: `netstat.Tcp.RetransSegs`, `netstat.TcpExt.ListenOverflows`,
 * `netstat.TcpExt.PAWSPassive`, ... and `netstat.tcp.retransmitRatio`.
 *
 * Example (RHEL 7):
 * ```
 * Tcp:
 *     1648 active connections openings
 *     428 segments retransmited
 * TcpExt:
 *     TCPLossProbes: 12
 * ```
 * gives `netstat.Tcp.ActiveOpens = 1648`, `netstat.Tcp.RetransSegs = 428`,
 * `netstat.TcpExt.TCPLossProbes = 12`.
 */
import type { Facts } from '../facts/types.js';
import { counterFact, counterSpecs, DERIVED_SPECS, deriveCounters, guessGroup, lookupHistogram, lookupSentence, normalizeSentence } from './lib/mib.js';
import { blank, cannotRead, defineParser, head, lines, nothing } from './lib/util.js';
import { detached } from '../strings.js';

const GROUP_RE = /^([A-Za-z][A-Za-z0-9]*):\s*$/;
const LEADING_NUM_RE = /^(\d+)\s+(\S.*)$/;
const EMBEDDED_NUM_RE = /^(\D*?)\s(\d+)\s(.*)$/;
const KEY_VALUE_RE = /^([A-Za-z][A-Za-z0-9_ ]*?):\s+(-?\d+)$/;

/** How a sentence resolves under a group: the fact name, and the warning when the group was guessed. */
interface Resolved {
  fact: string;
  ambiguous?: string;
}

/**
 * Memo tables. `netstat -s` prints the same few hundred sentences everywhere,
 * so a paste mostly hits these; each starts over past {@link MEMO_MAX} entries.
 */
const MEMO_MAX = 4096;
const sentenceMemo = new Map<string, string>();
const resolvedMemo = new Map<string, Map<string, Resolved | null>>();
let resolvedCount = 0;

/** The normalized sentence of a printed line whose number is replaced by `#`. */
function sentenceKey(template: string): string {
  let key = sentenceMemo.get(template);
  if (key === undefined) {
    key = detached(normalizeSentence(template));
    if (sentenceMemo.size >= MEMO_MAX) sentenceMemo.clear();
    sentenceMemo.set(detached(template), key);
  }
  return key;
}

/** The counter a sentence names under a group header (or none), or null when it names none. */
function resolveSentence(sentence: string, group: string | undefined): Resolved | null {
  const g = group ?? '';
  let byGroup = resolvedMemo.get(g);
  const memo = byGroup?.get(sentence);
  if (memo !== undefined) return memo;
  const hit = lookupSentence(sentence, group);
  const r: Resolved | null = hit
    ? {
        fact: counterFact(hit.group, hit.name),
        ...(hit.ambiguous && !group ? { ambiguous: `"${sentence.replace('# ', '')}" read as ${hit.group}.${hit.name}` } : {}),
      }
    : null;
  if (resolvedCount >= MEMO_MAX) {
    resolvedMemo.clear();
    resolvedCount = 0;
    byGroup = undefined;
  }
  if (!byGroup) resolvedMemo.set(detached(g), (byGroup = new Map()));
  byGroup.set(sentence, r);
  resolvedCount++;
  return r;
}

const leadMemo = new Map<string, string>();

/** {@link sentenceKey} of `# <rest>`, memoized on the rest of the line. */
function leadSentenceKey(rest: string): string {
  let key = leadMemo.get(rest);
  if (key === undefined) {
    key = detached(normalizeSentence(`# ${rest}`));
    if (leadMemo.size >= MEMO_MAX) leadMemo.clear();
    leadMemo.set(detached(rest), key);
  }
  return key;
}

/**
 * `428 segments retransmitted` read without a regex: digits, spaces or tabs, then the rest.
 * Undefined for anything less plain (the regex reads those), so both ways agree.
 */
function leadingNumber(t: string): { value: number; rest: string } | undefined {
  let i = 0;
  while (i < t.length && isDigit(t.charCodeAt(i))) i++;
  let j = i;
  while (j < t.length && (t.charCodeAt(j) === 32 || t.charCodeAt(j) === 9)) j++;
  if (j === i || j >= t.length) return undefined;
  // The rest must start with a plain visible character (other whitespace is the regex's to skip).
  const c = t.charCodeAt(j);
  if (c <= 32 || c >= 127) return undefined;
  const rest = t.slice(j);
  if (rest.includes('\r') || rest.includes('\u2028') || rest.includes('\u2029')) return undefined;
  return { value: Number(t.slice(0, i)), rest };
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** What one pass over the text finds. */
interface Read {
  facts: Facts;
  /** Counter lines with no known MIB name. */
  unknown: string[];
  /** Sentences whose group was guessed (no header above them). */
  ambiguous: string[];
  /** Lines that are not counters. */
  unread: string[];
  /** Group headers seen. */
  groups: number;
  /** Counters stored (a name seen twice counts twice). */
  stored: number;
}

/** One pass: each line is a group header, a histogram header, a `Name: N` counter, a sentence with its number, or unread. */
function read(text: string): Read {
  const facts: Facts = {};
  const unknown: string[] = [];
  const ambiguous: string[] = [];
  const unread: string[] = [];
  let group: string | undefined;
  let histogram: 'In' | 'Out' | undefined;
  let groups = 0;
  let stored = 0;
  const sentence = (key: string, value: number) => {
    const r = resolveSentence(key, group);
    if (!r) {
      unknown.push(key.replace('#', String(value)));
      return;
    }
    if (r.ambiguous) ambiguous.push(r.ambiguous);
    facts[r.fact] = value;
    stored++;
  };
  for (const line of lines(text)) {
    const t = line.trim();
    if (t === '') continue;
    // Most lines start with their number: try that shape first, without a regex when it is plain.
    if (isDigit(t.charCodeAt(0))) {
      const plain = leadingNumber(t);
      if (plain) {
        sentence(leadSentenceKey(plain.rest), plain.value);
        continue;
      }
      const lead = LEADING_NUM_RE.exec(t);
      if (lead) {
        sentence(sentenceKey(`# ${lead[2]}`), Number(lead[1]));
        continue;
      }
    }
    if (line.charCodeAt(0) !== 32 && line.charCodeAt(0) !== 9) {
      const g = GROUP_RE.exec(line);
      if (g) {
        group = g[1];
        histogram = undefined;
        groups++;
        continue;
      }
    }
    if (t.length <= 24 && /^icmp (input|output) histogram:?$/i.test(t)) {
      histogram = t.charAt(5).toLowerCase() === 'i' ? 'In' : 'Out';
      continue;
    }
    const kv = KEY_VALUE_RE.exec(t);
    if (kv) {
      const k = kv[1];
      const value = Number(kv[2]);
      if (k.includes(' ')) {
        // An ICMP histogram line ("destination unreachable: 12"), meaningful under a histogram header.
        const suffix = lookupHistogram(k);
        if (suffix && histogram !== undefined) {
          facts[counterFact(group ?? 'Icmp', `${histogram}${suffix}`)] = value;
          stored++;
        } else unknown.push(k);
        continue;
      }
      const grp = group ?? guessGroup(k);
      if (!grp) unknown.push(`${k}: ${value}`);
      else {
        facts[counterFact(grp, k)] = value;
        stored++;
      }
      continue;
    }
    const emb = EMBEDDED_NUM_RE.exec(t);
    if (emb) {
      sentence(sentenceKey(`${emb[1]} # ${emb[3]}`), Number(emb[2]));
      continue;
    }
    const fw = /^Forwarding is (enabled|disabled)/i.exec(t);
    if (fw) {
      facts['netstat.Ip.Forwarding'] = fw[1].toLowerCase() === 'enabled' ? 1 : 2;
      stored++;
      continue;
    }
    unread.push(t);
  }
  deriveCounters(facts);
  return { facts, unknown, ambiguous, unread, groups, stored };
}

export const netstatS = defineParser({
  meta: {
    id: 'netstat-s',
    commands: ['netstat -s', 'netstat -st', 'netstat -su', 'netstat -sw', 'netstat --statistics'],
    description: 'Protocol counters from netstat -s (old and new net-tools wording, grep excerpts), named by kernel MIB',
    compatible: ['net-tools 1.60 (RHEL 6, Ubuntu)', 'net-tools 2.0 (RHEL 7)', 'net-tools 2.10'],
    detectHints: ['group headers `Tcp:`, `TcpExt:`, `Udp:`', 'lines like `    428 segments retransmited`', 'known netstat -s sentences'],
    tags: ['tcp', 'udp', 'ip', 'counters'],
    facts: [...counterSpecs(), ...DERIVED_SPECS],
    cost: { readOnly: true, needsRoot: false, packages: ['net-tools'], equivalents: ['nstat -az', 'cat /proc/net/netstat /proc/net/snmp'] },
    groupedNumbers: true,
  },
  detect(text) {
    const ls = head(text, 60);
    if (ls.length === 0) return 0;
    let known = 0;
    let headers = 0;
    let other = 0;
    let kv = 0;
    for (const l of ls) {
      const t = l.trim();
      if (/^(Ip|Icmp|IcmpMsg|Tcp|Udp|UdpLite|TcpExt|IpExt|MPTcpExt|Sctp|Ip6|Icmp6|Udp6):$/.test(t)) headers++;
      else {
        const lead = LEADING_NUM_RE.exec(t);
        const emb = lead ? undefined : EMBEDDED_NUM_RE.exec(t);
        const s = lead ? sentenceKey(`# ${lead[2]}`) : emb ? sentenceKey(`${emb[1]} # ${emb[3]}`) : undefined;
        if (s && lookupSentence(s, undefined)) known++;
        else if (KEY_VALUE_RE.test(t)) kv++;
        else other++;
      }
    }
    if (known === 0 && headers === 0) return 0;
    const score = (known * 2 + headers * 2) / (ls.length * 2);
    if (headers >= 2 && known >= 2) return Math.min(1, 0.7 + score);
    if (known >= 1 && other === 0) return Math.min(0.95, 0.6 + score / 2);
    if (headers >= 1 && known + kv >= 1) return Math.min(0.9, 0.6 + (0.3 * (known + kv + headers)) / ls.length);
    return Math.min(0.6, score);
  },
  parse(text) {
    if (blank(text)) return nothing();
    const { facts, unknown, ambiguous, unread, groups, stored } = read(text);
    const warnings: string[] = [];
    // Counted while reading: listing the keys of ~100 facts (a dictionary in V8) sorts them.
    if (stored === 0) {
      warnings.push(
        cannotRead('netstat -s', 'no known counter lines (like "428 segments retransmitted" under "Tcp:")', 'Try `netstat -s` without grep, or `nstat -az`.'),
      );
      return { facts, warnings };
    }
    if (groups === 0) warnings.push('No group headers (a grep excerpt?): counters were matched by their sentence alone.');
    for (const a of ambiguous) warnings.push(`Ambiguous without its group header: ${a}.`);
    if (unread.length > 0) warnings.push(`Skipped ${unread.length} line(s) that are not counters, e.g. "${unread[0].slice(0, 80)}".`);
    if (unknown.length > 0) warnings.push(`No MIB name known for ${unknown.length} line(s), e.g. "${unknown[0].slice(0, 80)}".`);
    return { facts, warnings };
  },
});
