/**
 * # sysctl
 *
 * Reads kernel parameters from `sysctl -a`, `sysctl <keys>`, `sysctl -a | grep ...`,
 * `sysctl -n <keys>` and `cat /proc/sys/...` (the key then comes from the
 * command), and `grep . /proc/sys/net/ipv4/*` (`path:value` lines). Integers
 * become numbers, everything else a string with blanks collapsed
 * (`"4096 87380 6291456"`). "cannot stat" errors name keys this kernel does
 * not have (e.g. `tcp_tw_recycle`, removed in 4.12).
 *
 * Usage: `sysctl net.ipv4.tcp_tw_recycle net.ipv4.tcp_timestamps`, `sysctl -a`,
 * `cat /proc/sys/net/core/somaxconn`
 *
 * Output facts: `sysctl.<key>`; derived `sysctl.net.ipv4.ip_local_port_range.low`
 * / `.high` / `.size`, `sysctl.net.ipv4.tcp_rmem.max` (and min / default, same
 * for tcp_wmem), `kernel.release` (from kernel.osrelease), `conntrack.count`,
 * `conntrack.max`, `conntrack.fill`, `sysctl.missing`.
 *
 * Example:
 * ```
 * net.ipv4.tcp_tw_recycle = 1
 * net.ipv4.ip_local_port_range = 32768	60999
 * ```
 * gives `sysctl.net.ipv4.tcp_tw_recycle = 1`, `sysctl.net.ipv4.ip_local_port_range = "32768 60999"`,
 * `sysctl.net.ipv4.ip_local_port_range.size = 28232`.
 */
import type { Facts, FactValue } from '../facts/types.js';
import { parseKernel } from '../kernel.js';
import { blank, cannotRead, defineParser, fact, fields, head, lines, nothing, round } from './lib/util.js';

