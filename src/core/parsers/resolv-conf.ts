/**
 * # /etc/resolv.conf
 *
 * Reads the resolver configuration: `nameserver`, `search` / `domain` and
 * `options` lines (comments with `#` or `;`). `options single-request-reopen`
 * / `single-request` work around the parallel A/AAAA query from one socket
 * that conntrack races drop; `use-vc` forces TCP; `ndots:5` (Kubernetes)
 * multiplies queries through the search list. "No such file" is a fact too.
 *
 * Usage: `cat /etc/resolv.conf`, `kubectl exec POD -- cat /etc/resolv.conf`
 *
 * Output facts: `resolv.nameservers`, `resolv.nameserver` (the first),
 * `resolv.search`, `resolv.searchDomains`, `resolv.options.<name>` (true, or
 * the number for `ndots:N`, `timeout:N`, `attempts:N`), `resolv.present`.
 *
 * Example (insights-core fixture):
 * ```
 * search a.b.com b.c.com
 * options timeout:2 attempts:2
 * nameserver 10.160.224.51
 * ```
 * gives `resolv.nameservers = 1`, `resolv.options.timeout = 2`, `resolv.search = "a.b.com b.c.com"`.
 */
import type { Facts } from '../facts/types.js';
import { blank, cannotRead, defineParser, fact, fields, head, lines, nothing } from './lib/util.js';

const LINE_RE = /^(nameserver|search|domain|options|sortlist)\s/;
const ABSENT_RE = /resolv\.conf.*No such file or directory/;

export const resolvConf = defineParser({
  meta: {
    id: 'resolv-conf',
    commands: ['cat /etc/resolv.conf'],
    description: 'Resolver nameservers, search list and options from /etc/resolv.conf',
    compatible: ['glibc resolv.conf', 'musl (reads nameserver, search, options ndots/timeout/attempts)'],
    detectHints: ['lines starting `nameserver`, `search`, `options`'],
    tags: ['dns', 'resolver'],
    facts: [
      fact('resolv.present', 'boolean', 'the file exists'),
      fact('resolv.nameservers', 'number', 'count of nameserver lines', 'count'),
      fact('resolv.nameserver', 'string', 'the first nameserver'),
      fact('resolv.search', 'string', 'search domains (search or domain line), space separated'),
      fact('resolv.searchDomains', 'number', 'number of search domains', 'count'),
      fact('resolv.options.single-request-reopen', 'boolean', 'option present: new socket for the AAAA query'),
      fact('resolv.options.single-request', 'boolean', 'option present: A and AAAA sequentially'),
      fact('resolv.options.use-vc', 'boolean', 'option present: queries over TCP'),
      fact('resolv.options.rotate', 'boolean', 'option present: round robin over nameservers'),
      fact('resolv.options.ndots', 'number', 'dots a name needs to be tried as absolute first'),
      fact('resolv.options.timeout', 'number', 'seconds to wait for a nameserver', 's'),
      fact('resolv.options.attempts', 'number', 'tries per nameserver'),
      fact('resolv.options.*', 'boolean', 'any other option (true, or its number)'),
    ],
    cost: { readOnly: true, needsRoot: false },
  },
  detect(text) {
    const ls = head(text, 30).filter((l) => !/^\s*[#;]/.test(l));
    if (ls.length === 0) return 0;
    if (ls.length <= 2 && ABSENT_RE.test(ls[0])) return 0.9;
    const hit = ls.filter((l) => LINE_RE.test(l.trim())).length;
    if (hit === 0) return 0;
    const ns = ls.some((l) => /^nameserver\s+\S+/.test(l.trim()));
    return Math.min(1, (ns ? 0.4 : 0.1) + 0.6 * (hit / ls.length));
  },
  parse(text) {
    if (blank(text)) return nothing();
    if (ABSENT_RE.test(text)) return { facts: { 'resolv.present': false }, warnings: [] };
    const facts: Facts = {};
    const servers: string[] = [];
    let search: string[] | undefined;
    let unread = 0;
    for (const l of lines(text)) {
      const t = l.replace(/[#;].*$/, '').trim();
      if (t === '') continue;
      const f = fields(t);
      switch (f[0]) {
        case 'nameserver':
          if (f[1]) servers.push(f[1]);
          break;
        case 'search':
          search = f.slice(1);
          break;
        case 'domain':
          if (!search) search = f.slice(1, 2);
          break;
        case 'options':
          for (const o of f.slice(1)) {
            const c = o.indexOf(':');
            if (c > 0 && /^\d+$/.test(o.slice(c + 1))) facts[`resolv.options.${o.slice(0, c)}`] = Number(o.slice(c + 1));
            else facts[`resolv.options.${o}`] = true;
          }
          break;
        case 'sortlist':
          break;
        default:
          unread++;
      }
    }
    if (servers.length === 0 && !search && Object.keys(facts).length === 0) {
      return { facts: {}, warnings: [cannotRead('cat /etc/resolv.conf', 'no `nameserver`, `search` or `options` lines', 'Paste the file as it is inside the container or host that resolves.')] };
    }
    facts['resolv.present'] = true;
    facts['resolv.nameservers'] = servers.length;
    if (servers[0]) facts['resolv.nameserver'] = servers[0];
    if (search) {
      facts['resolv.search'] = search.join(' ');
      facts['resolv.searchDomains'] = search.length;
    }
    const warnings: string[] = [];
    if (servers.length === 0) warnings.push('No nameserver line: the resolver falls back to 127.0.0.1.');
    if (servers.length > 3) warnings.push(`${servers.length} nameservers: glibc uses only the first 3.`);
    if (unread > 0) warnings.push(`Skipped ${unread} line(s) that are not resolver directives.`);
    return { facts, warnings };
  },
});
