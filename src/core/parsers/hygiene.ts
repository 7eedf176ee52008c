/**
 * Input hygiene for pasted terminal output: ANSI colour codes, CRLF, prompt
 * lines (`$ cmd`, `# cmd`, `user@host:~$ cmd`, `[root@host ~]# cmd`), trailing
 * prompts, blank lines around the paste, and several commands pasted at once.
 * Digit grouping (`1,234,567`) is left to the parsers that read counters
 * (`meta.groupedNumbers`): in other outputs a comma between digits is a list.
 */
import { PARSERS } from './registry.js';
import { shapeOf } from './lib/shell.js';

const ANSI_RE = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][A-Z0-9]|\x1b[=>]/g;
const USER_HOST_RE = /^\s*(?:\([^)\s]{1,40}\)\s*)?\[?[A-Za-z0-9_.-]{1,64}@[A-Za-z0-9_.-]{1,64}(?::[^\s$#%\]]{0,200})?(?:\s[^\]\s]{1,200})?\]?\s?[$#%]\s?(.*)$/;
const SHELL_RE = /^\s*(?:ba|z|k|a)?sh-\d+(?:\.\d+)*[$#]\s?(.*)$/;
const SIGIL_RE = /^\s*([$#%])\s(.*)$/;
const SIGIL_ONLY_RE = /^\s*[$#%]\s*$/;

/** Programs whose name after a `# ` proves the line is a root prompt, not a comment. */
const KNOWN_PROGRAMS: ReadonlySet<string> = new Set([
  ...PARSERS.flatMap((p) => p.meta.commands.map((c) => shapeOf(c).program)).filter((p) => /^[a-z]/.test(p)),
  'sudo', 'kubectl', 'docker', 'podman', 'crictl', 'nsenter', 'watch', 'for', 'while', 'ls', 'grep', 'egrep', 'awk', 'head', 'tail',
  'cat', 'journalctl', 'lsof', 'nslookup', 'host', 'getent', 'traceroute', 'tracepath', 'mtr', 'nc', 'telnet', 'systemctl', 'tc', 'nft',
  'conntrack', 'ethtool', 'ip', 'ss', 'netstat', 'nstat', 'sysctl', 'uname', 'ulimit', 'dig', 'ping', 'curl', 'dmesg', 'tcpdump', 'iptables',
  'iptables-save', 'ifconfig', 'arp', 'route', 'bpftrace', 'perf', 'env', 'time', 'timeout',
]);

/** What {@link cleanPaste} returns. */
export interface CleanPaste {
  /** The text without colour codes, CR, prompts and surrounding blank lines. */
  text: string;
  /** The command named by a leading prompt line, or null. */
  command: string | null;
}

/** One command's part of a multi-command paste. */
export interface PasteSegment {
  /** The command from its prompt line, or null for text before the first prompt. */
  command: string | null;
  /** Its output, cleaned. */
  text: string;
}

/**
 * If this line is a shell prompt, the command typed after it.
 * @param line one line
 * @returns the command ('' for a bare prompt), or undefined when it is not a prompt
 */
export function promptCommand(line: string): string | undefined {
  if (line.length > 2000) return undefined;
  if (SIGIL_ONLY_RE.test(line)) return '';
  const s = SIGIL_RE.exec(line);
  if (s) {
    const cmd = s[2].trim();
    if (s[1] === '$' || s[1] === '%') return cmd;
    // '# ' is also a comment: accept it only before a known program
    const prog = shapeOf(cmd).program;
    return KNOWN_PROGRAMS.has(prog) || /^\/proc\/|^\/etc\//.test(cmd) ? cmd : undefined;
  }
  const u = USER_HOST_RE.exec(line) ?? SHELL_RE.exec(line);
  if (u) return u[1].trim();
  return undefined;
}

/**
 * Remove colour codes and carriage returns.
 * @param text raw paste
 * @returns text with `\n` line ends and no escape sequences
 */
export function stripTerminal(text: string): string {
  let t = text;
  if (t.includes('\x1b')) t = t.replace(ANSI_RE, '');
  if (t.includes('\r')) t = t.replace(/\r\n?/g, '\n');
  if (t.charCodeAt(0) === 0xfeff) t = t.slice(1);
  return t;
}

function trimBlankLines(ls: string[]): string[] {
  let a = 0;
  let b = ls.length;
  while (a < b && ls[a].trim() === '') a++;
  while (b > a && ls[b - 1].trim() === '') b--;
  return ls.slice(a, b);
}

/** Could this line be a prompt? A cheap test before the regular expressions. */
function mayBePrompt(text: string, s: number, e: number): boolean {
  if (e - s > 2000) return false;
  for (let i = s; i < e; i++) {
    const c = text.charCodeAt(i);
    if (c === 36 || c === 35 || c === 37) return true; // $ # %
  }
  return false;
}

/**
 * Clean one paste. Works on positions, so a 100 MB paste is not split into lines.
 * @param text what the user pasted
 * @returns the cleaned text and the command named by a leading prompt line
 */
export function cleanPaste(text: string): CleanPaste {
  return cleanStripped(stripTerminal(String(text ?? '')));
}

/** {@link cleanPaste} of a text already through {@link stripTerminal}. */
function cleanStripped(t: string): CleanPaste {
  let start = 0;
  let end = t.length;
  let command: string | null = null;
  const lineEnd = (from: number) => {
    const i = t.indexOf('\n', from);
    return i < 0 || i > end ? end : i;
  };
  const isBlank = (s: number, e: number) => {
    for (let i = s; i < e; i++) {
      const c = t.charCodeAt(i);
      if (c !== 32 && c !== 9) return false;
    }
    return true;
  };
  const skipBlank = () => {
    while (start < end) {
      const e = lineEnd(start);
      if (!isBlank(start, e)) break;
      start = e + 1;
    }
  };
  const dropTrailingBlank = () => {
    while (end > start) {
      const s = t.lastIndexOf('\n', end - 1) + 1;
      if (!isBlank(Math.max(s, start), end)) break;
      end = Math.max(start, s - 1);
    }
  };
  skipBlank();
  dropTrailingBlank();
  if (start < end) {
    const e = lineEnd(start);
    const c = mayBePrompt(t, start, e) ? promptCommand(t.slice(start, e)) : undefined;
    if (c !== undefined) {
      command = c === '' ? null : c;
      start = Math.min(end, e + 1);
      skipBlank();
    }
  }
  while (end > start) {
    const s = Math.max(start, t.lastIndexOf('\n', end - 1) + 1);
    if (!mayBePrompt(t, s, end) || promptCommand(t.slice(s, end)) === undefined) break;
    end = Math.max(start, s - 1);
    dropTrailingBlank();
  }
  return { text: start === 0 && end === t.length ? t : t.slice(start, end), command };
}

/** A prompt line of a paste: where it starts and ends, and its command (null for a bare prompt). */
interface PromptLine {
  start: number;
  end: number;
  command: string | null;
}

/** The prompt lines of a text already through {@link stripTerminal}: the one pass over its lines. */
function promptLines(t: string): PromptLine[] {
  const out: PromptLine[] = [];
  let pos = 0;
  while (pos <= t.length) {
    let e = t.indexOf('\n', pos);
    if (e < 0) e = t.length;
    if (mayBePrompt(t, pos, e)) {
      const c = promptCommand(t.slice(pos, e));
      if (c !== undefined) out.push({ start: pos, end: e, command: c === '' ? null : c });
    }
    pos = e + 1;
  }
  return out;
}

/** Cut a stripped text at its prompt lines into cleaned segments. */
function segmentsAt(t: string, prompts: PromptLine[]): PasteSegment[] {
  const out: PasteSegment[] = [];
  let segStart = 0;
  let segCommand: string | null = null;
  const flush = (end: number) => {
    const body = cleanPaste(t.slice(segStart, end));
    if (segCommand !== null || body.text !== '') out.push({ command: segCommand, text: body.text });
  };
  for (const p of prompts) {
    if (p.start > 0 || segCommand !== null) flush(p.start);
    segStart = p.end + 1;
    segCommand = p.command;
  }
  if (segStart <= t.length) flush(t.length);
  return out.filter((x) => x.command !== null || x.text !== '');
}

/**
 * Split a paste holding several commands at their prompt lines.
 * @param text what the user pasted
 * @returns one segment per command (text before the first prompt, if any, first with command null)
 */
export function splitPaste(text: string): PasteSegment[] {
  const t = stripTerminal(String(text ?? ''));
  return segmentsAt(t, promptLines(t));
}

/**
 * Read a paste once: split it when two or more prompt lines name a command
 * (as {@link splitPaste}), else clean it (as {@link cleanPaste}). Colour codes
 * are stripped and the lines walked once, where calling both would do it twice.
 * @param text what the user pasted
 * @returns `segments` for several commands, else `clean`
 */
export function cleanOrSplit(text: string): { segments: PasteSegment[] } | { clean: CleanPaste } {
  const t = stripTerminal(String(text ?? ''));
  const prompts = promptLines(t);
  let commands = 0;
  for (const p of prompts) if (p.command !== null) commands++;
  return commands >= 2 ? { segments: segmentsAt(t, prompts) } : { clean: cleanStripped(t) };
}
