/**
 * # /proc/interrupts
 *
 * Reads `cat /proc/interrupts` (or `grep -E 'CPU|eth0' /proc/interrupts`): the
 * CPU header, then per interrupt line the count on each CPU, the controller
 * and the device. Lines whose device looks like a NIC queue (`eth0-TxRx-3`,
 * `mlx5_comp2@pci:...`, `virtio0-input.0`, `ens5-rx-0`, `iwlwifi`...) are summed
 * per CPU to show whether network interrupts land on one CPU (no irqbalance,
 * one queue, or RSS hashing few flows, e.g. GRE tunnels).
 *
 * Usage: `cat /proc/interrupts`, `grep -E 'CPU|eth0' /proc/interrupts`
 *
 * Output facts: `interrupts.cpus`, `interrupts.nicQueues`, `interrupts.nicTotal`,
 * `interrupts.nicImbalance` (busiest CPU / mean), `interrupts.nicBusiestCpu`,
 * `interrupts.nicBusiestShare`, `interrupts.nicActiveCpus` (CPUs taking at least
 * 10% of NIC interrupts).
 *
 * Example:
 * ```
 *             CPU0       CPU1       CPU2       CPU3
 *   45: 8817723412       1021        998       1130  IR-PCI-MSI 1572865-edge      eth0-TxRx-0
 * ```
 * gives `interrupts.nicBusiestCpu = 0`, `interrupts.nicImbalance` close to 4.
 */
import type { Facts } from '../facts/types.js';
import { blank, cannotRead, defineParser, fact, head, imbalance, lines, nothing, round } from './lib/util.js';

const NIC_RE = /(^|[\s,])(eth\d|en[ops]\d|eno\d|ens\d|enp\d|em\d|p\d+p\d|bond\d|ib\d|wl|iwlwifi|mlx[45]_|i40e|ixgbe|ice-|igb|e1000|bnxt|virtio\d+-(input|output)|ena-|hv_netvsc|nfp|qede|gve|xen-netfront|vmxnet)|-(TxRx|rx|tx|Rx|Tx)-\d+/;

/** Fields of one line: whitespace split done by hand (wide tables). */
function split(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
    if (i >= n) break;
    const s = i;
    while (i < n && line.charCodeAt(i) !== 32 && line.charCodeAt(i) !== 9) i++;
    out.push(line.slice(s, i));
  }
  return out;
}

export const procInterrupts = defineParser({
  meta: {
    id: 'proc-interrupts',
    commands: ['cat /proc/interrupts', 'grep CPU /proc/interrupts'],
    description: 'Per-CPU interrupt counts and how NIC queue interrupts spread over CPUs, from /proc/interrupts',
    compatible: ['Linux 2.6 to 6.x, x86_64 and aarch64'],
    detectHints: ['a header `CPU0 CPU1 ...`', 'lines `  45: 8817723412 1021 ... IR-PCI-MSI ... eth0-TxRx-0`'],
    tags: ['cpu', 'irq', 'nic', 'proc'],
    facts: [
      fact('interrupts.cpus', 'number', 'CPUs in the header', 'count'),
      fact('interrupts.nicQueues', 'number', 'interrupt lines that belong to NIC queues', 'count'),
      fact('interrupts.nicTotal', 'number', 'NIC queue interrupts over all CPUs', 'count'),
      fact('interrupts.nicImbalance', 'number', 'busiest CPU for NIC queue interrupts / mean over CPUs (1 = even)', 'ratio'),
      fact('interrupts.nicBusiestCpu', 'number', 'the CPU taking most NIC queue interrupts'),
      fact('interrupts.nicBusiestShare', 'number', 'share (0..1) of NIC queue interrupts on the busiest CPU', 'ratio'),
      fact('interrupts.nicActiveCpus', 'number', 'CPUs taking at least 10% of NIC queue interrupts', 'count'),
    ],
    cost: { readOnly: true, needsRoot: false },
  },
  detect(text) {
    const ls = head(text, 20, 65536);
    if (ls.length === 0) return 0;
    const hdr = /^\s*CPU0(\s+CPU\d+)*\s*$/.test(ls[0]);
    const rows = ls.filter((l) => /^\s*[A-Za-z0-9]+:\s+\d+/.test(l)).length;
    if (hdr) return rows > 0 ? 0.98 : 0.7;
    return rows / ls.length > 0.8 && ls.some((l) => /(edge|fasteoi|Level|Edge|MSI)/.test(l)) ? 0.6 : 0;
  },
  parse(text, command) {
    if (blank(text)) return nothing();
    let cpus = 0;
    let perCpu: number[] = [];
    let queues = 0;
    let rows = 0;
    for (const l of lines(text)) {
      const f = split(l);
      if (f.length === 0) continue;
      if (f[0] === 'CPU0') {
        cpus = f.length;
        perCpu = new Array<number>(cpus).fill(0);
        continue;
      }
      if (!f[0].endsWith(':') || cpus === 0) continue;
      rows++;
      const counts: number[] = [];
      for (let i = 1; i <= cpus && i < f.length; i++) {
        const c = f[i].charCodeAt(0);
        if (c < 48 || c > 57) break;
        counts.push(Number(f[i]));
      }
      if (counts.length !== cpus) continue;
      const device = f.slice(cpus + 1).join(' ');
      if (!NIC_RE.test(device)) continue;
      queues++;
      for (let i = 0; i < cpus; i++) perCpu[i] += counts[i];
    }
    if (cpus === 0) {
      const hint = /grep/.test(command ?? '') ? 'Keep the header: `grep -E "CPU|eth0" /proc/interrupts`.' : 'Paste the whole file, including the `CPU0 CPU1 ...` header.';
      return { facts: {}, warnings: [cannotRead('cat /proc/interrupts', 'no `CPU0 CPU1 ...` header line', hint)] };
    }
    const facts: Facts = { 'interrupts.cpus': cpus, 'interrupts.nicQueues': queues };
    const warnings: string[] = [];
    if (queues === 0) {
      warnings.push(rows === 0 ? 'No interrupt lines under the header.' : 'No interrupt line looks like a NIC queue (eth0-TxRx-0, mlx5_comp, virtio-input...).');
      return { facts, warnings };
    }
    const total = perCpu.reduce((a, b) => a + b, 0);
    facts['interrupts.nicTotal'] = total;
    const imb = imbalance(perCpu);
    if (imb !== undefined) facts['interrupts.nicImbalance'] = imb;
    let best = 0;
    perCpu.forEach((v, i) => {
      if (v > perCpu[best]) best = i;
    });
    facts['interrupts.nicBusiestCpu'] = best;
    if (total > 0) {
      facts['interrupts.nicBusiestShare'] = round(perCpu[best] / total);
      facts['interrupts.nicActiveCpus'] = perCpu.filter((v) => v / total >= 0.1).length;
    }
    return { facts, warnings };
  },
});
