/**
 * Kernel SNMP / netstat MIB counters and the sentences `netstat -s` prints
 * for them, old net-tools wording (RHEL 6/7: "segments retransmited",
 * "SYNs to LISTEN sockets ignored") and newer wording, so that every source
 * (`netstat -s`, `nstat`, `/proc/net/netstat`, `/proc/net/snmp`) gives the
 * same fact `netstat.<Group>.<Name>`.
 *
 * Sentences are written with `#` where the number goes, lowercase is not
 * required (matching is case-insensitive, trailing dots ignored).
 */
import type { FactSpec } from '../../facts/types.js';
import { fields } from './util.js';
import { detached } from '../../strings.js';

/** One counter: group, name, `netstat -s` sentences (first = current wording), meaning when not obvious. */
type Row = readonly [group: string, name: string, sentences: string, meaning?: string];

const ROWS: readonly Row[] = [
  // Ip
  ['Ip', 'Forwarding', 'Forwarding is #', 'IP forwarding: 1 enabled, 2 disabled'],
  ['Ip', 'DefaultTTL', 'Default TTL is #'],
  ['Ip', 'InReceives', '# total packets received'],
  ['Ip', 'InHdrErrors', '# with invalid headers'],
  ['Ip', 'InAddrErrors', '# with invalid addresses'],
  ['Ip', 'ForwDatagrams', '# forwarded'],
  ['Ip', 'InUnknownProtos', '# with unknown protocol'],
  ['Ip', 'InDiscards', '# incoming packets discarded'],
  ['Ip', 'InDelivers', '# incoming packets delivered'],
  ['Ip', 'OutRequests', '# requests sent out'],
  ['Ip', 'OutDiscards', '# outgoing packets dropped'],
  ['Ip', 'OutNoRoutes', '# dropped because of missing route'],
  ['Ip', 'ReasmTimeout', '# fragments dropped after timeout'],
  ['Ip', 'ReasmReqds', '# reassemblies required'],
  ['Ip', 'ReasmOKs', '# packets reassembled ok'],
  ['Ip', 'ReasmFails', '# packet reassemblies failed|# packet reassembles failed', 'IP fragment reassembly failures'],
  ['Ip', 'FragOKs', '# outgoing packets fragmented ok|# fragments received ok'],
  ['Ip', 'FragFails', '# outgoing packets failed fragmentation|# fragments failed', 'packets that needed fragmenting but could not (DF set)'],
  ['Ip', 'FragCreates', '# fragments created'],
  // Icmp
  ['Icmp', 'InMsgs', '# ICMP messages received'],
  ['Icmp', 'InErrors', '# input ICMP message failed'],
  ['Icmp', 'OutMsgs', '# ICMP messages sent'],
  ['Icmp', 'OutErrors', '# ICMP messages failed'],
  ['Icmp', 'InCsumErrors', '# ICMP checksum errors'],
  // Tcp
  ['Tcp', 'ActiveOpens', '# active connection openings|# active connections openings', 'connections opened by this host (connect)'],
  ['Tcp', 'PassiveOpens', '# passive connection openings', 'connections accepted by this host'],
  ['Tcp', 'AttemptFails', '# failed connection attempts'],
  ['Tcp', 'EstabResets', '# connection resets received'],
  ['Tcp', 'CurrEstab', '# connections established', 'connections currently ESTABLISHED or CLOSE_WAIT'],
  ['Tcp', 'InSegs', '# segments received', 'segments received'],
  ['Tcp', 'OutSegs', '# segments sent out|# segments send out', 'segments sent'],
  ['Tcp', 'RetransSegs', '# segments retransmitted|# segments retransmited', 'segments retransmitted'],
  ['Tcp', 'InErrs', '# bad segments received'],
  ['Tcp', 'OutRsts', '# resets sent'],
  ['Tcp', 'InCsumErrors', '# checksum errors|# segments with checksum errors'],
  // Udp
  ['Udp', 'InDatagrams', '# packets received'],
  ['Udp', 'NoPorts', '# packets to unknown port received', 'UDP packets to a port nobody listens on'],
  ['Udp', 'InErrors', '# packet receive errors', 'UDP packets that could not be delivered (includes buffer errors)'],
  ['Udp', 'OutDatagrams', '# packets sent'],
  ['Udp', 'RcvbufErrors', '# receive buffer errors', 'UDP packets dropped because the socket receive buffer was full'],
  ['Udp', 'SndbufErrors', '# send buffer errors'],
  ['Udp', 'InCsumErrors', '# UDP checksum errors'],
  ['Udp', 'IgnoredMulti', '# ignored multicast packets'],
  ['Udp', 'MemErrors', '# memory errors|# receive memory errors'],
  // TcpExt
  ['TcpExt', 'SyncookiesSent', '# SYN cookies sent'],
  ['TcpExt', 'SyncookiesRecv', '# SYN cookies received'],
  ['TcpExt', 'SyncookiesFailed', '# invalid SYN cookies received'],
  ['TcpExt', 'EmbryonicRsts', '# resets received for embryonic SYN_RECV sockets'],
  ['TcpExt', 'PruneCalled', '# packets pruned from receive queue because of socket buffer overrun'],
  ['TcpExt', 'RcvPruned', '# packets pruned from receive queue'],
  ['TcpExt', 'OfoPruned', '# packets dropped from out-of-order queue because of socket buffer overrun'],
  ['TcpExt', 'OutOfWindowIcmps', '# ICMP packets dropped because they were out-of-window'],
  ['TcpExt', 'LockDroppedIcmps', '# ICMP packets dropped because socket was locked'],
  ['TcpExt', 'ArpFilter', '# arp filter'],
  ['TcpExt', 'TW', '# TCP sockets finished time wait in fast timer', 'TIME_WAIT sockets finished'],
  ['TcpExt', 'TWRecycled', '# time wait sockets recycled by time stamp', 'TIME_WAIT sockets recycled (tcp_tw_recycle)'],
  ['TcpExt', 'TWKilled', '# TCP sockets finished time wait in slow timer'],
  ['TcpExt', 'PAWSPassive', '# passive connections rejected because of time stamp', 'SYNs rejected by the per-host PAWS check (tcp_tw_recycle behind NAT)'],
  ['TcpExt', 'PAWSActive', '# active connections rejected because of time stamp'],
  ['TcpExt', 'PAWSEstab', '# packetes rejected in established connections because of timestamp|# packets rejects in established connections because of timestamp|# packets rejected in established connections because of timestamp'],
  ['TcpExt', 'DelayedACKs', '# delayed acks sent'],
  ['TcpExt', 'DelayedACKLocked', '# delayed acks further delayed because of locked socket'],
  ['TcpExt', 'DelayedACKLost', 'Quick ack mode was activated # times'],
  ['TcpExt', 'ListenOverflows', '# times the listen queue of a socket overflowed', 'accept queue overflows'],
  ['TcpExt', 'ListenDrops', '# SYNs to LISTEN sockets dropped|# SYNs to LISTEN sockets ignored', 'SYNs to listening sockets dropped'],
  ['TcpExt', 'TCPPrequeued', '# packets directly queued to recvmsg prequeue'],
  ['TcpExt', 'TCPDirectCopyFromBacklog', '# bytes directly in process context from backlog|# packets directly received from backlog'],
  ['TcpExt', 'TCPDirectCopyFromPrequeue', '# bytes directly received in process context from prequeue|# packets directly received from prequeue'],
  ['TcpExt', 'TCPPrequeueDropped', '# packets dropped from prequeue'],
  ['TcpExt', 'TCPHPHits', '# packet headers predicted'],
  ['TcpExt', 'TCPHPHitsToUser', '# packets header predicted and directly queued to user|# packet headers predicted and directly queued to user'],
  ['TcpExt', 'SockMallocOOM', 'Ran # times out of system memory during packet sending'],
  ['TcpExt', 'TCPPureAcks', '# acknowledgments not containing data payload received|# acknowledgments not containing data received'],
  ['TcpExt', 'TCPHPAcks', '# predicted acknowledgments'],
  ['TcpExt', 'TCPRenoRecovery', '# times recovered from packet loss due to fast retransmit'],
  ['TcpExt', 'TCPSackRecovery', '# times recovered from packet loss by selective acknowledgements|# times recovered from packet loss due to SACK data'],
  ['TcpExt', 'TCPSACKReneging', '# bad SACK blocks received|# bad SACKs received'],
  ['TcpExt', 'TCPFACKReorder', 'Detected reordering # times using FACK'],
  ['TcpExt', 'TCPSACKReorder', 'Detected reordering # times using SACK'],
  ['TcpExt', 'TCPTSReorder', 'Detected reordering # times using time stamp'],
  ['TcpExt', 'TCPRenoReorder', 'Detected reordering # times using reno fast retransmit'],
  ['TcpExt', 'TCPFullUndo', '# congestion windows fully recovered without slow start|# congestion windows fully recovered'],
  ['TcpExt', 'TCPPartialUndo', '# congestion windows partially recovered using Hoe heuristic'],
  ['TcpExt', 'TCPDSACKUndo', '# congestion windows recovered without slow start by DSACK|# congestion window recovered using DSACK'],
  ['TcpExt', 'TCPLossUndo', '# congestion windows recovered without slow start after partial ack|# congestion windows recovered after partial ack'],
  ['TcpExt', 'TCPLostRetransmit', '# retransmits lost'],
  ['TcpExt', 'TCPRenoFailures', '# timeouts after reno fast retransmit'],
  ['TcpExt', 'TCPSackFailures', '# timeouts after SACK recovery'],
  ['TcpExt', 'TCPLossFailures', '# timeouts in loss state'],
  ['TcpExt', 'TCPFastRetrans', '# fast retransmits'],
  ['TcpExt', 'TCPForwardRetrans', '# forward retransmits'],
  ['TcpExt', 'TCPSlowStartRetrans', '# retransmits in slow start'],
  ['TcpExt', 'TCPTimeouts', '# other TCP timeouts', 'retransmission timeouts'],
  ['TcpExt', 'TCPRenoRecoveryFail', '# classic Reno fast retransmits failed'],
  ['TcpExt', 'TCPSackRecoveryFail', '# SACK retransmits failed|# sack retransmits failed'],
  ['TcpExt', 'TCPSchedulerFailed', '# times receiver scheduled too late for direct processing'],
  ['TcpExt', 'TCPRcvCollapsed', '# packets collapsed in receive queue due to low socket buffer'],
  ['TcpExt', 'TCPDSACKOldSent', '# DSACKs sent for old packets'],
  ['TcpExt', 'TCPDSACKOfoSent', '# DSACKs sent for out of order packets'],
  ['TcpExt', 'TCPDSACKRecv', '# DSACKs received'],
  ['TcpExt', 'TCPDSACKOfoRecv', '# DSACKs for out of order packets received'],
  ['TcpExt', 'TCPAbortOnSyn', '# connections reset due to unexpected SYN'],
  ['TcpExt', 'TCPAbortOnData', '# connections reset due to unexpected data', 'resets sent because data arrived after close'],
  ['TcpExt', 'TCPAbortOnClose', '# connections reset due to early user close', 'resets sent because the application closed with unread data'],
  ['TcpExt', 'TCPAbortOnMemory', '# connections aborted due to memory pressure'],
  ['TcpExt', 'TCPAbortOnTimeout', '# connections aborted due to timeout'],
  ['TcpExt', 'TCPAbortOnLinger', '# connections aborted after user close in linger timeout'],
  ['TcpExt', 'TCPAbortFailed', '# times unable to send RST due to no memory'],
  ['TcpExt', 'TCPMemoryPressures', 'TCP ran low on memory # times'],
  ['TcpExt', 'TCPLoss', '# TCP data loss events'],
  ['TcpExt', 'TCPReqQFullDrop', '', 'SYNs dropped because the SYN queue was full and syncookies off'],
  ['TcpExt', 'TCPReqQFullDoCookies', '', 'SYN cookies sent because the SYN queue was full'],
  ['TcpExt', 'TCPWqueueTooBig', '', 'retransmission refused: send queue too big (CVE-2019-11477 fix)'],
  ['TcpExt', 'TCPBacklogDrop', '', 'packets dropped because the socket backlog was full'],
  ['TcpExt', 'TCPRcvQDrop', '', 'packets dropped because the receive queue was full'],
  ['TcpExt', 'TCPZeroWindowDrop', '', 'packets dropped because the receive window was zero'],
  ['TcpExt', 'TCPMinTTLDrop', ''],
  ['TcpExt', 'TCPDeferAcceptDrop', ''],
  ['TcpExt', 'IPReversePathFilter', '', 'packets dropped by reverse path filtering (rp_filter)'],
  ['TcpExt', 'TCPTimeWaitOverflow', '', 'TIME_WAIT sockets not created because tcp_max_tw_buckets was reached'],
  ['TcpExt', 'TCPSynRetrans', '', 'SYN and SYN-ACK retransmissions'],
  ['TcpExt', 'TCPOrigDataSent', '', 'segments with original (not retransmitted) data sent'],
  ['TcpExt', 'TCPLossProbes', ''],
  ['TcpExt', 'TCPSpuriousRTOs', ''],
  ['TcpExt', 'TCPChallengeACK', '', 'challenge ACKs sent (RFC 5961)'],
  ['TcpExt', 'TCPSYNChallenge', '', 'challenge ACKs sent in answer to a SYN'],
  ['TcpExt', 'TCPACKSkippedSynRecv', ''],
  ['TcpExt', 'TCPACKSkippedPAWS', ''],
  ['TcpExt', 'TCPACKSkippedSeq', ''],
  ['TcpExt', 'TCPACKSkippedTimeWait', ''],
  ['TcpExt', 'TCPToZeroWindowAdv', ''],
  ['TcpExt', 'TCPFromZeroWindowAdv', ''],
  ['TcpExt', 'TCPWantZeroWindowAdv', ''],
  ['TcpExt', 'TCPOFOQueue', ''],
  ['TcpExt', 'TCPOFODrop', '', 'out-of-order packets dropped (receive buffer full)'],
  ['TcpExt', 'TCPRetransFail', ''],
  ['TcpExt', 'TCPKeepAlive', ''],
  ['TcpExt', 'TCPMemoryPressuresChrono', ''],
  ['TcpExt', 'TCPRcvCoalesce', ''],
  ['TcpExt', 'TCPAutoCorking', ''],
  ['TcpExt', 'PFMemallocDrop', ''],
  ['TcpExt', 'TCPFastOpenActive', ''],
  ['TcpExt', 'TCPFastOpenPassive', ''],
  ['TcpExt', 'TCPFastOpenListenOverflow', ''],
  ['TcpExt', 'TCPMD5NotFound', ''],
  ['TcpExt', 'TCPMD5Unexpected', ''],
  ['TcpExt', 'TCPAckCompressed', ''],
  ['TcpExt', 'TCPMigrateReqFailure', ''],
  // IpExt
  ['IpExt', 'InNoRoutes', ''],
  ['IpExt', 'InTruncatedPkts', ''],
  ['IpExt', 'InMcastPkts', ''],
  ['IpExt', 'OutMcastPkts', ''],
  ['IpExt', 'InBcastPkts', ''],
  ['IpExt', 'OutBcastPkts', ''],
  ['IpExt', 'InOctets', '', 'IP bytes received'],
  ['IpExt', 'OutOctets', '', 'IP bytes sent'],
  ['IpExt', 'InCsumErrors', ''],
  ['IpExt', 'InNoECTPkts', ''],
  ['IpExt', 'InECT0Pkts', ''],
  ['IpExt', 'InECT1Pkts', ''],
  ['IpExt', 'InCEPkts', ''],
  ['IpExt', 'ReasmOverlaps', ''],
];

