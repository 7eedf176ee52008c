/**
 * # count (grep -c, wc -l, uniq -c)
 *
 * Reads the short answers of counting pipelines, which runbooks and people use
 * on busy hosts instead of listing every socket:
 * - one number from `... | grep -c STATE` or `... | wc -l`; the command says
 *   what was counted: `netstat -an | grep -c SYN_RECV` gives
 *   `tcp.state.SYN_RECV`; `ss -tan state close-wait | wc -l` gives
 *   `tcp.state.CLOSE_WAIT` (minus ss's header line); `ss -tan | wc -l` gives
 *   `tcp.state.total`, but a listing of some states only (`ss -tn` without
 *   `-a`, `state connected`, `exclude listening`) or of filtered sockets gives
 *   `count.value` with a warning saying why, and so does a count over several
 *   states (`state established state syn-recv`, `grep -cE 'ESTAB|SYN-RECV'`) or
 *   a `grep -v STATE`; `conntrack -L | wc -l` gives `conntrack.count`;
 *   `ls /proc/PID/fd | wc -l` gives `process.openFds`;
 * - a tally of states (`ESTABLISHED 188` / `188 ESTABLISHED`, the classic
 *   `netstat -n | awk '/^tcp/ {++S[$NF]} END {for(a in S) print a, S[a]}'`);
 * - a `uniq -c` tally of addresses with a state filter in the command
 *   (`ss -tan state fin-wait-2 | awk 'NR>1 {print $4}' | cut -d: -f1 | sort | uniq -c`)
 *   giving the state count and its top peer.
 *
 * Usage: paste the output with `--command "<the pipeline>"`
 *
 * Output facts: `tcp.state.<STATE>`, `tcp.state.total`, `tcp.state.<STATE>.topPeer`,
 * `.topPeerCount`, `.topPeerShare`, `conntrack.count`, `process.openFds`, `count.value`,
 * `count.total`, `count.top`, `count.topCount`, `count.distinct`.
 *
 * Example: `netstat -an | grep -c SYN_RECV` printing `128` gives `tcp.state.SYN_RECV = 128`.
 */
import type { Facts } from '../facts/types.js';
import { droppedRows, normalizeState, partialListing, stateFilter } from './lib/sockets.js';
import { leadingLinesDropped, shapeOf, words } from './lib/shell.js';
import { blank, cannotRead, defineParser, fact, fields, head, lines, nothing, round } from './lib/util.js';

const STATE_WORD_RE = /\b(ESTAB(?:LISHED)?|SYN[-_]SENT|SYN[-_]RECV|FIN[-_]WAIT-?[12]|TIME[-_]WAIT|CLOSE[-_]WAIT|LAST[-_]ACK|LISTEN|CLOSING)\b/gi;

/** What a command line says about the TCP states it counts. */
interface Counted {
  /** The one state counted. */
  state?: string;
  /** Several states named by its grep or awk patterns (`grep -cE 'ESTAB|SYN-RECV'`). */
  several?: string[];
  /** A state its `grep -v` leaves out. */
  without?: string;
  /** Why a count of rows is only some sockets of the one state ss selects (a filter expression, a grep); a tally of their peers still reads the state. */
  some?: string;
}

/**
 * The state a command line counts: the one state word of its grep or awk patterns, else the one
 * state its ss `state` / `exclude` words select. Several states, or `grep -v STATE`, give none.
 * @param command the command line
 * @returns the state, or what keeps it from being one
 */
function commandState(command: string): Counted {
  const sh = shapeOf(command);
  const named = new Set<string>();
  // the ss words are read by ssStates (through stateFilter), not matched as patterns
  for (const stage of sh.program === 'ss' ? sh.filters : [sh.base, ...sh.filters]) {
    const found = [...stage.matchAll(STATE_WORD_RE)].map((m) => normalizeState(m[1].replace(/FIN[-_]WAIT-?([12])/i, 'FIN_WAIT$1')));
    const st = shapeOf(stage);
    if (found[0] && /^[ef]?grep$/.test(st.program) && st.flags.has('v')) return { without: found[0] };
    for (const f of found) if (f) named.add(f);
  }
  if (named.size > 1) return { several: [...named] };
  if (named.size === 1) return { state: [...named][0] };
  const state = stateFilter(command);
  if (!state) return {};
  // The rows before the count must be every socket in that state (`wc -l` itself drops none).
  const last = sh.filters[sh.filters.length - 1] ?? '';
  const some = droppedRows(/^wc\b/.test(last) ? [sh.base, ...sh.filters.slice(0, -1)].join(' | ') : command);
  return some ? { state, some: `${state} sockets, but ${some}` } : { state };
}

