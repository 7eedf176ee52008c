/**
 * # /proc/net/stat/nf_conntrack
 *
 * Reads the per-CPU conntrack statistics table in `/proc/net/stat/nf_conntrack`
 * (hexadecimal, one row per CPU, a header naming the columns) and sums the
 * counters over CPUs, giving the same facts as `conntrack -S` without
 * conntrack-tools installed. The `entries` column is the table use, the same
 * on every row: it becomes `conntrack.count`, not a sum.
 *
 * Usage: `cat /proc/net/stat/nf_conntrack`
 *
 * Output facts: `conntrack.insert_failed`, `conntrack.drop`, `conntrack.early_drop`,
 * `conntrack.found`, `conntrack.invalid`, `conntrack.search_restart`, `conntrack.<column>`,
 * `conntrack.count`, `conntrack.cpus`.
 *
 * Example (node_exporter fixture):
 * ```
 * entries  searched found new invalid ignore delete delete_list insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart
 * 00000021  00000000 00000000 00000000 00000003 0000588a 00000000 00000000 00000000 00000000 00000000 00000000 00000000  00000000 00000000 00000000 00000000
 * ```
 * gives `conntrack.count = 33`, `conntrack.invalid = 3`, `conntrack.ignore = 22666`.
 */
import type { Facts } from '../facts/types.js';
import { blank, cannotRead, defineParser, fact, fields, head, hex, lines, nothing } from './lib/util.js';

export const procNetStatNfConntrack = defineParser({
  meta: {
    id: 'proc-net-stat-nf-conntrack',
    commands: ['cat /proc/net/stat/nf_conntrack', 'cat /proc/net/stat/ip_conntrack'],
    description: 'Per-CPU conntrack statistics (hex) from /proc/net/stat/nf_conntrack, summed',
    compatible: ['Linux 2.6.18 to 6.x (columns vary; read by header)'],
    detectHints: ['header `entries searched found new invalid ignore delete ...`', 'rows of 8-digit hex numbers'],
    tags: ['conntrack', 'netfilter', 'proc'],
    facts: [
      fact('conntrack.insert_failed', 'number', 'entries that could not be inserted, summed over CPUs', 'count'),
      fact('conntrack.drop', 'number', 'packets dropped because an entry could not be created, summed', 'count'),
      fact('conntrack.early_drop', 'number', 'entries evicted early because the table was full, summed', 'count'),
      fact('conntrack.found', 'number', 'lookups that found an entry, summed', 'count'),
      fact('conntrack.invalid', 'number', 'packets conntrack could not track, summed', 'count'),
      fact('conntrack.search_restart', 'number', 'hash lookups restarted, summed', 'count'),
      fact('conntrack.*', 'number', 'any other column, summed over CPUs', 'count'),
      fact('conntrack.count', 'number', 'entries in use (the entries column)', 'count'),
      fact('conntrack.cpus', 'number', 'CPU rows read', 'count'),
    ],
    cost: { readOnly: true, needsRoot: false, equivalents: ['conntrack -S'] },
  },
  detect(text) {
    const ls = head(text, 10);
    if (ls.length < 2) return 0;
    const h = fields(ls[0]);
    if (h[0] !== 'entries' || !h.includes('insert_failed')) return 0;
    const rowsOk = ls.slice(1).every((l) => fields(l).every((x) => /^[0-9a-fA-F]{8}$/.test(x)));
    return rowsOk ? 0.98 : 0.7;
  },
  parse(text) {
    if (blank(text)) return nothing();
    const ls = lines(text).filter((l) => l.trim() !== '');
    const headerAt = ls.findIndex((l) => fields(l)[0] === 'entries');
    if (headerAt < 0) {
      return { facts: {}, warnings: [cannotRead('cat /proc/net/stat/nf_conntrack', 'no header line starting with `entries`', 'Paste the whole file including its first line.')] };
    }
    const names = fields(ls[headerAt]);
    const facts: Facts = {};
    let cpus = 0;
    let bad = 0;
    for (const l of ls.slice(headerAt + 1)) {
      const vals = fields(l).map(hex);
      if (vals.length !== names.length || vals.some((v) => v === undefined)) {
        bad++;
        continue;
      }
      cpus++;
      names.forEach((n, i) => {
        const v = vals[i]!;
        if (n === 'entries') facts['conntrack.count'] = v;
        else facts[`conntrack.${n}`] = ((facts[`conntrack.${n}`] as number | undefined) ?? 0) + v;
      });
    }
    const warnings: string[] = [];
    if (bad > 0) warnings.push(`Skipped ${bad} row(s) whose column count does not match the header.`);
    if (cpus === 0) return { facts: {}, warnings: [cannotRead('cat /proc/net/stat/nf_conntrack', 'no rows of hex numbers under the header'), ...warnings] };
    facts['conntrack.cpus'] = cpus;
    return { facts, warnings };
  },
});