/** Further counters the kernel exports without a `netstat -s` sentence (printed as `Name: N`). */
const MORE: Record<string, string> = {
  Tcp: 'RtoAlgorithm RtoMin RtoMax MaxConn',
  TcpExt:
    'BusyPollRxPackets TCPACKSkippedChallenge TCPACKSkippedFinWait2 TCPBacklogCoalesce TCPDSACKIgnoredDubious TCPDSACKIgnoredNoUndo ' +
    'TCPDSACKIgnoredOld TCPDSACKRecvSegs TCPDelivered TCPDeliveredCE TCPFastOpenActiveFail TCPFastOpenBlackhole TCPFastOpenCookieReqd ' +
    'TCPFastOpenPassiveAltKey TCPFastOpenPassiveFail TCPHystartDelayCwnd TCPHystartDelayDetect TCPHystartTrainCwnd TCPHystartTrainDetect ' +
    'TCPLossProbeRecovery TCPMD5Failure TCPMTUPFail TCPMTUPSuccess TCPOFOMerge TCPSACKDiscard TCPSackMerged TCPSackShiftFallback ' +
    'TCPSackShifted TCPSpuriousRtxHostQueues TCPWinProbe TcpDuplicateDataRehash TcpTimeoutRehash TCPKeepAlive TCPDSACKUndo TCPSackFailures ' +
    'TCPRetransFail TCPRcvCoalesce TCPAutoCorking TCPWqueueTooBig TCPFastOpenListenOverflow TCPMigrateReqSuccess TCPPLBRehash TCPAOGood TCPAOBad',
  IpExt: 'InBcastOctets InMcastOctets OutBcastOctets OutMcastOctets',
  Icmp: 'InAddrMaskReps InAddrMasks InDestUnreachs InEchoReps InEchos InParmProbs InRedirects InSrcQuenchs InTimeExcds InTimestampReps InTimestamps ' +
    'OutAddrMaskReps OutAddrMasks OutDestUnreachs OutEchoReps OutEchos OutParmProbs OutRedirects OutSrcQuenchs OutTimeExcds OutTimestampReps OutTimestamps OutRateLimitGlobal OutRateLimitHost',
  Ip: 'InCsumErrors',
};

