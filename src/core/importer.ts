/**
 * Authoring helpers: the skeleton of a new case or note (`runbook new`), and
 * a drafter that turns a raw postmortem (markdown, plain text, zim wiki or
 * HTML; English or Chinese) into a case file draft (`runbook import`).
 *
 * The drafter guesses sections from headings and list labels (现象, 分析,
 * 排查, 原因, 解决, Solution, Root cause...), lifts shell commands out of
 * code blocks, inline code and prose, spots kernel versions and sysctl names,
 * records the source, and lists what it could not place. Pure and total:
 * it never throws on user text.
 */
import type { SectionKey } from './schema/case.js';
import { parseKernel } from './kernel.js';
import { sectionKeyFor } from './normalize/sections.js';

/** Options for {@link importPostmortem}. */
export interface ImportOptions {
  /** The postmortem's file name, recorded as the draft's source. */
  fileName: string;
  /** The id of the draft; default: made from the title. */
  id?: string;
}

/** A command found in the postmortem. */
export interface DraftCommand {
  /** The command line, prompt stripped. */
  command: string;
  /** Evidence (read-only) or fix (changes the system, or found under a fix heading). */
  section: 'evidence' | 'fix';
  /** `sudo`, or a command that needs privileges (tcpdump, iptables, writes to /proc...). */
  needsRoot: boolean;
  /** The line in the text as read (after HTML or zim conversion), 1-based. */
  line: number;
  /** Where it was found: a code block, inline code, a prose line, or made from sysctl names. */
  from: 'code' | 'inline' | 'prose' | 'sysctl-names';
  /** Text next to it in the postmortem (output lines, the sentence around it). */
  context: string;
}

/** Text the drafter could not put in a section. */
export interface Unplaced {
  /** 1-based line in the text as read. */
  line: number;
  /** The text. */
  text: string;
}

/** The input formats the drafter recognizes. */
export type ImportFormat = 'markdown' | 'text' | 'zim' | 'html';

/** Everything the drafter found, and the draft itself. */
export interface ImportResult {
  /** The draft's id. */
  id: string;
  /** The guessed title. */
  title: string;
  /** The format the input was read as. */
  format: ImportFormat;
  /** Raw text placed in each section, in order. */
  sections: Record<SectionKey, string[]>;
  /** Commands found, in order, without duplicates. */
  commands: DraftCommand[];
  /** Kernel versions mentioned (as written). */
  kernels: string[];
  /** Sysctl names mentioned, dotted (`net.ipv4.tcp_tw_recycle`). */
  sysctls: string[];
  /** URLs mentioned. */
  urls: string[];
  /** Text that went in no section. */
  unplaced: Unplaced[];
  /** Tags guessed from the words used. */
  tags: string[];
  /** The case file draft, in the format of content/cases/*.md, with TODO markers. */
  draft: string;
}

const SECTION_ORDER: SectionKey[] = ['symptom', 'evidence', 'rootCause', 'fix', 'applies', 'sources'];

// ---------------------------------------------------------------------------
// Ids and the skeleton for `runbook new`

/**
 * Make an id from free text: lowercase ASCII words joined by hyphens.
 * @param text a title, a file name or an id with mistakes
 * @returns the id, or an empty string when the text has no ASCII letters or digits
 */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\.[a-z0-9]{1,5}$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .replace(/-{2,}/g, '-')
    .slice(0, 60)
    .replace(/-+$/, '');
}

/**
 * The text of a new case or note file: a commented front matter skeleton
 * and every section, with TODO markers where the author writes. Once the
 * TODOs are replaced (and a command written under Evidence) it passes
 * `runbook check`.
 * @param id the entry id (lowercase words joined by hyphens)
 * @param kind `case` (default) or `note`
 * @returns the file text
 */
export function scaffoldEntry(id: string, kind: 'case' | 'note' = 'case'): string {
  if (kind === 'note') {
    return `---
# A background note: material that several cases rely on. See docs/writing-cases.md.
id: ${yamlId(id)}
kind: note
# A title an engineer would recognize.
title: "TODO: the note's title"
# One or two sentences: what the note explains.
summary: >-
  TODO: what this note explains and which cases rely on it.
# Lowercase words, e.g. [tcp, timestamps].
tags: []
# Where the knowledge comes from: a seed file and its section, or a url.
sources:
  - note: "TODO: the source (seed file and section, or url)"
  # - seed: 001_ffbba08da076dbdc.txt
  #   section: the section title in the seed
  # - url: https://example.com/article
# Ids of the cases that use this note.
related: []
---

## Overview

TODO: the background, short and exact.

## Details

TODO: the mechanism, with the numbers and names a reader needs.
`;
  }
  return `---
# Front matter: what a machine reads. Every field is described in docs/writing-cases.md.
id: ${yamlId(id)}
kind: case
# A title an engineer would recognize.
title: "TODO: the case's title"
# Two sentences: what happens, and why.
summary: >-
  TODO: what the user sees, and the mechanism behind it.
# How users describe the problem; aliases hold other phrasings (Chinese welcome).
symptoms:
  - text: "TODO: the symptom as a user would say it"
    aliases: []
# Lowercase words, e.g. [tcp, nat, conntrack].
tags: []
# Machine checks over facts (\`runbook facts\` lists the fact names).
# op: == != > >= < <= exists matches increased; combine conditions with all / any / not.
# weight: required | strong | supporting | rules-out
signals: []
#  - when: { fact: netstat.TcpExt.ListenOverflows, op: increased }
#    weight: strong
#    says: the listen queue overflow counter is rising
applies:
  # Kernel range: <4.12, >=3.18 <4.10, el7 <3.10.0-1062.1.1, <4.12 || >=5.10, or any.
  kernel: any
  # Distributions or images, e.g. [RHEL 7, alpine].
  distros: []
  # Libraries and runtimes with versions:
  # libraries:
  #   - name: glibc
  #     versions: ">= 2.9"
  #     note: single-request-reopen
sources:
  - note: "TODO: the source (seed file and section, or url)"
  # - seed: 001_ffbba08da076dbdc.txt
  #   section: the section title in the seed
  # - url: https://example.com/postmortem
# Ids of cases that share a mechanism; say in the text how to tell them apart.
related: []
---

## Symptom

TODO: what the user sees, in their words: error messages, which clients, how often.

## Evidence

\`\`\`sh
# TODO: one read-only command per line; use \`\`\`sh root for commands that need root
\`\`\`

TODO: what to look for in the output: the exact counter names and wording.

## Root cause

TODO: the mechanism, so that a mid-level engineer understands it.

## Fix

1. TODO: the steps in order.

\`\`\`sh root
# TODO: the exact commands or configuration
\`\`\`

### Risks

- TODO: the risks and trade-offs of each step.

## Applies to

TODO: kernel versions, distribution builds, libraries and images.
`;
}

