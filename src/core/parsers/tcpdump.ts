/**
 * # tcpdump -nn
 *
 * Reads the text lines of `tcpdump -nn` (also `-tttt`, `-#`, `-i any`,
 * `-v` two-line packets): for TCP, the flags, seq/ack, window, options (TS
 * val/ecr, wscale) and length, grouped per connection. Derives what a human
 * looks for in a capture:
 * - SYNs never answered by a SYN-ACK (server drops: full queues, PAWS, firewall),
 * - TSval going backwards from one source IP across connections (NAT in front
 *   of clients; what `tcp_tw_recycle` rejects),
 * - a RST right after the SYN-ACK, a SYN answered by a plain ACK (a stale
 *   connection the server still holds),
 * - retransmitted data, duplicate ACKs, zero and small windows, handshakes
 *   without window scaling.
 *
 * Usage: `tcpdump -nn -i eth0 'tcp port 80' -c 200`, then paste the lines
 *
 * Output facts: `tcpdump.packets`, `tcpdump.tcpPackets`, `tcpdump.connections`,
 * `tcpdump.syn`, `tcpdump.synRetransmits`, `tcpdump.synWithoutSynAck`,
 * `tcpdump.tsvalDecreasing`, `tcpdump.rstAfterSynAck`, `tcpdump.synAnsweredByAck`,
 * `tcpdump.retransmissions`, `tcpdump.noWindowScale`, `tcpdump.minWindow`,
 * `tcpdump.zeroWindow`, `tcpdump.rst`, `tcpdump.dupAcks`.
 *
 * Example (tcpdump test suite):
 * ```
 * 09:21:03.720289 IP 192.168.1.11.33779 > 209.87.249.18.53: Flags [S], seq 603899916, win 64240, options [mss 1460,sackOK,TS val 2044906138 ecr 0,nop,wscale 7], length 0
 * 09:21:03.846908 IP 209.87.249.18.53 > 192.168.1.11.33779: Flags [S.], seq 2043824403, ack 603899917, win 64240, options [mss 1460], length 0
 * ```
 * gives `tcpdump.synWithoutSynAck = 0`, `tcpdump.noWindowScale = true` (the SYN-ACK has no wscale).
 */
import type { Facts } from '../facts/types.js';
import { blank, cannotRead, defineParser, fact, head, lines, nothing } from './lib/util.js';

/** One TCP packet as printed. */
export interface TcpPacket {
  src: string;
  dst: string;
  flags: string;
  seq?: [number, number];
  ack?: number;
  win?: number;
  tsval?: number;
  wscale: boolean;
  options: boolean;
  length: number;
}

const OTHER_RE = /^\s*(?:\d+\s+)?(?:\d{4}-\d\d-\d\d\s+)?(?:\d\d:\d\d:\d\d(?:\.\d+)?\s+)?(?:\S+\s+(?:In|Out|P|B|M)\s+)?(?:IP6? \S+ > \S+: |ARP, )/;

function numAfter(s: string, label: string): number | undefined {
  const i = s.indexOf(label);
  if (i < 0) return undefined;
  let j = i + label.length;
  let k = j;
  while (k < s.length && s.charCodeAt(k) >= 48 && s.charCodeAt(k) <= 57) k++;
  return k > j ? Number(s.slice(j, k)) : undefined;
}

/**
 * Read one tcpdump line.
 * @param line a line
 * @returns the TCP packet, `other` for a non-TCP packet line, or undefined
 */
export function readPacket(line: string): TcpPacket | 'other' | undefined {
  const fi = line.indexOf(': Flags [');
  if (fi < 0) return OTHER_RE.test(line.slice(0, 300)) ? 'other' : undefined;
  const gt = line.lastIndexOf(' > ', fi);
  if (gt < 0) return undefined;
  const sp = line.lastIndexOf(' ', gt - 1);
  const src = line.slice(sp + 1, gt);
  const dst = line.slice(gt + 3, fi);
  const fe = line.indexOf(']', fi + 9);
  if (fe < 0) return undefined;
  const flags = line.slice(fi + 9, fe);
  const rest = line.slice(fe + 1);
  const p: TcpPacket = { src, dst, flags, wscale: false, options: false, length: numAfter(rest, 'length ') ?? 0 };
  const si = rest.indexOf(', seq ');
  if (si >= 0) {
    const a = numAfter(rest, ', seq ');
    if (a !== undefined) {
      const colon = rest.charCodeAt(si + 6 + String(a).length) === 58;
      const b = colon ? numAfter(rest.slice(si + 6 + String(a).length), ':') : undefined;
      p.seq = [a, b ?? a];
    }
  }
  p.ack = numAfter(rest, ', ack ');
  p.win = numAfter(rest, ', win ');
  const oi = rest.indexOf('options [');
  if (oi >= 0) {
    p.options = true;
    const oe = rest.indexOf('], ', oi);
    const opts = rest.slice(oi, oe < 0 ? rest.length : oe);
    p.wscale = opts.includes('wscale');
    p.tsval = numAfter(opts, 'TS val ');
  }
  return p;
}