/** Groups whose counter names are open-ended (listed in the catalog as `netstat.<Group>.*`). */
export const OPEN_GROUPS = ['IcmpMsg', 'UdpLite', 'MPTcpExt', 'Ip6', 'Icmp6', 'Udp6', 'UdpLite6', 'Sctp'] as const;

/** ICMP histogram lines under "ICMP input/output histogram:". */
const ICMP_HISTOGRAM: readonly (readonly [string, string])[] = [
  ['destination unreachable', 'DestUnreachs'],
  ['timeout in transit', 'TimeExcds'],
  ['time exceeded', 'TimeExcds'],
  ['wrong parameters', 'ParmProbs'],
  ['source quenches', 'SrcQuenchs'],
  ['source quench', 'SrcQuenchs'],
  ['redirects', 'Redirects'],
  ['redirect', 'Redirects'],
  ['echo requests', 'Echos'],
  ['echo request', 'Echos'],
  ['echo replies', 'EchoReps'],
  ['timestamp request', 'Timestamps'],
  ['timestamp requests', 'Timestamps'],
  ['timestamp reply', 'TimestampReps'],
  ['timestamp replies', 'TimestampReps'],
  ['address mask request', 'AddrMasks'],
  ['address mask requests', 'AddrMasks'],
  ['address mask replies', 'AddrMaskReps'],
];

