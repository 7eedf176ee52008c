/**
 * # ifconfig
 *
 * Reads interfaces from `ifconfig` / `ifconfig -a` (net-tools), in the
 * net-tools 2.x layout (`eth0: flags=4163<UP,...>  mtu 1500`, `RX errors 0
 * dropped 0 ...`) and the old 1.60 layout (`eth0  Link encap:Ethernet`,
 * `UP BROADCAST RUNNING MULTICAST  MTU:1500`, `RX packets:36 errors:0 ...`).
 *
 * Usage: `ifconfig`, `ifconfig -a`, `ifconfig eth0`
 *
 * Output facts: `link.<if>.mtu`, `link.<if>.up`, `link.<if>.state`, `link.<if>.rx_errors`,
 * `.rx_dropped`, `.rx_overruns`, `.rx_frame`, `.tx_errors`, `.tx_dropped`, `.tx_carrier`,
 * `.collisions`, `.ipv4`; `link.mtu.min`, `link.errors`, `link.dropped`, `link.collisions`.
 *
 * `link.<if>.state` means what `ip link` prints after `state`, so ifconfig gives it only where
 * its flags say the same: `DOWN` for an interface without the `UP` flag (the kernel reports
 * DOWN for every interface that is not up). The flags of an interface that is up cannot tell
 * more: `RUNNING` is set for the states UP and UNKNOWN alike (`lo`, tun), and its absence
 * stands for DOWN, LOWERLAYERDOWN or DORMANT, so there the state is left out.
 *
 * Example (CentOS 7.7):
 * ```
 * ens33: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 1500
 *         inet 192.168.71.137  netmask 255.255.255.0  broadcast 192.168.71.255
 *         RX errors 0  dropped 0  overruns 0  frame 0
 *         TX errors 0  dropped 0 overruns 0  carrier 0  collisions 0
 * ```
 * gives `link.ens33.mtu = 1500`, `link.ens33.rx_errors = 0`, `link.ens33.ipv4 = "192.168.71.137"`.
 */
import { ADDR_SPECS, LINK_SPECS, linkCounterSpecs, linkFacts, newLink, SUM_SPECS, type Link } from './lib/links.js';
import { blank, cannotRead, defineParser, fields, head, lines, nothing } from './lib/util.js';

const NEW_HEAD_RE = /^(\S+?):?\s+flags=\d+<([^>]*)>\s+mtu\s+(\d+)/;
const OLD_HEAD_RE = /^(\S+)\s+Link encap:(.*)$/;
const ALIAS: Record<string, string> = { overruns: 'overruns', frame: 'frame', carrier: 'carrier', collisions: 'collisions' };

function readCounters(link: Link, t: string): void {
  // "RX errors 0  dropped 0  overruns 0  frame 0", "RX packets:36 errors:0 dropped:0", "collisions:0 txqueuelen:1000"
  const dir = t.startsWith('RX') ? 'rx' : t.startsWith('TX') ? 'tx' : undefined;
  const body = dir ? t.slice(2).trim() : t;
  const f = fields(body.replace(/:/g, ' '));
  for (let i = 0; i + 1 < f.length; i++) {
    const name = f[i];
    const v = f[i + 1];
    if (!/^\d+$/.test(v) || !/^[a-z]+$/.test(name)) continue;
    if (name === 'txqueuelen' || name === 'Metric' || name === 'MTU') continue;
    const base = ALIAS[name] ?? name;
    if (base === 'collisions') link.counters.collisions = Number(v);
    else if (dir) link.counters[`${dir}_${base}`] = Number(v);
    i++;
  }
}

export const ifconfig = defineParser({
  meta: {
    id: 'ifconfig',
    commands: ['ifconfig', 'ifconfig -a', 'ifconfig IF'],
    description: 'Interfaces, MTU, addresses and RX/TX errors from ifconfig (old and new net-tools)',
    compatible: ['net-tools 1.60 (RHEL 6, Ubuntu 16.04)', 'net-tools 2.x (RHEL 7+, Ubuntu 18.04+)'],
    detectHints: ['`eth0: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 1500`', '`eth0      Link encap:Ethernet  HWaddr ...`'],
    tags: ['nic', 'link', 'mtu', 'errors'],
    facts: [
      ...LINK_SPECS,
      ...SUM_SPECS,
      ...linkCounterSpecs([
        'rx_packets', 'rx_bytes', 'rx_errors', 'rx_dropped', 'rx_overruns', 'rx_frame',
        'tx_packets', 'tx_bytes', 'tx_errors', 'tx_dropped', 'tx_overruns', 'tx_carrier', 'collisions',
      ]),
      ...ADDR_SPECS,
    ],
    cost: { readOnly: true, needsRoot: false, packages: ['net-tools'], equivalents: ['ip -s link', 'ip addr'] },
    groupedNumbers: true,
  },
  detect(text) {
    const ls = head(text, 40);
    const heads = ls.filter((l) => NEW_HEAD_RE.test(l) || OLD_HEAD_RE.test(l)).length;
    if (heads === 0) return 0;
    const rx = ls.some((l) => /^\s+RX (packets|errors|bytes)/.test(l));
    return rx ? 0.97 : 0.8;
  },
  parse(text) {
    if (blank(text)) return nothing();
    const links: Link[] = [];
    let cur: Link | undefined;
    for (const l of lines(text)) {
      if (l.length > 4096) continue;
      const n = NEW_HEAD_RE.exec(l);
      if (n) {
        cur = newLink(n[1]);
        const flags = n[2].split(',');
        cur.up = flags.includes('UP');
        cur.loopback = flags.includes('LOOPBACK');
        cur.mtu = Number(n[3]);
        if (!cur.up) cur.state = 'DOWN';
        links.push(cur);
        continue;
      }
      const o = OLD_HEAD_RE.exec(l);
      if (o) {
        cur = newLink(o[1]);
        cur.loopback = /Loopback/i.test(o[2]);
        links.push(cur);
        continue;
      }
      if (!cur) continue;
      const t = l.trim();
      if (t === '') continue;
      const mtu = /\bMTU:(\d+)/.exec(t);
      if (mtu) {
        cur.mtu = Number(mtu[1]);
        cur.up = /^UP\b/.test(t) || /\sUP\s/.test(` ${t} `);
        if (!cur.up) cur.state = 'DOWN';
        continue;
      }
      const inet = /^inet (?:addr:)?(\d+\.\d+\.\d+\.\d+)/.exec(t);
      if (inet) {
        cur.addresses.push(inet[1]);
        continue;
      }
      const inet6 = /^inet6 (?:addr:\s*)?(\S+)/.exec(t);
      if (inet6) {
        cur.addresses.push(inet6[1]);
        continue;
      }
      const bytes = /^RX bytes:(\d+).*TX bytes:(\d+)/.exec(t);
      if (bytes) {
        cur.counters.rx_bytes = Number(bytes[1]);
        cur.counters.tx_bytes = Number(bytes[2]);
        continue;
      }
      if (/^(RX|TX)\s/.test(t) || /^collisions:/.test(t)) readCounters(cur, t);
    }
    if (links.length === 0) {
      return { facts: {}, warnings: [cannotRead('ifconfig', 'no interface lines like `eth0: flags=4163<UP,...>  mtu 1500`', 'Try `ifconfig -a` or `ip -s link`.')] };
    }
    return { facts: linkFacts(links), warnings: [] };
  },
});