// ---------------------------------------------------------------------------
// Reading the input into lines

/** Turn an HTML page into markdown-ish text: headings, code blocks, lists, inline code. */
function htmlToText(html: string): string {
  let s = html;
  const start = s.search(/<!doctype html|<html[\s>]/i);
  if (start > 0) s = s.slice(start);
  s = s
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(script|style|head|nav|footer|noscript|svg)\b[\s\S]*?<\/\1\s*>/gi, '')
    // hexo/highlight.js tables: drop the line-number gutter, keep the code cell
    .replace(/<td[^>]*class="[^"]*gutter[^"]*"[^>]*>[\s\S]*?<\/td>/gi, '')
    .replace(/<pre\b[^>]*>([\s\S]*?)<\/pre>/gi, (_m, code: string) => {
      const body = decodeEntities(code.replace(/<br\s*\/?>/gi, '\n').replace(/<[^>]+>/g, ''));
      return `\n\n\`\`\`\n${body.replace(/^\n+|\n+$/g, '')}\n\`\`\`\n\n`;
    })
    .replace(/<h([1-6])\b[^>]*>([\s\S]*?)<\/h\1\s*>/gi, (_m, n: string, t: string) => `\n\n${'#'.repeat(Number(n))} ${oneLine(t)}\n\n`)
    .replace(/<code\b[^>]*>([\s\S]*?)<\/code>/gi, (_m, t: string) => `\`${oneLine(t).replace(/`/g, "'")}\``)
    .replace(/<li\b[^>]*>/gi, '\n- ')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/?(p|div|ul|ol|table|tr|blockquote|section|article|figure|header|h\d)\b[^>]*>/gi, '\n\n')
    .replace(/<[^>]+>/g, '');
  // Decode entities outside code fences (fenced code was decoded already).
  const parts = s.split(/(\n```\n[\s\S]*?\n```\n)/);
  s = parts.map((p, i) => (i % 2 === 1 ? p : decodeEntities(p))).join('');
  return s
    .split('\n')
    .map((l) => l.replace(/[ \t]+$/g, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n');
}

function oneLine(html: string): string {
  return decodeEntities(html.replace(/<[^>]+>/g, '')).replace(/\s+/g, ' ').trim();
}

function decodeEntities(s: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ldquo: '“', rdquo: '”', lsquo: '‘', rsquo: '’', mdash: '—', ndash: '–', hellip: '…' };
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : m;
    }
    return named[e.toLowerCase()] ?? m;
  });
}

/** Zim wiki to markdown, line for line (so line numbers stay those of the file). */
function zimToText(text: string): string {
  let inVerbatim = false;
  return text
    .split('\n')
    .map((line, i) => {
      if (/^'''\s*$/.test(line.trim())) {
        inVerbatim = !inVerbatim;
        return line.replace("'''", '```');
      }
      if (inVerbatim) return line;
      if (i < 6 && /^(Content-Type|Wiki-Format|Creation-Date):/.test(line)) return '';
      if (/^Created\s/.test(line)) return '';
      const h = /^\s*(?:\*\s+)?(={2,})\s*(.*?)\s*={2,}\s*$/.exec(line);
      if (h) return `${'#'.repeat(Math.max(1, 7 - Math.min(h[1].length, 6)))} ${h[2]}`;
      return line.replace(/''([^']+)''/g, '`$1`').replace(/^(\s*)\*\s/, '$1- ');
    })
    .join('\n');
}

function detectFormat(text: string): ImportFormat {
  if (/^Content-Type:\s*text\/x-zim-wiki/im.test(text.slice(0, 300)) || /^={3,6} .+ ={3,6}\s*$/m.test(text)) return 'zim';
  const tags = (text.match(/<\/?(p|div|h[1-6]|pre|code|span|a|li|br|html|body|table)\b[^>]*>/gi) ?? []).length;
  if (/<!doctype html|<html[\s>]/i.test(text) || tags > 20) return 'html';
  if (/^\s{0,3}#{1,6}\s*\S/m.test(text) || /^\s*```/m.test(text) || /^\s*[-*+]\s+\S/m.test(text)) return 'markdown';
  return 'text';
}

// ---------------------------------------------------------------------------
// Blocks

type Block =
  | { kind: 'heading'; level: number; text: string; line: number }
  | { kind: 'code'; lang: string; lines: string[]; line: number; indent: number }
  | { kind: 'line'; text: string; line: number; indent: number; listItem: boolean };

function indentOf(line: string): number {
  let n = 0;
  for (const ch of line) {
    if (ch === ' ') n++;
    else if (ch === '\t') n += 4;
    else break;
  }
  return n;
}

function toBlocks(text: string, format: ImportFormat): Block[] {
  const blocks: Block[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const trimmed = raw.trim();
    if (trimmed === '') continue;
    const fence = /^(`{3,}|~{3,})\s*([\w+-]*)/.exec(trimmed);
    if (fence) {
      const indent = indentOf(raw);
      const body: string[] = [];
      let j = i + 1;
      for (; j < lines.length; j++) {
        const t = lines[j].trim();
        if (t.startsWith(fence[1][0].repeat(fence[1].length)) && t.replace(/[`~]/g, '') === '') break;
        body.push(lines[j]);
      }
      const common = Math.min(...body.filter((l) => l.trim() !== '').map(indentOf), Infinity);
      blocks.push({ kind: 'code', lang: fence[2].toLowerCase(), lines: body.map((l) => dedent(l, common === Infinity ? 0 : common)), line: i + 1, indent });
      i = j;
      continue;
    }
    const h = /^\s{0,3}(#{1,6})\s*(\S.*?)\s*#*\s*$/.exec(raw);
    if (h && (format !== 'text' || h[1].length >= 2)) {
      blocks.push({ kind: 'heading', level: h[1].length, text: h[2], line: i + 1 });
      continue;
    }
    if (/^[-=*_]{3,}$/.test(trimmed)) continue; // horizontal rules and setext underlines
    const listItem = /^([-*+]|\d+[.)、]|[a-z][.)])\s*\S/.test(trimmed);
    blocks.push({ kind: 'line', text: trimmed, line: i + 1, indent: indentOf(raw), listItem });
  }
  return blocks;
}