/** Known MIB groups, longest first so `TcpExtX` is not read as `Tcp` + `ExtX`. */
export const GROUPS = [
  'MPTcpExt', 'UdpLite6', 'IcmpMsg', 'UdpLite', 'TcpExt', 'IpExt', 'Icmp6', 'Udp6', 'Ip6', 'Icmp', 'Sctp', 'Tcp', 'Udp', 'Ip',
] as const;

/** Groups tried, in order, when a `netstat -s` sentence appears without its group header (a grep excerpt). */
const PREFERRED = ['Tcp', 'TcpExt', 'Udp', 'Ip', 'Icmp'];

/**
 * Normalize a sentence template or a printed line with its number replaced by `#`.
 * @param s sentence
 * @returns normalized form
 */
export function normalizeSentence(s: string): string {
  return s.toLowerCase().replace(/\s+/g, ' ').replace(/[.:]\s*$/, '').trim();
}

const ALL_ROWS: Row[] = [...ROWS];
for (const [group, names] of Object.entries(MORE)) {
  for (const name of names.split(' ')) if (!ALL_ROWS.some((r) => r[0] === group && r[1] === name)) ALL_ROWS.push([group, name, '']);
}

const byGroup = new Map<string, Map<string, string>>();
const global = new Map<string, { group: string; name: string }[]>();
const known = new Map<string, Row>();
for (const row of ALL_ROWS) {
  const [group, name, sentences] = row;
  known.set(`${group}.${name}`, row);
  if (!sentences) continue;
  let g = byGroup.get(group);
  if (!g) byGroup.set(group, (g = new Map()));
  for (const s of sentences.split('|')) {
    const n = normalizeSentence(s);
    g.set(n, name);
    const list = global.get(n) ?? [];
    list.push({ group, name });
    global.set(n, list);
  }
}
const histogram = new Map(ICMP_HISTOGRAM.map(([s, n]) => [s, n]));

