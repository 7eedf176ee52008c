/**
 * Reader for iproute2 `ip link` / `ip -s link` / `ip addr` / `ip -o ...`
 * output, shared by the `ip-link` and `ip-addr` parsers.
 */
import { fields, lines } from './util.js';
import { newLink, type Link, type LinkCounter } from './links.js';

const HEAD_RE = /^(\d+):\s+([^:\s]+(?::[^:\s]+)*?):\s+<([^>]*)>(.*)$/;

const COLUMN: Record<string, string> = { collsns: 'collisions', overrun: 'overruns' };

/**
 * The counters `ip -s link` prints (old and new layouts); `ip -s -s link`
 * adds the kinds of errors, as `rx_<kind>_errors` and `tx_<kind>_errors`.
 */
export const IPROUTE_COUNTERS: readonly LinkCounter[] = [
  'rx_bytes', 'rx_packets', 'rx_errors', 'rx_dropped', 'rx_overruns', 'rx_missed', 'rx_mcast',
  'tx_bytes', 'tx_packets', 'tx_errors', 'tx_dropped', 'tx_carrier', 'collisions', 'rx_*_errors', 'tx_*_errors',
];

/**
 * Is this line an interface header (`2: eth0: <BROADCAST,...> mtu 1500 ...`)?
 * @param line a line
 * @returns whether it is
 */
export function isLinkHeader(line: string): boolean {
  return line.length < 2048 && HEAD_RE.test(line);
}

/**
 * Read interfaces.
 * @param text the output
 * @returns interfaces and the number of lines that were not understood
 */
export function readIproute(text: string): { links: Link[]; truncated: number } {
  const links: Link[] = [];
  let cur: Link | undefined;
  let pendingHeader: { dir: 'rx' | 'tx'; names: string[] } | undefined;
  let truncated = 0;
  // ip -o joins each interface on one line with backslashes
  const all = text.includes('\\') ? text.replace(/\\\s*/g, '\n    ') : text;
  for (const l of lines(all)) {
    if (/^Message truncated/.test(l)) {
      truncated++;
      continue;
    }
    const h = l.length < 2048 ? HEAD_RE.exec(l) : null;
    if (h) {
      cur = newLink(h[2]);
      const flags = h[3].split(',');
      cur.up = flags.includes('UP');
      cur.loopback = flags.includes('LOOPBACK');
      const rest = fields(h[4]);
      const mi = rest.indexOf('mtu');
      if (mi >= 0) cur.mtu = Number(rest[mi + 1]) || undefined;
      const si = rest.indexOf('state');
      if (si >= 0) cur.state = rest[si + 1];
      links.push(cur);
      pendingHeader = undefined;
      continue;
    }
    if (!cur) continue;
    const t = l.trim();
    const stat = /^(RX|TX)(?: errors)?:\s+(.*)$/.exec(t);
    if (stat) {
      const dir = stat[1] === 'RX' ? 'rx' : 'tx';
      const names = fields(stat[2]);
      if (names.every((n) => /^[a-z_]+$/.test(n))) pendingHeader = { dir, names: t.includes('errors:') ? names.map((n) => `${n}_errors`) : names };
      continue;
    }
    if (pendingHeader) {
      const vals = fields(t);
      if (vals.length > 0 && vals.every((v) => /^\d+$/.test(v))) {
        pendingHeader.names.forEach((n, i) => {
          if (vals[i] === undefined) return;
          const name = COLUMN[n] ?? n;
          const k = name === 'collisions' ? 'collisions' : `${pendingHeader!.dir}_${name}`;
          cur!.counters[k] = Number(vals[i]);
        });
      }
      pendingHeader = undefined;
      continue;
    }
    const inet = /^inet6?\s+(\S+)/.exec(t);
    if (inet) cur.addresses.push(inet[1]);
  }
  return { links, truncated };
}