function ipOf(endpoint: string): string {
  const d = endpoint.lastIndexOf('.');
  return d > 0 ? endpoint.slice(0, d) : endpoint;
}

interface Conn {
  client: string;
  synAck: boolean;
  synAckThenNext?: string;
  answeredByAck: boolean;
  syns: number;
}

export const tcpdump = defineParser({
  meta: {
    id: 'tcpdump',
    commands: ['tcpdump -nn', 'tcpdump -nn -i IF', 'tcpdump -nnS', 'tcpdump -r FILE -nn', 'tcpdump -i any -nn'],
    description: 'TCP handshakes, resets, retransmissions, windows and timestamps from tcpdump -nn text',
    compatible: ['tcpdump 4.x (RHEL 7) to 4.99', '-tttt, -#, -i any, -v (two-line) layouts'],
    detectHints: ['lines `IP 10.0.0.1.443 > 10.0.0.2.51000: Flags [S.], seq ..., win ..., length 0`'],
    tags: ['capture', 'tcp', 'handshake'],
    facts: [
      fact('tcpdump.packets', 'number', 'packet lines read', 'count'),
      fact('tcpdump.tcpPackets', 'number', 'TCP packets read', 'count'),
      fact('tcpdump.connections', 'number', 'TCP connections (address/port pairs) seen', 'count'),
      fact('tcpdump.syn', 'number', 'SYN packets (without ACK)', 'count'),
      fact('tcpdump.synRetransmits', 'number', 'SYNs sent again for the same connection', 'count'),
      fact('tcpdump.synWithoutSynAck', 'number', 'connections whose SYN was never answered by a SYN-ACK', 'count'),
      fact('tcpdump.tsvalDecreasing', 'boolean', 'TSval going backwards from one source IP across connections'),
      fact('tcpdump.rstAfterSynAck', 'number', 'connections where a RST came right after the SYN-ACK', 'count'),
      fact('tcpdump.synAnsweredByAck', 'number', 'SYNs answered by a plain ACK instead of a SYN-ACK (stale connection)', 'count'),
      fact('tcpdump.retransmissions', 'number', 'data segments whose sequence range was already sent', 'count'),
      fact('tcpdump.noWindowScale', 'boolean', 'a SYN or SYN-ACK without the wscale option'),
      fact('tcpdump.minWindow', 'number', 'smallest advertised window after the handshake (as printed, unscaled)', 'bytes'),
      fact('tcpdump.zeroWindow', 'number', 'packets advertising a zero window (not RST)', 'count'),
      fact('tcpdump.rst', 'number', 'RST packets', 'count'),
      fact('tcpdump.dupAcks', 'number', 'duplicate ACKs (same ack and window as the previous pure ACK in that direction)', 'count'),
    ],
    cost: {
      readOnly: true,
      needsRoot: true,
      packages: ['tcpdump'],
      heavy: 'captures cost CPU on a busy host; always filter (host/port) and limit (-c N); never -w to a small disk',
      equivalents: ['tshark -n'],
    },
  },
  detect(text) {
    const ls = head(text, 40, 32768);
    if (ls.length === 0) return 0;
    let tcp = 0;
    let other = 0;
    for (const l of ls) {
      const p = readPacket(l);
      if (p === 'other') other++;
      else if (p) tcp++;
    }
    if (tcp + other === 0) return 0;
    const s = (tcp + other) / ls.length;
    return Math.min(1, (tcp > 0 ? 0.5 : 0.35) + 0.5 * s);
  },
  parse(text) {
    if (blank(text)) return nothing();
    let packets = 0;
    let tcpPackets = 0;
    let syn = 0;
    let synRetransmits = 0;
    let rst = 0;
    let retrans = 0;
    let dupAcks = 0;
    let zeroWindow = 0;
    let minWindow: number | undefined;
    let noWscale = false;
    let tsDecreasing = false;
    const conns = new Map<string, Conn>();
    const lastPkt = new Map<string, string>(); // connection -> direction of the last packet
    const maxEnd = new Map<string, number>();
    const lastAck = new Map<string, string>();
    const lastTs = new Map<string, { conn: string; ts: number }>();
    for (const l of lines(text)) {
      const p = readPacket(l);
      if (!p) continue;
      packets++;
      if (p === 'other') continue;
      tcpPackets++;
      const dir = `${p.src}>${p.dst}`;
      const key = p.src < p.dst ? `${p.src}|${p.dst}` : `${p.dst}|${p.src}`;
      const isSyn = p.flags.includes('S');
      const isAck = p.flags.includes('.');
      const isRst = p.flags.includes('R');
      let c = conns.get(key);
      if (isSyn && !isAck) {
        syn++;
        if (!c) conns.set(key, (c = { client: p.src, synAck: false, answeredByAck: false, syns: 0 }));
        c.syns++;
        if (c.syns > 1) synRetransmits++;
      } else if (!c) conns.set(key, (c = { client: '', synAck: false, answeredByAck: false, syns: 0 }));
      if (isSyn && isAck) c.synAck = true;
      else if (c.synAck && c.synAckThenNext === undefined) c.synAckThenNext = p.flags;
      if (!isSyn && isAck && !isRst && c.syns > 0 && !c.synAck && p.src !== c.client && p.length === 0 && lastPkt.get(key) === 'syn') {
        c.answeredByAck = true;
      }
      lastPkt.set(key, isSyn && !isAck ? 'syn' : 'other');
      if (isSyn && !p.wscale) noWscale = true;
      if (isRst) rst++;
      if (p.win !== undefined && !isSyn && !isRst) {
        minWindow = minWindow === undefined ? p.win : Math.min(minWindow, p.win);
        if (p.win === 0) zeroWindow++;
      }
      if (p.seq && p.length > 0 && !isSyn) {
        const seen = maxEnd.get(dir);
        const [a, b] = p.seq;
        if (seen === undefined) maxEnd.set(dir, b - a);
        else if (b <= seen) retrans++;
        else maxEnd.set(dir, b);
      } else if (isSyn && !maxEnd.has(dir)) maxEnd.set(dir, 0);
      if (!isSyn && !isRst && isAck && p.length === 0 && p.ack !== undefined && !p.flags.includes('F')) {
        const sig = `${p.ack}/${p.win}`;
        if (lastAck.get(dir) === sig) dupAcks++;
        lastAck.set(dir, sig);
      } else if (p.length > 0) lastAck.delete(dir);
      if (p.tsval !== undefined) {
        const ip = ipOf(p.src);
        const prev = lastTs.get(ip);
        if (prev && prev.conn !== dir && p.tsval < prev.ts && prev.ts - p.tsval < 2 ** 31) tsDecreasing = true;
        if (!prev || prev.conn !== dir || p.tsval >= prev.ts) lastTs.set(ip, { conn: dir, ts: p.tsval });
      }
    }
    if (packets === 0) {
      return { facts: {}, warnings: [cannotRead('tcpdump -nn', 'no packet lines like `IP 10.0.0.1.443 > 10.0.0.2.51000: Flags [S.], ...`', 'Run `tcpdump -nn` (numeric) and paste its text lines, not a pcap.')] };
    }
    const facts: Facts = { 'tcpdump.packets': packets, 'tcpdump.tcpPackets': tcpPackets };
    const warnings: string[] = [];
    if (tcpPackets === 0) {
      warnings.push('No TCP packets in this capture (UDP, ARP or other only).');
      return { facts, warnings };
    }
    let unanswered = 0;
    let rstAfter = 0;
    let byAck = 0;
    for (const c of conns.values()) {
      if (c.syns > 0 && !c.synAck) unanswered++;
      if (c.synAckThenNext?.includes('R')) rstAfter++;
      if (c.answeredByAck) byAck++;
    }
    Object.assign(facts, {
      'tcpdump.connections': conns.size,
      'tcpdump.syn': syn,
      'tcpdump.synRetransmits': synRetransmits,
      'tcpdump.synWithoutSynAck': unanswered,
      'tcpdump.tsvalDecreasing': tsDecreasing,
      'tcpdump.rstAfterSynAck': rstAfter,
      'tcpdump.synAnsweredByAck': byAck,
      'tcpdump.retransmissions': retrans,
      'tcpdump.noWindowScale': noWscale,
      'tcpdump.zeroWindow': zeroWindow,
      'tcpdump.rst': rst,
      'tcpdump.dupAcks': dupAcks,
    });
    if (minWindow !== undefined) facts['tcpdump.minWindow'] = minWindow;
    if (syn === 0) warnings.push('No SYN in the capture: handshake facts need the connection start (capture before connecting).');
    return { facts, warnings };
  },
});