/**
 * Find the counter for a `netstat -s` sentence.
 * @param sentence the line with its number replaced by `#`, normalized
 * @param group the group header above it, when known
 * @returns the group and MIB name, whether the group was guessed among several, or undefined
 */
export function lookupSentence(
  sentence: string,
  group: string | undefined,
): { group: string; name: string; ambiguous: boolean } | undefined {
  if (group) {
    const base = group.endsWith('6') ? group.slice(0, -1) : group === 'UdpLite' ? 'Udp' : group;
    const name = byGroup.get(group)?.get(sentence) ?? byGroup.get(base)?.get(sentence);
    if (name) return { group, name, ambiguous: false };
  }
  const list = global.get(sentence);
  if (!list || list.length === 0) return undefined;
  if (list.length === 1) return { ...list[0], ambiguous: false };
  for (const g of PREFERRED) {
    const hit = list.find((e) => e.group === g);
    if (hit) return { ...hit, ambiguous: true };
  }
  return { ...list[0], ambiguous: true };
}

/**
 * Map an ICMP histogram line ("destination unreachable") to its MIB suffix.
 * @param label the label before the colon
 * @returns e.g. `DestUnreachs`
 */
export function lookupHistogram(label: string): string | undefined {
  return histogram.get(label.toLowerCase().trim());
}

