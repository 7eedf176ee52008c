/**
 * # conntrack -S
 *
 * Reads the per-CPU connection tracking statistics of `conntrack -S`
 * (conntrack-tools) and sums them over CPUs: `insert_failed` and `drop` rising
 * together point at the NAT source-port race (the 5 s DNS delay in
 * Kubernetes), `early_drop` / `drop` with a full table at `nf_conntrack_max`.
 * Both layouts are read: with `ignore` (kernels before 5.x) and without. Also
 * reads `conntrack -C` (one number: entries in use) when the command says so.
 *
 * Usage: `conntrack -S`, `conntrack -C`
 *
 * Output facts: `conntrack.insert_failed`, `conntrack.drop`, `conntrack.early_drop`,
 * `conntrack.found`, `conntrack.invalid`, `conntrack.search_restart`,
 * `conntrack.clash_resolve`, `conntrack.<field>` for any other field,
 * `conntrack.cpus`, `conntrack.count` (from `conntrack -C`).
 *
 * Example (conntrack-stats-exporter issue 19):
 * ```
 * cpu=0   	found=50 invalid=43271 ignore=26302191 insert=0 insert_failed=30 drop=30 early_drop=0 error=24 search_restart=1053423
 * cpu=1   	found=28 invalid=29808 ignore=8379307 insert=0 insert_failed=9 drop=9 early_drop=0 error=5 search_restart=455902
 * ```
 * gives `conntrack.insert_failed = 39`, `conntrack.drop = 39`, `conntrack.cpus = 2`.
 */
import type { Facts } from '../facts/types.js';
import { blank, cannotRead, defineParser, fact, fields, head, int, lines, nothing } from './lib/util.js';

const CPU_RE = /^cpu=\d+\s/;

export const conntrackS = defineParser({
  meta: {
    id: 'conntrack-s',
    commands: ['conntrack -S', 'conntrack --stats', 'conntrack -C', 'conntrack --count'],
    description: 'Connection tracking statistics summed over CPUs from conntrack -S',
    compatible: ['conntrack-tools 1.4.x (kernels 3.x to 6.x, with or without `ignore`)'],
    detectHints: ['lines `cpu=0 found=0 invalid=0 ... insert_failed=0 drop=0 early_drop=0 ...`'],
    tags: ['conntrack', 'netfilter', 'nat'],
    facts: [
      fact('conntrack.insert_failed', 'number', 'entries that could not be inserted (clash on NAT source port), summed over CPUs', 'count'),
      fact('conntrack.drop', 'number', 'packets dropped because an entry could not be created, summed', 'count'),
      fact('conntrack.early_drop', 'number', 'entries evicted early because the table was full, summed', 'count'),
      fact('conntrack.found', 'number', 'lookups that found an entry (older kernels: insert clashes), summed', 'count'),
      fact('conntrack.invalid', 'number', 'packets conntrack could not track, summed', 'count'),
      fact('conntrack.search_restart', 'number', 'hash lookups restarted because of a resize, summed', 'count'),
      fact('conntrack.clash_resolve', 'number', 'clashes resolved (kernel 5.9+), summed', 'count'),
      fact('conntrack.*', 'number', 'any other per-CPU statistic, summed', 'count'),
      fact('conntrack.cpus', 'number', 'CPU lines read', 'count'),
      fact('conntrack.count', 'number', 'entries in use (conntrack -C)', 'count'),
    ],
    cost: { readOnly: true, needsRoot: true, packages: ['conntrack-tools'], equivalents: ['cat /proc/net/stat/nf_conntrack', 'cat /proc/sys/net/netfilter/nf_conntrack_count'] },
    groupedNumbers: true,
  },
  detect(text) {
    const ls = head(text, 40);
    if (ls.length === 0) return 0;
    let hit = 0;
    for (const l of ls) if (CPU_RE.test(l.trim()) && /\binsert_failed=\d+/.test(l)) hit++;
    return hit === 0 ? 0 : Math.min(1, 0.6 + 0.4 * (hit / ls.length));
  },
  parse(text, command) {
    if (blank(text)) return nothing();
    const facts: Facts = {};
    let cpus = 0;
    let unread = 0;
    const ls = lines(text).filter((l) => l.trim() !== '');
    if (ls.length === 1 && /^\d+$/.test(ls[0].trim()) && /conntrack\s+(-C|--count)/.test(command ?? '')) {
      return { facts: { 'conntrack.count': Number(ls[0].trim()) }, warnings: [] };
    }
    for (const l of ls) {
      const t = l.trim();
      if (!CPU_RE.test(t)) {
        unread++;
        continue;
      }
      cpus++;
      for (const kv of fields(t)) {
        const eq = kv.indexOf('=');
        if (eq <= 0) continue;
        const k = kv.slice(0, eq);
        if (k === 'cpu') continue;
        const v = int(kv.slice(eq + 1));
        if (v === undefined || !/^[a-z_]+$/.test(k)) continue;
        facts[`conntrack.${k}`] = ((facts[`conntrack.${k}`] as number | undefined) ?? 0) + v;
      }
    }
    if (cpus === 0) {
      return { facts: {}, warnings: [cannotRead('conntrack -S', 'no `cpu=N ... insert_failed=N drop=N` lines', 'Try `conntrack -S` (as root), or `cat /proc/net/stat/nf_conntrack`.')] };
    }
    facts['conntrack.cpus'] = cpus;
    const warnings = unread > 0 ? [`Skipped ${unread} line(s) that are not per-CPU statistics.`] : [];
    return { facts, warnings };
  },
});
