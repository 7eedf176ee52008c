/**
 * # ethtool IF
 *
 * Reads link settings from `ethtool <interface>`: speed, duplex,
 * auto-negotiation, link detected, port, and the fastest supported,
 * advertised and link-partner modes (a 1000baseT/Full NIC running at
 * 100Mb/s Half with auto-negotiation off is a duplex mismatch waiting to
 * happen). Reads the non-root output too ("Cannot get wake-on-lan settings").
 *
 * Usage: `ethtool eth0`
 *
 * Output facts: `ethtool.speedMbps`, `ethtool.duplex`, `ethtool.autoneg`, `ethtool.link`,
 * `ethtool.port`, `ethtool.iface`, `ethtool.supportedMaxMbps`, `ethtool.advertisedMaxMbps`,
 * `ethtool.partnerMaxMbps`.
 *
 * Example (jc fixture):
 * ```
 * Settings for enp0s3:
 * 	Supported link modes:   10baseT/Half 10baseT/Full
 * 	                        1000baseT/Full
 * 	Speed: 1000Mb/s
 * 	Duplex: Full
 * 	Auto-negotiation: on
 * 	Link detected: yes
 * ```
 * gives `ethtool.speedMbps = 1000`, `ethtool.duplex = "Full"`, `ethtool.autoneg = true`, `ethtool.link = true`.
 */
import type { Facts } from '../facts/types.js';
import { ethtoolInterface, titleInterface } from './lib/ethtool.js';
import { blank, cannotRead, defineParser, fact, head, key, lines, nothing } from './lib/util.js';

function maxMode(modes: string): number | undefined {
  let max: number | undefined;
  for (const m of modes.matchAll(/(\d+)base/g)) {
    const n = Number(m[1]);
    if (max === undefined || n > max) max = n;
  }
  return max;
}

export const ethtool = defineParser({
  meta: {
    id: 'ethtool',
    commands: ['ethtool IF'],
    description: 'Link speed, duplex, auto-negotiation and link state from ethtool IF',
    compatible: ['ethtool 3.x to 6.x', 'root and non-root output'],
    detectHints: ['`Settings for eth0:`', '`Speed: 1000Mb/s`, `Duplex: Full`, `Link detected: yes`'],
    tags: ['nic', 'link', 'duplex'],
    facts: [
      fact('ethtool.speedMbps', 'number', 'Speed in Mb/s', 'Mb/s'),
      fact('ethtool.duplex', 'string', '`Full` / `Half` (or `Unknown`)'),
      fact('ethtool.autoneg', 'boolean', 'Auto-negotiation on'),
      fact('ethtool.link', 'boolean', 'Link detected'),
      fact('ethtool.port', 'string', 'Port type (Twisted Pair, FIBRE, Direct Attach Copper...)'),
      fact('ethtool.iface', 'string', 'the interface the settings are for'),
      fact('ethtool.supportedMaxMbps', 'number', 'fastest supported link mode', 'Mb/s'),
      fact('ethtool.advertisedMaxMbps', 'number', 'fastest advertised link mode', 'Mb/s'),
      fact('ethtool.partnerMaxMbps', 'number', 'fastest mode the link partner advertises', 'Mb/s'),
    ],
    cost: { readOnly: true, needsRoot: false, packages: ['ethtool'], equivalents: ['cat /sys/class/net/IF/speed /sys/class/net/IF/duplex'] },
  },
  detect(text) {
    const ls = head(text, 50);
    let s = 0;
    if (ls.some((l) => /^Settings for \S+:/.test(l.trim()))) s += 0.6;
    if (ls.some((l) => /^\s*Speed: /.test(l))) s += 0.15;
    if (ls.some((l) => /^\s*Duplex: /.test(l))) s += 0.15;
    if (ls.some((l) => /^\s*(Link detected|Supported link modes|Auto-negotiation):/.test(l))) s += 0.1;
    return Math.min(1, s);
  },
  parse(text, command) {
    if (blank(text)) return nothing();
    const raw = new Map<string, string>();
    let last: string | undefined;
    let iface: string | undefined;
    const errors: string[] = [];
    for (const l of lines(text)) {
      const t = l.trim();
      if (t === '' || t.startsWith('#')) continue;
      const s = titleInterface(t, 'Settings');
      if (s !== undefined) {
        iface = s;
        continue;
      }
      if (/^(Cannot|netlink error)/i.test(t)) {
        errors.push(t);
        continue;
      }
      const c = t.indexOf(':');
      if (c > 0 && /^\s/.test(l) && !/^\d/.test(t)) {
        const k = t.slice(0, c).trim();
        if (/^[A-Za-z][A-Za-z -]*$/.test(k)) {
          last = k;
          raw.set(k, t.slice(c + 1).trim());
          continue;
        }
      }
      if (last && /^\s/.test(l)) raw.set(last, `${raw.get(last)} ${t}`);
    }
    const facts: Facts = {};
    const speed = /^(\d+)\s*Mb\/s/.exec(raw.get('Speed') ?? '');
    if (speed) facts['ethtool.speedMbps'] = Number(speed[1]);
    const duplex = raw.get('Duplex');
    if (duplex) facts['ethtool.duplex'] = /^full/i.test(duplex) ? 'Full' : /^half/i.test(duplex) ? 'Half' : 'Unknown';
    const an = raw.get('Auto-negotiation');
    if (an) facts['ethtool.autoneg'] = /^on/i.test(an);
    const link = raw.get('Link detected');
    if (link) facts['ethtool.link'] = /^yes/i.test(link);
    const port = raw.get('Port');
    if (port) facts['ethtool.port'] = port;
    const sup = maxMode(raw.get('Supported link modes') ?? '');
    if (sup !== undefined) facts['ethtool.supportedMaxMbps'] = sup;
    const adv = maxMode(raw.get('Advertised link modes') ?? '');
    if (adv !== undefined) facts['ethtool.advertisedMaxMbps'] = adv;
    const lp = maxMode(raw.get('Link partner advertised link modes') ?? '');
    if (lp !== undefined) facts['ethtool.partnerMaxMbps'] = lp;
    iface ??= ethtoolInterface(command);
    const warnings: string[] = [];
    if (Object.keys(facts).length === 0) {
      warnings.push(cannotRead('ethtool IF', 'no `Speed:` / `Duplex:` / `Link detected:` lines', 'Try `ethtool <interface>` (as root for all fields).'));
      return { facts, warnings };
    }
    if (iface) facts['ethtool.iface'] = key(iface);
    if (raw.get('Speed') && !speed) warnings.push(`Speed is "${raw.get('Speed')}" (no link, or a virtual NIC that does not report it).`);
    for (const e of errors) warnings.push(`ethtool said: ${e}`);
    return { facts, warnings };
  },
});