/**
 * Guess the group of a bare `Name: N` counter line seen without a group header.
 * @param name the counter name
 * @returns the group, when the name says it
 */
export function guessGroup(name: string): string | undefined {
  for (const g of ['TcpExt', 'IpExt', 'Tcp', 'Udp', 'Ip', 'Icmp']) if (known.has(`${g}.${name}`)) return g;
  if (name.startsWith('TCP') || name.startsWith('PAWS') || name.startsWith('Syncookies')) return 'TcpExt';
  if (/^(In|Out)Type\d+$/.test(name)) return 'IcmpMsg';
  if (name.startsWith('MP')) return 'MPTcpExt';
  return undefined;
}

/**
 * Split a kernel counter name such as `TcpExtPAWSPassive` into group and name.
 * @param full the nstat / snmp6 name
 * @returns group and name, or undefined
 */
export function splitMibName(full: string): { group: string; name: string } | undefined {
  for (const g of GROUPS) {
    if (full.startsWith(g) && full.length > g.length) {
      const rest = full.slice(g.length);
      // `Ip6...` must not be read as `Ip` + `6...`; `Icmp6` before `Icmp` is ensured by order;
      // `TcpExt:` (a /proc/net/netstat header) is no counter
      if ((/^[A-Z]/.test(rest) || g === 'IcmpMsg') && /^[A-Za-z0-9]+$/.test(rest)) return { group: g, name: rest };
    }
  }
  return undefined;
}

