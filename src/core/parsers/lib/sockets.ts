/**
 * Socket tables (`ss -tan`, `ss -lnt`, `netstat -ant`): a fast row reader and
 * the aggregation into facts (counts per state, per local port, per remote
 * address; listener queues). The hot loop avoids regular expressions and
 * per-line arrays: it walks each line once and slices only the fields used.
 */
import type { Facts, FactSpec } from '../../facts/types.js';
import { leadingLinesDropped, shapeOf } from './shell.js';
import { key, round } from './util.js';

/** TCP states with their netstat names (the fact names). */
export const STATES = [
  'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING',
] as const;

const STATE_NAMES: Record<string, string> = {
  ESTAB: 'ESTABLISHED',
  ESTABLISHED: 'ESTABLISHED',
  'SYN-SENT': 'SYN_SENT',
  SYN_SENT: 'SYN_SENT',
  'SYN-RECV': 'SYN_RECV',
  SYN_RECV: 'SYN_RECV',
  'FIN-WAIT-1': 'FIN_WAIT1',
  FIN_WAIT1: 'FIN_WAIT1',
  'FIN-WAIT-2': 'FIN_WAIT2',
  FIN_WAIT2: 'FIN_WAIT2',
  'TIME-WAIT': 'TIME_WAIT',
  TIME_WAIT: 'TIME_WAIT',
  CLOSE: 'CLOSE',
  CLOSED: 'CLOSE',
  UNCONN: 'CLOSE',
  'CLOSE-WAIT': 'CLOSE_WAIT',
  CLOSE_WAIT: 'CLOSE_WAIT',
  'LAST-ACK': 'LAST_ACK',
  LAST_ACK: 'LAST_ACK',
  LISTEN: 'LISTEN',
  CLOSING: 'CLOSING',
};

/**
 * The netstat name of a state as ss, netstat or a user writes it.
 * @param s `ESTAB`, `time-wait`, `TIME_WAIT`, `fin-wait-2`, `listening`...
 * @returns e.g. `TIME_WAIT`, or undefined
 */
export function normalizeState(s: string): string | undefined {
  const direct = STATE_NAMES[s];
  if (direct !== undefined) return direct;
  const c = s.charCodeAt(0);
  if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122))) return undefined;
  const u = s.toUpperCase();
  if (u === 'LISTENING') return 'LISTEN';
  if (u === 'SYN_RECEIVED' || u === 'SYN-RECEIVED') return 'SYN_RECV';
  return STATE_NAMES[u] ?? STATE_NAMES[u.replace(/_/g, '-')];
}

const STATE_ENTRIES = Object.entries(STATE_NAMES).sort((a, b) => (a[0] === 'ESTAB' ? -1 : b[0] === 'ESTAB' ? 1 : 0));

/**
 * The netstat name of the state written in text[s, e), without slicing (hot loops).
 * @param text the text
 * @param s start
 * @param e end
 * @returns the state, or undefined
 */
export function stateAt(text: string, s: number, e: number): string | undefined {
  const n = e - s;
  for (let i = 0; i < STATE_ENTRIES.length; i++) {
    const [k, v] = STATE_ENTRIES[i];
    if (k.length === n && text.startsWith(k, s)) return v;
  }
  return n <= 12 ? normalizeState(text.slice(s, e)) : undefined;
}

/** Pipeline stages that pass every row on (anything else may drop some). */
const PASS_THROUGH = new Set(['sort', 'cat', 'less', 'more', 'tee']);

const except = (...out: string[]): string[] => STATES.filter((s) => !out.includes(s));

/** The state groups ss accepts after `state` and `exclude` (iproute2 ss.c, `scan_state`). */
const SS_GROUPS: Record<string, string[]> = {
  all: [...STATES],
  connected: except('LISTEN', 'CLOSE'),
  synchronized: except('LISTEN', 'CLOSE', 'SYN_SENT'),
  bucket: ['SYN_RECV', 'TIME_WAIT'],
  big: except('SYN_RECV', 'TIME_WAIT'),
};

