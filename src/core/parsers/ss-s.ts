/**
 * # ss -s
 *
 * Reads the socket summary of `ss -s` (iproute2), old layout
 * (`TCP: 14 (estab 1, closed 0, orphaned 10, synrecv 0, timewait 0/0), ports 0`)
 * and new (`TCP: 53591 (estab 2204, closed 51260, orphaned 4, timewait 51203)`),
 * plus the transport table. Cheap on any host: it reads counters, not sockets.
 *
 * Usage: `ss -s`
 *
 * Output facts: `tcp.state.ESTABLISHED`, `tcp.state.TIME_WAIT`, `tcp.state.SYN_RECV`
 * (old layout), `tcp.state.total`, `ss.s.total`, `ss.s.closed`, `ss.s.orphaned`,
 * `ss.s.ports`, `ss.s.<TRANSPORT>.total|ip|ipv6`.
 *
 * Example (new layout):
 * ```
 * Total: 3318
 * TCP:   53591 (estab 2204, closed 51260, orphaned 4, timewait 51203)
 *
 * Transport Total     IP        IPv6
 * TCP       2331      2290      41
 * ```
 * gives `tcp.state.TIME_WAIT = 51203`, `tcp.state.ESTABLISHED = 2204`, `ss.s.orphaned = 4`.
 */
import type { Facts } from '../facts/types.js';
import { blank, cannotRead, defineParser, fact, fields, head, int, lines, nothing } from './lib/util.js';

const TCP_RE = /^TCP:\s+(\d+)\s+\(([^)]*)\)(?:,\s*ports\s+(\d+))?/;

export const ssS = defineParser({
  meta: {
    id: 'ss-s',
    commands: ['ss -s', 'ss --summary'],
    description: 'Socket summary (TCP states, orphans, TIME_WAIT) from ss -s',
    compatible: ['iproute2 3.x (kernel N) layout', 'iproute2 4.x to 6.x'],
    detectHints: ['`Total: N`', '`TCP:   N (estab N, closed N, orphaned N, timewait N)`', '`Transport Total IP IPv6`'],
    tags: ['tcp', 'sockets', 'summary'],
    facts: [
      fact('tcp.state.ESTABLISHED', 'number', 'established TCP sockets (estab)', 'count'),
      fact('tcp.state.TIME_WAIT', 'number', 'TIME_WAIT sockets (timewait)', 'count'),
      fact('tcp.state.SYN_RECV', 'number', 'SYN_RECV sockets (synrecv, older iproute2 only)', 'count'),
      fact('tcp.state.total', 'number', 'TCP sockets (the TCP: number)', 'count'),
      fact('ss.s.total', 'number', 'all sockets (Total:)', 'count'),
      fact('ss.s.closed', 'number', 'closed TCP sockets', 'count'),
      fact('ss.s.orphaned', 'number', 'orphaned TCP sockets (closed by the application, not yet by TCP)', 'count'),
      fact('ss.s.ports', 'number', 'bound ports (older iproute2)', 'count'),
      fact('ss.s.*.total', 'number', 'sockets of a transport (RAW, UDP, TCP, INET, FRAG)', 'count'),
      fact('ss.s.*.ip', 'number', 'IPv4 sockets of a transport', 'count'),
      fact('ss.s.*.ipv6', 'number', 'IPv6 sockets of a transport', 'count'),
    ],
    cost: { readOnly: true, needsRoot: false, packages: ['iproute2'], equivalents: ['cat /proc/net/sockstat'] },
    groupedNumbers: true,
  },
  detect(text) {
    const ls = head(text, 20);
    let s = 0;
    if (ls.some((l) => /^Total:\s+\d+/.test(l))) s += 0.35;
    if (ls.some((l) => TCP_RE.test(l) && /estab/.test(l))) s += 0.5;
    if (ls.some((l) => /^Transport\s+Total\s+IP\s+IPv6/.test(l))) s += 0.2;
    return Math.min(1, s);
  },
  parse(text) {
    if (blank(text)) return nothing();
    const facts: Facts = {};
    let inTable = false;
    for (const l of lines(text)) {
      const t = l.trim();
      const total = /^Total:\s+(\d+)/.exec(t);
      if (total) {
        facts['ss.s.total'] = Number(total[1]);
        continue;
      }
      const tcp = TCP_RE.exec(t);
      if (tcp) {
        facts['tcp.state.total'] = Number(tcp[1]);
        if (tcp[3] !== undefined) facts['ss.s.ports'] = Number(tcp[3]);
        for (const part of tcp[2].split(',')) {
          const [k, v] = fields(part);
          const n = int((v ?? '').split('/')[0]);
          if (n === undefined) continue;
          if (k === 'estab') facts['tcp.state.ESTABLISHED'] = n;
          else if (k === 'timewait') facts['tcp.state.TIME_WAIT'] = n;
          else if (k === 'synrecv') facts['tcp.state.SYN_RECV'] = n;
          else if (k === 'closed') facts['ss.s.closed'] = n;
          else if (k === 'orphaned') facts['ss.s.orphaned'] = n;
        }
        continue;
      }
      if (/^Transport\s+Total/.test(t)) {
        inTable = true;
        continue;
      }
      if (inTable) {
        const f = fields(t);
        if (f.length >= 2 && /^[A-Z*]+$/.test(f[0]) && f[0] !== '*') {
          const name = f[0];
          const [tot, ip, ip6] = [int(f[1]), int(f[2]), int(f[3])];
          if (tot !== undefined) facts[`ss.s.${name}.total`] = tot;
          if (ip !== undefined) facts[`ss.s.${name}.ip`] = ip;
          if (ip6 !== undefined) facts[`ss.s.${name}.ipv6`] = ip6;
        }
      }
    }
    if (Object.keys(facts).length === 0) {
      return { facts, warnings: [cannotRead('ss -s', 'no `Total:` or `TCP:` summary lines', 'Try `ss -s` without grep.')] };
    }
    return { facts, warnings: [] };
  },
});