/** Fact names built so far, by group then name (a paste repeats the same few hundred). */
const factNames = new Map<string, Map<string, string>>();
let factNameCount = 0;
const FACT_NAMES_MAX = 4096;

/**
 * The fact of one counter, `netstat.<Group>.<Name>`, whichever output printed it.
 * @param group the MIB group, e.g. `TcpExt`
 * @param name the counter name in the group, e.g. `ListenOverflows`
 * @returns the fact name (built once per pair, the table starts over past 4096 names)
 */
export function counterFact(group: string, name: string): string {
  let byGroup = factNames.get(group);
  let f = byGroup?.get(name);
  if (f === undefined) {
    f = detached(`netstat.${group}.${name}`);
    if (factNameCount >= FACT_NAMES_MAX) {
      factNames.clear();
      factNameCount = 0;
      byGroup = undefined;
    }
    if (!byGroup) factNames.set(detached(group), (byGroup = new Map()));
    byGroup.set(detached(name), f);
    factNameCount++;
  }
  return f;
}

/** A counter line as `nstat` and `/proc/net/snmp6` print it. */
export interface CounterLine {
  group: string;
  name: string;
  value: number;
  /** The fields after the value: nstat's rate (`0.0`), none in /proc/net/snmp6. */
  rest: string[];
}

/**
 * Read a line naming a counter the kernel's way, then its value:
 * `TcpExtListenOverflows   12   0.0` (nstat), `Ip6InReceives   7` (/proc/net/snmp6).
 * @param line one line
 * @returns the group, name, value and the fields after it, or undefined
 */
export function counterLine(line: string): CounterLine | undefined {
  const f = fields(line);
  if (f.length < 2 || !/^-?\d+$/.test(f[1])) return undefined;
  const split = splitMibName(f[0]);
  return split ? { group: split.group, name: split.name, value: Number(f[1]), rest: f.slice(2) } : undefined;
}

/** Counters the catalog documents one by one (the rest are `netstat.*.*`). */
export function counterSpecs(): FactSpec[] {
  const out: FactSpec[] = [];
  for (const [group, name, sentences, meaning] of ALL_ROWS) {
    const first = sentences ? sentences.split('|')[0].replace('#', 'N').trim() : undefined;
    const spec: FactSpec = {
      name: `netstat.${group}.${name}`,
      type: 'number',
      unit: name.endsWith('Octets') ? 'bytes' : 'count',
      description: meaning ?? (first ? first.replace(/^N /, '') : `kernel counter ${group}${name}`),
      mib: `${group}${name}`,
    };
    if (sentences) spec.netstatText = sentences.split('|').map((s) => s.replace('#', 'N').trim()).join(' / ');
    out.push(spec);
  }
  for (const g of OPEN_GROUPS) {
    out.push({ name: `netstat.${g}.*`, type: 'number', unit: 'count', description: `any ${g} counter, named as nstat names it without the group prefix` });
  }
  return out;
}

/** Derived counter facts shared by the counter parsers. */
export const DERIVED_SPECS: FactSpec[] = [
  { name: 'netstat.tcp.retransmitRatio', type: 'number', unit: 'ratio', description: 'Tcp.RetransSegs / Tcp.OutSegs (derived)' },
];

/**
 * Add derived counter facts.
 * @param facts the facts read so far (changed in place)
 */
export function deriveCounters(facts: Record<string, number | string | boolean>): void {
  const r = facts['netstat.Tcp.RetransSegs'];
  const o = facts['netstat.Tcp.OutSegs'];
  if (typeof r === 'number' && typeof o === 'number' && o > 0) {
    facts['netstat.tcp.retransmitRatio'] = Math.round((r / o) * 1e6) / 1e6;
  }
}