/** What ss lists without a state filter nor -a or -l (SS_CONN: no listeners, closed sockets or minisockets). */
const SS_DEFAULT = except('LISTEN', 'CLOSE', 'TIME_WAIT', 'SYN_RECV');

/** ss options whose value is the next word. */
const SS_VALUE_OPTIONS = /^(-[A-Za-z]*[fANFD]|--(family|query|socket|net|filter|diag))$/;

/** The TCP states an ss command lists, and how it chose them. */
export interface SsStates {
  /** The states, in {@link STATES} order. */
  states: string[];
  /** The words that chose them, for messages: `state connected`, `exclude listening`, `-a`, `-l`, `without -a`. */
  how: string;
  /** A filter expression (`dport = :443`, `dst 10.0.0.1`) follows the state words. */
  expression: boolean;
}

/** The states one word after `state` or `exclude` names, as ss reads it. */
function ssStateWord(w: string): string[] | undefined {
  const l = w.toLowerCase();
  const group = Object.hasOwn(SS_GROUPS, l) ? SS_GROUPS[l] : undefined;
  if (group) return group;
  if (l === 'closed' || l === 'unconnected') return ['CLOSE'];
  if (l === 'syn-rcv') return ['SYN_RECV'];
  const s = normalizeState(l);
  return s ? [s] : undefined;
}

/**
 * The TCP states an `ss` command line lists, read as ss reads its arguments: `state X` and
 * `exclude X` words first (X a state or a group: `all`, `connected`, `synchronized`, `bucket`,
 * `big`; several `state` words add up, `exclude` words take away), else `-a` (every state),
 * `-l` (listeners) or neither (connected sockets but SYN_RECV and TIME_WAIT).
 * @param command the command line
 * @returns the states, or undefined when the command is not ss or its state words cannot be
 *   read (an unknown state, `! state X`, a state word after the filter expression)
 */
export function ssStates(command: string | undefined): SsStates | undefined {
  if (!command) return undefined;
  const sh = shapeOf(command);
  if (sh.program !== 'ss') return undefined;
  const operands: string[] = [];
  let flagStates: string[] = SS_DEFAULT;
  let flagHow = 'without -a';
  for (let i = 0; i < sh.args.length; i++) {
    const a = sh.args[i];
    if (a === '--all' || a === '--listening') [flagStates, flagHow] = a === '--all' ? [[...STATES], '-a'] : [['LISTEN', 'CLOSE'], '-l'];
    else if (/^-[A-Za-z0-9]+$/.test(a)) {
      for (const ch of a.slice(1)) if (ch === 'a' || ch === 'l') [flagStates, flagHow] = ch === 'a' ? [[...STATES], '-a'] : [['LISTEN', 'CLOSE'], '-l'];
    }
    if (SS_VALUE_OPTIONS.test(a)) i++;
    else if (!a.startsWith('-') || a === '-') operands.push(a);
  }
  let selected: Set<string> | undefined;
  const how: string[] = [];
  let i = 0;
  for (; i + 1 < operands.length && /^(state|exclude|excl)$/.test(operands[i]); i += 2) {
    const states = ssStateWord(operands[i + 1]);
    if (!states) return undefined;
    if (operands[i] === 'state') {
      selected ??= new Set();
      for (const s of states) selected.add(s);
    } else {
      selected ??= new Set(STATES);
      for (const s of states) selected.delete(s);
    }
    how.push(`${operands[i]} ${operands[i + 1]}`);
  }
  const rest = operands.slice(i);
  if (rest.some((w) => /^(state|exclude|excl)$/.test(w))) return undefined;
  const expression = rest.length > 0;
  if (!selected) return { states: [...flagStates], how: flagHow, expression };
  return { states: STATES.filter((s) => selected.has(s)), how: how.join(' '), expression };
}

/**
 * The TCP state a command line names with an `ss ... state X` filter, when it
 * selects exactly one (ss then prints no State column): `state time-wait`
 * gives `TIME_WAIT`; two states or a group such as `connected` give none.
 * @param command the command line
 * @returns the state, or undefined
 */
export function stateFilter(command: string | undefined): string | undefined {
  const ss = ssStates(command);
  return ss?.states.length === 1 ? ss.states[0] : undefined;
}

