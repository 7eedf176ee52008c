/**
 * # ethtool -k IF
 *
 * Reads offload features from `ethtool -k <interface>`: each `feature: on|off`
 * (with `[fixed]` when it cannot be changed, `[requested on]` when asked but
 * not active). GRO/LRO/TSO settings matter for forwarding hosts, tunnels and
 * captures that show giant segments.
 *
 * Usage: `ethtool -k eth0`
 *
 * Output facts: `ethtool.k.<feature>` (true when on), `ethtool.k.iface`.
 *
 * Example (insights-core fixture):
 * ```
 * Features for bond0:
 * rx-checksumming: off [fixed]
 * generic-receive-offload: on
 * large-receive-offload: on
 * ```
 * gives `ethtool.k.generic-receive-offload = true`, `ethtool.k.rx-checksumming = false`.
 */
import type { Facts } from '../facts/types.js';
import { ethtoolInterface, titleInterface } from './lib/ethtool.js';
import { blank, cannotRead, defineParser, fact, head, key, lines, nothing } from './lib/util.js';

const FEATURE_RE = /^([a-z0-9][a-z0-9-]*):\s+(on|off)\b/;

export const ethtoolK = defineParser({
  meta: {
    id: 'ethtool-k',
    commands: ['ethtool -k IF', 'ethtool --show-features IF', 'ethtool --show-offload IF'],
    description: 'NIC offload features (GRO, LRO, TSO, checksumming) from ethtool -k',
    compatible: ['ethtool 3.x to 6.x'],
    detectHints: ['`Features for eth0:`', 'lines `generic-receive-offload: on`'],
    tags: ['nic', 'offload'],
    facts: [
      fact('ethtool.k.*', 'boolean', 'an offload feature is on'),
      fact('ethtool.k.generic-receive-offload', 'boolean', 'GRO on'),
      fact('ethtool.k.large-receive-offload', 'boolean', 'LRO on (breaks forwarding and bridging)'),
      fact('ethtool.k.tcp-segmentation-offload', 'boolean', 'TSO on'),
      fact('ethtool.k.generic-segmentation-offload', 'boolean', 'GSO on'),
      fact('ethtool.k.iface', 'string', 'the interface'),
    ],
    cost: { readOnly: true, needsRoot: false, packages: ['ethtool'] },
  },
  detect(text) {
    const ls = head(text, 30);
    if (ls.length === 0) return 0;
    let s = titleInterface(ls[0].trim(), 'Features') !== undefined ? 0.6 : 0;
    const hit = ls.filter((l) => FEATURE_RE.test(l.trim())).length;
    s += 0.4 * (hit / ls.length);
    return hit === 0 ? 0 : s;
  },
  parse(text, command) {
    if (blank(text)) return nothing();
    const facts: Facts = {};
    let iface = ethtoolInterface(command, ['-k', '--show-features', '--show-offload']);
    for (const l of lines(text)) {
      const t = l.trim();
      const f = titleInterface(t, 'Features');
      if (f !== undefined) {
        iface = f;
        continue;
      }
      const m = FEATURE_RE.exec(t);
      if (!m) continue;
      facts[`ethtool.k.${m[1]}`] = m[2] === 'on';
    }
    if (Object.keys(facts).length === 0) {
      return { facts, warnings: [cannotRead('ethtool -k IF', 'no `feature: on|off` lines', 'Try `ethtool -k <interface>`.')] };
    }
    if (iface) facts['ethtool.k.iface'] = key(iface);
    return { facts, warnings: [] };
  },
});
