/**
 * # curl -w
 *
 * Reads the timing lines printed by `curl -w` (write-out): either labelled
 * (`time_namelookup:  0.004`, `time_total: 0.130s`, `time_connect=0.005`) or
 * in the user's own format, which is read from the command
 * (`-w '%{time_namelookup}::%{time_connect}::%{time_total}\n'` printing
 * `0.004::0.005::0.130`, or a loop printing one `%{time_namelookup}` per run).
 * With several samples, `curl.<var>` is the slowest and `curl.<var>.min` the
 * fastest: name lookups of 5.0xx s amid 0.00x s are the resolver's 5 s retry.
 *
 * Usage: `curl -s -o /dev/null -w 'time_namelookup: %{time_namelookup}\ntime_connect: %{time_connect}\ntime_starttransfer: %{time_starttransfer}\ntime_total: %{time_total}\n' URL`
 *
 * Output facts: `curl.time_namelookup`, `curl.time_connect`, `curl.time_appconnect`,
 * `curl.time_pretransfer`, `curl.time_starttransfer`, `curl.time_total` (seconds),
 * `curl.<var>.min`, `curl.http_code`, `curl.<var>` for other write-out variables,
 * `curl.samples`, `curl.error` (curl's own error line, e.g. `(28) Operation timed out`).
 *
 * Example:
 * ```
 * time_namelookup:  5.012
 * time_connect:  5.013
 * time_total:  5.120
 * ```
 * gives `curl.time_namelookup = 5.012`, `curl.time_total = 5.12`.
 */
import type { Facts, FactValue } from '../facts/types.js';
import { blank, cannotRead, defineParser, fact, head, lines, nothing } from './lib/util.js';

const VARS = [
  'time_namelookup', 'time_connect', 'time_appconnect', 'time_pretransfer', 'time_redirect', 'time_starttransfer', 'time_total',
  'http_code', 'response_code', 'http_connect', 'size_download', 'size_upload', 'size_header', 'speed_download', 'speed_upload',
  'remote_ip', 'remote_port', 'local_ip', 'local_port', 'num_connects', 'num_redirects', 'ssl_verify_result', 'exitcode', 'errormsg', 'http_version', 'scheme',
];
const VAR_SET = new Set(VARS);
const LABEL_RE = /^\s*([a-z_]+)\s*[:=]\s*(\S+?)s?\s*$/;

type Template = (string | { v: string })[];

/** The -w format of a curl command line, split into one template per output line. */
function templates(command: string | undefined): Template[] {
  if (!command || !/\bcurl\b/.test(command)) return [];
  const m = /(?:-w|--write-out)\s*(?:'([^']*)'|"([^"]*)"|(\S+))/.exec(command);
  const fmt = m ? (m[1] ?? m[2] ?? m[3]) : undefined;
  if (!fmt || fmt.startsWith('@')) return [];
  const out: Template[] = [];
  for (const lineFmt of fmt.replace(/\\n/g, '\n').replace(/\\t/g, '\t').split('\n')) {
    const t: Template = [];
    let i = 0;
    while (i < lineFmt.length) {
      const s = lineFmt.indexOf('%{', i);
      if (s < 0) {
        t.push(lineFmt.slice(i));
        break;
      }
      if (s > i) t.push(lineFmt.slice(i, s));
      const e = lineFmt.indexOf('}', s);
      if (e < 0) break;
      t.push({ v: lineFmt.slice(s + 2, e) });
      i = e + 1;
    }
    if (t.some((p) => typeof p !== 'string')) out.push(t);
  }
  return out;
}

/** Match one output line against a template, without regular expressions. */
function match(line: string, t: Template): Record<string, string> | undefined {
  const got: Record<string, string> = {};
  let pos = 0;
  for (let i = 0; i < t.length; i++) {
    const part = t[i];
    if (typeof part === 'string') {
      if (!line.startsWith(part, pos)) return undefined;
      pos += part.length;
      continue;
    }
    const next = t[i + 1];
    const end = typeof next === 'string' && next.length > 0 ? line.indexOf(next, pos) : line.length;
    if (end < 0) return undefined;
    got[part.v] = line.slice(pos, end).trim();
    pos = end;
  }
  return got;
}

