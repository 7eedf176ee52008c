/**
 * # nstat
 *
 * Reads `nstat` / `nstat -az` (iproute2): one kernel counter per line, named
 * as the kernel names it (`TcpExtListenOverflows`), with its value and rate.
 * Each counter becomes `netstat.<Group>.<Name>` (`netstat.TcpExt.ListenOverflows`),
 * the same fact `netstat -s` and `/proc/net/netstat` give. Without `-a`, nstat
 * prints the change since its previous run, not totals; the parser says so
 * when the command is known.
 *
 * Usage: `nstat -az`, `nstat -az TcpExtListenOverflows TcpExtListenDrops`, `nstat | grep -i tcp`
 *
 * Output facts: `netstat.<Group>.<Name>` for every line, `netstat.tcp.retransmitRatio`.
 *
 * Example (kernel documentation, snmp_counter.rst):
 * ```
 * #kernel
 * IpInReceives                    2                  0.0
 * TcpExtTCPRcvCoalesce            1                  0.0
 * ```
 * gives `netstat.Ip.InReceives = 2`, `netstat.TcpExt.TCPRcvCoalesce = 1`.
 */
import type { Facts } from '../facts/types.js';
import { counterFact, counterLine, counterSpecs, DERIVED_SPECS, deriveCounters, type CounterLine } from './lib/mib.js';
import { blank, cannotRead, defineParser, head, lines, nothing } from './lib/util.js';

/** A counter line shaped as nstat prints it: name, value and at most a rate. */
function nstatLine(l: string): CounterLine | undefined {
  const c = counterLine(l);
  if (!c || c.rest.length > 1 || (c.rest.length === 1 && !/^-?\d+(\.\d+)?$/.test(c.rest[0]))) return undefined;
  return c;
}

export const nstat = defineParser({
  meta: {
    id: 'nstat',
    commands: ['nstat -az', 'nstat -a', 'nstat', 'nstat -z', 'nstat -asz'],
    description: 'Kernel SNMP counters from iproute2 nstat, named by MIB',
    compatible: ['iproute2 3.x to 6.x'],
    detectHints: ['`#kernel` first line', 'lines `TcpExtListenOverflows   12   0.0`'],
    tags: ['tcp', 'udp', 'ip', 'counters'],
    facts: [...counterSpecs(), ...DERIVED_SPECS],
    cost: { readOnly: true, needsRoot: false, packages: ['iproute2'], equivalents: ['netstat -s', 'cat /proc/net/netstat /proc/net/snmp'] },
    groupedNumbers: true,
  },
  detect(text) {
    const ls = head(text, 40);
    if (ls.length === 0) return 0;
    const kernel = ls[0].trim() === '#kernel' ? 1 : 0;
    const body = kernel ? ls.slice(1) : ls;
    if (body.length === 0) return kernel ? 0.6 : 0;
    let hit = 0;
    let rate = 0;
    let v6 = 0;
    for (const l of body) {
      const c = nstatLine(l);
      if (!c) continue;
      hit++;
      if (c.rest.length === 1) rate++;
      if (/6$/.test(c.group)) v6++;
    }
    const s = hit / body.length;
    if (hit === 0) return 0;
    const c = Math.min(1, s * 0.85 + kernel * 0.15 + (s === 1 ? 0.05 : 0));
    // /proc/net/snmp6 has the same names but no rate column and no #kernel line
    if (!kernel && rate === 0) return v6 === hit ? Math.min(c, 0.5) : Math.min(c, 0.7);
    return c;
  },
  parse(text, command) {
    if (blank(text)) return nothing();
    const facts: Facts = {};
    let unread = 0;
    for (const l of lines(text)) {
      const t = l.trim();
      if (t === '' || t.startsWith('#')) continue;
      const c = counterLine(t);
      if (!c) {
        unread++;
        continue;
      }
      facts[counterFact(c.group, c.name)] = c.value;
    }
    deriveCounters(facts);
    const warnings: string[] = [];
    if (Object.keys(facts).length === 0) {
      warnings.push(cannotRead('nstat -az', 'no lines like `TcpExtListenOverflows  12  0.0`', 'Try `nstat -az` (or `cat /proc/net/netstat`).'));
      return { facts, warnings };
    }
    if (unread > 0) warnings.push(`Skipped ${unread} line(s) that are not nstat counters.`);
    if (command && /\bnstat\b/.test(command) && !/\s-[a-zA-Z]*a/.test(command) && !/--absolute/.test(command)) {
      warnings.push('`nstat` without `-a` prints the change since its previous run, not totals; use `nstat -az` for totals.');
    }
    return { facts, warnings };
  },
});