function dedent(line: string, n: number): string {
  let i = 0;
  let col = 0;
  while (i < line.length && col < n && (line[i] === ' ' || line[i] === '\t')) {
    col += line[i] === '\t' ? 4 : 1;
    i++;
  }
  return line.slice(i);
}

// ---------------------------------------------------------------------------
// Section labels

/** Label words beyond the normalizer's headings, most specific first (longest wins). */
const LABELS: [string, SectionKey][] = [
  // symptom
  ['问题现象', 'symptom'], ['故障现象', 'symptom'], ['现象', 'symptom'], ['症状', 'symptom'], ['问题描述', 'symptom'], ['问题', 'symptom'],
  ['表象', 'symptom'], ['bug现场', 'symptom'], ['背景', 'symptom'], ['symptoms', 'symptom'], ['symptom', 'symptom'], ['issue', 'symptom'],
  ['problem', 'symptom'], ['what happened', 'symptom'], ['impact', 'symptom'],
  // evidence
  ['排查过程', 'evidence'], ['分析过程', 'evidence'], ['排查', 'evidence'], ['分析', 'evidence'], ['定位', 'evidence'], ['诊断', 'evidence'],
  ['抓包', 'evidence'], ['监控', 'evidence'], ['复现', 'evidence'], ['重现', 'evidence'], ['测试', 'evidence'], ['验证', 'evidence'],
  ['investigation', 'evidence'], ['analysis', 'evidence'], ['diagnosis', 'evidence'], ['debugging', 'evidence'], ['troubleshooting', 'evidence'],
  ['evidence', 'evidence'], ['reproduce', 'evidence'], ['reproduction', 'evidence'], ['how to confirm', 'evidence'], ['timeline', 'evidence'],
  // root cause
  ['根本原因', 'rootCause'], ['原因分析', 'rootCause'], ['根因', 'rootCause'], ['原因', 'rootCause'], ['结论', 'rootCause'], ['总结', 'rootCause'],
  ['root cause', 'rootCause'], ['cause', 'rootCause'], ['why', 'rootCause'], ['details', 'rootCause'], ['conclusion', 'rootCause'], ['summary', 'rootCause'],
  // fix
  ['最后解决办法', 'fix'], ['解决步骤', 'fix'], ['解决方案', 'fix'], ['解决方法', 'fix'], ['解决办法', 'fix'], ['尝试修复', 'fix'], ['解决', 'fix'],
  ['修复', 'fix'], ['处理', 'fix'], ['优化', 'fix'], ['建议', 'fix'], ['综上', 'fix'], ['solution', 'fix'], ['fix', 'fix'], ['resolution', 'fix'],
  ['workaround', 'fix'], ['mitigation', 'fix'], ['remediation', 'fix'],
  // applies
  ['影响范围', 'applies'], ['影响版本', 'applies'], ['适用', 'applies'], ['环境介绍', 'applies'], ['环境', 'applies'], ['applies to', 'applies'],
  ['affected versions', 'applies'], ['environment', 'applies'], ['versions', 'applies'],
  // sources
  ['参考资料', 'sources'], ['参考', 'sources'], ['来源', 'sources'], ['references', 'sources'], ['reference', 'sources'], ['sources', 'sources'],
  ['links', 'sources'], ['further reading', 'sources'],
];
LABELS.sort((a, b) => b[0].length - a[0].length);

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
const CJK_OR_FULLWIDTH = /[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]/;

