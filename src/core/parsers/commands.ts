/**
 * Cost and safety of every command the runbooks may recommend: read-only or
 * changing state, root, extra packages, load on a busy host, and what to run
 * when it is missing. `isSafeToRun` is the allowlist the CLI's `--run` uses.
 */
import type { CommandCost } from '../facts/types.js';
import { PARSERS, type ParserId } from './registry.js';
import { pipeline, shapeOf, splitTopLevel, words, type CommandShape } from './lib/shell.js';
import { FILE_READERS } from './select.js';

/** One known command. */
export interface CommandInfo {
  /** Canonical command line, placeholders in capitals (`ethtool -S IF`). */
  command: string;
  /** One line: what it shows or does. */
  description: string;
  /** The parser that reads its output, when there is one. */
  parser?: ParserId;
  cost: CommandCost;
}

const ro = (extra: Partial<CommandCost> = {}): CommandCost => ({ readOnly: true, needsRoot: false, ...extra });
const rw = (extra: Partial<CommandCost> = {}): CommandCost => ({ readOnly: false, needsRoot: true, ...extra });

/** Commands that have no parser (or override a parser's cost for one form). */
const EXTRA: CommandInfo[] = [
  { command: 'ss -tanp', description: 'all TCP sockets with their processes', parser: 'ss-tan', cost: ro({ packages: ['iproute2'], heavy: 'walks /proc/*/fd of every process: seconds of CPU with many sockets; try `ss -s` first', needsRoot: true, equivalents: ['netstat -antp'] }) },
  { command: 'netstat -antp', description: 'all TCP sockets with their processes', parser: 'netstat-ant', cost: ro({ packages: ['net-tools'], heavy: 'reads every socket and process fd; slow with 100k+ sockets', needsRoot: true, equivalents: ['ss -tanp'] }) },
  { command: 'cat /proc/net/tcp', description: 'raw TCP socket table (hex)', cost: ro({ heavy: 'large with many sockets', equivalents: ['ss -tan'] }) },
  { command: 'cat /proc/net/sockstat', description: 'socket counts by protocol (inuse, orphan, tw, alloc, mem)', cost: ro({ equivalents: ['ss -s'] }) },
  { command: 'conntrack -L', description: 'list every tracked connection', cost: ro({ needsRoot: true, packages: ['conntrack-tools'], heavy: 'dumps the whole table: slow and large with a full table; prefer `conntrack -C` or `conntrack -S`' }) },
  { command: 'ethtool -i IF', description: 'NIC driver and firmware version', cost: ro({ packages: ['ethtool'] }) },
  { command: 'ethtool -g IF', description: 'NIC ring buffer sizes', cost: ro({ packages: ['ethtool'] }) },
  { command: 'ip route', description: 'routing table', cost: ro({ packages: ['iproute2'], equivalents: ['route -n', 'netstat -rn'] }) },
  { command: 'ip route get ADDR', description: 'the route and source address used toward one address', cost: ro({ packages: ['iproute2'] }) },
  { command: 'ip neigh', description: 'ARP / neighbour table', cost: ro({ packages: ['iproute2'], equivalents: ['arp -n'] }) },
  { command: 'ip rule', description: 'policy routing rules', cost: ro({ packages: ['iproute2'] }) },
  { command: 'route -n', description: 'routing table (net-tools)', cost: ro({ packages: ['net-tools'], equivalents: ['ip route'] }) },
  { command: 'arp -n', description: 'ARP table (net-tools)', cost: ro({ packages: ['net-tools'], equivalents: ['ip neigh'] }) },
  { command: 'tc -s qdisc', description: 'queueing disciplines and their drops', cost: ro({ packages: ['iproute2'] }) },
  { command: 'nft list ruleset', description: 'nftables rules', cost: ro({ needsRoot: true, packages: ['nftables'], equivalents: ['iptables-save'] }) },
  { command: 'nslookup NAME', description: 'resolve a name with the system resolver settings', cost: ro({ packages: ['bind-utils / dnsutils'], equivalents: ['dig NAME', 'getent hosts NAME'] }) },
  { command: 'getent hosts NAME', description: 'resolve a name through nsswitch (files, dns)', cost: ro() },
  { command: 'host NAME', description: 'resolve a name', cost: ro({ packages: ['bind-utils / dnsutils'], equivalents: ['dig NAME'] }) },
  { command: 'traceroute HOST', description: 'path to a host', cost: ro({ packages: ['traceroute'], equivalents: ['tracepath HOST', 'mtr -rwc 10 HOST'] }) },
  { command: 'tracepath HOST', description: 'path and path MTU to a host', cost: ro({ packages: ['iputils'] }) },
  { command: 'mtr -rwc 10 HOST', description: 'loss per hop', cost: ro({ packages: ['mtr'] }) },
  { command: 'nc -vz HOST PORT', description: 'test a TCP connect', cost: ro({ packages: ['nmap-ncat / netcat'], equivalents: ['curl -v telnet://HOST:PORT'] }) },
  { command: 'lsof -p PID', description: 'files and sockets a process holds', cost: ro({ needsRoot: true, packages: ['lsof'], heavy: 'slow on hosts with many processes; prefer `ls /proc/PID/fd | wc -l`' }) },
  { command: 'ls /proc/PID/fd', description: 'file descriptors of a process', cost: ro({ needsRoot: true }) },
  { command: 'cat /proc/PID/limits', description: 'resource limits of a running process', parser: 'ulimit', cost: ro() },
  { command: 'journalctl -k', description: 'kernel log', parser: 'dmesg', cost: ro({ equivalents: ['dmesg -T'] }) },
  { command: 'tcpretrans', description: 'trace TCP retransmissions (eBPF)', cost: ro({ needsRoot: true, packages: ['bcc-tools'], heavy: 'attaches kprobes; low overhead but needs kernel headers' }) },
  { command: 'tcpdrop', description: 'trace kernel TCP drops with stacks (eBPF)', cost: ro({ needsRoot: true, packages: ['bcc-tools'] }) },
  { command: 'dropwatch -l kas', description: 'where the kernel drops packets', cost: ro({ needsRoot: true, packages: ['dropwatch'] }) },
  { command: 'perf top', description: 'CPU profile', cost: ro({ needsRoot: true, packages: ['perf'], heavy: 'sampling overhead on a busy host' }) },
  { command: 'mpstat -P ALL 1 5', description: 'per-CPU usage including softirq', cost: ro({ packages: ['sysstat'] }) },
  { command: 'sar -n DEV 1 5', description: 'per-interface throughput', cost: ro({ packages: ['sysstat'] }) },
  // commands that change state (fixes): never run by --run
  { command: 'sysctl -w KEY=VALUE', description: 'change a kernel parameter (until reboot)', cost: rw() },
  { command: 'ethtool -K IF FEATURE on|off', description: 'change an offload feature', cost: rw({ packages: ['ethtool'] }) },
  { command: 'ethtool -L IF combined N', description: 'change the number of NIC queues', cost: rw({ packages: ['ethtool'] }) },
  { command: 'ethtool -G IF rx N', description: 'change NIC ring sizes (resets the link)', cost: rw({ packages: ['ethtool'] }) },
  { command: 'ethtool -s IF speed N duplex full autoneg on', description: 'change link settings (resets the link)', cost: rw({ packages: ['ethtool'] }) },
  { command: 'ip link set IF mtu N', description: 'change an interface MTU', cost: rw({ packages: ['iproute2'] }) },
  { command: 'iptables -t raw -A PREROUTING -j NOTRACK', description: 'add a firewall rule', cost: rw({ packages: ['iptables'] }) },
  { command: 'conntrack -F', description: 'flush the conntrack table (drops NAT state)', cost: rw({ packages: ['conntrack-tools'] }) },
  { command: 'conntrack -D', description: 'delete conntrack entries', cost: rw({ packages: ['conntrack-tools'] }) },
  { command: 'ss -K', description: 'kill sockets matching a filter', cost: rw({ packages: ['iproute2'] }) },
  { command: 'systemctl restart SERVICE', description: 'restart a service', cost: rw() },
  { command: 'ulimit -n N', description: 'raise the open files limit of the current shell', cost: { readOnly: false, needsRoot: false } },
];

