/**
 * # uname
 *
 * Reads the kernel release from `uname -r`, `uname -a`, `uname -srm`,
 * `uname -vrmo` and similar (also `cat /proc/sys/kernel/osrelease` and
 * `cat /proc/version`). The release is validated with `parseKernel`
 * (src/core/kernel.ts), which knows upstream versions and distribution builds
 * (`3.10.0-1062.1.2.el7.x86_64`, `5.15.0-1089-azure`, `4.19.0-17-amd64`).
 *
 * Usage: `uname -r`, `uname -a`
 *
 * Output facts: `kernel.release`, `kernel.base` (upstream `3.10.0`),
 * `kernel.stream` (`el7`, `ubuntu`, `debian`, `upstream`...), `kernel.arch`.
 *
 * Example (CentOS 7.7, jc fixture):
 * ```
 * Linux localhost.localdomain 3.10.0-1062.1.2.el7.x86_64 #1 SMP Mon Sep 30 14:19:46 UTC 2019 x86_64 x86_64 x86_64 GNU/Linux
 * ```
 * gives `kernel.release = "3.10.0-1062.1.2.el7.x86_64"`, `kernel.stream = "el7"`.
 */
import type { Facts } from '../facts/types.js';
import { parseKernel } from '../kernel.js';
import { blank, cannotRead, defineParser, fact, fields, head, lines, nothing } from './lib/util.js';

const RELEASE_RE = /^\d+\.\d+\.\d+(\.\d+)*([-+._~][A-Za-z0-9._+~-]*)?$/;
const ARCHES = new Set(['x86_64', 'aarch64', 'arm64', 'i686', 'i386', 'i586', 'ppc64le', 'ppc64', 's390x', 'armv7l', 'riscv64', 'mips64']);

function isRelease(tok: string | undefined): boolean {
  return tok !== undefined && tok.length < 128 && RELEASE_RE.test(tok);
}

function findRelease(line: string): { release: string; arch?: string } | undefined {
  if (line.length > 4096) return undefined;
  const f = fields(line);
  if (f.length === 0) return undefined;
  let i = 0;
  if (f[0] === 'Linux' && f.length > 2) i = isRelease(f[1]) ? 1 : 2;
  else if (f[0] === 'Linux' && f.length === 2) i = 1;
  else if (f[0] === 'Linux' && f.length === 1) return undefined;
  if (f[0] === 'Linux' && f[1] === 'version') i = 2; // /proc/version
  for (let j = i; j < Math.min(f.length, i + 2); j++) {
    if (isRelease(f[j]) && parseKernel(f[j])) {
      const arch = f.find((x, k) => k > j && ARCHES.has(x));
      return { release: f[j], arch };
    }
  }
  return undefined;
}

export const uname = defineParser({
  meta: {
    id: 'uname',
    commands: ['uname -r', 'uname -a', 'uname -srm', 'uname -vrmo', 'uname -rv', 'cat /proc/sys/kernel/osrelease', 'cat /proc/version'],
    description: 'Kernel release from uname, validated by the kernel version module',
    compatible: ['GNU coreutils uname', 'busybox uname', '/proc/version'],
    detectHints: ['a single token like `3.10.0-1160.el7.x86_64`', '`Linux <host> <release> #1 SMP ...`'],
    tags: ['kernel', 'version'],
    facts: [
      fact('kernel.release', 'string', 'the `uname -r` string'),
      fact('kernel.base', 'string', 'upstream base version, e.g. 3.10.0'),
      fact('kernel.stream', 'string', 'distribution build stream (el7, el8, ubuntu, debian, upstream...)'),
      fact('kernel.arch', 'string', 'machine architecture when printed (x86_64, aarch64...)'),
    ],
    cost: { readOnly: true, needsRoot: false, equivalents: ['cat /proc/sys/kernel/osrelease', 'cat /proc/version'] },
  },
  detect(text) {
    const ls = head(text, 4);
    if (ls.length === 0 || ls.length > 3) return 0;
    const body = ls.filter((l) => !/^COMMAND>/.test(l));
    if (body.length !== 1) return 0;
    const l = body[0].trim();
    if (!findRelease(l)) return 0;
    if (/^Linux\s/.test(l) || /#\d+.*(SMP|PREEMPT)/.test(l)) return 0.95;
    return fields(l).length === 1 ? 0.85 : 0.5;
  },
  parse(text) {
    if (blank(text)) return nothing();
    for (const l of lines(text)) {
      const hit = findRelease(l.trim());
      if (!hit) continue;
      const k = parseKernel(hit.release)!;
      const facts: Facts = { 'kernel.release': hit.release, 'kernel.base': k.base.join('.'), 'kernel.stream': k.stream };
      if (hit.arch) facts['kernel.arch'] = hit.arch;
      return { facts, warnings: [] };
    }
    return { facts: {}, warnings: [cannotRead('uname -r', 'no kernel release like `5.15.0-91-generic`', 'Try `uname -r`.')] };
  },
});
