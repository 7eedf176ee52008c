/**
 * The fact model shared by parsers, case signals, runbook branches and the
 * engine. Facts are flat: a dotted name and a scalar value.
 */

/** A fact value. */
export type FactValue = number | string | boolean;

/** Facts by name, e.g. `{ "netstat.TcpExt.PAWSPassive": 960055 }`. */
export type Facts = Record<string, FactValue>;

/** The change of one numeric fact between two snapshots of the same command. */
export interface Delta {
  from: number;
  to: number;
  /** to - from */
  delta: number;
  /** Seconds between the snapshots, when both had a time. */
  seconds?: number;
  /** delta / seconds, when seconds is known and positive. */
  perSecond?: number;
}

/** Deltas by fact name. */
export type Deltas = Record<string, Delta>;

/** What a parser declares about one fact it can produce. */
export interface FactSpec {
  /**
   * The fact name. A segment written `*` stands for a dynamic part
   * (an interface, a port, a CPU): `ethtool.S.*.rx_dropped`.
   */
  name: string;
  type: 'number' | 'string' | 'boolean';
  /** Unit, e.g. `count`, `bytes`, `ms`, `Mb/s`, `s`. */
  unit?: string;
  /** One line: what the fact means. */
  description: string;
  /** For counters: the kernel MIB name, e.g. `TcpExtPAWSPassive`. */
  mib?: string;
  /** For counters: the `netstat -s` sentence, e.g. "passive connections rejected because of time stamp". */
  netstatText?: string;
}

/** Cost and safety of running a command. */
export interface CommandCost {
  /** Only reads state. */
  readOnly: boolean;
  /** Needs root for a complete answer. */
  needsRoot: boolean;
  /** Packages it needs beyond a minimal install, e.g. `net-tools`, `conntrack`, `bcc`. */
  packages?: string[];
  /** Why it can be heavy on a busy host, when it can. */
  heavy?: string;
  /** Commands that give the same facts when this one is missing. */
  equivalents?: string[];
}

/** Metadata of one parser (the jc-style metadata block). */
export interface ParserMeta {
  /** Stable parser id used by runbook `check` nodes, e.g. `netstat-s`. */
  id: string;
  /** Command lines this parser reads, e.g. `netstat -s`, `nstat -az`. */
  commands: string[];
  /** One line description. */
  description: string;
  /** Platforms or versions it was checked against. */
  compatible: string[];
  /** Words, lines or shapes that identify the output (documentation for the detector). */
  detectHints: string[];
  tags: string[];
  /** Every fact this parser can produce. */
  facts: FactSpec[];
  cost: CommandCost;
  /**
   * The output holds counters only, so digits grouped by thousands (`1,234,567`, as a localized
   * tool or a ticket prints them) can mean nothing else and are joined before detecting and
   * parsing. Left out for outputs where a comma between digits is a list (`curl -w`, iptables ports).
   */
  groupedNumbers?: boolean;
}

/** What a parser returns. Never thrown: unreadable input gives warnings. */
export interface ParseResult {
  facts: Facts;
  warnings: string[];
}

/** One parser: metadata, a detector and a parse function. */
export interface Parser {
  meta: ParserMeta;
  /**
   * How sure the parser is that the text is its command's output, 0 to 1.
   * @param text the (cleaned) pasted text
   */
  detect(text: string): number;
  /**
   * Read the text into facts. Never throws.
   * @param text the (cleaned) pasted text
   * @param command the command line the user said produced it, when known
   */
  parse(text: string, command?: string): ParseResult;
}