/** Every known command: each parser's commands with its cost, then the extra ones. */
export const COMMANDS: readonly CommandInfo[] = [
  ...EXTRA.filter((e) => e.cost.readOnly && e.parser),
  ...PARSERS.filter((p) => p.meta.id !== 'count').flatMap((p) =>
    p.meta.commands.map((command) => ({ command, description: p.meta.description, parser: p.meta.id as ParserId, cost: p.meta.cost })),
  ),
  ...EXTRA.filter((e) => !(e.cost.readOnly && e.parser)),
];

interface Known {
  info: CommandInfo;
  shape: CommandShape;
}
const KNOWN: Known[] = COMMANDS.map((info) => ({ info, shape: shapeOf(info.command) }));

function match(k: Known, c: CommandShape): number | undefined {
  if (k.shape.program !== c.program) return undefined;
  const kw = k.shape.operands.filter((o) => !/^@?[A-Z][A-Z_|=]*$/.test(o) && !/^[a-z]+\|[a-z]+$/.test(o));
  for (const w of kw) {
    if (w.startsWith('/')) {
      const re = new RegExp(`^${w.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/\\s]+').replace(/PID/g, '[^/\\s]+')}$`);
      if (!c.operands.some((o) => re.test(o))) return undefined;
    } else if (!c.operands.some((o) => o.startsWith(w) || (w.startsWith(o) && o.length > 0))) return undefined;
  }
  let s = kw.length;
  for (const f of k.shape.flags) s += c.flags.has(f) ? 2 : -2;
  for (const f of c.flags) if (!k.shape.flags.has(f)) s -= 0.25;
  return s;
}

