/**
 * # iptables-save
 *
 * Reads firewall and NAT rules from `iptables-save`, `iptables -S`,
 * `iptables -t nat -S` (and the ip6tables forms), plus the table listing of
 * `iptables -t nat -L -n`. Counts NAT targets (REDIRECT, DNAT, SNAT,
 * MASQUERADE, `--random-fully`) and follows jumps from the nat OUTPUT chain:
 * a REDIRECT reached from OUTPUT captures the host's own outgoing
 * connections (a sidecar or proxy rule that sends every request to a local
 * port). The table comes from `*nat` lines or the command's `-t`.
 *
 * Usage: `iptables-save`, `iptables -t nat -S`, `iptables -t nat -L -n`
 *
 * Output facts: `iptables.nat.redirect`, `iptables.nat.redirectOutput`,
 * `iptables.nat.dnat`, `iptables.nat.snat`, `iptables.nat.masquerade`,
 * `iptables.nat.masqueradeRandomFully`, `iptables.rules`, `iptables.filter.drop`,
 * `iptables.filter.reject`, `iptables.raw.notrack`.
 *
 * Example:
 * ```
 * -A OUTPUT -p tcp -j MESH_OUT
 * -A MESH_OUT -d 10.60.0.0/16 -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 80
 * ```
 * with `--command "iptables -t nat -S"` gives `iptables.nat.redirect = 1`, `iptables.nat.redirectOutput = 1`.
 */
import type { Facts } from '../facts/types.js';
import { blank, cannotRead, defineParser, fact, fields, head, lines, nothing } from './lib/util.js';

const NAT_ONLY = new Set(['REDIRECT', 'DNAT', 'SNAT', 'MASQUERADE', 'NETMAP']);

interface Rule {
  table: string;
  chain: string;
  target?: string;
  randomFully: boolean;
}

function tableOf(command: string | undefined): string {
  const m = /(?:^|\s)(?:-t|--table)\s*(\w+)/.exec(command ?? '');
  return m ? m[1] : 'filter';
}

