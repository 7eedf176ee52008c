/**
 * # ss -tan
 *
 * Reads all TCP sockets from `ss -tan` / `ss -tanp` / `ss -ant` (iproute2),
 * including `ss -tan state time-wait` listings without a State column (the
 * state then comes from the command) and `ss -a` tables with a Netid column
 * (non-TCP rows are skipped). Counts sockets per state, per local port and per
 * remote address: thousands of CLOSE_WAIT toward one peer point at an
 * application that does not close, FIN_WAIT2 toward one server at a client
 * that times out first.
 *
 * Usage: `ss -tan`, `ss -tanp`, `ss -tan state close-wait`, `ss -ant | head -1000`
 *
 * Output facts: `tcp.state.<STATE>` (netstat names: `ESTABLISHED`, `TIME_WAIT`,
 * `CLOSE_WAIT`, ...), `tcp.state.total`, `tcp.state.<STATE>.topPeer`,
 * `.topPeerCount`, `.topPeerShare`, `.topLocalPort`, `tcp.peer.maxConnections`,
 * `tcp.peer.top`, and the listener facts of `ss-lnt` when listeners are listed.
 *
 * Example (Datadog fixture):
 * ```
 * State      Recv-Q Send-Q     Local Address:Port       Peer Address:Port
 * LISTEN     0      128        127.0.0.1:8400           *:*
 * TIME-WAIT  0      0          10.0.2.15:38756          54.225.214.228:80
 * ESTAB      0      0          10.0.2.15:22             10.0.2.2:49936
 * ```
 * gives `tcp.state.TIME_WAIT = 1`, `tcp.state.ESTABLISHED = 1`, `tcp.state.total = 3`.
 */
import { fact } from './lib/util.js';
import { LISTEN_SPECS, STATE_SPECS } from './lib/sockets.js';
import { parseSsTable, ssShape } from './lib/ss-table.js';
import { defineParser } from './lib/util.js';

export const ssTan = defineParser({
  meta: {
    id: 'ss-tan',
    commands: ['ss -tan', 'ss -ant', 'ss -tanp', 'ss -antp', 'ss -tn', 'ss -nt', 'ss -tnp', 'ss -an', 'ss -a', 'ss -tano', 'ss -tanpe'],
    description: 'TCP sockets per state, local port and remote address from ss -tan',
    compatible: ['iproute2 3.10 (RHEL 7) to 6.x', 'state filters, Netid column, -H, -p, -o, -i'],
    detectHints: ['header `State Recv-Q Send-Q Local Address:Port Peer Address:Port`', 'rows in ESTAB / TIME-WAIT / CLOSE-WAIT / SYN-RECV...'],
    tags: ['tcp', 'sockets', 'states'],
    facts: [...STATE_SPECS, fact('tcp.sockets', 'number', 'sockets listed without a State column and no state filter in the command', 'count'), ...LISTEN_SPECS],
    cost: {
      readOnly: true,
      needsRoot: false,
      packages: ['iproute2'],
      heavy: 'with -p, ss walks every process fd: seconds of CPU with a million sockets; prefer `ss -s` or `ss -tan state <state> | wc -l` first',
      equivalents: ['netstat -ant', 'cat /proc/net/tcp /proc/net/tcp6'],
    },
  },
  detect(text) {
    const s = ssShape(text);
    if (!s) return 0;
    const tcp = s.listen + s.other;
    if (tcp === 0) return 0.55;
    if (s.other > 0) return s.header ? 0.95 : 0.85;
    return 0.45;
  },
  parse(text, command) {
    return parseSsTable(text, command, 'ss -tan');
  },
});
