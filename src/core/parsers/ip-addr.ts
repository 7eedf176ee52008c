/**
 * # ip addr
 *
 * Reads interfaces and their addresses from `ip addr` / `ip a` /
 * `ip addr show IF` (iproute2): MTU, flags, state and `inet` / `inet6`
 * addresses, including tunnels, `altname`, `link-netnsid` and the
 * "Message truncated" lines of a busy netlink socket.
 *
 * Usage: `ip addr`, `ip a`, `ip -4 addr show eth0`
 *
 * Output facts: `link.<if>.mtu`, `link.<if>.ipv4`, `link.<if>.up`, `link.<if>.state`,
 * `link.mtu.min`, `link.addresses`, `link.count`.
 *
 * Example (python-ifcfg fixture):
 * ```
 * 2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc pfifo_fast state UP group default qlen 1000
 *     inet 192.168.1.10/24 brd 192.168.1.255 scope global eth0
 * ```
 * gives `link.eth0.mtu = 1500`, `link.eth0.ipv4 = "192.168.1.10/24"`.
 */
import { readIproute, isLinkHeader } from './lib/iproute.js';
import { ADDR_SPECS, LINK_SPECS, linkFacts } from './lib/links.js';
import { blank, cannotRead, defineParser, head, nothing } from './lib/util.js';

export const ipAddr = defineParser({
  meta: {
    id: 'ip-addr',
    commands: ['ip addr', 'ip a', 'ip address', 'ip addr show IF', 'ip -4 addr', 'ip -6 addr'],
    description: 'Interfaces, MTU and addresses from ip addr',
    compatible: ['iproute2 2.6 to 6.x'],
    detectHints: ['`2: eth0: <...> mtu 1500 ...` followed by `    inet 10.0.0.5/24 ...`'],
    tags: ['nic', 'address', 'mtu'],
    facts: [...LINK_SPECS, ...ADDR_SPECS],
    cost: { readOnly: true, needsRoot: false, packages: ['iproute2'], equivalents: ['ifconfig -a'] },
  },
  detect(text) {
    const ls = head(text, 60);
    const headers = ls.filter((l) => isLinkHeader(l)).length;
    const inet = ls.some((l) => /^\s+inet6?\s/.test(l) || /\\\s+inet6?\s/.test(l));
    if (headers === 0) return 0;
    return inet ? 0.95 : 0.4;
  },
  parse(text) {
    if (blank(text)) return nothing();
    const { links, truncated } = readIproute(text);
    if (links.length === 0) {
      return { facts: {}, warnings: [cannotRead('ip addr', 'no interface lines like `2: eth0: <...> mtu 1500`', 'Try `ip addr`.')] };
    }
    const warnings: string[] = [];
    if (truncated > 0) warnings.push(`${truncated} "Message truncated" line(s): some interfaces may be missing.`);
    return { facts: linkFacts(links, { sums: false }), warnings };
  },
});