/**
 * Why a socket listing does not show every TCP socket, so that its row count is not the total:
 * ss listing only some states (`state connected`, `exclude listening`, no `-a`) or filtering
 * (`dport = :443`), netstat without `-a`, listeners only (`-l`), or a later stage that drops
 * rows (`| grep :443`, `| head -1000`).
 * @param command the command line, when known
 * @returns the reason, or undefined when the listing shows every socket
 */
export function partialListing(command: string | undefined): string | undefined {
  if (!command) return undefined;
  const sh = shapeOf(command);
  if (sh.program === 'ss') {
    const ss = ssStates(command);
    if (!ss) return 'cannot tell which TCP states this ss command lists';
    if (ss.states.length < STATES.length) return `ss ${ss.how.startsWith('without') ? ss.how : `\`${ss.how}\``} lists ${ss.states.join(', ')} only`;
    if (ss.expression) return EXPRESSION;
  } else if (sh.flags.has('l')) return 'it lists listeners only';
  else if (sh.program === 'netstat' && !sh.flags.has('a')) return 'netstat without -a lists no listeners';
  return cutStage(sh);
}

/**
 * Why a listing shows only some of the sockets its states select: an ss filter expression
 * (`dport = :443`), or a later stage that drops rows (`| grep :443`, `| head -1000`; `sed 1d` or
 * `tail -n +2` only take the header away). Which states are listed is not looked at here.
 * @param command the command line (its last stage included: pass it without a final `wc -l`)
 * @returns the reason, or undefined when every row of those states is there
 */
export function droppedRows(command: string): string | undefined {
  const sh = shapeOf(command);
  if (sh.program === 'ss' && ssStates(command)?.expression) return EXPRESSION;
  return cutStage(sh);
}

const EXPRESSION = 'a filter expression selects some sockets';

/** The first later stage of a listing that may drop rows, as a reason. */
function cutStage(sh: ReturnType<typeof shapeOf>): string | undefined {
  // `sed 1d` or `tail -n +2` may take the header lines away; dropping more drops rows.
  let header = sh.program === 'netstat' ? 2 : sh.program === 'ss' && !sh.flags.has('H') ? 1 : 0;
  const cut = sh.filters.find((f) => {
    if (PASS_THROUGH.has(shapeOf(f).program)) return false;
    const top = leadingLinesDropped(f);
    if (top === 0 || top > header) return true;
    header -= top;
    return false;
  });
  return cut === undefined ? undefined : `\`${cut}\` may drop rows`;
}

/**
 * Whether a socket listing shows every TCP socket, so its row count is the total
 * (see {@link partialListing} for what does not).
 * @param command the command line, when known
 * @returns false when the listing may be partial
 */
export function listsEverySocket(command: string | undefined): boolean {
  return partialListing(command) === undefined;
}

/** Parse a dotted IPv4 address in text[s, e) to a number, or -1. */
function ipv4(text: string, s: number, e: number): number {
  let v = 0;
  let part = -1;
  let dots = 0;
  for (let i = s; i < e; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      part = (part < 0 ? 0 : part * 10) + (c - 48);
      if (part > 255) return -1;
    } else if (c === 46 && part >= 0 && dots < 3) {
      v = v * 256 + part;
      part = -1;
      dots++;
    } else return -1;
  }
  return dots === 3 && part >= 0 ? v * 256 + part : -1;
}

function dotted(signed: number): string {
  const n = signed >>> 0;
  return `${Math.floor(n / 16777216) % 256}.${Math.floor(n / 65536) % 256}.${Math.floor(n / 256) % 256}.${n % 256}`;
}

/** Position of the last `:` in text[s, e), or -1 (a loop: lastIndexOf is slow on huge strings). */
function lastColon(text: string, s: number, e: number): number {
  for (let i = e - 1; i >= s; i--) if (text.charCodeAt(i) === 58) return i;
  return -1;
}

