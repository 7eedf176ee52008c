/**
 * A small, safe reader for shell command lines as users paste them: split a
 * pipeline at top-level `|`, split words respecting quotes, strip wrappers
 * (`sudo`, `kubectl exec POD --`, `for ...; do ...; done`) to find the command
 * that produced the output. Never evaluates anything.
 */

/**
 * Split a line into words, honouring single and double quotes and backslashes.
 * @param s the text
 * @returns the words, quotes removed
 */
export function words(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let q: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (q) {
      if (c === q) q = undefined;
      else if (c === '\\' && q === '"' && i + 1 < s.length) cur += s[++i];
      else cur += c;
      continue;
    }
    if (c === "'" || c === '"') {
      q = c;
      inWord = true;
      continue;
    }
    if (c === '\\' && i + 1 < s.length) {
      cur += s[++i];
      inWord = true;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
      continue;
    }
    cur += c;
    inWord = true;
  }
  if (inWord) out.push(cur);
  return out;
}

/**
 * Split at unquoted occurrences of any of the separators.
 * @param s the command line
 * @param seps separators, longest first (e.g. `||`, `&&`, `|`, `;`)
 * @returns the parts (trimmed) and which separators were met
 */
export function splitTopLevel(s: string, seps: string[]): { parts: string[]; met: string[] } {
  const parts: string[] = [];
  const met: string[] = [];
  let q: string | undefined;
  let start = 0;
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (q) {
      if (c === '\\' && q === '"') i++;
      else if (c === q) q = undefined;
      continue;
    }
    if (c === "'" || c === '"') {
      q = c;
      continue;
    }
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '(' || c === '{') depth++;
    else if ((c === ')' || c === '}') && depth > 0) depth--;
    if (depth > 0) continue;
    const sep = seps.find((x) => s.startsWith(x, i));
    if (sep) {
      parts.push(s.slice(start, i).trim());
      met.push(sep);
      i += sep.length - 1;
      start = i + 1;
    }
  }
  parts.push(s.slice(start).trim());
  return { parts, met };
}

/**
 * The stages of a pipeline (`a | b | c`), ignoring `||`.
 * @param line a command line
 * @returns the stages
 */
export function pipeline(line: string): string[] {
  const { parts, met } = splitTopLevel(line, ['||', '|']);
  if (met.includes('||')) return [parts[0]];
  return parts.filter((p) => p !== '');
}

const WRAPPERS = new Set(['sudo', 'doas', 'time', 'nice', 'ionice', 'stdbuf', 'nohup', 'command', 'exec', 'busybox', 'toolbox', 'env']);

/**
 * Strip wrappers from one pipeline stage to find the real command:
 * `sudo -u x`, `env A=B`, `A=B cmd`, `watch -n 1`, `timeout 5`, `kubectl exec POD --`,
 * `docker exec CID`, `ip netns exec NS`, `nsenter ... --`, `bash -c '...'`, `for ...; do CMD; done`.
 * @param stage one stage of a pipeline
 * @returns the inner command line
 */
export function unwrap(stage: string): string {
  let s = stage.trim();
  for (let guard = 0; guard < 8; guard++) {
    const loop = /^(?:for|while|until)\b[^;]*;\s*do\s+([\s\S]*?)\s*;?\s*done\b/.exec(s);
    if (loop) {
      s = splitTopLevel(loop[1], [';', '&&'])
        .parts.filter((p) => p && !/^sleep\b/.test(p))[0] ?? loop[1];
      continue;
    }
    const w = words(s);
    if (w.length === 0) return s;
    let i = 0;
    while (i < w.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(w[i])) i++;
    const prog = w[i];
    if (prog === undefined) return s;
    const rest = (from: number) => w.slice(from).map(quote).join(' ');
    if (WRAPPERS.has(prog)) {
      let j = i + 1;
      while (j < w.length && (w[j].startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(w[j]))) {
        if (prog === 'sudo' && (w[j] === '-u' || w[j] === '-g')) j++;
        j++;
      }
      s = rest(j);
      continue;
    }
    if (prog === 'watch' || prog === 'timeout') {
      let j = i + 1;
      while (j < w.length && w[j].startsWith('-')) j += /^-(n|d|s|k)$/.test(w[j]) ? 2 : 1;
      if (prog === 'timeout') j++;
      s = rest(j);
      continue;
    }
    if ((prog === 'bash' || prog === 'sh' || prog === 'zsh') && w[i + 1] === '-c' && w[i + 2]) {
      s = w[i + 2];
      continue;
    }
    if ((prog === 'kubectl' || prog === 'oc') && w.includes('exec')) {
      const dd = w.indexOf('--');
      if (dd > 0) {
        s = rest(dd + 1);
        continue;
      }
    }
    if ((prog === 'docker' || prog === 'podman' || prog === 'nerdctl' || prog === 'crictl') && w[i + 1] === 'exec') {
      let j = i + 2;
      while (j < w.length && w[j].startsWith('-')) j += /^-(u|e|w|-user|-env|-workdir)$/.test(w[j]) ? 2 : 1;
      s = rest(j + 1);
      continue;
    }
    if (prog === 'ip' && w[i + 1] === 'netns' && w[i + 2] === 'exec') {
      s = rest(i + 4);
      continue;
    }
    if (prog === 'nsenter') {
      const dd = w.indexOf('--');
      let j = dd > 0 ? dd + 1 : i + 1;
      if (dd < 0) while (j < w.length && w[j].startsWith('-')) j += /^-(t|-target)$/.test(w[j]) ? 2 : 1;
      s = rest(j);
      continue;
    }
    return s;
  }
  return s;
}

