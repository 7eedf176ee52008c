/**
 * Network interfaces as read from `ip -s link`, `ip addr`, `ifconfig` and
 * `netstat -i`, and the facts they give: per interface (`link.<if>.mtu`,
 * `link.<if>.rx_errors`, ...) and summed over non-loopback interfaces that
 * are up (`link.errors`, `link.dropped`, `link.collisions`, `link.mtu.min`).
 */
import type { Facts, FactSpec } from '../../facts/types.js';
import { key } from './util.js';

/** One interface. Counters are per direction, named like the kernel's. */
export interface Link {
  name: string;
  mtu?: number;
  loopback: boolean;
  /** Administratively up (UP flag). */
  up: boolean;
  /** Operational state as `ip link` prints it (UP, DOWN, UNKNOWN...), when known. */
  state?: string;
  counters: Record<string, number>;
  addresses: string[];
}

/**
 * A new interface record.
 * @param name interface name (`eth0.11@eth0` is shortened to `eth0.11`)
 * @returns the record
 */
export function newLink(name: string): Link {
  const at = name.indexOf('@');
  return { name: at > 0 ? name.slice(0, at) : name, loopback: name === 'lo', up: false, counters: {}, addresses: [] };
}

const SUMMED = ['rx_errors', 'tx_errors', 'rx_dropped', 'tx_dropped'] as const;

/**
 * Facts for a set of interfaces.
 * @param links the interfaces
 * @param opts `sums`: sum errors, drops and collisions over the interfaces (`link.errors`...)
 * @returns per-interface and aggregate facts
 */
export function linkFacts(links: Link[], opts: { sums: boolean } = { sums: true }): Facts {
  const f: Facts = {};
  let mtuMin: number | undefined;
  let errors = 0;
  let dropped = 0;
  let collisions = 0;
  let counted = 0;
  let withCollisions = 0;
  let addrs = 0;
  for (const l of links) {
    const k = `link.${key(l.name)}`;
    if (l.mtu !== undefined) f[`${k}.mtu`] = l.mtu;
    if (l.state) f[`${k}.state`] = l.state;
    f[`${k}.up`] = l.up;
    for (const [c, v] of Object.entries(l.counters)) f[`${k}.${c}`] = v;
    if (l.addresses.length > 0) {
      const v4 = l.addresses.find((a) => !a.includes(':'));
      if (v4) f[`${k}.ipv4`] = v4;
    }
    if (l.loopback || !l.up) continue;
    addrs += l.addresses.length;
    if (l.mtu !== undefined) mtuMin = mtuMin === undefined ? l.mtu : Math.min(mtuMin, l.mtu);
    let any = false;
    for (const c of SUMMED) {
      const v = l.counters[c];
      if (v === undefined) continue;
      any = true;
      if (c.endsWith('errors')) errors += v;
      else dropped += v;
    }
    if (l.counters.collisions !== undefined) {
      any = true;
      withCollisions++;
      collisions += l.counters.collisions;
    }
    if (any) counted++;
  }
  f['link.count'] = links.length;
  if (mtuMin !== undefined) f['link.mtu.min'] = mtuMin;
  if (opts.sums && counted > 0) {
    f['link.errors'] = errors;
    f['link.dropped'] = dropped;
    if (withCollisions > 0) f['link.collisions'] = collisions;
  }
  if (links.some((l) => l.addresses.length > 0)) f['link.addresses'] = addrs;
  return f;
}

/** Facts of every interface listing. */
export const LINK_SPECS: FactSpec[] = [
  { name: 'link.count', type: 'number', unit: 'count', description: 'interfaces listed' },
  { name: 'link.mtu.min', type: 'number', unit: 'bytes', description: 'smallest MTU of non-loopback interfaces that are up' },
  { name: 'link.*.mtu', type: 'number', unit: 'bytes', description: 'MTU of one interface' },
  { name: 'link.*.up', type: 'boolean', description: 'the interface is administratively up' },
  { name: 'link.*.state', type: 'string', description: 'operational state as ip link prints it (UP, DOWN, UNKNOWN, LOWERLAYERDOWN, DORMANT); ifconfig gives only DOWN, for an interface without the UP flag' },
];

/** Sums over interfaces, from listings with counters. */
export const SUM_SPECS: FactSpec[] = [
  { name: 'link.errors', type: 'number', unit: 'count', description: 'rx + tx errors summed over non-loopback interfaces that are up' },
  { name: 'link.dropped', type: 'number', unit: 'count', description: 'rx + tx drops summed over non-loopback interfaces that are up' },
  { name: 'link.collisions', type: 'number', unit: 'count', description: 'collisions summed over non-loopback interfaces that are up (non-zero only on half duplex)' },
];

/** Per-interface counters, by the name the readers give them (`link.<if>.<name>`): unit and meaning. */
const COUNTERS = {
  rx_bytes: ['bytes', 'bytes received by one interface'],
  tx_bytes: ['bytes', 'bytes sent by one interface'],
  rx_packets: ['count', 'packets received by one interface'],
  tx_packets: ['count', 'packets sent by one interface'],
  rx_errors: ['count', 'receive errors of one interface'],
  tx_errors: ['count', 'transmit errors of one interface'],
  rx_dropped: ['count', 'received packets one interface dropped'],
  tx_dropped: ['count', 'packets one interface dropped on send'],
  rx_overruns: ['count', 'receive FIFO overruns of one interface (ip `overrun`, netstat -i `RX-OVR`)'],
  tx_overruns: ['count', 'transmit FIFO overruns of one interface (netstat -i `TX-OVR`)'],
  rx_missed: ['count', 'packets the NIC missed for lack of receive buffers (ip, newer iproute2)'],
  rx_mcast: ['count', 'multicast packets received by one interface'],
  rx_frame: ['count', 'frames received with a framing (alignment or CRC) error (ifconfig `frame`)'],
  tx_carrier: ['count', 'carrier errors while sending (cable, link or duplex trouble)'],
  collisions: ['count', 'collisions of one interface (non-zero only on half duplex)'],
  'rx_*_errors': ['count', 'one kind of receive error from `ip -s -s link`: length, crc, frame, fifo, missed or overrun (and otherhost: packets for another host, dropped)'],
  'tx_*_errors': ['count', 'one kind of transmit error from `ip -s -s link`: aborted, fifo, window, heartbeat or transns'],
} as const satisfies Record<string, readonly [unit: string, description: string]>;

/** A per-interface counter name (or pattern) of {@link linkCounterSpecs}. */
export type LinkCounter = keyof typeof COUNTERS;

/**
 * Declare the per-interface counters a parser reads.
 * @param names the counters, as the reader names them
 * @returns one `link.*.<name>` spec each
 */
export function linkCounterSpecs(names: readonly LinkCounter[]): FactSpec[] {
  return names.map((n): FactSpec => ({ name: `link.*.${n}`, type: 'number', unit: COUNTERS[n][0], description: COUNTERS[n][1] }));
}

/** Address facts (ip addr, ifconfig). */
export const ADDR_SPECS: FactSpec[] = [
  { name: 'link.*.ipv4', type: 'string', description: 'first IPv4 address of one interface' },
  { name: 'link.addresses', type: 'number', unit: 'count', description: 'addresses on non-loopback interfaces that are up' },
];
