/**
 * # ulimit -a
 *
 * Reads shell resource limits from `ulimit -a` (bash, zsh, busybox sh), from
 * `cat /proc/<pid>/limits` (the limits of a running process: soft and hard),
 * and a bare number from `ulimit -n` / `ulimit -u` when the command says which.
 * A low open-files limit gives "Too many open files" (EMFILE) under load; a
 * low process limit gives "Resource temporarily unavailable" on fork.
 *
 * Usage: `ulimit -a`, `ulimit -n`, `cat /proc/$(pidof nginx)/limits`
 *
 * Output facts: `ulimit.openFiles`, `ulimit.maxUserProcesses` (number, or the
 * string `unlimited`), `ulimit.openFilesHard`, `ulimit.maxUserProcessesHard`
 * (from /proc/PID/limits), `ulimit.coreFileSize`, `ulimit.stackSize`,
 * `ulimit.maxLockedMemory`, `ulimit.pendingSignals`.
 *
 * Example (SLES, Azure docs):
 * ```
 * open files                      (-n) 1024
 * max user processes              (-u) unlimited
 * ```
 * gives `ulimit.openFiles = 1024`, `ulimit.maxUserProcesses = "unlimited"`.
 */
import type { Facts, FactValue } from '../facts/types.js';
import { blank, cannotRead, defineParser, fact, head, lines, nothing } from './lib/util.js';

const FLAG: Record<string, string> = {
  n: 'openFiles', u: 'maxUserProcesses', c: 'coreFileSize', s: 'stackSize', l: 'maxLockedMemory', i: 'pendingSignals',
  v: 'virtualMemory', f: 'fileSize', t: 'cpuTime', x: 'fileLocks', q: 'messageQueueBytes', p: 'pipeSize',
};
const LIMITS: Record<string, string> = {
  'Max open files': 'openFiles', 'Max processes': 'maxUserProcesses', 'Max core file size': 'coreFileSize', 'Max stack size': 'stackSize',
  'Max locked memory': 'maxLockedMemory', 'Max pending signals': 'pendingSignals', 'Max address space': 'virtualMemory',
  'Max file size': 'fileSize', 'Max cpu time': 'cpuTime', 'Max file locks': 'fileLocks', 'Max msgqueue size': 'messageQueueBytes',
};
/** busybox / dash: `-n: file descriptors               1024` (there -p is processes, -w locks). */
const BUSYBOX_RE = /^-([a-zA-Z]): [a-z][a-z ()-]*?\s(\S+)$/;
const BUSYBOX_FLAG: Record<string, string> = { ...FLAG_BASE(), p: 'maxUserProcesses', w: 'fileLocks' };
function FLAG_BASE(): Record<string, string> {
  return { n: 'openFiles', c: 'coreFileSize', s: 'stackSize', l: 'maxLockedMemory', v: 'virtualMemory', f: 'fileSize', t: 'cpuTime' };
}
const ULIMIT_RE = /^([A-Za-z][A-Za-z -]*?)\s*\((?:[^)]*,\s*)?-([a-zA-Z])\)\s+(\S+)\s*$/;

function val(s: string): FactValue {
  return /^\d+$/.test(s) ? Number(s) : s;
}

export const ulimit = defineParser({
  meta: {
    id: 'ulimit',
    commands: ['ulimit -a', 'ulimit -n', 'ulimit -u', 'ulimit -Hn', 'cat /proc/*/limits'],
    description: 'Resource limits (open files, processes) from ulimit -a or /proc/PID/limits',
    compatible: ['bash', 'zsh', 'busybox ash / dash (`-n: file descriptors 1024`)', '/proc/PID/limits'],
    detectHints: ['lines `open files                      (-n) 1024`', 'header `Limit  Soft Limit  Hard Limit  Units`'],
    tags: ['limits', 'files', 'processes'],
    facts: [
      fact('ulimit.openFiles', 'number', 'open files limit (-n, soft)', 'count'),
      fact('ulimit.maxUserProcesses', 'number', 'max user processes (-u, soft); the string `unlimited` when unlimited', 'count'),
      fact('ulimit.openFilesHard', 'number', 'hard open files limit (from /proc/PID/limits or ulimit -Hn)', 'count'),
      fact('ulimit.maxUserProcessesHard', 'number', 'hard process limit (from /proc/PID/limits)', 'count'),
      fact('ulimit.*', 'number', 'other limits: coreFileSize, stackSize, maxLockedMemory, pendingSignals, virtualMemory, fileSize, cpuTime, fileLocks, messageQueueBytes, pipeSize (`unlimited` as a string)'),
    ],
    cost: { readOnly: true, needsRoot: false, equivalents: ['cat /proc/<pid>/limits'] },
  },
  detect(text) {
    const ls = head(text, 30);
    if (ls.length === 0) return 0;
    if (/^Limit\s+Soft Limit\s+Hard Limit/.test(ls[0])) return 0.98;
    const hit = ls.filter((l) => l.length < 200 && (ULIMIT_RE.test(l.trim()) || BUSYBOX_RE.test(l.trim()))).length;
    return hit === 0 ? 0 : 0.4 + 0.6 * (hit / ls.length);
  },
  parse(text, command) {
    if (blank(text)) return nothing();
    const facts: Facts = {};
    const ls = lines(text).filter((l) => l.trim() !== '');
    const single = /ulimit\s+-(H|S)?([a-zA-Z])\b/.exec(command ?? '');
    if (ls.length === 1 && single && FLAG[single[2]] && /^(\d+|unlimited)$/.test(ls[0].trim())) {
      const name = FLAG[single[2]] + (single[1] === 'H' ? 'Hard' : '');
      return { facts: { [`ulimit.${name}`]: val(ls[0].trim()) }, warnings: [] };
    }
    for (const l of ls) {
      if (l.length > 300) continue;
      const t = l.trim();
      const b = BUSYBOX_RE.exec(t);
      if (b) {
        const name = BUSYBOX_FLAG[b[1]];
        if (name) facts[`ulimit.${name}`] = val(b[2]);
        continue;
      }
      const m = ULIMIT_RE.exec(t);
      if (m) {
        const name = FLAG[m[2]];
        if (name) facts[`ulimit.${name}`] = val(m[3]);
        continue;
      }
      for (const [label, name] of Object.entries(LIMITS)) {
        if (!t.startsWith(label + ' ')) continue;
        const parts = t.slice(label.length).trim().split(/\s+/);
        if (parts.length >= 2) {
          facts[`ulimit.${name}`] = val(parts[0]);
          facts[`ulimit.${name}Hard`] = val(parts[1]);
        }
      }
    }
    if (Object.keys(facts).length === 0) {
      return { facts, warnings: [cannotRead('ulimit -a', 'no lines like `open files  (-n) 1024`', 'Try `ulimit -a` in the shell that starts the service, or `cat /proc/<pid>/limits`.')] };
    }
    return { facts, warnings: [] };
  },
});