function keyForLabel(label: string): SectionKey | undefined {
  const l = label
    .toLowerCase()
    .replace(/[*_`#]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (l === '') return undefined;
  const std = sectionKeyFor(l);
  if (std) return std;
  for (const [word, key] of LABELS) {
    if (CJK.test(word)) {
      if (l.startsWith(word) || (word.length >= 3 && l.includes(word))) return key;
    } else if (l === word || l.startsWith(`${word} `) || l.startsWith(`${word}/`)) return key;
  }
  return undefined;
}

/**
 * Is this line a section label, like "现象：", "- Solution", "6.最后解决办法：" or
 * "Root cause: the backlog..."? Returns the key and the text after the label.
 */
function labelOf(text: string): { key: SectionKey; rest: string } | undefined {
  const t = text
    .replace(/^([-*+]|\d+[.)、]|[a-z][.)])\s*/, '')
    .replace(/^\*\*(.+?)\*\*/, '$1')
    .trim();
  const colon = /^([^:：]{1,24}?)\s*[:：]\s*(.*)$/.exec(t);
  if (colon) {
    const key = keyForLabel(colon[1]);
    if (key && (CJK.test(colon[1]) ? colon[1].length <= 12 : colon[1].split(' ').length <= 4)) return { key, rest: colon[2].trim() };
  }
  const short = CJK.test(t) ? t.length <= 12 : t.split(/\s+/).length <= 4;
  if (short && !/[。，,.?？!！;；]$/.test(t)) {
    const key = keyForLabel(t);
    if (key) return { key, rest: '' };
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Commands

/** Commands the drafter recognizes, with the shape their arguments must have. */
const COMMANDS: Record<string, { args?: RegExp; alone?: boolean }> = {
  netstat: { alone: true },
  ss: { args: /^(-\w|state\b|sport\b|dport\b|dst\b|src\b)/, alone: true },
  nstat: { alone: true },
  sysctl: { args: /^(-[a-zA-Z]+\s+)*((net|kernel|vm|fs)\.\S+|-[apwe]\b)/ },
  tcpdump: { args: /^\S/ },
  tshark: { args: /^\S/ },
  conntrack: { args: /^-/ },
  ethtool: { args: /^(-\w+\s+)?[a-z][\w.-]*\d\b/ },
  ip: { args: /^(-[\w]+\s+)*(a|addr|address|link|l|route|r|neigh|n|rule|netns|tcp_metrics|maddr|monitor|xfrm)\b/ },
  ifconfig: { alone: true, args: /^(-a\b|[a-z]+\d)/ },
  dig: { args: /^(\+|@|-[a-z]|[\w-]+\.[a-z])/i },
  nslookup: { args: /^[\w-]+(\.[\w-]+)+/ },
  curl: { args: /^(-|['"]?https?:)/ },
  strace: { args: /^-/ },
  perf: { args: /^(top|record|report|stat|trace|script|sched)\b/ },
  cat: { args: /^\/(proc|sys|etc)\// },
  echo: { args: />\s*\/(proc|sys)\// },
  iptables: { args: /^-/ },
  'iptables-save': { alone: true },
  ip6tables: { args: /^-/ },
  ipvsadm: { alone: true, args: /^-/ },
  ping: { args: /^(-|\d+\.\d+\.\d+\.\d+|[\w-]+\.[\w-])/ },
  traceroute: { args: /^\S/ },
  tracepath: { args: /^\S/ },
  mtr: { args: /^\S/ },
  telnet: { args: /^[\w.:-]+\s+\d+/ },
  nc: { args: /^-/ },
  lsof: { alone: true, args: /^-/ },
  ulimit: { args: /^-\w/ },
  arping: { args: /^-/ },
  nsenter: { args: /^-/ },
  dmesg: { alone: true, args: /^-/ },
  uname: { args: /^-\w/ },
  mpstat: { alone: true, args: /^-/ },
  sar: { args: /^-/ },
  tc: { args: /^(-s\s+)?(qdisc|class|filter)\b/ },
  route: { args: /^(-n|add|del)\b/ },
  arp: { args: /^-/ },
  dropwatch: { args: /^-/ },
  bpftrace: { args: /^\S/ },
  stap: { args: /^\S/ },
  sysbench: { args: /^-/ },
  mysql: { args: /^-/ },
  python: { args: /^(-m\s|\S+\.py\b)/ },
  python3: { args: /^(-m\s|\S+\.py\b)/ },
  go: { args: /^(run|build|test|tool)\b/ },
  kubectl: { args: /^(exec|get|describe|logs|run|debug|top)\b/ },
  docker: { args: /^(exec|run|logs|inspect|ps|network|top)\b/ },
  ps: { args: /^(-\w|aux\b|axu\b)/ },
  systemctl: { args: /^(status|restart|reload|show)\b/ },
  journalctl: { args: /^-/ },
};

/** Commands that change the system: they belong under Fix, never Evidence. */
const MUTATING =
  /^(echo\s.*>\s*\/(proc|sys)\/|sysctl\s+(-\w*w\b|.*=)|ethtool\s+-[sKGAL]\b|ip\s+(-\w+\s+)*(link|l|addr|address|a|route|r|rule|neigh|n)\s+(set|add|del|delete|change|replace|flush)\b|ifconfig\s+\S+\s+(mtu|up|down|\d)|ip6?tables\s.*-[AIDRNFXP]\s|ip6?tables\s+-[AIDRNFXP]\b|ulimit\s+(-\w+\s+)*-?\w*\s*\d|tc\s+qdisc\s+(add|change|replace|del)\b|route\s+(add|del)\b|conntrack\s+-[DF]\b|ipvsadm\s+-[AaEeDdC]\b|systemctl\s+(restart|reload)\b)/;

/** Commands that need root. */
const NEEDS_ROOT = /^(tcpdump|tshark|ip6?tables|iptables-save|ipvsadm|conntrack|dropwatch|perf|nsenter|arping|bpftrace|stap)\b|^strace\s.*-p\b/;

/** Is the argument text of a known command plausible? */
function commandShape(line: string): { ok: boolean; word: string } {
  const rest = line.replace(/^sudo\s+(-\S+\s+)*/, '').replace(/^([A-Z_][A-Z0-9_]*=("[^"]*"|'[^']*'|\S+)\s+)+/, '');
  const m = /^([a-z][\w.+-]*)(?:\s+(.*))?$/.exec(rest);
  if (!m) return { ok: false, word: '' };
  const spec = COMMANDS[m[1]];
  if (!spec) return { ok: false, word: m[1] };
  const args = (m[2] ?? '').trim();
  if (args === '') return { ok: Boolean(spec.alone), word: m[1] };
  return { ok: spec.args ? spec.args.test(args) : true, word: m[1] };
}

/** Strip a prompt (`$ `, `# `, `#cmd`, `user@host:~$ `, `[root@x ~]# `); undefined when the line has none. */
function stripPrompt(line: string): { text: string; sign: '$' | '#'; spaced: boolean } | undefined {
  const m = /^(?:\[[^\]]+\]|[\w.-]+@[\w.-]+(?::[^$#\s]*)?)?\s*([$#])(\s*)(\S.*)$/.exec(line.trim());
  if (!m) return undefined;
  return { text: m[3].trim(), sign: m[1] as '$' | '#', spaced: m[2] !== '' };
}

/**
 * After `#` (a root prompt, or a comment), is this a command? A known command, or one run with
 * environment variables (`GODEBUG=... go run`); other shell words only right after the `#`
 * (`#grep ...`), since `# find the leak` is a comment.
 */
function looksRunnable(p: { text: string; spaced: boolean }): boolean {
  return commandShape(p.text).ok || /^[A-Z_][A-Z0-9_]*=\S+\s+[a-z]/.test(p.text) || (!p.spaced && GENERIC_SHELL.test(p.text));
}

const SHELL_LANGS = new Set(['sh', 'bash', 'shell', 'console', 'zsh', 'shell-session', 'terminal']);
const GENERIC_SHELL = /^(ls|grep|egrep|awk|sed|xargs|lsns|find|cut|sort|uniq|wc|head|tail|watch|time|timeout|openssl|ssh|scp|nohup|kill|ulimit|sudo|env|export|chmod|mount|modprobe|lsmod)\b/;

/** Tidy a command found in prose: trailing punctuation, the output `cat` printed beside it. */
function tidy(command: string): { command: string; output?: string } {
  let c = command
    .replace(/[“”]/g, '"')
    .replace(/[‘’]/g, "'")
    .replace(/\s+/g, ' ')
    .replace(/[\s,.;:，。；：、]+$/, '')
    .trim();
  c = c.replace(/\s+\((?=[a-zA-Z ]+\))[^)]*\)$/, '').trim();
  while (/[)）]$/.test(c) && (c.match(/[(（]/g) ?? []).length < (c.match(/[)）]/g) ?? []).length) c = c.slice(0, -1).trim();
  const cat = /^((?:sudo\s+)?cat\s+\/(?:proc|sys)\/\S+)\s+(\S.*)$/.exec(c);
  if (cat && !/[|<>]/.test(cat[2])) return { command: cat[1], output: cat[2] };
  return { command: c };
}

/** A known command word and the ASCII text after it, up to the next Chinese character. */
const EMBEDDED = new RegExp(
  `(?<![A-Za-z0-9_./=-])((?:sudo\\s+)?(?:${Object.keys(COMMANDS)
    .sort((a, b) => b.length - a.length)
    .map((w) => w.replace(/[.+]/g, '\\$&'))
    .join('|')})(?![\\w-])[^\\u3000-\\u303f\\u3400-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef]*)`,
);

/** Commands inside one line of prose (whole-line commands, or ASCII runs in Chinese text). */
function commandsInProse(text: string): { command: string; output?: string }[] {
  const line = text.replace(/^([-*+]|\d+[.)、]|[a-z][.)])\s+/, '').trim();
  if (!CJK_OR_FULLWIDTH.test(line)) {
    const t = tidy(line);
    return commandShape(t.command).ok && line.length < 400 ? [t] : [];
  }
  const out: { command: string; output?: string }[] = [];
  const re = new RegExp(EMBEDDED.source, 'g');
  for (let m = re.exec(line); m; m = re.exec(line)) {
    let run = m[1].split(/,\s|;\s|\s\((?=[a-zA-Z ]+\))/)[0];
    run = run.replace(/\s+(和|或|与|and|or)$/i, '');
    const t = tidy(run);
    if (commandShape(t.command).ok) out.push(t);
  }
  return out;
}

