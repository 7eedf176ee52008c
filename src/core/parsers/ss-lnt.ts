/**
 * # ss -lnt
 *
 * Reads listening TCP sockets from `ss -lnt` / `ss -ltnp` (iproute2). For a
 * listener, Recv-Q is the number of connections waiting in the accept queue
 * and Send-Q is the accept queue size (the listen backlog, capped by
 * `net.core.somaxconn`); Recv-Q >= Send-Q means the queue is full and new
 * handshakes are dropped (`ListenOverflows`).
 *
 * Usage: `ss -lnt`, `ss -ltnp`, `ss -tulpn`
 *
 * Output facts: `ss.listen.count`, `ss.listen.full`, `ss.listen.maxFill`,
 * `ss.listen.ports`, `ss.listen.<local>.recvQ` / `.sendQ` (keyed by local
 * address:port, e.g. `ss.listen.0.0.0.0:8443.recvQ`), `tcp.state.LISTEN`.
 *
 * Example (iproute2 5.x):
 * ```
 * State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
 * LISTEN 4097   4096         0.0.0.0:8443      0.0.0.0:*
 * LISTEN 0      128          0.0.0.0:22        0.0.0.0:*
 * ```
 * gives `ss.listen.count = 2`, `ss.listen.full = 1`, `ss.listen.maxFill = 1.0002`.
 */
import { LISTEN_SPECS, STATE_SPECS } from './lib/sockets.js';
import { parseSsTable, ssShape } from './lib/ss-table.js';
import { defineParser } from './lib/util.js';

export const ssLnt = defineParser({
  meta: {
    id: 'ss-lnt',
    commands: ['ss -lnt', 'ss -ltnp', 'ss -tlnp', 'ss -lntp', 'ss -tln', 'ss -tulpn', 'ss -tulnp', 'ss -lt', 'ss -ltn'],
    description: 'Listening TCP sockets and their accept queues (Recv-Q / Send-Q) from ss -lnt',
    compatible: ['iproute2 3.10 (RHEL 7) to 6.x', 'with and without Netid / Process columns'],
    detectHints: ['header `State Recv-Q Send-Q Local Address:Port Peer Address:Port`', 'rows `LISTEN 0 128 *:80 *:*`'],
    tags: ['tcp', 'listen', 'backlog', 'sockets'],
    facts: [...LISTEN_SPECS, STATE_SPECS[0]],
    cost: { readOnly: true, needsRoot: false, packages: ['iproute2'], equivalents: ['netstat -lnt'] },
  },
  detect(text) {
    const s = ssShape(text);
    if (!s) return 0;
    const tcp = s.listen + s.other;
    if (tcp === 0) return s.nonTcp > 0 ? 0.5 : 0;
    if (s.other === 0) return s.header ? 0.95 : 0.8;
    return 0.4 * (s.listen / tcp);
  },
  parse(text, command) {
    return parseSsTable(text, command ?? 'ss -lnt', 'ss -lnt');
  },
});
