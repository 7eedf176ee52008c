/**
 * What the ethtool parsers (`ethtool IF`, `-S`, `-k`, `-l`) share: the
 * interface, named by the command line (`ethtool -S eth0`) or by the title
 * line the output starts with (`Settings for eth0:`).
 */

const PATTERNS = new Map<string, RegExp>();

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The interface an ethtool command line names.
 * @param command the command line, when known
 * @param options the option the interface follows, in all its spellings (`-S`, `--statistics`); none for plain `ethtool IF`
 * @returns the interface, or undefined
 */
export function ethtoolInterface(command: string | undefined, options: readonly string[] = []): string | undefined {
  if (!command) return undefined;
  const k = options.join(' ');
  let re = PATTERNS.get(k);
  if (!re) {
    re = options.length === 0 ? /ethtool\s+(?!-)(\S+)/ : new RegExp(`ethtool\\s+(?:${options.map(escape).join('|')})\\s+(\\S+)`);
    PATTERNS.set(k, re);
  }
  return re.exec(command)?.[1];
}

/**
 * The interface a title line names: `Settings for eth0:`, `Features for eth0:`.
 * @param line one line, trimmed
 * @param title the words before `for` (`Settings`, `Features`, `Channel parameters`)
 * @returns the interface, or undefined when the line is not that title
 */
export function titleInterface(line: string, title: string): string | undefined {
  if (!line.startsWith(`${title} for `)) return undefined;
  const rest = line.slice(title.length + 5);
  const name = rest.length > 1 && rest.endsWith(':') ? rest.slice(0, -1) : rest;
  return name !== '' && !/\s/.test(name) ? name : undefined;
}
