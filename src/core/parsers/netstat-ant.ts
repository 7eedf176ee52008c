/**
 * # netstat -ant
 *
 * Reads the TCP rows of `netstat -ant` / `netstat -antp` / `netstat -an` /
 * `netstat -tunlp` (net-tools): counts per state, per local port and per
 * remote address, and the listeners. UDP, RAW and UNIX rows are skipped.
 * Names may be resolved (`localhost:ssh`) when `-n` was not given.
 *
 * Usage: `netstat -ant`, `netstat -antp`, `netstat -an`, `netstat -lntp`
 *
 * Output facts: `tcp.state.<STATE>`, `tcp.state.total`, `tcp.state.<STATE>.topPeer`,
 * `.topPeerShare`, `.topLocalPort`, `tcp.peer.maxConnections`, `ss.listen.count`,
 * `ss.listen.<local>.recvQ` (for a listener netstat shows the accept queue in
 * Recv-Q and 0 in Send-Q, so `ss.listen.full` is not meaningful here).
 *
 * Example (Datadog fixture):
 * ```
 * Active Internet connections (servers and established)
 * Proto Recv-Q Send-Q Local Address           Foreign Address         State
 * tcp        0    128 0.0.0.0:6379            0.0.0.0:*               LISTEN
 * tcp        0      0 127.0.0.1:80            127.0.0.1:51650         TIME_WAIT
 * ```
 * gives `tcp.state.LISTEN = 1`, `tcp.state.TIME_WAIT = 1`, `tcp.state.total = 2`.
 */
import { fieldRanges, firstFields, intAt, listsEverySocket, LISTEN_SPECS, normalizeState, SocketStats, stateAt, STATE_SPECS } from './lib/sockets.js';
import { blank, cannotRead, defineParser, head, nothing } from './lib/util.js';

export const netstatAnt = defineParser({
  meta: {
    id: 'netstat-ant',
    commands: ['netstat -ant', 'netstat -antp', 'netstat -an', 'netstat -tan', 'netstat -tanp', 'netstat -natp', 'netstat -nat', 'netstat -lnt', 'netstat -lntp', 'netstat -tunlp', 'netstat -tnlp', 'netstat -anp', 'netstat -nt', 'netstat -tn', 'netstat -n', 'netstat -neopa', 'netstat -a', 'netstat'],
    description: 'TCP sockets per state, local port and remote address from netstat -ant',
    compatible: ['net-tools 1.60, 2.0 (RHEL 6/7), 2.10', 'with -p, -e, -o columns'],
    detectHints: ['`Active Internet connections` title', 'header `Proto Recv-Q Send-Q Local Address Foreign Address State`'],
    tags: ['tcp', 'sockets', 'states'],
    facts: [...STATE_SPECS, ...LISTEN_SPECS.filter((s) => s.name === 'ss.listen.count' || s.name === 'ss.listen.*.recvQ' || s.name === 'ss.listen.ports')],
    cost: {
      readOnly: true,
      needsRoot: false,
      packages: ['net-tools'],
      heavy: 'reads /proc/net/tcp line by line: slow with hundreds of thousands of sockets; -p walks every process',
      equivalents: ['ss -tan', 'cat /proc/net/tcp /proc/net/tcp6'],
    },
  },
  detect(text) {
    const ls = head(text, 40);
    if (ls.length === 0) return 0;
    let score = 0;
    if (/^Active Internet connections/.test(ls[0])) score += 0.5;
    if (ls.some((l) => /^Proto\s+Recv-Q\s+Send-Q\s+Local Address\s+Foreign Address/.test(l))) score += 0.4;
    const f: string[] = [];
    let rows = 0;
    for (const l of ls) {
      const n = firstFields(l, 6, f);
      if (n >= 5 && /^(tcp|tcp6|udp|udp6|raw|raw6)$/.test(f[0]) && /^\d+$/.test(f[1]) && /^\d+$/.test(f[2])) rows++;
    }
    if (rows > 0) score += 0.1 + 0.4 * (rows / ls.length);
    return Math.min(1, score);
  },
  parse(text, command) {
    if (blank(text)) return nothing();
    const stats = new SocketStats();
    const r = new Int32Array(12);
    let pos = 0;
    let other = 0;
    let skipped = 0;
    let unix = false;
    const len = text.length;
    while (pos < len) {
      let nl = text.indexOf('\n', pos);
      if (nl < 0) nl = len;
      const ls = pos;
      pos = nl + 1;
      const c0 = text.charCodeAt(ls);
      if (c0 === 65 /* A */) {
        if (text.startsWith('Active UNIX', ls) || text.startsWith('Active Bluetooth', ls)) unix = true;
        else if (text.startsWith('Active Internet', ls)) unix = false;
        continue;
      }
      if (unix) continue;
      const n = fieldRanges(text, ls, nl, 6, r);
      if (n < 5) continue;
      const isTcp = text.startsWith('tcp', r[0]) && (r[1] - r[0] === 3 || (r[1] - r[0] === 4 && text.charCodeAt(r[0] + 3) === 54));
      if (!isTcp) {
        const p = text.slice(r[0], r[1]);
        if (p === 'udp' || p === 'udp6' || p === 'raw' || p === 'raw6' || p === 'unix') other++;
        else if (p !== 'Proto') skipped++;
        continue;
      }
      const state = n >= 6 ? stateAt(text, r[10], r[11]) : undefined;
      if (!state) {
        skipped++;
        continue;
      }
      stats.addAt(state, text, r[6], r[7], r[8], r[9], Math.max(0, intAt(text, r[2], r[3])), Math.max(0, intAt(text, r[4], r[5])));
    }
    const warnings: string[] = [];
    if (stats.total === 0) {
      if (other > 0) return { facts: {}, warnings: ['No TCP sockets in this listing (only UDP, RAW or UNIX sockets).'] };
      return {
        facts: {},
        warnings: [cannotRead('netstat -ant', 'no rows like `tcp 0 0 10.0.0.1:22 10.0.0.2:50000 ESTABLISHED`', 'Try `netstat -ant` (or `ss -tan`) without grep or awk.')],
      };
    }
    const facts = stats.facts({ withTotal: listsEverySocket(command), backlog: false });
    if (skipped > 0) warnings.push(`Skipped ${skipped} line(s) that are not TCP socket rows.`);
    return { facts, warnings };
  },
});
