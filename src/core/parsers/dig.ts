/**
 * # dig
 *
 * Reads `dig` (BIND 9) answers: status (NOERROR, SERVFAIL, NXDOMAIN, ...),
 * flags, answer count, query time, the server that answered and whether the
 * query went over TCP (`+tcp`, or `(TCP)` after the server in dig 9.16+).
 * "connection timed out; no servers could be reached" gives `status = timeout`:
 * with `+tcp` answering and UDP timing out, something drops UDP/53 (a
 * conntrack or firewall problem, not DNS). Several queries in one paste: the
 * worst status and the slowest time are kept.
 *
 * Usage: `dig example.com`, `dig @10.0.0.2 example.com`, `dig +tcp @10.0.0.2 example.com`
 *
 * Output facts: `dig.status`, `dig.queryTimeMs`, `dig.tcp`, `dig.server`, `dig.flags`,
 * `dig.answers`, `dig.truncated`, `dig.queries`.
 *
 * Example (jc fixture):
 * ```
 * ;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 44295
 * ;; flags: qr rd ra; QUERY: 1, ANSWER: 2, AUTHORITY: 0, ADDITIONAL: 1
 * ;; Query time: 25 msec
 * ;; SERVER: 192.168.71.2#53(192.168.71.2)
 * ```
 * gives `dig.status = "NOERROR"`, `dig.queryTimeMs = 25`, `dig.server = "192.168.71.2"`.
 */
import type { Facts } from '../facts/types.js';
import { blank, cannotRead, defineParser, fact, head, lines, nothing } from './lib/util.js';

const STATUS_ORDER = ['timeout', 'connection-refused', 'SERVFAIL', 'REFUSED', 'NXDOMAIN', 'FORMERR', 'NOTIMP', 'NOERROR'];

export const dig = defineParser({
  meta: {
    id: 'dig',
    commands: ['dig NAME', 'dig @SERVER NAME', 'dig +tcp NAME'],
    description: 'DNS answer status, query time, server and transport from dig',
    compatible: ['BIND 9.9 to 9.18 dig'],
    detectHints: ['`; <<>> DiG 9...`', '`;; ->>HEADER<<- opcode: QUERY, status: NOERROR`', '`;; connection timed out; no servers could be reached`'],
    tags: ['dns'],
    facts: [
      fact('dig.status', 'string', '`NOERROR`, `SERVFAIL`, `NXDOMAIN`, `REFUSED`..., or `timeout` when no server answered'),
      fact('dig.queryTimeMs', 'number', 'Query time (the slowest when several)', 'ms'),
      fact('dig.tcp', 'boolean', 'the query went over TCP (+tcp)'),
      fact('dig.server', 'string', 'the server that answered'),
      fact('dig.flags', 'string', 'header flags, e.g. `qr rd ra`'),
      fact('dig.answers', 'number', 'ANSWER count', 'count'),
      fact('dig.truncated', 'boolean', 'the tc flag: the UDP answer was truncated'),
      fact('dig.queries', 'number', 'answers in the paste', 'count'),
    ],
    cost: { readOnly: true, needsRoot: false, packages: ['bind-utils / dnsutils'], equivalents: ['nslookup NAME', 'getent hosts NAME'] },
  },
  detect(text) {
    const ls = head(text, 30);
    let s = 0;
    if (ls.some((l) => /^; <<>> DiG /.test(l))) s += 0.6;
    if (ls.some((l) => /^;; ->>HEADER<<-/.test(l))) s += 0.4;
    if (ls.some((l) => /^;; (connection timed out|communications error)/.test(l))) s += 0.4;
    if (ls.some((l) => /^;; (Query time|SERVER|global options):/.test(l))) s += 0.2;
    return Math.min(1, s);
  },
  parse(text, command) {
    if (blank(text)) return nothing();
    const facts: Facts = {};
    const statuses: string[] = [];
    let queries = 0;
    let tcp = /\+tcp\b|\+vc\b/.test(command ?? '');
    for (const l of lines(text)) {
      const t = l.trim();
      if (/^; <<>> DiG .*<<>>.*\+(tcp|vc)\b/.test(t)) tcp = true;
      const h = /status: ([A-Z]+)/.exec(t);
      if (/^;; ->>HEADER<<-/.test(t) && h) {
        statuses.push(h[1]);
        queries++;
        continue;
      }
      if (/connection timed out|no servers could be reached/.test(t)) {
        statuses.push('timeout');
        continue;
      }
      if (/connection refused/.test(t)) {
        statuses.push('connection-refused');
        continue;
      }
      const fl = /^;; flags: ([a-z ]*);\s*QUERY: \d+, ANSWER: (\d+)/.exec(t);
      if (fl) {
        const flags = fl[1].trim();
        if (facts['dig.flags'] === undefined) facts['dig.flags'] = flags;
        facts['dig.answers'] = Math.max(Number(fl[2]), (facts['dig.answers'] as number | undefined) ?? 0);
        if (flags.split(' ').includes('tc')) facts['dig.truncated'] = true;
        continue;
      }
      const qt = /^;; Query time: (\d+) (msec|usec)/.exec(t);
      if (qt) {
        const ms = qt[2] === 'usec' ? Number(qt[1]) / 1000 : Number(qt[1]);
        facts['dig.queryTimeMs'] = Math.max(ms, (facts['dig.queryTimeMs'] as number | undefined) ?? 0);
        continue;
      }
      const sv = /^;; SERVER: ([^#\s]+)#\d+(?:\([^)]*\))?\s*(\((UDP|TCP)\))?/.exec(t);
      if (sv) {
        facts['dig.server'] ??= sv[1];
        if (sv[3] === 'TCP') tcp = true;
      }
    }
    if (statuses.length === 0) {
      return { facts: {}, warnings: [cannotRead('dig', 'no `->>HEADER<<-` status line and no timeout message', 'Try `dig <name>` without +short.')] };
    }
    const worst = [...statuses].sort((a, b) => STATUS_ORDER.indexOf(a) - STATUS_ORDER.indexOf(b))[0];
    facts['dig.status'] = worst;
    facts['dig.tcp'] = tcp;
    facts['dig.queries'] = queries;
    if (facts['dig.truncated'] === undefined && queries > 0) facts['dig.truncated'] = false;
    return { facts, warnings: [] };
  },
});
