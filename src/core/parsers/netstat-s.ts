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
import { counterSpecs, DERIVED_SPECS, deriveCounters, guessGroup, lookupHistogram, lookupSentence, normalizeSentence } from './lib/mib.js';
import { blank, cannotRead, defineParser, head, lines, nothing } from './lib/util.js';

const GROUP_RE = /^([A-Za-z][A-Za-z0-9]*):\s*$/;
const LEADING_NUM_RE = /^(\d+)\s+(\S.*)$/;
const EMBEDDED_NUM_RE = /^(\D*?)\s(\d+)\s(.*)$/;
const KEY_VALUE_RE = /^([A-Za-z][A-Za-z0-9_ ]*?):\s+(-?\d+)$/;

interface Raw {
  group?: string;
  histogram?: 'In' | 'Out';
  sentence?: string;
  key?: string;
  value: number;
}

/**
 * Sentence keys of printed lines, memoized: `netstat -s` prints the same few
 * hundred sentences everywhere, so a paste mostly hits this table. Bounded: it
 * starts over past {@link SENTENCE_MEMO_MAX} distinct texts.
 */
const sentenceMemo = new Map<string, string>();
const SENTENCE_MEMO_MAX = 4096;

function sentenceKey(template: string): string {
  let key = sentenceMemo.get(template);
  if (key === undefined) {
    key = normalizeSentence(template);
    if (sentenceMemo.size >= SENTENCE_MEMO_MAX) sentenceMemo.clear();
    sentenceMemo.set(template, key);
  }
  return key;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function readRaw(text: string): { raw: Raw[]; unread: string[]; groups: number } {
  const raw: Raw[] = [];
  const unread: string[] = [];
  let group: string | undefined;
  let histogram: 'In' | 'Out' | undefined;
  let groups = 0;
  for (const line of lines(text)) {
    const t = line.trim();
    if (t === '') continue;
    // Most lines start with their number: try that shape first.
    if (isDigit(t.charCodeAt(0))) {
      const lead = LEADING_NUM_RE.exec(t);
      if (lead) {
        raw.push({ group, sentence: sentenceKey(`# ${lead[2]}`), value: Number(lead[1]) });
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
      const isHist = k.includes(' ') && histogram !== undefined;
      raw.push({ group, histogram: isHist ? histogram : undefined, key: k, value: Number(kv[2]) });
      continue;
    }
    const emb = EMBEDDED_NUM_RE.exec(t);
    if (emb) {
      raw.push({ group, sentence: sentenceKey(`${emb[1]} # ${emb[3]}`), value: Number(emb[2]) });
      continue;
    }
    const fw = /^Forwarding is (enabled|disabled)/i.exec(t);
    if (fw) {
      raw.push({ group: 'Ip', key: 'Forwarding', value: fw[1].toLowerCase() === 'enabled' ? 1 : 2 });
      continue;
    }
    unread.push(t);
  }
  return { raw, unread, groups };
}

function convert(raw: Raw[]): { facts: Facts; unknown: string[]; ambiguous: string[] } {
  const facts: Facts = {};
  const unknown: string[] = [];
  const ambiguous: string[] = [];
  for (const r of raw) {
    if (r.key !== undefined) {
      if (r.key.includes(' ')) {
        const suffix = lookupHistogram(r.key);
        const grp = r.group ?? 'Icmp';
        if (suffix && r.histogram) facts[`netstat.${grp}.${r.histogram}${suffix}`] = r.value;
        else unknown.push(r.key);
        continue;
      }
      const grp = r.group ?? guessGroup(r.key);
      if (!grp) {
        unknown.push(`${r.key}: ${r.value}`);
        continue;
      }
      facts[`netstat.${grp}.${r.key}`] = r.value;
      continue;
    }
    if (r.sentence === undefined) continue;
    const hit = lookupSentence(r.sentence, r.group);
    if (!hit) {
      unknown.push(r.sentence.replace('#', String(r.value)));
      continue;
    }
    if (hit.ambiguous && !r.group) ambiguous.push(`"${r.sentence.replace('# ', '')}" read as ${hit.group}.${hit.name}`);
    facts[`netstat.${hit.group}.${hit.name}`] = r.value;
  }
  deriveCounters(facts);
  return { facts, unknown, ambiguous };
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
        const s = lead ? normalizeSentence(`# ${lead[2]}`) : emb ? normalizeSentence(`${emb[1]} # ${emb[3]}`) : undefined;
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
    const { raw, unread, groups } = readRaw(text);
    const { facts, unknown, ambiguous } = convert(raw);
    const warnings: string[] = [];
    if (Object.keys(facts).length === 0) {
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
