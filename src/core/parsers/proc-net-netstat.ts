/**
 * # /proc/net/netstat
 *
 * Reads `cat /proc/net/netstat`: pairs of lines, the counter names of a group
 * (`TcpExt:`, `IpExt:`, `MPTcpExt:`) then their values. Each becomes
 * `netstat.<Group>.<Name>`, the same fact `netstat -s` and `nstat` give. A
 * header/value count mismatch is reported and the pairs that line up are kept.
 *
 * Usage: `cat /proc/net/netstat` (no tools needed; works in minimal containers)
 *
 * Output facts: `netstat.TcpExt.*`, `netstat.IpExt.*`, `netstat.MPTcpExt.*`.
 *
 * Example (jc fixture):
 * ```
 * TcpExt: SyncookiesSent SyncookiesRecv ... ListenOverflows ListenDrops ...
 * TcpExt: 0 0 ... 0 0 ...
 * ```
 */
import { counterSpecs } from './lib/mib.js';
import { detectPairs, parsePairs } from './lib/pairs.js';
import { defineParser } from './lib/util.js';

export const procNetNetstat = defineParser({
  meta: {
    id: 'proc-net-netstat',
    commands: ['cat /proc/net/netstat', 'cat /proc/*/net/netstat'],
    description: 'Extended TCP/IP counters (TcpExt, IpExt) from /proc/net/netstat, named by MIB',
    compatible: ['Linux 2.6 to 6.x'],
    detectHints: ['line pairs `TcpExt: names...` / `TcpExt: numbers...`'],
    tags: ['tcp', 'ip', 'counters', 'proc'],
    facts: counterSpecs().filter((f) => /^netstat\.(TcpExt|IpExt|MPTcpExt)\./.test(f.name)),
    cost: { readOnly: true, needsRoot: false, equivalents: ['nstat -az', 'netstat -s'] },
    groupedNumbers: true,
  },
  detect(text) {
    return detectPairs(text, ['TcpExt', 'IpExt', 'MPTcpExt']);
  },
  parse(text) {
    return parsePairs(text, 'cat /proc/net/netstat', 'no `TcpExt:` header/value line pairs', 'Paste the whole file, not a grep of it (or use `nstat -az`).');
  },
});