function quote(w: string): string {
  return /[\s|;&'"\\]/.test(w) ? `'${w.replace(/'/g, `'\\''`)}'` : w;
}

/** A command line reduced to what the matcher needs. */
export interface CommandShape {
  /** The producing command (first pipeline stage, unwrapped). */
  base: string;
  /** Its program name (basename). */
  program: string;
  /** Its words after the program. */
  args: string[];
  /** Short flag letters (`-tan` gives t, a, n; long options mapped where common). */
  flags: Set<string>;
  /** Words that are not flags (subcommands, files, hosts). */
  operands: string[];
  /** The later pipeline stages, unwrapped. */
  filters: string[];
}

const LONG: Record<string, string> = {
  '--listening': 'l', '--summary': 's', '--statistics': 's', '--interfaces': 'i', '--numeric': 'n', '--tcp': 't', '--udp': 'u',
  '--all': 'a', '--processes': 'p', '--program': 'p', '--extended': 'e', '--stats': 's', '--count': 'C', '--show-channels': 'l',
  '--show-features': 'k', '--show-offload': 'k', '--kernel-release': 'r',
};

/**
 * Analyse a command line.
 * @param line what the user ran
 * @returns its shape
 */
export function shapeOf(line: string): CommandShape {
  const trimmed = line.slice(0, 4096).trim();
  const stages = pipeline(/^(for|while|until)\b/.test(trimmed) ? unwrap(trimmed) : trimmed);
  const base = unwrap(splitTopLevel(stages[0] ?? '', ['&&', ';']).parts[0] ?? '');
  const w = words(base).filter((x) => !/^[0-9]?>/.test(x) && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(x));
  const program = (w[0] ?? '').split('/').pop() ?? '';
  const args = w.slice(1);
  const flags = new Set<string>();
  const operands: string[] = [];
  for (const a of args) {
    if (a.startsWith('--')) {
      const m = LONG[a.split('=')[0]];
      if (m) flags.add(m);
    } else if (a.startsWith('-') && a.length > 1 && !/^-\d/.test(a)) {
      for (const ch of a.slice(1)) flags.add(ch);
    } else operands.push(a);
  }
  return { base, program, args, flags, operands, filters: stages.slice(1).map((s) => unwrap(s)) };
}

/**
 * Lines a pipeline stage drops from the top: `sed 1d`, `sed '1,2d'`, `tail -n +2` (or `tail -n+3`,
 * `tail +2`); other stages drop none from the top. After such a stage a listing's header may be
 * gone already, so `wc -l` counts only rows.
 * @param stage one stage of a pipeline
 * @returns how many lines it drops from the top
 */
export function leadingLinesDropped(stage: string): number {
  const sed = /^sed\s+(?:-e\s+)?['"]?1(?:,(\d+))?d['"]?$/.exec(stage.trim());
  if (sed) return sed[1] ? Number(sed[1]) : 1;
  const tail = /^tail\s+(?:-n\s*)?\+(\d+)\s*$/.exec(stage.trim());
  if (tail) return Math.max(0, Number(tail[1]) - 1);
  return 0;
}
