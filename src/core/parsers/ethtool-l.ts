/**
 * # ethtool -l IF
 *
 * Reads the channel (queue) counts of `ethtool -l <interface>`: the maximums
 * the NIC supports and the current settings. A multi-queue NIC running one
 * combined channel sends all receive work to one CPU.
 *
 * Usage: `ethtool -l eth0`
 *
 * Output facts: `ethtool.l.max.<rx|tx|other|combined>`, `ethtool.l.current.<...>`,
 * `ethtool.l.iface`, `ethtool.l.unused` (max combined - current combined).
 *
 * Example (ohai fixture):
 * ```
 * Channel parameters for eth0:
 * Pre-set maximums:
 * Combined:		32
 * Current hardware settings:
 * Combined:		16
 * ```
 * gives `ethtool.l.max.combined = 32`, `ethtool.l.current.combined = 16`.
 */
import type { Facts } from '../facts/types.js';
import { ethtoolInterface, titleInterface } from './lib/ethtool.js';
import { blank, cannotRead, defineParser, fact, head, int, key, lines, nothing } from './lib/util.js';

export const ethtoolL = defineParser({
  meta: {
    id: 'ethtool-l',
    commands: ['ethtool -l IF', 'ethtool --show-channels IF'],
    description: 'NIC channel (queue) counts, maximum and current, from ethtool -l',
    compatible: ['ethtool 3.x to 6.x'],
    detectHints: ['`Channel parameters for eth0:`', '`Pre-set maximums:` / `Current hardware settings:`'],
    tags: ['nic', 'queues', 'rss'],
    facts: [
      fact('ethtool.l.max.*', 'number', 'pre-set maximum channels (rx, tx, other, combined)', 'count'),
      fact('ethtool.l.current.*', 'number', 'current channels (rx, tx, other, combined)', 'count'),
      fact('ethtool.l.max.combined', 'number', 'most combined channels the NIC supports', 'count'),
      fact('ethtool.l.current.combined', 'number', 'combined channels in use', 'count'),
      fact('ethtool.l.unused', 'number', 'combined channels supported but not in use', 'count'),
      fact('ethtool.l.iface', 'string', 'the interface'),
    ],
    cost: { readOnly: true, needsRoot: false, packages: ['ethtool'], equivalents: ['ls /sys/class/net/IF/queues'] },
  },
  detect(text) {
    const ls = head(text, 20);
    let s = 0;
    if (ls.some((l) => /^Channel parameters for/.test(l))) s += 0.6;
    if (ls.some((l) => /^Pre-set maximums:/.test(l))) s += 0.2;
    if (ls.some((l) => /^Current hardware settings:/.test(l))) s += 0.1;
    if (ls.some((l) => /^Combined:\s/.test(l))) s += 0.1;
    return s;
  },
  parse(text, command) {
    if (blank(text)) return nothing();
    const facts: Facts = {};
    let section: 'max' | 'current' | undefined;
    let iface = ethtoolInterface(command, ['-l', '--show-channels']);
    for (const l of lines(text)) {
      const t = l.trim();
      const c = titleInterface(t, 'Channel parameters');
      if (c !== undefined) {
        iface = c;
        continue;
      }
      if (/^Pre-set maximums/i.test(t)) section = 'max';
      else if (/^Current hardware settings/i.test(t)) section = 'current';
      else if (section) {
        const m = /^(RX|TX|Other|Combined):\s*(\S+)/i.exec(t);
        const v = m ? int(m[2]) : undefined;
        if (m && v !== undefined) facts[`ethtool.l.${section}.${m[1].toLowerCase()}`] = v;
      }
    }
    if (Object.keys(facts).length === 0) {
      return { facts, warnings: [cannotRead('ethtool -l IF', 'no `Pre-set maximums:` / `Combined:` lines', 'Try `ethtool -l <interface>`.')] };
    }
    const max = facts['ethtool.l.max.combined'];
    const cur = facts['ethtool.l.current.combined'];
    if (typeof max === 'number' && typeof cur === 'number') facts['ethtool.l.unused'] = Math.max(0, max - cur);
    if (iface) facts['ethtool.l.iface'] = key(iface);
    return { facts, warnings: [] };
  },
});