/** Parse a port number in text[s, e), or -1. */
function port(text: string, s: number, e: number): number {
  if (e <= s || e - s > 5) return -1;
  let v = 0;
  for (let i = s; i < e; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    v = v * 10 + (c - 48);
  }
  return v <= 65535 ? v : -1;
}

/** Counts keyed by IPv4 number or, for anything else, by string. */
class Counter {
  readonly num = new Map<number, number>();
  readonly str = new Map<string, number>();
  addNum(k: number): void {
    const c = this.num.get(k);
    this.num.set(k, c === undefined ? 1 : c + 1);
  }
  addStr(k: string): void {
    this.str.set(k, (this.str.get(k) ?? 0) + 1);
  }
  max(toString: (n: number) => string): [string, number] | undefined {
    let best: [string, number] | undefined;
    let bestNum = 0;
    let bestNumCount = 0;
    for (const [k, v] of this.num) if (v > bestNumCount) (bestNum = k), (bestNumCount = v);
    if (bestNumCount > 0) best = [toString(bestNum), bestNumCount];
    for (const e of this.str) if (!best || e[1] > best[1]) best = e;
    return best;
  }
}

interface PerState {
  n: number;
  peers: Counter;
  ports: Uint32Array;
  otherPorts: Map<string, number>;
}

/** The state of a row whose listing shows none (`ss ... state X` pasted without its command). */
export const NO_STATE = '';

/** Aggregation of socket rows. The hot path reads positions in the pasted text and slices little. */
export class SocketStats {
  /** TCP rows read. */
  total = 0;
  private readonly states = new Map<string, PerState>();
  /** IPv4 peer endpoints as address * 65536 + port, sorted at the end to find the busiest. */
  private endpoints4 = new Float64Array(1024);
  private nEndpoints4 = 0;
  private readonly endpoints = new Counter();
  private lastState = '';
  private lastPer: PerState | undefined;
  /** Listeners: local address -> queues. */
  readonly listeners = new Map<string, { recvQ: number; sendQ: number }>();

  private per(state: string): PerState {
    if (state === this.lastState && this.lastPer) return this.lastPer;
    let p = this.states.get(state);
    this.lastState = state;
    this.lastPer = p;
    if (!p) this.states.set(state, (p = this.lastPer = { n: 0, peers: new Counter(), ports: new Uint32Array(65536), otherPorts: new Map() }));
    return p;
  }

  /**
   * Add one TCP row given as strings.
   * @param state netstat state name
   * @param recvQ Recv-Q text
   * @param sendQ Send-Q text
   * @param local local address:port
   * @param peer peer address:port
   */
  add(state: string, recvQ: string, sendQ: string, local: string, peer: string): void {
    const t = `${local} ${peer}`;
    this.addAt(state, t, 0, local.length, local.length + 1, t.length, Number(recvQ) || 0, Number(sendQ) || 0);
  }

  /**
   * Add one TCP row whose local and peer addresses are ranges of `text`.
   * @param state netstat state name
   * @param text the text holding the row
   * @param ls local start
   * @param le local end
   * @param ps peer start
   * @param pe peer end
   * @param recvQ Recv-Q
   * @param sendQ Send-Q
   */
  addAt(state: string, text: string, ls: number, le: number, ps: number, pe: number, recvQ: number, sendQ: number): void {
    this.total++;
    const p = this.per(state);
    p.n++;
    if (state === 'LISTEN') {
      this.listeners.set(text.slice(ls, le), { recvQ, sendQ });
      return;
    }
    // local port
    const lc = lastColon(text, ls, le);
    const lp = lc >= ls ? port(text, lc + 1, le) : -1;
    if (lp >= 0) p.ports[lp]++;
    else {
      const k = lc >= ls ? text.slice(lc + 1, le) : text.slice(ls, le);
      p.otherPorts.set(k, (p.otherPorts.get(k) ?? 0) + 1);
    }
    // peer address and endpoint
    const pc = lastColon(text, ps, pe);
    const addrEnd = pc >= ps ? pc : pe;
    const v4 = ipv4(text, ps, addrEnd);
    const pp = pc >= ps ? port(text, pc + 1, pe) : -1;
    if (v4 >= 0) {
      const k = v4 | 0;
      p.peers.addNum(k);
      if (pp >= 0) {
        if (this.nEndpoints4 === this.endpoints4.length) {
          const bigger = new Float64Array(this.endpoints4.length * 2);
          bigger.set(this.endpoints4);
          this.endpoints4 = bigger;
        }
        this.endpoints4[this.nEndpoints4++] = v4 * 65536 + pp;
      } else this.endpoints.addStr(text.slice(ps, pe));
    } else {
      let a = text.slice(ps, addrEnd);
      if (a.charCodeAt(0) === 91 && a.charCodeAt(a.length - 1) === 93) a = a.slice(1, -1);
      p.peers.addStr(a);
      this.endpoints.addStr(text.slice(ps, pe));
    }
  }

