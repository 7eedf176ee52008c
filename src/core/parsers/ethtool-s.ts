/**
 * # ethtool -S IF
 *
 * Reads NIC driver statistics from `ethtool -S <interface>`: one counter per
 * line (`rx_missed_errors: 401`), including per-queue counters in the
 * layouts of common drivers (`rx_queue_0_packets`, `rx-0.packets`,
 * `rx0_packets`, `rxq0: rx_pkts`, `queue_0_rx_cnt`). Derives how unevenly
 * receive traffic spreads over the queues (one hot queue = one hot CPU).
 *
 * Usage: `ethtool -S eth0`
 *
 * Output facts: `ethtool.S.<iface>.<counter>` (the interface from the command or
 * a `# ethtool -S eth0` line, else `unknown`), `ethtool.S.rxQueues`,
 * `ethtool.S.rxQueueImbalance`, `ethtool.S.dropCounters`.
 *
 * Example (node_exporter fixture):
 * ```
 * NIC statistics:
 *      tx_packets: 961500
 *      port.rx_dropped: 12028
 *      rx_missed: 401
 * ```
 * with `--command "ethtool -S eth0"` gives `ethtool.S.eth0.port.rx_dropped = 12028`.
 */
import type { Facts } from '../facts/types.js';
import { ethtoolInterface } from './lib/ethtool.js';
import { blank, cannotRead, defineParser, fact, head, imbalance, key, lines, nothing } from './lib/util.js';

const OPTIONS = ['-S', '--statistics'];

const QUEUE_RES = [/^rx_queue_(\d+)_packets$/, /^rx-(\d+)\.packets$/, /^rx(\d+)_packets$/, /^rxq(\d+): rx_pkts$/, /^queue_(\d+)_rx_cnt$/, /^rx_(\d+)_packets$/, /^\[(\d+)\]: rx_ucast_packets$/];

export const ethtoolS = defineParser({
  meta: {
    id: 'ethtool-s',
    commands: ['ethtool -S IF', 'ethtool --statistics IF'],
    description: 'NIC driver counters (drops, misses, per-queue packets) from ethtool -S',
    compatible: ['ethtool 3.x to 6.x; drivers e1000e, igb, ixgbe, i40e, mlx5, ena, virtio_net, hv_netvsc, bnxt'],
    detectHints: ['`NIC statistics:` first line', 'lines `     rx_packets: 1260062`'],
    tags: ['nic', 'drops', 'queues'],
    facts: [
      fact('ethtool.S.*', 'number', 'any driver counter, as ethtool.S.<iface>.<counter>', 'count'),
      fact('ethtool.S.*.rx_dropped', 'number', 'receive drops counted by the driver', 'count'),
      fact('ethtool.S.*.rx_missed_errors', 'number', 'packets missed because the NIC ring was full', 'count'),
      fact('ethtool.S.rxQueues', 'number', 'receive queues with a packet counter', 'count'),
      fact('ethtool.S.rxQueueImbalance', 'number', 'busiest rx queue packets / mean over queues (1 = even)', 'ratio'),
      fact('ethtool.S.dropCounters', 'number', 'sum of counters whose name says drop, miss, discard or no_buffer (may count a drop twice when the driver keeps totals and per-queue counters)', 'count'),
    ],
    cost: { readOnly: true, needsRoot: false, packages: ['ethtool'], equivalents: ['ip -s -s link show IF'] },
    groupedNumbers: true,
  },
  detect(text) {
    const ls = head(text, 30);
    if (ls.length === 0) return 0;
    const first = ls.find((l) => !l.startsWith('#')) ?? '';
    let s = /^NIC statistics:/.test(first.trim()) ? 0.7 : 0;
    // The name starts with a non-space: `\s+` and the name class must not both take the same spaces
    // (a long line of spaces would backtrack quadratically).
    const kv = ls.filter((l) => /^\s+[A-Za-z0-9_.[\]:-][A-Za-z0-9_.[\]: -]*: \d+$/.test(l)).length;
    s += 0.3 * (kv / ls.length);
    if (/^Cannot get stats strings/.test(first)) s = 0.9;
    return Math.min(1, s);
  },
  parse(text, command) {
    if (blank(text)) return nothing();
    let iface = ethtoolInterface(command, OPTIONS);
    const raw: [string, number][] = [];
    const warnings: string[] = [];
    for (const l of lines(text)) {
      const t = l.trim();
      if (t === '') continue;
      const c = t.startsWith('#') ? ethtoolInterface(t, OPTIONS) : undefined;
      if (c !== undefined) {
        iface ??= c;
        continue;
      }
      if (/^NIC statistics:?$/.test(t)) continue;
      if (/^Cannot get stats|not supported|No such device/i.test(t)) {
        warnings.push(`ethtool said: ${t} (this driver has no statistics; use \`ip -s -s link show <if>\`).`);
        continue;
      }
      const m = /^(.+):\s*(\d+)$/.exec(t);
      if (m && m[1].length < 100) raw.push([m[1], Number(m[2])]);
    }
    if (raw.length === 0) {
      if (warnings.length > 0) return { facts: {}, warnings };
      return { facts: {}, warnings: [cannotRead('ethtool -S IF', 'no `counter: value` lines', 'Try `ethtool -S <interface>`.')] };
    }
    const facts: Facts = {};
    const ifk = key(iface ?? 'unknown');
    if (!iface) warnings.push('The interface is not named; counters are filed under `ethtool.S.unknown.*` (pass `--command "ethtool -S eth0"`).');
    const queues: number[] = [];
    let drops = 0;
    for (const [name, v] of raw) {
      facts[`ethtool.S.${ifk}.${key(name.replace(/\s+/g, '_'))}`] = v;
      for (const re of QUEUE_RES) {
        const q = re.exec(name);
        if (q) queues[Number(q[1])] = v;
      }
      if (/drop|miss|discard|no_buffer|nobuf/i.test(name)) drops += v;
    }
    const qs = queues.filter((v) => v !== undefined);
    if (qs.length > 0) facts['ethtool.S.rxQueues'] = qs.length;
    const imb = imbalance(qs);
    if (imb !== undefined) facts['ethtool.S.rxQueueImbalance'] = imb;
    facts['ethtool.S.dropCounters'] = drops;
    return { facts, warnings };
  },
});
