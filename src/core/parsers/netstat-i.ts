/**
 * # netstat -i
 *
 * Reads the kernel interface table of `netstat -i` / `netstat -in`
 * (net-tools): MTU and RX/TX OK, ERR, DRP, OVR per interface, with or
 * without the older `Met` column. Flags `L` = loopback, `U` = up.
 *
 * Usage: `netstat -i`, `netstat -in`
 *
 * Output facts: `link.<if>.mtu`, `link.<if>.rx_errors`, `.rx_dropped`, `.rx_overruns`,
 * `.tx_errors`, `.tx_dropped`, `.tx_overruns`, `.rx_packets`, `.tx_packets`;
 * `link.mtu.min`, `link.errors`, `link.dropped`.
 *
 * Example (Ubuntu 18.04, jc fixture):
 * ```
 * Kernel Interface table
 * Iface      MTU    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK TX-ERR TX-DRP TX-OVR Flg
 * ens33     1500      245      0      0 0           197      0      0      0 BMRU
 * lo       65536       94      0      0 0            94      0      0      0 LRU
 * ```
 * gives `link.ens33.mtu = 1500`, `link.mtu.min = 1500`, `link.errors = 0`.
 */
import { LINK_SPECS, linkCounterSpecs, linkFacts, newLink, SUM_SPECS, type Link, type LinkCounter } from './lib/links.js';
import { blank, cannotRead, defineParser, fields, head, lines, nothing } from './lib/util.js';

const COLS: Record<string, LinkCounter> = {
  'RX-OK': 'rx_packets', 'RX-ERR': 'rx_errors', 'RX-DRP': 'rx_dropped', 'RX-OVR': 'rx_overruns',
  'TX-OK': 'tx_packets', 'TX-ERR': 'tx_errors', 'TX-DRP': 'tx_dropped', 'TX-OVR': 'tx_overruns',
};

export const netstatI = defineParser({
  meta: {
    id: 'netstat-i',
    commands: ['netstat -i', 'netstat -in', 'netstat -ni', 'netstat --interfaces'],
    description: 'Per-interface MTU and RX/TX errors and drops from netstat -i',
    compatible: ['net-tools 1.60 (with Met column)', 'net-tools 2.x'],
    detectHints: ['`Kernel Interface table`', 'header `Iface MTU RX-OK RX-ERR RX-DRP RX-OVR TX-OK ...`'],
    tags: ['nic', 'link', 'errors'],
    facts: [...LINK_SPECS.filter((s) => s.name !== 'link.*.state'), ...SUM_SPECS.filter((s) => s.name !== 'link.collisions'), ...linkCounterSpecs(Object.values(COLS))],
    cost: { readOnly: true, needsRoot: false, packages: ['net-tools'], equivalents: ['ip -s link', 'cat /proc/net/dev'] },
    groupedNumbers: true,
  },
  detect(text) {
    const ls = head(text, 10);
    let s = 0;
    if (ls.some((l) => /^Kernel Interface table/.test(l))) s += 0.4;
    if (ls.some((l) => /^Iface\s+MTU\s/.test(l) && l.includes('RX-OK'))) s += 0.6;
    return s;
  },
  parse(text) {
    if (blank(text)) return nothing();
    let cols: string[] | undefined;
    const links: Link[] = [];
    let bad = 0;
    for (const l of lines(text)) {
      const f = fields(l);
      if (f.length === 0 || /^Kernel Interface/.test(l)) continue;
      if (f[0] === 'Iface') {
        cols = f;
        continue;
      }
      if (!cols) continue;
      // the last column (Flg) may be missing; numbers must line up with the header
      if (f.length < cols.length - 1) {
        bad++;
        continue;
      }
      const link = newLink(f[0]);
      cols.forEach((c, i) => {
        if (i === 0) return;
        const v = f[i];
        if (v === undefined) return;
        if (c === 'MTU') link.mtu = Number(v) || undefined;
        else if (c === 'Flg') {
          link.up = v.includes('U');
          link.loopback = v.includes('L');
        } else if (COLS[c] && /^\d+$/.test(v)) link.counters[COLS[c]] = Number(v);
      });
      if (!cols.includes('Flg')) link.up = true;
      links.push(link);
    }
    if (!cols || links.length === 0) {
      return { facts: {}, warnings: [cannotRead('netstat -i', 'no `Iface MTU RX-OK ...` table', 'Try `netstat -i` or `ip -s link`.')] };
    }
    return { facts: linkFacts(links), warnings: bad > 0 ? [`Skipped ${bad} row(s) with missing columns.`] : [] };
  },
});