  /**
   * Facts for the rows read. Rows added with the state {@link NO_STATE} count
   * toward `total` and the peers, not toward any state.
   * @param opts `withTotal`: emit `tcp.state.total` (false for filtered listings);
   *   `backlog`: a listener's Send-Q is its accept queue size (ss; netstat prints 0 there),
   *   so emit `ss.listen.*.sendQ`, `ss.listen.full` and `ss.listen.maxFill`
   * @returns the facts
   */
  facts(opts: { withTotal: boolean; backlog: boolean }): Facts {
    const f: Facts = {};
    for (const [state, p] of this.states) if (state !== NO_STATE) f[`tcp.state.${state}`] = p.n;
    if (opts.withTotal && this.total > 0) f['tcp.state.total'] = this.total;
    for (const [state, p] of this.states) {
      if (state === 'LISTEN' || state === NO_STATE) continue;
      const top = p.peers.max(dotted);
      if (top && p.n > 0) {
        f[`tcp.state.${state}.topPeer`] = top[0];
        f[`tcp.state.${state}.topPeerCount`] = top[1];
        f[`tcp.state.${state}.topPeerShare`] = round(top[1] / p.n);
      }
      let bestPort = -1;
      for (let i = 0; i < 65536; i++) if (p.ports[i] > (bestPort < 0 ? 0 : p.ports[bestPort])) bestPort = i;
      let lp: [string, number] | undefined = bestPort >= 0 ? [String(bestPort), p.ports[bestPort]] : undefined;
      for (const e of p.otherPorts) if (!lp || e[1] > lp[1]) lp = e;
      if (lp) f[`tcp.state.${state}.topLocalPort`] = lp[0];
    }
    let peer = this.endpoints.max(String);
    const eps = this.endpoints4.subarray(0, this.nEndpoints4).sort();
    for (let i = 0; i < eps.length; ) {
      let j = i + 1;
      while (j < eps.length && eps[j] === eps[i]) j++;
      if (!peer || j - i > peer[1]) peer = [`${dotted(Math.floor(eps[i] / 65536))}:${eps[i] % 65536}`, j - i];
      i = j;
    }
    if (peer) {
      f['tcp.peer.maxConnections'] = peer[1];
      f['tcp.peer.top'] = peer[0];
    }
    if (this.listeners.size > 0) {
      let full = 0;
      let maxFill = 0;
      const ports = new Set<string>();
      for (const [local, q] of this.listeners) {
        // old ss prints `*:80` for the wildcard address; modern ss prints `0.0.0.0:80`
        const k = key(local.startsWith('*:') ? `0.0.0.0${local.slice(1)}` : local);
        f[`ss.listen.${k}.recvQ`] = q.recvQ;
        if (opts.backlog) f[`ss.listen.${k}.sendQ`] = q.sendQ;
        if (q.sendQ > 0) {
          if (q.recvQ >= q.sendQ) full++;
          maxFill = Math.max(maxFill, q.recvQ / q.sendQ);
        }
        const c = local.lastIndexOf(':');
        if (c >= 0) ports.add(local.slice(c + 1));
      }
      f['ss.listen.count'] = this.listeners.size;
      if (opts.backlog) {
        f['ss.listen.full'] = full;
        f['ss.listen.maxFill'] = round(maxFill);
      }
      f['ss.listen.ports'] = [...ports].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b)).join(' ');
    }
    return f;
  }
}

