/**
 * # /proc/net/snmp (and /proc/net/snmp6)
 *
 * Reads `cat /proc/net/snmp`: pairs of lines, the counter names of a group
 * (`Ip:`, `Icmp:`, `Tcp:`, `Udp:`, ...) then their values; also the
 * name/value lines of `/proc/net/snmp6` (`Ip6InReceives  7`). Each counter
 * becomes `netstat.<Group>.<Name>` (`netstat.Tcp.RetransSegs`,
 * `netstat.Udp.RcvbufErrors`), the same fact `netstat -s` and `nstat` give.
 *
 * Usage: `cat /proc/net/snmp`, `cat /proc/net/snmp6`
 *
 * Output facts: `netstat.Ip.*`, `netstat.Tcp.*`, `netstat.Udp.*`, `netstat.Ip6.*`,
 * `netstat.tcp.retransmitRatio`.
 *
 * Example (insights-core fixture):
 * ```
 * Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts
 * Tcp: 1 200 120000 -1 25 4 0 0 1 2529 1520 1 0 9
 * ```
 * gives `netstat.Tcp.RetransSegs = 1`, `netstat.Tcp.OutSegs = 1520`.
 */
import { counterLine, counterSpecs, DERIVED_SPECS } from './lib/mib.js';
import { detectPairs, parsePairs } from './lib/pairs.js';
import { defineParser, head } from './lib/util.js';

export const procNetSnmp = defineParser({
  meta: {
    id: 'proc-net-snmp',
    commands: ['cat /proc/net/snmp', 'cat /proc/net/snmp6', 'cat /proc/*/net/snmp'],
    description: 'IP, ICMP, TCP and UDP MIB counters from /proc/net/snmp (and snmp6)',
    compatible: ['Linux 2.6 to 6.x'],
    detectHints: ['line pairs `Tcp: names...` / `Tcp: numbers...`', '`Ip6InReceives  7` lines (snmp6)'],
    tags: ['tcp', 'udp', 'ip', 'counters', 'proc'],
    facts: [...counterSpecs().filter((f) => /^netstat\.(Ip|Icmp|IcmpMsg|Tcp|Udp|UdpLite|Ip6|Icmp6|Udp6|UdpLite6)\./.test(f.name)), ...DERIVED_SPECS],
    cost: { readOnly: true, needsRoot: false, equivalents: ['nstat -az', 'netstat -s'] },
    groupedNumbers: true,
  },
  detect(text) {
    const pairs = detectPairs(text, ['Ip', 'Tcp', 'Udp', 'Icmp', 'IcmpMsg', 'UdpLite']);
    if (pairs > 0) return pairs;
    // snmp6: "Ip6InReceives                   \t7", no rate column, no #kernel header
    const ls = head(text, 30);
    if (ls.length < 3) return 0;
    let v6 = 0;
    for (const l of ls) {
      const c = counterLine(l);
      if (c && c.rest.length === 0 && /6$/.test(c.group)) v6++;
    }
    return v6 === ls.length ? 0.8 : 0;
  },
  parse(text) {
    return parsePairs(text, 'cat /proc/net/snmp', 'no `Tcp:` header/value line pairs', 'Paste the whole file (or use `nstat -az`).');
  },
});
