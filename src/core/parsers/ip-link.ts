/**
 * # ip -s link
 *
 * Reads interfaces from `ip link`, `ip -s link`, `ip -s -s link`,
 * `ip -d -s link` and the one-line `ip -o link` (iproute2): MTU, flags,
 * state, and the RX/TX counters in old and new (right-aligned) layouts.
 * Errors, drops and collisions are summed over non-loopback interfaces that
 * are up; collisions only happen on half duplex links.
 *
 * Usage: `ip -s link`, `ip -s link show eth0`, `ip link`
 *
 * Output facts: `link.<if>.mtu`, `link.<if>.rx_errors`, `.rx_dropped`, `.tx_errors`,
 * `.tx_dropped`, `.collisions`, `.rx_packets`... `link.mtu.min`, `link.errors`,
 * `link.dropped`, `link.collisions`, `link.count`.
 *
 * Example:
 * ```
 * 2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP mode DEFAULT group default qlen 1000
 *     link/ether 00:25:90:aa:31:0e brd ff:ff:ff:ff:ff:ff
 *     RX: bytes  packets  errors  dropped overrun mcast
 *     40211877312 41277310 812     0       0       2231
 *     TX: bytes  packets  errors  dropped carrier collsns
 *     38771204431 36002117 5120    0       0       88213
 * ```
 * gives `link.eth0.rx_errors = 812`, `link.collisions = 88213`, `link.errors = 5932`.
 */
import { IPROUTE_COUNTERS, readIproute, isLinkHeader } from './lib/iproute.js';
import { LINK_SPECS, linkCounterSpecs, linkFacts, SUM_SPECS } from './lib/links.js';
import { blank, cannotRead, defineParser, head, nothing } from './lib/util.js';

export const ipLink = defineParser({
  meta: {
    id: 'ip-link',
    commands: ['ip -s link', 'ip -s link show IF', 'ip link', 'ip link show', 'ip -s -s link', 'ip -d -s link', 'ip -o link', 'ip -s -d link'],
    description: 'Interfaces, MTU and RX/TX errors, drops and collisions from ip -s link',
    compatible: ['iproute2 3.10 (RHEL 7) to 6.x', 'old and right-aligned counter layouts', '-o one-line output'],
    detectHints: ['`2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 ...`', '`RX: bytes packets errors dropped ...`'],
    tags: ['nic', 'link', 'mtu', 'errors'],
    facts: [...LINK_SPECS, ...SUM_SPECS, ...linkCounterSpecs(IPROUTE_COUNTERS)],
    cost: { readOnly: true, needsRoot: false, packages: ['iproute2'], equivalents: ['ifconfig', 'netstat -i', 'cat /proc/net/dev'] },
    groupedNumbers: true,
  },
  detect(text) {
    const ls = head(text, 60);
    const headers = ls.filter((l) => isLinkHeader(l)).length;
    if (headers === 0) return 0;
    const inet = ls.some((l) => /^\s+inet6?\s/.test(l));
    const stats = ls.some((l) => /^\s+RX:?\s+bytes/.test(l) || /\\\s+RX:/.test(l));
    if (inet) return 0.45;
    return stats ? 0.95 : 0.85;
  },
  parse(text) {
    if (blank(text)) return nothing();
    const { links, truncated } = readIproute(text);
    if (links.length === 0) {
      return { facts: {}, warnings: [cannotRead('ip -s link', 'no interface lines like `2: eth0: <...> mtu 1500`', 'Try `ip -s link`.')] };
    }
    const warnings: string[] = [];
    if (truncated > 0) warnings.push(`${truncated} "Message truncated" line(s): some interfaces may be missing.`);
    if (!links.some((l) => Object.keys(l.counters).length > 0)) warnings.push('No RX/TX counters: use `ip -s link` for errors and drops.');
    return { facts: linkFacts(links), warnings };
  },
});
