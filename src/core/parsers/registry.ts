/**
 * Every parser, as one typed array: the parser ids are derived from it, so
 * there is no separate list of names to keep in sync.
 */
import type { Parser } from '../facts/types.js';
import { conntrackS } from './conntrack-s.js';
import { count } from './count.js';
import { curlW } from './curl-w.js';
import { dig } from './dig.js';
import { dmesg } from './dmesg.js';
import { ethtool } from './ethtool.js';
import { ethtoolK } from './ethtool-k.js';
import { ethtoolL } from './ethtool-l.js';
import { ethtoolS } from './ethtool-s.js';
import { ifconfig } from './ifconfig.js';
import { ipAddr } from './ip-addr.js';
import { ipLink } from './ip-link.js';
import { iptables } from './iptables.js';
import { netstatAnt } from './netstat-ant.js';
import { netstatI } from './netstat-i.js';
import { netstatS } from './netstat-s.js';
import { nsswitchConf } from './nsswitch-conf.js';
import { nstat } from './nstat.js';
import { ping } from './ping.js';
import { procInterrupts } from './proc-interrupts.js';
import { procNetNetstat } from './proc-net-netstat.js';
import { procNetSnmp } from './proc-net-snmp.js';
import { procNetStatNfConntrack } from './proc-net-stat-nf-conntrack.js';
import { resolvConf } from './resolv-conf.js';
import { softnetStat } from './softnet-stat.js';
import { ssLnt } from './ss-lnt.js';
import { ssS } from './ss-s.js';
import { ssTan } from './ss-tan.js';
import { sysctl } from './sysctl.js';
import { tcpdump } from './tcpdump.js';
import { ulimit } from './ulimit.js';
import { uname } from './uname.js';

/** All parsers, in a stable order (also the tie-break order of detection). */
export const PARSERS = [
  netstatS, nstat, procNetNetstat, procNetSnmp,
  ssLnt, ssTan, netstatAnt, ssS,
  sysctl, uname,
  conntrackS, procNetStatNfConntrack,
  ethtool, ethtoolS, ethtoolL, ethtoolK,
  ipLink, ipAddr, ifconfig, netstatI,
  softnetStat, procInterrupts,
  ulimit, resolvConf, nsswitchConf,
  iptables, dig, ping, curlW, dmesg, tcpdump,
  count,
] as const;

/** A parser id, e.g. `netstat-s`. */
export type ParserId = (typeof PARSERS)[number]['meta']['id'];

const BY_ID = new Map<string, Parser>(PARSERS.map((p) => [p.meta.id, p]));

/**
 * Find a parser by id.
 * @param id the parser id, e.g. `ss-lnt`
 * @returns the parser, or undefined
 */
export function getParser(id: string): Parser | undefined {
  return BY_ID.get(id);
}

/**
 * Whether a string is a parser id.
 * @param id the string
 * @returns true for a known id
 */
export function isParserId(id: string): id is ParserId {
  return BY_ID.has(id);
}
