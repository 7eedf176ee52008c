/**
 * # dmesg
 *
 * Reads network-related kernel messages from `dmesg` / `dmesg -T` /
 * `journalctl -k` (with or without timestamps, also `dmesg | grep ...`
 * excerpts): SYN floods, a full conntrack table, dropped open requests,
 * TIME_WAIT bucket overflow, orphan and memory pressure, neighbour table
 * overflow, NIC watchdog timeouts and resets, link flaps.
 *
 * Usage: `dmesg -T | tail -200`, `dmesg | grep -iE 'tcp|conntrack|link'`
 *
 * Output facts: `dmesg.synFlooding`, `dmesg.synFloodingPort`, `dmesg.conntrackFull`,
 * `dmesg.dropOpenRequest`, `dmesg.timeWaitOverflow`, `dmesg.orphans`,
 * `dmesg.tcpOutOfMemory`, `dmesg.neighbourOverflow`, `dmesg.txTimeout`,
 * `dmesg.linkDown`, `dmesg.martians`, `dmesg.lines`.
 *
 * Example:
 * ```
 * [3847211.118203] TCP: TCP: Possible SYN flooding on port 80. Dropping request.  Check SNMP counters.
 * ```
 * gives `dmesg.synFlooding = true`, `dmesg.synFloodingPort = 80`.
 */
import type { Facts } from '../facts/types.js';
import { blank, cannotRead, defineParser, fact, head, lines, nothing } from './lib/util.js';

/** Boolean facts: [fact, what to look for (lowercase substrings)]. */
const FLAGS: readonly (readonly [string, readonly string[]])[] = [
  ['synFlooding', ['possible syn flooding on port']],
  ['conntrackFull', ['nf_conntrack: table full', 'ip_conntrack: table full', 'nf_conntrack: nf_conntrack: table full']],
  ['dropOpenRequest', ['tcp: drop open request', 'drop open request from']],
  ['timeWaitOverflow', ['time wait bucket table overflow']],
  ['orphans', ['too many orphaned sockets']],
  ['tcpOutOfMemory', ['out of memory -- consider tuning tcp_mem']],
  ['neighbourOverflow', ['neighbour table overflow', 'neighbor table overflow', 'arp_cache: neighbor table overflow']],
  ['txTimeout', ['netdev watchdog', 'transmit queue', 'tx timeout', 'tx_timeout', 'reset adapter', 'tx hang']],
  ['linkDown', ['link is down', 'link down', 'link is not ready', 'nic link is down']],
  ['martians', ['martian source', 'martian destination']],
  ['conntrackDropping', ['nf_conntrack: dropping packet', 'dropping packet']],
];

const NET_WORDS = /\b(TCP|UDP|IPv[46]|NET|eth\d|en[ops]\w+|bond\d|bnx2|mlx\d|ixgbe|i40e|igb|e1000|virtio_net|hv_netvsc|netvsc|conntrack|nf_conntrack|ADDRCONF|NETDEV|bridge|vlan|link)\b/;

const KERNELISH = /\b[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.\d\b|^bonding: |NETDEV|ADDRCONF|Link is (Up|Down)|\birq \d+/;

export const dmesg = defineParser({
  meta: {
    id: 'dmesg',
    commands: ['dmesg', 'dmesg -T', 'journalctl -k', 'dmesg | tail', 'cat /var/log/messages'],
    description: 'Network kernel messages (SYN flooding, conntrack table full, NIC resets, link flaps) from dmesg',
    compatible: ['util-linux dmesg (with and without timestamps, -T)', 'journalctl -k', 'syslog kernel lines'],
    detectHints: ['`[  12.345678] ...` timestamps', '"Possible SYN flooding on port", "nf_conntrack: table full", "NETDEV WATCHDOG"'],
    tags: ['kernel', 'log'],
    facts: [
      fact('dmesg.synFlooding', 'boolean', '"Possible SYN flooding on port N": the SYN queue overflowed (cookies sent or requests dropped)'),
      fact('dmesg.synFloodingPort', 'number', 'the port named in the SYN flooding message'),
      fact('dmesg.conntrackFull', 'boolean', '"nf_conntrack: table full, dropping packet"'),
      fact('dmesg.dropOpenRequest', 'boolean', '"TCP: drop open request": SYN dropped while the SYN queue was full'),
      fact('dmesg.timeWaitOverflow', 'boolean', '"TCP: time wait bucket table overflow" (tcp_max_tw_buckets reached)'),
      fact('dmesg.orphans', 'boolean', '"too many orphaned sockets"'),
      fact('dmesg.tcpOutOfMemory', 'boolean', '"TCP: out of memory -- consider tuning tcp_mem"'),
      fact('dmesg.neighbourOverflow', 'boolean', '"neighbour table overflow" (gc_thresh3 reached)'),
      fact('dmesg.txTimeout', 'boolean', 'NIC transmit timeout, watchdog or adapter reset'),
      fact('dmesg.linkDown', 'boolean', 'a link went down or was not ready'),
      fact('dmesg.martians', 'boolean', 'martian source / destination packets logged'),
      fact('dmesg.conntrackDropping', 'boolean', 'conntrack dropping packets'),
      fact('dmesg.lines', 'number', 'lines read', 'count'),
    ],
    cost: { readOnly: true, needsRoot: false, equivalents: ['journalctl -k', 'grep kernel /var/log/messages'] },
  },
  detect(text) {
    const ls = head(text, 40);
    if (ls.length === 0) return 0;
    const low = ls.map((l) => l.toLowerCase());
    if (low.some((l) => FLAGS.slice(0, 7).some(([, subs]) => subs.some((s) => l.includes(s))))) return 0.9;
    const stamped = ls.filter((l) => /^\[\s*\d+\.\d+\]/.test(l) || /^\[[A-Z][a-z]{2} [A-Z][a-z]{2}\s+\d+ [\d:]+ \d{4}\]/.test(l)).length;
    const net = ls.filter((l) => NET_WORDS.test(l)).length;
    if (stamped / ls.length > 0.6) return net > 0 ? 0.8 : 0.6;
    const kernelish = ls.filter((l) => KERNELISH.test(l)).length;
    if (kernelish >= 2 && net > 0) return 0.6;
    return net / ls.length > 0.5 ? 0.35 : 0;
  },
  parse(text) {
    if (blank(text)) return nothing();
    const facts: Facts = {};
    for (const [name] of FLAGS) facts[`dmesg.${name}`] = false;
    let n = 0;
    for (const l of lines(text)) {
      if (l.trim() === '') continue;
      n++;
      const low = l.length > 2000 ? l.slice(0, 2000).toLowerCase() : l.toLowerCase();
      for (const [name, subs] of FLAGS) if (subs.some((s) => low.includes(s))) facts[`dmesg.${name}`] = true;
      // "on port 443." before kernel 6.2; "on port 10.0.0.5:443." or "on port [::]:443." since.
      const port = /possible syn flooding on port (?:\[[^\]]*\]:|[\d.]+:)?(\d+)/.exec(low);
      if (port) facts['dmesg.synFloodingPort'] = Number(port[1]);
    }
    facts['dmesg.lines'] = n;
    const warnings: string[] = [];
    if (!Object.entries(facts).some(([k, v]) => v === true && k !== 'dmesg.lines')) {
      warnings.push('No known network problem message in these lines (SYN flooding, conntrack table full, NIC timeouts, link down...).');
    }
    if (n === 0) return { facts: {}, warnings: [cannotRead('dmesg', 'no lines')] };
    return { facts, warnings };
  },
});
