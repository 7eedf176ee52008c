/**
 * # /proc/net/softnet_stat
 *
 * Reads `cat /proc/net/softnet_stat`: one row per CPU of hexadecimal
 * counters. Column 1 is packets processed, 2 dropped (the per-CPU backlog,
 * `netdev_max_backlog`, was full), 3 time_squeeze (the NAPI budget or time ran
 * out with work left), 9 cpu_collision, 10 received_rps, 11 flow_limit_count;
 * newer kernels add the backlog length and the CPU number. Rows of different
 * lengths (kernel upgrades) are read; rows with fewer than 3 columns are not.
 *
 * Usage: `cat /proc/net/softnet_stat`
 *
 * Output facts: `softnet.processed`, `softnet.dropped`, `softnet.time_squeeze`,
 * `softnet.received_rps`, `softnet.flow_limit_count`, `softnet.cpus`,
 * `softnet.imbalance` (busiest CPU processed / mean), `softnet.busiestCpu`,
 * `softnet.cpu_collision`, `softnet.cpu<N>.processed|dropped|time_squeeze`.
 *
 * Example (insights-core fixture):
 * ```
 * 00008e78 00000012 00000001 00000000 00000000 00000000 00000000 00000000 00000075 00000005
 * 000040ee 000000ff 00000002 00000000 00000000 00000000 00000000 00000000 000000c4 00000006
 * ```
 * gives `softnet.dropped = 273` (0x12 + 0xff), `softnet.time_squeeze = 3`.
 */
import type { Facts } from '../facts/types.js';
import { blank, cannotRead, defineParser, fact, fields, head, hex, imbalance, lines, nothing } from './lib/util.js';

const COLUMNS: Record<number, string> = { 0: 'processed', 1: 'dropped', 2: 'time_squeeze', 8: 'cpu_collision', 9: 'received_rps', 10: 'flow_limit_count' };

export const softnetStat = defineParser({
  meta: {
    id: 'softnet-stat',
    commands: ['cat /proc/net/softnet_stat'],
    description: 'Per-CPU packet processing, backlog drops and time squeezes from /proc/net/softnet_stat',
    compatible: ['Linux 2.6 to 6.x (9 to 13 columns)'],
    detectHints: ['rows of 8-digit hexadecimal numbers, 9 to 13 per row, no header'],
    tags: ['cpu', 'softirq', 'drops', 'proc'],
    facts: [
      fact('softnet.processed', 'number', 'packets processed, summed over CPUs', 'count'),
      fact('softnet.dropped', 'number', 'packets dropped because the backlog queue was full (netdev_max_backlog), summed', 'count'),
      fact('softnet.time_squeeze', 'number', 'times net_rx_action ran out of budget or time with work left, summed', 'count'),
      fact('softnet.received_rps', 'number', 'packets steered to this CPU by RPS, summed', 'count'),
      fact('softnet.flow_limit_count', 'number', 'flow limit drops, summed', 'count'),
      fact('softnet.cpus', 'number', 'CPU rows read', 'count'),
      fact('softnet.imbalance', 'number', 'busiest CPU processed / mean over CPUs (1 = even)', 'ratio'),
      fact('softnet.busiestCpu', 'number', 'the CPU that processed most packets'),
      fact('softnet.cpu_collision', 'number', 'times a CPU found a device transmit lock taken, summed (always 0 on current kernels)', 'count'),
      fact('softnet.*.processed', 'number', 'packets one CPU processed (softnet.cpu0.processed)', 'count'),
      fact('softnet.*.dropped', 'number', 'packets one CPU dropped because its backlog queue was full', 'count'),
      fact('softnet.*.time_squeeze', 'number', 'times one CPU ran out of budget or time with work left', 'count'),
    ],
    cost: { readOnly: true, needsRoot: false },
  },
  detect(text) {
    const ls = head(text, 20);
    if (ls.length === 0) return 0;
    let ok = 0;
    for (const l of ls) {
      const f = fields(l);
      if (f.length >= 9 && f.length <= 16 && f.every((x) => /^[0-9a-fA-F]{8}$/.test(x))) ok++;
    }
    if (ok === 0) {
      const f = fields(ls[0]);
      return f.length >= 3 && f.every((x) => /^[0-9a-fA-F]{8}$/.test(x)) ? 0.5 : 0;
    }
    return 0.5 + 0.5 * (ok / ls.length);
  },
  parse(text) {
    if (blank(text)) return nothing();
    const facts: Facts = {};
    const processed: number[] = [];
    /** The CPU id of each row in `processed`. */
    const cpus: number[] = [];
    let bad = 0;
    let short = 0;
    const warnings: string[] = [];
    lines(text).forEach((l) => {
      const raw = fields(l);
      if (raw.length === 0) return;
      const vals = raw.map(hex);
      if (raw.length < 3 || vals.some((v) => v === undefined)) {
        bad++;
        return;
      }
      const cpu = raw.length >= 13 ? vals[12]! : processed.length;
      processed.push(vals[0]!);
      cpus.push(cpu);
      if (raw.length < 9) short++;
      for (const [i, name] of Object.entries(COLUMNS)) {
        const v = vals[Number(i)];
        if (v === undefined) continue;
        facts[`softnet.${name}`] = ((facts[`softnet.${name}`] as number | undefined) ?? 0) + v;
      }
      facts[`softnet.cpu${cpu}.processed`] = vals[0]!;
      facts[`softnet.cpu${cpu}.dropped`] = vals[1]!;
      facts[`softnet.cpu${cpu}.time_squeeze`] = vals[2]!;
    });
    if (processed.length === 0) {
      return { facts: {}, warnings: [cannotRead('cat /proc/net/softnet_stat', 'no rows of hexadecimal counters', 'Paste the whole file.')] };
    }
    facts['softnet.cpus'] = processed.length;
    const imb = imbalance(processed);
    if (imb !== undefined) facts['softnet.imbalance'] = imb;
    let best = 0;
    processed.forEach((v, i) => {
      if (v > processed[best]) best = i;
    });
    facts['softnet.busiestCpu'] = cpus[best];
    if (bad > 0) warnings.push(`Skipped ${bad} row(s) that are not hexadecimal counters.`);
    if (short > 0) warnings.push('Some rows have fewer than 9 columns (an unusual kernel or a cut paste).');
    return { facts, warnings };
  },
});