const KV_RE = /^([A-Za-z0-9_][A-Za-z0-9_.\-/*]*)\s*=\s?(.*)$/;
const PROC_RE = /^\/proc\/sys\/([^:\s]+):(.*)$/;
const MISSING_RE = /cannot stat \/proc\/sys\/(\S+?):/;
const UNKNOWN_KEY_RE = /unknown key '([^']+)'/;

/**
 * Does a line look like a bare sysctl value (`1`, `4096 87380 6291456`, `cubic reno`), as
 * `sysctl -n` or `cat /proc/sys/...` print? Prose does not.
 * @param l one line
 * @returns whether it can be a value
 */
function valueLike(l: string): boolean {
  if (l.includes('=')) return false;
  const f = fields(l);
  if (f.length === 0) return false;
  if (f.every((x) => /^-?\d+$/.test(x))) return true;
  return f.length <= 3 && f.every((x) => x.length <= 40 && /^[\w.:/-]+$/.test(x));
}

function value(v: string): FactValue {
  const t = v.trim().replace(/\s+/g, ' ');
  return /^-?\d+$/.test(t) && t.length < 16 ? Number(t) : t;
}

function keysOfCommand(command: string | undefined): string[] {
  if (!command) return [];
  const seg = command.split('|')[0];
  const out: string[] = [];
  for (const tok of seg.split(/\s+/)) {
    if (tok.startsWith('/proc/sys/')) out.push(tok.slice('/proc/sys/'.length).replace(/\//g, '.'));
    else if (/^[a-z][a-z0-9_-]*(\.[A-Za-z0-9_-]+)+$/.test(tok) && !/^\d/.test(tok)) out.push(tok);
  }
  return out;
}

function derive(facts: Facts): void {
  const range = facts['sysctl.net.ipv4.ip_local_port_range'];
  if (range !== undefined) {
    const [lo, hi] = String(range).split(' ').map(Number);
    if (Number.isFinite(lo) && Number.isFinite(hi)) {
      facts['sysctl.net.ipv4.ip_local_port_range.low'] = lo;
      facts['sysctl.net.ipv4.ip_local_port_range.high'] = hi;
      facts['sysctl.net.ipv4.ip_local_port_range.size'] = hi - lo + 1;
    }
  }
  for (const [k, names] of [
    ['net.ipv4.tcp_rmem', ['min', 'default', 'max']],
    ['net.ipv4.tcp_wmem', ['min', 'default', 'max']],
    ['net.ipv4.tcp_mem', ['low', 'pressure', 'high']],
    ['net.ipv4.udp_mem', ['low', 'pressure', 'high']],
  ] as const) {
    const v = facts[`sysctl.${k}`];
    if (v === undefined) continue;
    const parts = String(v).split(' ').map(Number);
    if (parts.length === 3 && parts.every(Number.isFinite)) names.forEach((n, i) => (facts[`sysctl.${k}.${n}`] = parts[i]));
  }
  const rel = facts['sysctl.kernel.osrelease'];
  if (typeof rel === 'string' && parseKernel(rel)) facts['kernel.release'] = rel;
  const count = facts['sysctl.net.netfilter.nf_conntrack_count'];
  const max = facts['sysctl.net.netfilter.nf_conntrack_max'] ?? facts['sysctl.net.nf_conntrack_max'];
  if (typeof count === 'number') facts['conntrack.count'] = count;
  if (typeof max === 'number') facts['conntrack.max'] = max;
  if (typeof count === 'number' && typeof max === 'number' && max > 0) facts['conntrack.fill'] = round(count / max);
}

export const sysctl = defineParser({
  meta: {
    id: 'sysctl',
    commands: ['sysctl -a', 'sysctl KEY', 'sysctl -n KEY', 'cat /proc/sys/*', 'grep . /proc/sys/*'],
    description: 'Kernel parameters from sysctl or /proc/sys',
    compatible: ['procps sysctl (all distributions)', 'busybox sysctl', '/proc/sys files'],
    detectHints: ['lines `net.ipv4.tcp_tw_recycle = 1`', 'lines `/proc/sys/net/ipv4/tcp_syncookies:1`'],
    tags: ['sysctl', 'kernel', 'tuning'],
    facts: [
      fact('sysctl.*', 'number', 'any kernel parameter; integers are numbers, other values strings with blanks collapsed'),
      fact('sysctl.net.ipv4.tcp_tw_recycle', 'number', 'recycle TIME_WAIT sockets by timestamp (breaks clients behind NAT; removed in 4.12)'),
      fact('sysctl.net.ipv4.tcp_timestamps', 'number', 'TCP timestamps (RFC 1323) enabled'),
      fact('sysctl.net.ipv4.tcp_tw_reuse', 'number', 'reuse TIME_WAIT sockets for outgoing connections'),
      fact('sysctl.net.ipv4.tcp_max_tw_buckets', 'number', 'most TIME_WAIT sockets kept', 'count'),
      fact('sysctl.net.core.somaxconn', 'number', 'cap on the accept queue of every listener', 'count'),
      fact('sysctl.net.ipv4.tcp_max_syn_backlog', 'number', 'SYN queue size', 'count'),
      fact('sysctl.net.ipv4.tcp_syncookies', 'number', 'SYN cookies: 0 off, 1 when the SYN queue overflows, 2 always'),
      fact('sysctl.net.ipv4.tcp_abort_on_overflow', 'number', 'reset instead of dropping when the accept queue is full'),
      fact('sysctl.net.ipv4.tcp_window_scaling', 'number', 'window scaling enabled'),
      fact('sysctl.net.ipv4.tcp_reordering', 'number', 'initial reordering level'),
      fact('sysctl.net.core.rmem_default', 'number', 'default socket receive buffer', 'bytes'),
      fact('sysctl.net.core.rmem_max', 'number', 'largest socket receive buffer an application may set', 'bytes'),
      fact('sysctl.net.ipv4.tcp_rmem', 'string', 'TCP receive buffer min default max'),
      fact('sysctl.net.ipv4.tcp_rmem.max', 'number', 'TCP receive buffer max (derived; also .min, .default and tcp_wmem.*)', 'bytes'),
      fact('sysctl.net.ipv4.ip_local_port_range', 'string', 'ephemeral port range "low high"'),
      fact('sysctl.net.ipv4.ip_local_port_range.low', 'number', 'first ephemeral port (derived)'),
      fact('sysctl.net.ipv4.ip_local_port_range.high', 'number', 'last ephemeral port (derived)'),
      fact('sysctl.net.ipv4.ip_local_port_range.size', 'number', 'number of ephemeral ports (derived)', 'count'),
      fact('sysctl.missing', 'string', 'keys the kernel does not have ("cannot stat"), space separated'),
      fact('kernel.release', 'string', 'the `uname -r` string (from kernel.osrelease)'),
      fact('conntrack.count', 'number', 'conntrack entries in use (net.netfilter.nf_conntrack_count)', 'count'),
      fact('conntrack.max', 'number', 'conntrack table size (nf_conntrack_max)', 'count'),
      fact('conntrack.fill', 'number', 'conntrack.count / conntrack.max', 'ratio'),
    ],
    cost: { readOnly: true, needsRoot: false, packages: ['procps'], equivalents: ['cat /proc/sys/<path with dots as slashes>'] },
  },
  detect(text) {
    const ls = head(text, 40);
    if (ls.length === 0) return 0;
    let kv = 0;
    let proc = 0;
    for (const l of ls) {
      const m = KV_RE.exec(l);
      if (m && m[1].includes('.') && /^(net|kernel|vm|fs|dev|abi|debug|crypto|user|sunrpc)\./.test(m[1])) kv++;
      else if (PROC_RE.test(l) || MISSING_RE.test(l)) proc++;
    }
    const s = (kv + proc) / ls.length;
    return s === 0 ? 0 : Math.min(1, 0.3 + s * 0.7);
  },
  parse(text, command) {
    if (blank(text)) return nothing();
    const facts: Facts = {};
    const missing: string[] = [];
    const bare: string[] = [];
    let denied = 0;
    let unread = 0;
    for (const l of lines(text)) {
      if (l.trim() === '') continue;
      const miss = MISSING_RE.exec(l) ?? UNKNOWN_KEY_RE.exec(l);
      if (miss) {
        missing.push(miss[1].replace(/\//g, '.'));
        continue;
      }
      if (/permission denied|reading key/i.test(l)) {
        denied++;
        continue;
      }
      const p = PROC_RE.exec(l.trim());
      if (p) {
        const k = `sysctl.${p[1].replace(/\//g, '.')}`;
        if (!(k in facts)) facts[k] = value(p[2]);
        continue;
      }
      const m = KV_RE.exec(l.trim());
      if (m && m[1].includes('.')) {
        const k = `sysctl.${m[1].replace(/\//g, '.')}`;
        if (!(k in facts) || facts[k] === '') facts[k] = value(m[2]);
        continue;
      }
      if (valueLike(l)) bare.push(l);
      else unread++;
    }
    const warnings: string[] = [];
    if (bare.length > 0) {
      const keys = keysOfCommand(command);
      if (keys.length === bare.length && !keys.some((k) => k.includes('*'))) {
        keys.forEach((k, i) => (facts[`sysctl.${k}`] = value(bare[i])));
      } else if (keys.length === 1 && !keys[0].includes('*')) {
        facts[`sysctl.${keys[0]}`] = value(bare.join(' '));
      } else {
        warnings.push(
          keys.length === 0
            ? `${bare.length} value line(s) without a key: say which file or key, e.g. \`--command "cat /proc/sys/net/ipv4/tcp_tw_recycle"\`, or use \`sysctl <key>\` which prints the names.`
            : `${bare.length} value(s) for ${keys.length} key(s) in the command: cannot tell which is which; use \`sysctl <keys>\` instead.`,
        );
      }
    }
    if (missing.length > 0) {
      facts['sysctl.missing'] = missing.join(' ');
      warnings.push(`This kernel has no ${missing.map((k) => `\`${k}\``).join(', ')} ("cannot stat").`);
    }
    derive(facts);
    if (denied > 0) warnings.push(`${denied} key(s) could not be read (permission denied); run as root for all keys.`);
    if (unread > 0) warnings.push(`Skipped ${unread} line(s) that are not \`key = value\`.`);
    if (Object.keys(facts).length === 0) {
      warnings.unshift(cannotRead('sysctl', 'no `key = value` lines', 'Try `sysctl <key>` (it prints the key with the value).'));
    }
    return { facts, warnings };
  },
});