/** Header lines the producing command prints before its rows, that `wc -l` counts too. */
function headerLines(command: string): number {
  const sh = shapeOf(command);
  const grepsBeforeWc = sh.filters.some((f) => /^(e|f)?grep\b|^awk\b.*(NR\s*>|\/)/.test(f));
  if (grepsBeforeWc) return 0;
  let printed = 0;
  if (sh.program === 'ss' && !sh.flags.has('H') && !sh.flags.has('s')) printed = 1;
  else if (sh.program === 'netstat') printed = 2;
  else if (sh.program === 'lsof') printed = 1;
  return Math.max(0, printed - sh.filters.reduce((n, f) => n + leadingLinesDropped(f), 0));
}

function isAddress(s: string): boolean {
  return /^\[?[0-9a-fA-F:.]+\]?(?::\d+)?(%\S+)?$/.test(s) && /[.:]/.test(s);
}

/** For a uniq -c of addresses: did the command print the peer column? */
function peerColumn(command: string): boolean | undefined {
  const sh = shapeOf(command);
  const col = /\$(\d+)/.exec(sh.filters.join(' '))?.[1];
  if (!col) return undefined;
  const n = Number(col);
  // ss prints no State column when its filter selects one state
  if (sh.program === 'ss') return stateFilter(sh.base) !== undefined ? n === 4 : n === 5;
  if (sh.program === 'netstat') return n === 5;
  return undefined;
}