/** Inline code spans of a line. */
function inlineCode(text: string): string[] {
  return [...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1].trim());
}

// ---------------------------------------------------------------------------
// Kernel versions, sysctls, urls, tags

const KNOWN_BARE_SYSCTLS: Record<string, string> = {
  tcp_tw_recycle: 'net.ipv4', tcp_tw_reuse: 'net.ipv4', tcp_timestamps: 'net.ipv4', tcp_max_syn_backlog: 'net.ipv4', tcp_syncookies: 'net.ipv4',
  tcp_abort_on_overflow: 'net.ipv4', tcp_max_tw_buckets: 'net.ipv4', tcp_fin_timeout: 'net.ipv4', tcp_window_scaling: 'net.ipv4', tcp_rmem: 'net.ipv4',
  tcp_wmem: 'net.ipv4', tcp_sack: 'net.ipv4', tcp_reordering: 'net.ipv4', tcp_keepalive_time: 'net.ipv4', tcp_keepalive_intvl: 'net.ipv4',
  tcp_keepalive_probes: 'net.ipv4', tcp_mtu_probing: 'net.ipv4', tcp_synack_retries: 'net.ipv4', tcp_syn_retries: 'net.ipv4',
  ip_local_port_range: 'net.ipv4', ip_forward: 'net.ipv4', somaxconn: 'net.core', rmem_default: 'net.core', rmem_max: 'net.core',
  wmem_default: 'net.core', wmem_max: 'net.core', netdev_max_backlog: 'net.core', nf_conntrack_max: 'net.netfilter',
};

