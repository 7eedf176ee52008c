/**
 * # ping
 *
 * Reads `ping` (iputils, busybox): packets sent and received, loss, RTT, the
 * payload size, and path-MTU failures of `ping -M do -s N`: "message too long,
 * mtu=1450" (local), "Frag needed and DF set (mtu = 1400)" (a router said so)
 * or plain loss of the big packets (a black hole). Destination unreachable
 * replies are counted.
 *
 * Usage: `ping -c 4 HOST`, `ping -M do -s 1472 -c 3 HOST`
 *
 * Output facts: `ping.loss` (percent), `ping.transmitted`, `ping.received`,
 * `ping.size`, `ping.fragNeeded`, `ping.mtu`, `ping.errors`, `ping.unreachable`,
 * `ping.rttAvgMs`, `ping.rttMaxMs`.
 *
 * Example (kernel documentation):
 * ```
 * PING 8.8.8.8 (8.8.8.8) 56(84) bytes of data.
 * 64 bytes from 8.8.8.8: icmp_seq=1 ttl=119 time=17.8 ms
 * 1 packets transmitted, 1 received, 0% packet loss, time 0ms
 * rtt min/avg/max/mdev = 17.875/17.875/17.875/0.000 ms
 * ```
 * gives `ping.loss = 0`, `ping.size = 56`, `ping.rttAvgMs = 17.875`.
 */
import type { Facts } from '../facts/types.js';
import { blank, cannotRead, defineParser, fact, head, lines, nothing } from './lib/util.js';

export const ping = defineParser({
  meta: {
    id: 'ping',
    commands: ['ping HOST', 'ping -c N HOST', 'ping -M do -s N HOST'],
    description: 'Loss, round-trip time and path-MTU (fragmentation needed) failures from ping',
    compatible: ['iputils ping (RHEL, Debian, Ubuntu)', 'busybox ping'],
    detectHints: ['`PING host (addr) 56(84) bytes of data.`', '`N packets transmitted, N received, N% packet loss`'],
    tags: ['icmp', 'mtu', 'latency'],
    facts: [
      fact('ping.loss', 'number', 'packet loss', '%'),
      fact('ping.transmitted', 'number', 'packets sent', 'count'),
      fact('ping.received', 'number', 'replies received', 'count'),
      fact('ping.size', 'number', 'ICMP payload size asked (-s, default 56)', 'bytes'),
      fact('ping.fragNeeded', 'boolean', '"Frag needed" or "message too long" errors (packet larger than the path MTU with DF set)'),
      fact('ping.mtu', 'number', 'the MTU an error reported', 'bytes'),
      fact('ping.errors', 'number', 'error replies (+N errors)', 'count'),
      fact('ping.unreachable', 'boolean', 'destination unreachable replies'),
      fact('ping.rttAvgMs', 'number', 'average round-trip time', 'ms'),
      fact('ping.rttMaxMs', 'number', 'maximum round-trip time', 'ms'),
    ],
    cost: { readOnly: true, needsRoot: false, packages: ['iputils'], heavy: 'runs until interrupted without -c' },
  },
  detect(text) {
    const ls = head(text, 30);
    let s = 0;
    if (ls.some((l) => /^PING \S+ \(/.test(l))) s += 0.6;
    if (ls.some((l) => /packets transmitted, \d+ (packets )?received/.test(l))) s += 0.4;
    if (ls.some((l) => /^\d+ bytes from .*(icmp_seq|seq)=/.test(l))) s += 0.2;
    if (ls.some((l) => /^ping: (local error: message too long|sendmsg: Message too long)/.test(l))) s += 0.5;
    return Math.min(1, s);
  },
  parse(text, command) {
    if (blank(text)) return nothing();
    const facts: Facts = {};
    let fragNeeded = false;
    let unreachable = false;
    let seen = false;
    const s = /\s-s\s*(\d+)/.exec(command ?? '');
    if (s) facts['ping.size'] = Number(s[1]);
    for (const l of lines(text)) {
      const t = l.trim();
      const hdr = /^PING \S+ \([^)]*\):? (\d+)(?:\(\d+\))? (?:data )?bytes/.exec(t);
      if (hdr) {
        facts['ping.size'] ??= Number(hdr[1]);
        seen = true;
        continue;
      }
      const mtu = /mtu\s*=\s*(\d+)/.exec(t);
      if (/message too long|Frag(mentation)? needed/i.test(t)) {
        fragNeeded = true;
        seen = true;
        if (mtu) facts['ping.mtu'] = Number(mtu[1]);
        continue;
      }
      if (/Destination (Host|Net|Port) Unreachable/i.test(t)) {
        unreachable = true;
        continue;
      }
      const st = /(\d+) packets transmitted, (\d+) (?:packets )?received(?:, \+(\d+) duplicates)?(?:, \+(\d+) errors)?, ([\d.]+)% packet loss/.exec(t);
      if (st) {
        facts['ping.transmitted'] = Number(st[1]);
        facts['ping.received'] = Number(st[2]);
        if (st[4]) facts['ping.errors'] = Number(st[4]);
        facts['ping.loss'] = Number(st[5]);
        seen = true;
        continue;
      }
      const rtt = /^(?:rtt|round-trip) min\/avg\/max(?:\/mdev)? = ([\d.]+)\/([\d.]+)\/([\d.]+)/.exec(t);
      if (rtt) {
        facts['ping.rttAvgMs'] = Number(rtt[2]);
        facts['ping.rttMaxMs'] = Number(rtt[3]);
      }
    }
    if (!seen) {
      return { facts: {}, warnings: [cannotRead('ping', 'no `PING host` line and no statistics', 'Try `ping -c 4 <host>` and paste everything including the statistics.')] };
    }
    facts['ping.fragNeeded'] = fragNeeded;
    facts['ping.unreachable'] = unreachable;
    const warnings: string[] = [];
    if (facts['ping.loss'] === undefined) warnings.push('No statistics line: interrupted before the end? Use `ping -c N`.');
    return { facts, warnings };
  },
});