/**
 * Look up a command line: its cost, safety and parser.
 * @param commandLine what would be run, e.g. `ss -tanp | head`
 * @returns the best matching known command, or undefined
 */
export function commandInfo(commandLine: string): CommandInfo | undefined {
  const c = shapeOf(commandLine);
  if (!c.program) return undefined;
  let best: { k: Known; s: number } | undefined;
  for (const k of KNOWN) {
    const s = match(k, c);
    if (s !== undefined && (!best || s > best.s)) best = { k, s };
  }
  if (!best) return undefined;
  // a state-changing form of a read-only tool must not be matched as the read-only one
  if (best.s <= -1) return undefined;
  return best.k.info;
}

/** Filters allowed after the first command of a pipeline. */
const FILTERS = new Set(['grep', 'egrep', 'fgrep', 'wc', 'awk', 'head', 'tail', 'sort', 'uniq', 'cut', 'column', 'tr', 'sed', 'cat', 'less', 'more', 'nl', 'tac', 'jq']);

function changesState(c: CommandShape, line: string): boolean {
  const a = c.args;
  switch (c.program) {
    case 'sysctl':
      return c.flags.has('w') || c.flags.has('p') || c.flags.has('f') || a.some((x) => x.includes('=')) || a.includes('--system') || a.includes('--load');
    case 'ethtool':
      return [...'KLGsACEpfrWUNXt'].some((f) => c.flags.has(f)) || /--(set|change|flash|reset|identify|config|test)/.test(line);
    case 'ip':
      return /\b(add|del|delete|set|change|replace|flush|append|prepend|exec)\b/.test(a.join(' '));
    case 'iptables':
    case 'ip6tables':
      return /(^|\s)-([AIDRFZNXEP])\b|--(append|insert|delete|replace|flush|zero|new|delete-chain|rename-chain|policy)\b/.test(` ${a.join(' ')}`);
    case 'conntrack':
      return c.flags.has('F') || c.flags.has('D') || c.flags.has('U') || c.flags.has('I') || /--(flush|delete|update|create)/.test(line);
    case 'ss':
      return c.flags.has('K') || a.includes('--kill');
    case 'dmesg':
      return c.flags.has('c') || c.flags.has('C') || c.flags.has('n') || c.flags.has('D') || c.flags.has('E') || /--(clear|read-clear|console)/.test(line);
    case 'tcpdump':
      return c.flags.has('w') || c.flags.has('W') || c.flags.has('z') || c.flags.has('C');
    case 'curl':
      return a.some((x, i) => (x === '-o' || x === '--output') && a[i + 1] !== '/dev/null') || c.flags.has('O') || c.flags.has('T') || /(^|\s)-(X|d)\s*(POST|PUT|DELETE|PATCH)?/.test(` ${a.join(' ')}`) || a.some((x) => x.startsWith('--data') || x === '-F');
    case 'ulimit':
      return c.operands.length > 0;
    case 'nstat':
      return c.flags.has('r') || a.includes('--reset');
    default:
      return false;
  }
}