function value(s: string): FactValue {
  const t = s.replace(/s$/, '');
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : s;
}

export const curlW = defineParser({
  meta: {
    id: 'curl-w',
    commands: ['curl -w FORMAT URL', 'curl -s -o /dev/null -w FORMAT URL'],
    description: 'Request phase timings (DNS, connect, TLS, first byte, total) from curl -w',
    compatible: ['curl 7.x and 8.x write-out variables'],
    detectHints: ['lines `time_namelookup: 0.004`', 'one value per line when the command gives the -w format'],
    tags: ['http', 'latency', 'dns'],
    facts: [
      fact('curl.time_namelookup', 'number', 'seconds until the name was resolved (slowest sample)', 's'),
      fact('curl.time_connect', 'number', 'seconds until the TCP connection was up', 's'),
      fact('curl.time_appconnect', 'number', 'seconds until the TLS handshake was done', 's'),
      fact('curl.time_pretransfer', 'number', 'seconds until the request could be sent', 's'),
      fact('curl.time_starttransfer', 'number', 'seconds until the first response byte', 's'),
      fact('curl.time_total', 'number', 'seconds for the whole request', 's'),
      fact('curl.*.min', 'number', 'fastest sample of a timing when several', 's'),
      fact('curl.http_code', 'number', 'HTTP status code'),
      fact('curl.*', 'number', 'any other write-out variable'),
      fact('curl.samples', 'number', 'requests in the paste', 'count'),
      fact('curl.error', 'string', "curl's error line, e.g. `(28) Operation timed out`"),
    ],
    cost: { readOnly: true, needsRoot: false, packages: ['curl'] },
  },
  detect(text) {
    const ls = head(text, 30);
    if (ls.length === 0) return 0;
    const hit = ls.filter((l) => {
      const m = LABEL_RE.exec(l);
      return m !== null && VAR_SET.has(m[1]);
    }).length;
    if (hit === 0) return ls.some((l) => /^curl: \(\d+\)/.test(l)) ? 0.6 : 0;
    return Math.min(1, 0.5 + 0.5 * (hit / ls.length));
  },
  parse(text, command) {
    if (blank(text)) return nothing();
    const samples: Record<string, FactValue[]> = {};
    const push = (k: string, v: FactValue) => (samples[k] ??= []).push(v);
    const tpl = templates(command);
    let error: string | undefined;
    let unread = 0;
    for (const l of lines(text)) {
      if (l.trim() === '' || l.length > 4096) continue;
      const e = /^curl: (\(\d+\).*)$/.exec(l.trim());
      if (e) {
        error = e[1];
        continue;
      }
      let done = false;
      for (const t of tpl) {
        const got = match(l, t);
        if (got && Object.values(got).every((v) => v !== '')) {
          for (const [k, v] of Object.entries(got)) push(k, value(v));
          done = true;
          break;
        }
      }
      if (done) continue;
      const m = LABEL_RE.exec(l);
      if (m && VAR_SET.has(m[1])) {
        push(m[1], value(m[2]));
        continue;
      }
      unread++;
    }
    const facts: Facts = {};
    let n = 0;
    for (const [k, vs] of Object.entries(samples)) {
      n = Math.max(n, vs.length);
      const nums = vs.filter((v): v is number => typeof v === 'number');
      if (nums.length === vs.length && k.startsWith('time_')) {
        facts[`curl.${k}`] = Math.max(...nums);
        if (nums.length > 1) facts[`curl.${k}.min`] = Math.min(...nums);
      } else facts[`curl.${k}`] = vs[vs.length - 1];
    }
    if (error) facts['curl.error'] = error;
    if (Object.keys(facts).length === 0) {
      const hint = tpl.length === 0 ? 'Label each value (`-w "time_namelookup: %{time_namelookup}\\n..."`) or pass the curl command with `--command`.' : 'The lines do not follow the command\'s -w format.';
      return { facts, warnings: [cannotRead('curl -w', 'no timing lines like `time_namelookup: 0.004`', hint)] };
    }
    if (n > 0) facts['curl.samples'] = n;
    const warnings = unread > 0 ? [`Skipped ${unread} line(s) that are not write-out values (response bodies?).`] : [];
    return { facts, warnings };
  },
});