export const count = defineParser({
  meta: {
    id: 'count',
    commands: ['CMD | grep -c STATE', 'CMD | wc -l', 'CMD | sort | uniq -c', "netstat -n | awk '/^tcp/ {++S[$NF]} END {for(a in S) print a, S[a]}'"],
    description: 'Counts from grep -c, wc -l and uniq -c pipelines, named by what the command counted',
    compatible: ['GNU and busybox grep, wc, uniq, awk'],
    detectHints: ['a single number (needs the command)', 'lines `TIME_WAIT 814` / `  3412 10.9.4.100`'],
    tags: ['tcp', 'sockets', 'count'],
    facts: [
      fact('tcp.state.*', 'number', 'sockets in a state, from a count or tally', 'count'),
      fact('tcp.state.total', 'number', 'all TCP sockets (ss -tan | wc -l, or a tally of every state)', 'count'),
      fact('tcp.state.*.topPeer', 'string', 'top remote address in a uniq -c tally of that state'),
      fact('tcp.state.*.topPeerCount', 'number', 'sockets toward the top peer', 'count'),
      fact('tcp.state.*.topPeerShare', 'number', 'share (0..1) of the state going to the top peer', 'ratio'),
      fact('conntrack.count', 'number', 'conntrack entries (conntrack -L | wc -l)', 'count'),
      fact('process.openFds', 'number', 'open file descriptors of a process (ls /proc/PID/fd | wc -l)', 'count'),
      fact('count.value', 'number', 'the number printed, when the command does not say what it counts or counts several TCP states (ss -tan state connected | wc -l)', 'count'),
      fact('count.total', 'number', 'sum of a uniq -c tally', 'count'),
      fact('count.top', 'string', 'the most frequent value of a uniq -c tally'),
      fact('count.topCount', 'number', 'how often the top value occurs', 'count'),
      fact('count.distinct', 'number', 'distinct values in a tally', 'count'),
    ],
    cost: { readOnly: true, needsRoot: false },
  },
  detect(text) {
    const ls = head(text, 30);
    if (ls.length === 0) return 0;
    if (ls.length === 1 && /^\s*\d+\s*$/.test(ls[0])) return 0.2;
    let states = 0;
    for (const l of ls) {
      const f = fields(l);
      if (f.length === 2 && ((normalizeState(f[0]) && /^\d+$/.test(f[1])) || (/^\d+$/.test(f[0]) && normalizeState(f[1])))) states++;
    }
    if (states === ls.length) return 0.9;
    const tally = ls.filter((l) => /^\s*\d+\s+\S+\s*$/.test(l)).length;
    return tally === ls.length ? 0.35 : 0;
  },
  parse(text, command) {
    if (blank(text)) return nothing();
    const ls = lines(text).map((l) => l.trim()).filter((l) => l !== '');
    const cmd = command ?? '';
    const facts: Facts = {};
    // 1. one number
    if (ls.length === 1 && /^\d+$/.test(ls[0])) {
      const n = Number(ls[0]);
      const sh = shapeOf(cmd);
      const last = sh.filters[sh.filters.length - 1] ?? '';
      const isWc = /^wc\b/.test(last);
      const value = isWc ? Math.max(0, n - headerLines(cmd)) : n;
      const { state, several, without, some } = commandState(cmd);
      const lister = sh.program === 'ss' || sh.program === 'netstat' || /\/proc\/net\/tcp/.test(cmd);
      if (state && lister && !some) facts[`tcp.state.${state}`] = value;
      else if (lister && (several || without || some)) {
        facts['count.value'] = value;
        const what = several ? `several TCP states (${several.join(', ')})` : without ? `sockets not in ${without}` : `some ${some}`;
        return { facts, warnings: [`Kept as count.value: \`${cmd}\` counts ${what}, not one state.`] };
      } else if ((sh.program === 'ss' && sh.flags.has('t')) || (sh.program === 'netstat' && sh.flags.has('t') && !/grep/.test(last))) {
        // the listing before `wc -l` must show every socket for its count to be the total
        const partial = partialListing(isWc ? [sh.base, ...sh.filters.slice(0, -1)].join(' | ') : cmd);
        if (partial) {
          facts['count.value'] = value;
          const warnings = [`Kept as count.value, not tcp.state.total: ${partial}.`];
          if (isWc && headerLines(cmd) > 0) warnings.push(`Subtracted ${headerLines(cmd)} header line(s) that \`wc -l\` counted.`);
          return { facts, warnings };
        }
        facts['tcp.state.total'] = value;
      } else if (sh.program === 'conntrack' && (sh.flags.has('L') || sh.args.includes('-L'))) facts['conntrack.count'] = value;
      else if (/\/proc\/[^/\s]+\/fd/.test(sh.base) || (sh.program === 'lsof' && sh.flags.has('p'))) facts['process.openFds'] = value;
      else {
        facts['count.value'] = value;
        const warnings = [cmd ? `Cannot tell what \`${cmd}\` counts; kept as count.value.` : 'A bare number: say which command printed it (e.g. `--command "netstat -an | grep -c SYN_RECV"`).'];
        return { facts, warnings };
      }
      const warnings = isWc && headerLines(cmd) > 0 ? [`Subtracted ${headerLines(cmd)} header line(s) that \`wc -l\` counted.`] : [];
      return { facts, warnings };
    }
    // 2. a tally: "STATE N" / "N STATE" / "N VALUE"
    const tally: [string, number][] = [];
    for (const l of ls) {
      const f = words(l);
      if (f.length !== 2) return { facts: {}, warnings: [cannotRead('count', `"${l.slice(0, 60)}" is not a count line`, 'Paste the output of `grep -c`, `wc -l` or `sort | uniq -c`.')] };
      if (/^\d+$/.test(f[0])) tally.push([f[1], Number(f[0])]);
      else if (/^\d+$/.test(f[1])) tally.push([f[0], Number(f[1])]);
      else return { facts: {}, warnings: [cannotRead('count', `"${l.slice(0, 60)}" has no number`)] };
    }
    const total = tally.reduce((a, [, n]) => a + n, 0);
    const states = tally.map(([v]) => normalizeState(v));
    if (states.every((s) => s !== undefined)) {
      tally.forEach(([, n], i) => (facts[`tcp.state.${states[i]}`] = ((facts[`tcp.state.${states[i]}`] as number | undefined) ?? 0) + n));
      if (tally.length > 1) facts['tcp.state.total'] = total;
      return { facts, warnings: [] };
    }
    const top = tally.reduce((a, b) => (b[1] > a[1] ? b : a));
    facts['count.total'] = total;
    facts['count.top'] = top[0];
    facts['count.topCount'] = top[1];
    facts['count.distinct'] = tally.length;
    const { state } = commandState(cmd);
    const warnings: string[] = [];
    if (state && tally.every(([v]) => isAddress(v))) {
      facts[`tcp.state.${state}`] = total;
      const peer = peerColumn(cmd);
      if (peer !== false) {
        const ip = top[0].replace(/^\[/, '').replace(/\](:\d+)?$/, '').replace(/^(\d+\.\d+\.\d+\.\d+):\d+$/, '$1');
        facts[`tcp.state.${state}.topPeer`] = ip;
        facts[`tcp.state.${state}.topPeerCount`] = top[1];
        facts[`tcp.state.${state}.topPeerShare`] = round(top[1] / total);
        if (peer === undefined) warnings.push('Read the tallied addresses as remote peers (the command does not show which column it printed).');
      }
    } else if (!cmd) warnings.push('A tally without its command: say what was counted with `--command`.');
    return { facts, warnings };
  },
});