function readRules(text: string, command: string | undefined): { rules: Rule[]; listing: boolean; unread: number } {
  const rules: Rule[] = [];
  let table = tableOf(command);
  let chain = '';
  let listing = false;
  let unread = 0;
  for (const l of lines(text)) {
    const t = l.trim();
    if (t === '' || t.startsWith('#') || t === 'COMMIT') continue;
    if (t.startsWith('*')) {
      table = t.slice(1);
      continue;
    }
    if (t.startsWith(':') || t.startsWith('-P ') || t.startsWith('-N ')) continue;
    if (t.startsWith('-A ') || t.startsWith('-I ')) {
      const f = fields(t);
      const j = f.findIndex((x) => x === '-j' || x === '--jump' || x === '-g' || x === '--goto');
      rules.push({ table, chain: f[1], target: j >= 0 ? f[j + 1] : undefined, randomFully: t.includes('--random-fully') });
      continue;
    }
    const ch = /^Chain (\S+) \(/.exec(t);
    if (ch) {
      chain = ch[1];
      listing = true;
      continue;
    }
    if (listing && (/^(target|pkts)\s/.test(t))) continue;
    if (listing && chain) {
      const f = fields(t);
      // -L -n: target prot opt source destination; -L -n -v: pkts bytes target prot ...
      const target = /^\d+[KMG]?$/.test(f[0]) && /^\d+[KMG]?$/.test(f[1] ?? '') ? f[2] : f[0];
      if (target) rules.push({ table, chain, target, randomFully: t.includes('random-fully') });
      continue;
    }
    unread++;
  }
  return { rules, listing, unread };
}

function reachable(rules: Rule[], table: string, from: string): Set<string> {
  // The table's rules by chain, once: a kube-proxy dump has tens of thousands of rules.
  const byChain = new Map<string, Rule[]>();
  for (const r of rules) {
    if (r.table !== table) continue;
    const list = byChain.get(r.chain);
    if (list) list.push(r);
    else byChain.set(r.chain, [r]);
  }
  const seen = new Set<string>([from]);
  const queue = [from];
  for (let i = 0; i < queue.length; i++) {
    for (const r of byChain.get(queue[i]) ?? []) {
      // A jump to a chain that has rules of its own (not a built-in target such as ACCEPT).
      if (!r.target || seen.has(r.target) || !byChain.has(r.target)) continue;
      seen.add(r.target);
      queue.push(r.target);
    }
  }
  return seen;
}

export const iptables = defineParser({
  meta: {
    id: 'iptables',
    commands: ['iptables-save', 'iptables -S', 'iptables -t nat -S', 'iptables -t nat -L -n', 'iptables -L -n', 'iptables -t nat -L -n -v', 'ip6tables-save', 'iptables-save -t nat', 'iptables-legacy-save', 'iptables-nft-save'],
    description: 'NAT and filter rule counts (REDIRECT, DNAT, MASQUERADE, --random-fully) from iptables-save or iptables -S',
    compatible: ['iptables 1.4.7 (RHEL 6) to 1.8.x (legacy and nft backends)'],
    detectHints: ['`*nat` / `*filter` table lines', 'rules `-A CHAIN ... -j TARGET`', '`Chain OUTPUT (policy ACCEPT)`'],
    tags: ['iptables', 'nat', 'firewall'],
    facts: [
      fact('iptables.nat.redirect', 'number', 'REDIRECT rules', 'count'),
      fact('iptables.nat.redirectOutput', 'number', 'REDIRECT rules reached from the nat OUTPUT chain (local traffic redirected)', 'count'),
      fact('iptables.nat.dnat', 'number', 'DNAT rules', 'count'),
      fact('iptables.nat.snat', 'number', 'SNAT rules', 'count'),
      fact('iptables.nat.masquerade', 'number', 'MASQUERADE rules', 'count'),
      fact('iptables.nat.masqueradeRandomFully', 'number', 'MASQUERADE/SNAT rules with --random-fully', 'count'),
      fact('iptables.rules', 'number', 'rules read over all tables', 'count'),
      fact('iptables.filter.drop', 'number', 'DROP rules in the filter table', 'count'),
      fact('iptables.filter.reject', 'number', 'REJECT rules in the filter table', 'count'),
      fact('iptables.raw.notrack', 'number', 'NOTRACK / CT --notrack rules in the raw table', 'count'),
    ],
    cost: { readOnly: true, needsRoot: true, packages: ['iptables'], heavy: 'iptables -L without -n resolves every address through DNS', equivalents: ['nft list ruleset'] },
  },
  detect(text) {
    const ls = head(text, 60);
    if (ls.length === 0) return 0;
    let s = 0;
    if (ls.some((l) => /^\*(filter|nat|mangle|raw|security)\s*$/.test(l))) s += 0.5;
    if (ls.some((l) => /^# Generated by (ip6?tables-save|iptables-nft-save)/.test(l))) s += 0.3;
    const rules = ls.filter((l) => /^-[AIPN] \S+/.test(l)).length;
    s += 0.6 * (rules / ls.length);
    if (ls.some((l) => /^Chain \S+ \((policy \w+|\d+ references)/.test(l))) s += 0.7;
    return Math.min(1, s);
  },
  parse(text, command) {
    if (blank(text)) return nothing();
    const { rules, listing, unread } = readRules(text, command);
    const tables = /^\*(nat|filter|raw|mangle|security)/m.test(text);
    const explicit = tables || /(?:^|\s)(?:-t|--table)\s*\w+/.test(command ?? '');
    let inferred = false;
    if (!explicit && rules.some((r) => r.target && NAT_ONLY.has(r.target))) {
      for (const r of rules) r.table = 'nat';
      inferred = true;
    }
    if (rules.length === 0) {
      const policies = /^(-P|:)\S*/m.test(text) || /^Chain /m.test(text);
      if (policies) return { facts: { 'iptables.rules': 0 }, warnings: [] };
      return { facts: {}, warnings: [cannotRead('iptables-save', 'no `-A CHAIN ... -j TARGET` rules', 'Try `iptables-save` or `iptables -t nat -S` (as root).')] };
    }
    const count = (table: string, target: string, pred: (r: Rule) => boolean = () => true): number =>
      rules.filter((r) => r.table === table && r.target === target && pred(r)).length;
    const out = reachable(rules, 'nat', 'OUTPUT');
    const facts: Facts = {
      'iptables.rules': rules.length,
      'iptables.nat.redirect': count('nat', 'REDIRECT'),
      'iptables.nat.redirectOutput': count('nat', 'REDIRECT', (r) => out.has(r.chain)),
      'iptables.nat.dnat': count('nat', 'DNAT'),
      'iptables.nat.snat': count('nat', 'SNAT'),
      'iptables.nat.masquerade': count('nat', 'MASQUERADE'),
      'iptables.nat.masqueradeRandomFully': rules.filter((r) => r.table === 'nat' && (r.target === 'MASQUERADE' || r.target === 'SNAT') && r.randomFully).length,
      'iptables.filter.drop': count('filter', 'DROP'),
      'iptables.filter.reject': count('filter', 'REJECT'),
      'iptables.raw.notrack': count('raw', 'NOTRACK') + count('raw', 'CT'),
    };
    const warnings: string[] = [];
    if (inferred) warnings.push('No `*table` line or `-t`: read as the nat table because of its REDIRECT/DNAT/SNAT/MASQUERADE targets.');
    else if (!explicit) warnings.push('No `*table` lines and no `-t` in the command: rules were read as the filter table; pass `--command "iptables -t nat -S"` for NAT rules.');
    if (listing && !/-n\b/.test(command ?? '')) warnings.push('`iptables -L` without `-n` resolves names and can hang; prefer `iptables-save`.');
    if (unread > 0) warnings.push(`Skipped ${unread} line(s) that are not rules.`);
    return { facts, warnings };
  },
});