/**
 * Field boundaries of one line of `text` (from `start` to `end`), without slicing.
 * @param text the whole text
 * @param start line start
 * @param end line end (exclusive)
 * @param max how many fields
 * @param pos output: pos[2k] start and pos[2k+1] end of field k
 * @returns how many fields were found
 */
export function fieldRanges(text: string, start: number, end: number, max: number, pos: Int32Array): number {
  let n = 0;
  let i = start;
  while (n < max) {
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c !== 32 && c !== 9 && c !== 13) break;
      i++;
    }
    if (i >= end) break;
    pos[2 * n] = i;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 13) break;
      i++;
    }
    pos[2 * n + 1] = i;
    n++;
  }
  return n;
}

/**
 * Read a non-negative integer in text[s, e), or -1.
 * @param text the text
 * @param s start
 * @param e end
 * @returns the number
 */
export function intAt(text: string, s: number, e: number): number {
  if (e <= s || e - s > 15) return -1;
  let v = 0;
  for (let i = s; i < e; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    v = v * 10 + (c - 48);
  }
  return v;
}

/**
 * Read up to `max` whitespace separated fields of `line` starting at `from`.
 * @param line the line
 * @param max how many fields
 * @param out the array to fill (reused)
 * @returns how many fields were read
 */
export function firstFields(line: string, max: number, out: string[]): number {
  let n = 0;
  let i = 0;
  const len = line.length;
  while (n < max) {
    while (i < len) {
      const c = line.charCodeAt(i);
      if (c !== 32 && c !== 9 && c !== 13) break;
      i++;
    }
    if (i >= len) break;
    const s = i;
    while (i < len) {
      const c = line.charCodeAt(i);
      if (c === 32 || c === 9 || c === 13) break;
      i++;
    }
    out[n++] = line.slice(s, i);
  }
  return n;
}

/** Facts the socket-table parsers declare. */
export const STATE_SPECS: FactSpec[] = [
  { name: 'tcp.state.*', type: 'number', unit: 'count', description: 'TCP sockets in one state (ESTABLISHED, SYN_SENT, SYN_RECV, FIN_WAIT1, FIN_WAIT2, TIME_WAIT, CLOSE_WAIT, LAST_ACK, CLOSING, LISTEN)' },
  { name: 'tcp.state.total', type: 'number', unit: 'count', description: 'all TCP sockets listed (not emitted for filtered listings)' },
  { name: 'tcp.state.*.topPeer', type: 'string', description: 'remote address with most sockets in that state' },
  { name: 'tcp.state.*.topPeerCount', type: 'number', unit: 'count', description: 'sockets in that state toward the top peer' },
  { name: 'tcp.state.*.topPeerShare', type: 'number', unit: 'ratio', description: "share (0..1) of that state's sockets going to the top peer" },
  { name: 'tcp.state.*.topLocalPort', type: 'string', description: 'local port with most sockets in that state' },
  { name: 'tcp.peer.maxConnections', type: 'number', unit: 'count', description: 'most non-listening sockets toward one remote address:port' },
  { name: 'tcp.peer.top', type: 'string', description: 'the remote address:port with the most sockets' },
];

/** Listener facts. */
export const LISTEN_SPECS: FactSpec[] = [
  { name: 'ss.listen.count', type: 'number', unit: 'count', description: 'listening TCP sockets' },
  { name: 'ss.listen.full', type: 'number', unit: 'count', description: 'listeners whose Recv-Q >= Send-Q (accept queue full)' },
  { name: 'ss.listen.maxFill', type: 'number', unit: 'ratio', description: 'highest Recv-Q / Send-Q over listeners (1 = full)' },
  { name: 'ss.listen.ports', type: 'string', description: 'listening ports, space separated, ascending' },
  { name: 'ss.listen.*.recvQ', type: 'number', unit: 'count', description: 'per listener (keyed by local address:port): connections waiting in the accept queue' },
  { name: 'ss.listen.*.sendQ', type: 'number', unit: 'count', description: 'per listener: accept queue size (the listen backlog, min(backlog, somaxconn))' },
];