function findSysctls(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?<![\w./-])(net\.(?:ipv4|ipv6|core|netfilter|unix|bridge|nf_conntrack_max)(?:\.[a-z0-9_]+)*|(?:kernel|vm|fs)\.[a-z0-9]+_[a-z0-9_]+)(?![\w-])/g)) {
    if (m[1].split('.').length >= 2 && !/\.$/.test(m[1])) found.push(m[1]);
  }
  for (const m of text.matchAll(/\/proc\/sys\/((?:net|kernel|vm|fs)\/[\w/]+\w)/g)) found.push(m[1].replace(/\//g, '.'));
  for (const m of text.matchAll(/(?<![\w.\/])([a-z_]+)(?![\w])/g)) {
    const ns = KNOWN_BARE_SYSCTLS[m[1]];
    if (ns) found.push(`${ns}.${m[1]}`);
  }
  return unique(found.filter((s) => !/^net\.(ipv4|ipv6|core|netfilter)$/.test(s)));
}

function findKernels(text: string): string[] {
  const found: { at: number; v: string }[] = [];
  const full = /(?<![\w.])([2-6]\.\d{1,2}\.\d{1,3}-\d+(?:\.\d+)*(?:[.-](?:el\d+(?:_\d+)?|al\d+|an\d+|amzn\d+|fc\d+|generic|amd64|cloud-amd64|x86_64|aarch64|azure|aws))*)(?![\w.]*\d)/g;
  for (const m of text.matchAll(full)) found.push({ at: m.index ?? 0, v: m[1] });
  const before = /(?:kernel|内核|linux)\s*(?:版本|version)?\s*(?:是|为|:|：|v)?\s*([2-6]\.\d{1,2}(?:\.\d{1,4})?)(?![\d.]*\d|\.x|-\d)/gi;
  for (const m of text.matchAll(before)) found.push({ at: m.index ?? 0, v: m[1] });
  const after = /(?<![\w.])([2-6]\.\d{1,2}(?:\.\d{1,4})?)(?![\d.]*\d)\s*(?:的)?\s*(?:内核|kernel)/gi;
  for (const m of text.matchAll(after)) found.push({ at: m.index ?? 0, v: m[1] });
  return unique(found.sort((a, b) => a.at - b.at).map((f) => f.v)).filter((v) => parseKernel(v) !== undefined);
}

const TAG_WORDS: [RegExp, string][] = [
  [/\btcp\b/i, 'tcp'], [/\budp\b/i, 'udp'], [/\bdns\b|域名解析/i, 'dns'], [/\bs?nat\b/i, 'nat'], [/conntrack/i, 'conntrack'],
  [/\blvs\b|ipvs/i, 'lvs'], [/timestamp|paws/i, 'timestamps'], [/\bmtu\b|\bmss\b|分片/i, 'mtu'], [/\bsyn\b|三次握手/i, 'syn'],
  [/time_?wait/i, 'time-wait'], [/close_?wait/i, 'close-wait'], [/iptables/i, 'iptables'], [/kubernetes|\bk8s\b|\bpod\b/i, 'kubernetes'],
  [/docker|container|容器/i, 'containers'], [/\bgolang\b|\bgo\b /i, 'go'], [/\brst\b|reset/i, 'rst'], [/softirq|软中断/i, 'softirq'],
];

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

// ---------------------------------------------------------------------------
// The drafter

/**
 * Draft a case from a raw postmortem. Never throws: on an internal failure it
 * returns a skeleton draft and says so in `unplaced`.
 * @param text the postmortem (markdown, plain text, zim wiki or HTML)
 * @param opts the file name (recorded as the source) and an optional id
 * @returns what was found, and the draft case file
 */
export function importPostmortem(text: string, opts: ImportOptions): ImportResult {
  try {
    return draftFrom(String(text ?? ''), opts);
  } catch (e) {
    const id = opts.id || slugify(opts.fileName) || 'imported-case';
    const empty = Object.fromEntries(SECTION_ORDER.map((k) => [k, []])) as unknown as Record<SectionKey, string[]>;
    return {
      id,
      title: opts.fileName,
      format: 'text',
      sections: empty,
      commands: [],
      kernels: [],
      sysctls: [],
      urls: [],
      tags: [],
      unplaced: [{ line: 1, text: `the importer could not read this file (${(e as Error)?.message ?? String(e)}); the draft is an empty skeleton` }],
      draft: scaffoldEntry(id),
    };
  }
}

function draftFrom(input: string, opts: ImportOptions): ImportResult {
  const source = input.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').replace(/\u0000/g, '');
  const format = detectFormat(source);
  const text = format === 'html' ? htmlToText(source) : format === 'zim' ? zimToText(source) : source;
  const blocks = toBlocks(text, format);

  const sections = Object.fromEntries(SECTION_ORDER.map((k) => [k, [] as string[]])) as Record<SectionKey, string[]>;
  const unplaced: Unplaced[] = [];
  const commands: DraftCommand[] = [];
  const seen = new Set<string>();
  let current: { key: SectionKey; level: number; indent: number } | undefined;
  let lastTopic: string | undefined;
  let titleTopic: string | undefined;
  let firstHeading: string | undefined;

  const addCommand = (raw: string, line: number, from: DraftCommand['from'], context: string) => {
    const command = raw.trim();
    if (command === '' || command.length > 400) return;
    const bare = command.replace(/^sudo\s+(-\S+\s+)*/, '');
    if (seen.has(bare)) return;
    seen.add(bare);
    const mutating = MUTATING.test(bare);
    const section: DraftCommand['section'] = mutating || current?.key === 'fix' ? 'fix' : 'evidence';
    const needsRoot = /^sudo\s/.test(command) || NEEDS_ROOT.test(bare) || mutating;
    commands.push({ command, section, needsRoot, line, from, context: context.trim().slice(0, 300) });
  };

  const place = (textLine: string, line: number) => {
    if (current) sections[current.key].push(textLine);
    else unplaced.push({ line, text: textLine });
  };

  for (let b = 0; b < blocks.length; b++) {
    const block = blocks[b];
    if (block.kind === 'heading') {
      firstHeading ??= cleanTitle(block.text);
      const label = labelOf(block.text);
      if (label) {
        titleTopic ??= lastTopic ?? firstHeading;
        current = { key: label.key, level: block.level, indent: 0 };
        if (label.rest) place(label.rest, block.line);
        continue;
      }
      if (!current || block.level <= current.level) {
        // a new topic: it names what follows (and may be the title), it is not content
        current = undefined;
        lastTopic = cleanTitle(block.text);
      } else {
        place(`**${block.text}**`, block.line);
      }
      continue;
    }
    if (block.kind === 'code') {
      const isShell = SHELL_LANGS.has(block.lang);
      const rest: string[] = [];
      const found: { cmd: string; at: number }[] = [];
      block.lines.forEach((l, i) => {
        const t = l.trim();
        if (t === '') return;
        const p = stripPrompt(t);
        // `$ anything` is a command; after `#` (a root prompt or a comment) only a recognizable one
        if (p && (p.sign === '$' || looksRunnable(p))) {
          found.push({ cmd: p.text, at: i });
        } else if (!p && !t.startsWith('//') && (commandShape(t).ok || (isShell && GENERIC_SHELL.test(t)))) {
          found.push({ cmd: t, at: i });
        } else {
          rest.push(l);
        }
      });
      found.forEach((f, k) => {
        const output = block.lines
          .slice(f.at + 1, found[k + 1]?.at ?? block.lines.length)
          .filter((l) => l.trim() !== '')
          .slice(0, 4)
          .join('\n');
        addCommand(f.cmd, block.line + 1 + f.at, 'code', output);
      });
      if (rest.some((l) => l.trim() !== '')) place('```output\n' + rest.join('\n').replace(/```/g, "'''") + '\n```', block.line);
      continue;
    }
    // a line of prose or a list item
    const label = labelOf(block.text);
    if (label && (!block.listItem || block.text.length < 80)) {
      titleTopic ??= lastTopic ?? firstHeading;
      current = { key: label.key, level: current?.level ?? 7, indent: block.indent };
      if (label.rest) handleProse(label.rest, block);
      continue;
    }
    if (current && block.listItem && block.indent < current.indent) {
      current = undefined;
    }
    if (!current && block.listItem && block.indent === 0 && isTopicItem(blocks, b)) {
      lastTopic = cleanTitle(block.text.replace(/^([-*+]|\d+[.)、])\s*/, ''));
    }
    handleProse(block.text, block);
  }

  function handleProse(textLine: string, block: { line: number }) {
    let took = false;
    for (const code of inlineCode(textLine)) {
      const t = tidy(code);
      if (commandShape(t.command).ok) {
        addCommand(t.command, block.line, 'inline', textLine);
        took = true;
      }
    }
    let wholeLine = false;
    if (!took) {
      const next = blocks.find((x) => x.kind === 'line' && x.line > block.line);
      for (const c of commandsInProse(textLine)) {
        const nextLine = next && next.kind === 'line' && !CJK.test(next.text) && !commandsInProse(next.text).length ? next.text : '';
        const alone = tidy(textLine.replace(/^([-*+]|\d+[.)、]|[a-z][.)])\s+/, '')).command === c.command;
        wholeLine ||= alone;
        const around = alone ? '' : textLine;
        addCommand(c.command, block.line, 'prose', [c.output ? `printed: ${c.output}` : '', around, nextLine].filter(Boolean).join('\n'));
      }
    }
    // a line that is only a command is placed as that command
    if (!wholeLine) place(textLine, block.line);
  }

  const all = text;
  const sysctls = findSysctls(all);
  const kernels = findKernels(all);
  const urls = unique([...all.matchAll(/https?:\/\/[^\s)<>"'\]，。）]+/g)].map((m) => m[0].replace(/[.,;:]+$/, ''))).filter(
    (u) => !/\.(css|js|png|jpe?g|gif|svg|ico|woff2?)(\?|#|$)/i.test(u) && !/fonts\.googleapis|cdn\./i.test(u),
  );
  if (sysctls.length > 0) {
    const readable = sysctls.filter((s) => !commands.some((c) => c.command.includes(s)));
    if (readable.length > 0) {
      const saved = current;
      current = undefined;
      addCommand(`sysctl ${readable.slice(0, 8).join(' ')}`, 1, 'sysctl-names', `the postmortem mentions ${readable.slice(0, 8).join(', ')}`);
      current = saved;
    }
  }
  const lead = blocks[0]?.kind === 'line' && blocks[0].text.length <= 40 ? cleanTitle(blocks[0].text) : undefined;
  const title = (titleTopic ?? lead ?? firstHeading ?? firstShortLine(blocks) ?? opts.fileName).slice(0, 120);
  const id = opts.id || slugify(title) || slugify(opts.fileName) || 'imported-case';
  const lower = all.toLowerCase();
  const tags = TAG_WORDS.filter(([re]) => re.test(lower)).map(([, t]) => t);
  const result: Omit<ImportResult, 'draft'> = { id, title, format, sections, commands, kernels, sysctls, urls, unplaced, tags };
  return { ...result, draft: renderDraft(result, opts.fileName) };
}

function isTopicItem(blocks: Block[], i: number): boolean {
  const b = blocks[i];
  const next = blocks[i + 1];
  return b.kind === 'line' && (/\[[^\]]+\]\([^)]+\)/.test(b.text) || /^([-*+]\s*)?(case|案例)\s*\d/i.test(b.text) || (next !== undefined && next.kind === 'line' && next.indent > b.indent));
}

function cleanTitle(t: string): string {
  return t
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\*\*|__|`/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function firstShortLine(blocks: Block[]): string | undefined {
  const b = blocks.find((x) => x.kind === 'line' && x.text.length >= 3 && x.text.length <= 80);
  return b && b.kind === 'line' ? cleanTitle(b.text) : undefined;
}

// ---------------------------------------------------------------------------
// Rendering the draft

const yamlString = (s: string) => JSON.stringify(s);

/** An id as YAML: plain, unless YAML would read it as a number, a boolean or null. */
function yamlId(id: string): string {
  return /^(\d+|0x[0-9a-f]+|0o[0-7]+|[-+]?(\.\d+|\d+(\.\d*)?)(e[-+]?\d+)?|true|false|null|yes|no|on|off|y|n)$/i.test(id) ? yamlString(id) : id;
}

function quote(lines: string[]): string {
  return lines
    .join('\n\n')
    .split('\n')
    .map((l) => (l === '' ? '>' : `> ${l}`))
    .join('\n');
}

function commandBlock(c: DraftCommand): string {
  return `\`\`\`sh${c.needsRoot ? ' root' : ''}\n${c.command}\n\`\`\``;
}

function renderDraft(r: Omit<ImportResult, 'draft'>, fileName: string): string {
  const symptomAliases = r.sections.symptom
    .map((s) => s.replace(/^([-*+]|\d+[.)、])\s*/, '').trim())
    .filter((s) => s.length >= 2 && s.length <= 60 && !s.startsWith('```') && !s.startsWith('**'))
    .slice(0, 3);
  const evidence = r.commands.filter((c) => c.section === 'evidence');
  const fix = r.commands.filter((c) => c.section === 'fix');
  const fromPostmortem = (key: SectionKey) => (r.sections[key].length ? `\n\nFrom the postmortem (rewrite, then delete the quote):\n\n${quote(r.sections[key])}` : '');
  const lines: string[] = [];
  lines.push('---');
  lines.push(`# Drafted by \`runbook import\` from ${fileName}. Replace every TODO, move or delete the quoted`);
  lines.push('# postmortem text, then run `runbook check`. Fields are described in docs/writing-cases.md.');
  lines.push(`id: ${yamlId(r.id)}`);
  lines.push('kind: case');
  lines.push('# TODO: an English title an engineer would recognize.');
  lines.push(`title: ${yamlString(r.title.length >= 3 ? r.title : `TODO: ${r.title}`)}`);
  lines.push('summary: >-');
  lines.push('  TODO: two sentences: what the user sees, and the mechanism behind it.');
  lines.push('symptoms:');
  lines.push('  - text: "TODO: the symptom in English, as a user would say it"');
  lines.push(`    aliases: [${symptomAliases.map(yamlString).join(', ')}]`);
  lines.push(`tags: [${r.tags.join(', ')}]`);
  lines.push('# TODO: machine checks over facts (`runbook facts` lists the names).');
  if (r.sysctls.length) lines.push(`# Sysctls in the postmortem: ${r.sysctls.join(', ')}`);
  lines.push('signals: []');
  lines.push('applies:');
  lines.push('  # TODO: a kernel range such as "<4.12", ">=3.18 <4.10" or "el7 <3.10.0-1062.1.1".');
  if (r.kernels.length) lines.push(`  # Kernel versions in the postmortem: ${r.kernels.join(', ')}`);
  lines.push('  # kernel: any');
  lines.push('  distros: []');
  lines.push('sources:');
  lines.push(`  - seed: ${yamlString(fileName)}`);
  if (r.title.trim().length > 0) lines.push(`    section: ${yamlString(r.title)}`);
  lines.push('related: []');
  lines.push('---');
  lines.push('');
  lines.push('## Symptom');
  lines.push('');
  lines.push(`TODO: what the user sees, in English.${fromPostmortem('symptom')}`);
  lines.push('');
  lines.push('## Evidence');
  lines.push('');
  if (evidence.length === 0) lines.push('TODO: no command was found; add each read-only command in a ```sh block, then what to look for.', '');
  for (const c of evidence) {
    lines.push(commandBlock(c));
    lines.push('');
    const ctx = c.context ? ` Next to it in the postmortem: ${c.context.replace(/\s*\n\s*/g, ' / ').replace(/`/g, "'")}` : '';
    lines.push(`TODO: what to look for in the output.${ctx}`);
    lines.push('');
  }
  if (r.sections.evidence.length) lines.push(`From the postmortem (rewrite, then delete the quote):\n\n${quote(r.sections.evidence)}\n`);
  lines.push('## Root cause');
  lines.push('');
  lines.push(`TODO: the mechanism, so that a mid-level engineer understands it.${fromPostmortem('rootCause')}`);
  lines.push('');
  lines.push('## Fix');
  lines.push('');
  lines.push('1. TODO: the steps in order.');
  lines.push('');
  for (const c of fix) {
    lines.push(commandBlock(c));
    lines.push('');
  }
  if (r.sections.fix.length) lines.push(`From the postmortem (rewrite, then delete the quote):\n\n${quote(r.sections.fix)}\n`);
  lines.push('### Risks');
  lines.push('');
  lines.push('- TODO: the risks and trade-offs of each step; say what is recommended today when the postmortem is outdated.');
  lines.push('');
  lines.push('## Applies to');
  lines.push('');
  const mentioned = [
    r.kernels.length ? `kernel versions mentioned: ${r.kernels.join(', ')}` : '',
    r.sysctls.length ? `sysctls mentioned: ${r.sysctls.map((s) => `\`${s}\``).join(', ')}` : '',
  ].filter(Boolean);
  lines.push(`TODO: kernel versions, distribution builds, libraries and images.${mentioned.length ? ` In the postmortem: ${mentioned.join('; ')}.` : ''}${fromPostmortem('applies')}`);
  lines.push('');
  lines.push('## Sources');
  lines.push('');
  lines.push(`- ${fileName}${r.title ? `: ${r.title}` : ''}`);
  for (const u of r.urls.slice(0, 10)) lines.push(`- <${u}>`);
  if (r.sections.sources.length) lines.push(`\n${quote(r.sections.sources)}`);
  lines.push('');
  if (r.unplaced.length) {
    const shown = r.unplaced.slice(0, 60).map((u) => `  line ${u.line}: ${u.text.replace(/\s+/g, ' ').slice(0, 100)}`);
    const more = r.unplaced.length > 60 ? [`  ... and ${r.unplaced.length - 60} more`] : [];
    const body = [`TODO: text the importer could not place; move what matters into a section, then delete this comment.`, ...shown, ...more]
      .join('\n')
      .replace(/--+>?/g, '-')
      .replace(/<!-+/g, '<!');
    lines.push(`<!--\n${body}\n-->`);
    lines.push('');
  }
  return lines.join('\n');
}