function runsForever(c: CommandShape): boolean {
  if (c.program === 'ping') return !c.flags.has('c') && !c.flags.has('w');
  if (c.program === 'tcpdump') return !c.flags.has('c');
  if (c.program === 'watch' || c.program === 'top') return true;
  if (c.program === 'dmesg' || c.program === 'journalctl') return c.flags.has('w') || c.flags.has('f');
  return false;
}

/**
 * Whether a command line is on the read-only allowlist that `--run` may
 * execute: one known read-only command that ends by itself, optionally piped
 * into filters (grep, wc, awk, head, tail, sort, uniq, cut...), with no
 * redirection to files, no command substitution, no `;`, `&&` or `||`.
 * @param commandLine the command line
 * @returns true when it is safe to run
 */
export function isSafeToRun(commandLine: string): boolean {
  if (typeof commandLine !== 'string') return false;
  const line = commandLine.trim();
  if (line === '' || line.length > 1000 || /[\n\r`]|\$\(|<\(|>\(/.test(line)) return false;
  const top = splitTopLevel(line, ['&&', '||', ';', '&']);
  if (top.met.length > 0) return false;
  // redirections: only 2>/dev/null and 2>&1 are allowed
  const noQuotes = line.replace(/'[^']*'|"[^"]*"/g, "''");
  const redirs = noQuotes.match(/\d*>>?&?\S*/g) ?? [];
  if (redirs.some((r) => !/^2>(\/dev\/null|&1)$/.test(r))) return false;
  const stages = pipeline(line);
  if (stages.length === 0) return false;
  const first = shapeOf(stages[0]);
  if (/^(sudo|doas|su|kubectl|docker|ssh|env|bash|sh|zsh|xargs|find|watch|timeout)$/.test(words(stages[0])[0] ?? '')) return false;
  const info = commandInfo(stages[0]);
  const fileRead = FILE_READERS.has(first.program) && first.operands.some((o) => /^\/(proc|sys|etc)\//.test(o)) && first.program !== 'xargs';
  if (!fileRead && (!info || !info.cost.readOnly)) return false;
  if (changesState(first, stages[0]) || runsForever(first)) return false;
  for (const s of stages.slice(1)) {
    const w = words(s);
    const prog = w[0] ?? '';
    if (!FILTERS.has(prog)) return false;
    if (prog === 'sed' && (w.some((x) => /^-[a-zA-Z]*i/.test(x) || x === '--in-place') || w.slice(1).some((x) => /(^|;)\s*w\s|\/w\s|e\s/.test(x)))) return false;
    if (prog === 'awk' && /system\s*\(|getline|\|\s*"|print[f]?\b[^;}]*>/.test(s)) return false;
    if ((prog === 'sort' || prog === 'uniq') && w.some((x) => x === '-o' || x.startsWith('--output'))) return false;
    if (prog === 'uniq' && w.slice(1).filter((x) => !x.startsWith('-')).length > 1) return false;
  }
  return true;
}
