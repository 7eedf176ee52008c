/**
 * # /etc/nsswitch.conf
 *
 * Reads the name service switch: the `hosts:` line decides whether
 * /etc/hosts (`files`) is read before DNS. A missing file is a fact: glibc
 * then uses `dns [!UNAVAIL=return] files`, and Go's resolver (a FROM scratch
 * image) asks DNS before /etc/hosts, so `localhost` can resolve through the
 * search list to an intranet address. "No such file or directory" from `cat`
 * or `ls` gives `nsswitch.present = false`; an `ls -l` line of the file gives true.
 *
 * Usage: `cat /etc/nsswitch.conf`, `ls -l /etc/nsswitch.conf`
 *
 * Output facts: `nsswitch.present`, `nsswitch.hosts`, `nsswitch.hostsFilesFirst`,
 * `nsswitch.<database>` for the other lines (`passwd`, `group`, ...).
 *
 * Example (insights-core fixture):
 * ```
 * passwd:     files sss
 * hosts:      files dns myhostname
 * ```
 * gives `nsswitch.hosts = "files dns myhostname"`, `nsswitch.hostsFilesFirst = true`.
 */
import type { Facts } from '../facts/types.js';
import { blank, cannotRead, defineParser, fact, head, lines, nothing } from './lib/util.js';

const ABSENT_RE = /nsswitch\.conf.*(No such file or directory|cannot access|not found)/i;
const DB_RE = /^([a-z_]+):\s*(.*)$/;

export const nsswitchConf = defineParser({
  meta: {
    id: 'nsswitch-conf',
    commands: ['cat /etc/nsswitch.conf', 'ls -l /etc/nsswitch.conf', 'grep hosts /etc/nsswitch.conf'],
    description: 'Name service lookup order (hosts: files dns) from /etc/nsswitch.conf, or its absence',
    compatible: ['glibc nsswitch.conf', 'musl and Go images without the file'],
    detectHints: ['lines `hosts:      files dns`', '"No such file or directory" naming nsswitch.conf'],
    tags: ['dns', 'resolver', 'hosts'],
    facts: [
      fact('nsswitch.present', 'boolean', 'the file exists'),
      fact('nsswitch.hosts', 'string', 'the hosts line, e.g. `files dns`'),
      fact('nsswitch.hostsFilesFirst', 'boolean', '/etc/hosts is consulted before DNS'),
      fact('nsswitch.*', 'string', 'the sources of another database (passwd, group, ...)'),
    ],
    cost: { readOnly: true, needsRoot: false },
  },
  detect(text) {
    const ls = head(text, 40).filter((l) => !/^\s*#/.test(l));
    if (ls.length === 0) return 0;
    if (ls.length <= 2 && ABSENT_RE.test(ls[0])) return 0.95;
    if (ls.length === 1 && /\/etc\/nsswitch\.conf\s*$/.test(ls[0]) && /^[-l]r/.test(ls[0])) return 0.9;
    const dbs = ls.filter((l) => /^(passwd|group|shadow|hosts|networks|protocols|services|ethers|rpc|netgroup|automount|aliases|initgroups|gshadow|sudoers|publickey|bootparams|netmasks):\s/.test(l.trim())).length;
    if (dbs === 0) return 0;
    return Math.min(1, 0.3 + 0.7 * (dbs / ls.length));
  },
  parse(text) {
    if (blank(text)) return nothing();
    if (ABSENT_RE.test(text)) return { facts: { 'nsswitch.present': false }, warnings: [] };
    const ls = lines(text).filter((l) => l.trim() !== '');
    if (ls.length === 1 && /\/etc\/nsswitch\.conf\s*$/.test(ls[0]) && /^[-l][-rwxsStT]{9}/.test(ls[0])) {
      return { facts: { 'nsswitch.present': true }, warnings: ['Only an `ls` line: the file exists; `cat /etc/nsswitch.conf` shows the hosts order.'] };
    }
    const facts: Facts = {};
    for (const l of ls) {
      const t = l.replace(/#.*$/, '').trim();
      const m = DB_RE.exec(t);
      if (m) facts[`nsswitch.${m[1]}`] = m[2].replace(/\s+/g, ' ');
    }
    if (Object.keys(facts).length === 0) {
      return { facts, warnings: [cannotRead('cat /etc/nsswitch.conf', 'no `database: sources` lines such as `hosts: files dns`')] };
    }
    facts['nsswitch.present'] = true;
    const hosts = facts['nsswitch.hosts'];
    const warnings: string[] = [];
    if (typeof hosts === 'string') {
      const w = hosts.split(' ');
      const fi = w.indexOf('files');
      const di = w.findIndex((x) => x === 'dns' || x === 'resolve');
      facts['nsswitch.hostsFilesFirst'] = fi >= 0 && (di < 0 || fi < di);
    } else warnings.push('No `hosts:` line: glibc then uses `dns [!UNAVAIL=return] files` (DNS first).');
    return { facts, warnings };
  },
});
