/**
 * Key facts per command, command selection, hygiene, deltas, the catalog and
 * the command safety allowlist. Fixture-wide checks live in fixtures.test.ts.
 */
import { describe, expect, it, vi } from 'vitest';
import * as api from '../../src/core/parsers/index.js';
import {
  cleanPaste,
  closestFacts,
  commandInfo,
  computeDeltas,
  detectCommand,
  factCatalog,
  getParser,
  isKnownFact,
  isSafeToRun,
  PARSERS,
  parseOutput,
  splitPaste,
} from '../../src/core/parsers/index.js';

import { ethtoolInterface, titleInterface } from '../../src/core/parsers/lib/ethtool.js';
import { counterFact, counterLine } from '../../src/core/parsers/lib/mib.js';
import { linkFacts, newLink } from '../../src/core/parsers/lib/links.js';
import { parsePairs } from '../../src/core/parsers/lib/pairs.js';
import { NO_STATE, SocketStats, ssStates, stateFilter } from '../../src/core/parsers/lib/sockets.js';

const facts = (text: string, command?: string) => parseOutput(text, { command }).facts;

describe('public API', () => {
  it('exports exactly these names', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'COMMANDS', 'DETECT_THRESHOLD', 'PARSERS', 'cleanPaste', 'closestFacts', 'commandInfo', 'computeDeltas', 'detectCommand', 'factCatalog', 'factCount',
        'getParser', 'isKnownFact', 'isParserId', 'isSafeToRun', 'parseOutput', 'parsersForCommand', 'promptCommand', 'splitPaste', 'stripTerminal', 'ungroupNumbers',
      ].sort(),
    );
  });

  it('gives every parser a unique id, commands, facts and a header comment-sized description', () => {
    const ids = PARSERS.map((p) => p.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of PARSERS) {
      expect(p.meta.commands.length).toBeGreaterThan(0);
      expect(p.meta.facts.length).toBeGreaterThan(0);
      expect(p.meta.description.length).toBeGreaterThan(10);
      expect(getParser(p.meta.id)).toBe(p);
    }
  });
});

describe('netstat -s', () => {
  it('maps the CentOS 7 wording "segments retransmited" to Tcp.RetransSegs', () => {
    const f = facts('Tcp:\n    1648 active connections openings\n    2890303 segments send out\n    428 segments retransmited\n');
    expect(f['netstat.Tcp.RetransSegs']).toBe(428);
    expect(f['netstat.Tcp.ActiveOpens']).toBe(1648);
    expect(f['netstat.Tcp.OutSegs']).toBe(2890303);
    expect(f['netstat.tcp.retransmitRatio']).toBeCloseTo(428 / 2890303, 6);
  });

  it('reads a grep excerpt without group headers (PAWS and listen drops)', () => {
    const r = parseOutput('    412877 passive connections rejected because of time stamp\n    413120 SYNs to LISTEN sockets dropped\n', {
      command: 'netstat -s | egrep "SYNs to LISTEN|passive connections rejected"',
    });
    expect(r.parser).toBe('netstat-s');
    expect(r.facts['netstat.TcpExt.PAWSPassive']).toBe(412877);
    expect(r.facts['netstat.TcpExt.ListenDrops']).toBe(413120);
  });

  it('reads the old "SYNs to LISTEN sockets ignored" and the typo "packetes rejected"', () => {
    const f = facts('    5 SYNs to LISTEN sockets ignored\n    17 packetes rejected in established connections because of timestamp\n');
    expect(f['netstat.TcpExt.ListenDrops']).toBe(5);
    expect(f['netstat.TcpExt.PAWSEstab']).toBe(17);
  });

  it('keeps Name: N lines under their group and reads ICMP histograms', () => {
    const f = facts('Icmp:\n    ICMP input histogram:\n        destination unreachable: 107\nTcpExt:\n    TCPTimeouts: 405\n');
    expect(f['netstat.Icmp.InDestUnreachs']).toBe(107);
    expect(f['netstat.TcpExt.TCPTimeouts']).toBe(405);
  });

  it('says what it expected for unrelated text', () => {
    const r = getParser('netstat-s')!.parse('hello world\n');
    expect(r.facts).toEqual({});
    expect(r.warnings[0]).toMatch(/Could not read this as `netstat -s` output.*Try `netstat -s` without grep/);
  });
});

describe('nstat and /proc counters', () => {
  it('names nstat counters like netstat -s does', () => {
    expect(facts('#kernel\nTcpExtListenOverflows   12   0.0\nTcpRetransSegs 3 0.0\n')).toMatchObject({
      'netstat.TcpExt.ListenOverflows': 12,
      'netstat.Tcp.RetransSegs': 3,
    });
  });

  it('warns that nstat without -a prints deltas', () => {
    expect(parseOutput('TcpExtListenOverflows 12 0.0\n', { command: 'nstat' }).warnings.join(' ')).toMatch(/since its previous run/);
  });

  it('reads /proc/net/netstat header/value pairs', () => {
    expect(facts('TcpExt: PAWSPassive ListenOverflows\nTcpExt: 960055 7\n')).toMatchObject({ 'netstat.TcpExt.PAWSPassive': 960055, 'netstat.TcpExt.ListenOverflows': 7 });
  });

  it('reads /proc/net/snmp and derives the retransmit ratio', () => {
    const f = facts('Tcp: RtoAlgorithm InSegs OutSegs RetransSegs\nTcp: 1 10 200 4\nUdp: InDatagrams RcvbufErrors\nUdp: 9 2\n');
    expect(f['netstat.Udp.RcvbufErrors']).toBe(2);
    expect(f['netstat.tcp.retransmitRatio']).toBe(0.02);
  });
});

describe('proc files of header/value pairs', () => {
  it('share one parse that names the file and what it lacked', () => {
    const garbage = 'hello world\nnot a counter\n';
    expect(getParser('proc-net-netstat')!.parse(garbage).warnings).toEqual([
      'Could not read this as `cat /proc/net/netstat` output: no `TcpExt:` header/value line pairs. Paste the whole file, not a grep of it (or use `nstat -az`).',
      'Skipped 2 line(s) that are neither a header nor a value line.',
    ]);
    expect(getParser('proc-net-snmp')!.parse('Tcp: 1 2 3\n').warnings).toEqual([
      'Could not read this as `cat /proc/net/snmp` output: no `Tcp:` header/value line pairs. Paste the whole file (or use `nstat -az`).',
      'Values for Tcp without a header line above them were skipped.',
    ]);
    expect(parsePairs(' \n', 'cat /proc/net/snmp6', 'x', 'y')).toEqual({ facts: {}, warnings: ['Nothing pasted: the output is empty.'] });
    expect(parsePairs('Udp: InDatagrams RcvbufErrors\nUdp: 9 2\n', 'cat /proc/net/snmp', 'x', 'y')).toEqual({ facts: { 'netstat.Udp.InDatagrams': 9, 'netstat.Udp.RcvbufErrors': 2 }, warnings: [] });
  });
});

describe('sockets', () => {
  const ssLnt = 'State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\nLISTEN 4097   4096         0.0.0.0:8443      0.0.0.0:*\nLISTEN 0      128          0.0.0.0:22        0.0.0.0:*\n';

  it('ss -lnt: a listener with Recv-Q >= Send-Q is full', () => {
    const f = facts(ssLnt, 'ss -lnt');
    expect(f['ss.listen.count']).toBe(2);
    expect(f['ss.listen.full']).toBe(1);
    expect(f['ss.listen.0.0.0.0:8443.recvQ']).toBe(4097);
    expect(f['ss.listen.0.0.0.0:8443.sendQ']).toBe(4096);
    expect(f['tcp.state.total']).toBeUndefined();
  });

  it('ss -tan counts states, the top peer and its share', () => {
    const rows = ['State Recv-Q Send-Q Local Address:Port Peer Address:Port'];
    for (let i = 0; i < 9; i++) rows.push(`CLOSE-WAIT 1 0 10.6.2.14:${51000 + i} 10.6.9.30:3306`);
    rows.push('CLOSE-WAIT 1 0 10.6.2.14:52000 10.6.9.31:3306', 'ESTAB 0 0 10.6.2.14:22 10.1.1.1:50000');
    const f = facts(rows.join('\n'));
    expect(f['tcp.state.CLOSE_WAIT']).toBe(10);
    expect(f['tcp.state.CLOSE_WAIT.topPeer']).toBe('10.6.9.30');
    expect(f['tcp.state.CLOSE_WAIT.topPeerShare']).toBe(0.9);
    expect(f['tcp.state.total']).toBe(11);
    expect(f['tcp.peer.maxConnections']).toBe(9);
    expect(f['tcp.peer.top']).toBe('10.6.9.30:3306');
  });

  it('ss -tan state time-wait takes the state from the command', () => {
    const f = facts('Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n0 0 10.0.0.8:80 198.51.100.10:40000\n0 0 10.0.0.8:80 198.51.100.11:40001\n', 'ss -tan state time-wait');
    expect(f['tcp.state.TIME_WAIT']).toBe(2);
    expect(f['tcp.state.TIME_WAIT.topLocalPort']).toBe('80');
  });

  it('netstat -ant counts SYN_RECV rows', () => {
    const f = facts('Proto Recv-Q Send-Q Local Address Foreign Address State\ntcp 0 0 10.0.0.1:80 10.9.9.9:1234 SYN_RECV\ntcp 0 0 10.0.0.1:80 10.9.9.9:1235 SYN_RECV\n');
    expect(f['tcp.state.SYN_RECV']).toBe(2);
  });

  it('ss -s gives TIME_WAIT and orphans', () => {
    const f = facts('Total: 3318\nTCP:   53591 (estab 2204, closed 51260, orphaned 4, timewait 51203)\n');
    expect(f).toMatchObject({ 'tcp.state.TIME_WAIT': 51203, 'tcp.state.ESTABLISHED': 2204, 'ss.s.orphaned': 4 });
  });
});

describe('socket and interface facts', () => {
  it('makes no state facts for rows without a state, and no queue fill where Send-Q is not the backlog', () => {
    const s = new SocketStats();
    s.add(NO_STATE, '0', '0', '10.0.0.1:22', '10.0.0.2:50000');
    s.add('LISTEN', '3', '0', '0.0.0.0:80', '0.0.0.0:*');
    const f = s.facts({ withTotal: false, backlog: false });
    expect(Object.keys(f).filter((k) => /^tcp\.state\.|\.sendQ$|^ss\.listen\.(full|maxFill)$/.test(k))).toEqual(['tcp.state.LISTEN']);
    expect(f).toMatchObject({ 'tcp.peer.top': '10.0.0.2:50000', 'ss.listen.count': 1, 'ss.listen.0.0.0.0:80.recvQ': 3 });
    expect(s.facts({ withTotal: true, backlog: true })).toMatchObject({ 'tcp.state.total': 2, 'ss.listen.0.0.0.0:80.sendQ': 0, 'ss.listen.full': 0 });
  });

  it('sums interface errors only when asked', () => {
    const eth0 = newLink('eth0');
    eth0.up = true;
    eth0.counters = { rx_errors: 3, tx_dropped: 2 };
    expect(linkFacts([eth0])).toMatchObject({ 'link.eth0.rx_errors': 3, 'link.errors': 3, 'link.dropped': 2 });
    const f = linkFacts([eth0], { sums: false });
    expect(f['link.eth0.rx_errors']).toBe(3);
    expect(Object.keys(f).filter((k) => /^link\.(errors|dropped|collisions)$/.test(k))).toEqual([]);
  });
});

describe('count pipelines', () => {
  it('netstat -an | grep -c SYN_RECV gives tcp.state.SYN_RECV', () => {
    expect(parseOutput('128\n', { command: 'netstat -an | grep -c SYN_RECV' }).facts).toEqual({ 'tcp.state.SYN_RECV': 128 });
  });

  it('ss ... | wc -l subtracts the header line', () => {
    expect(facts('6212\n', 'ss -tan state close-wait | wc -l')).toEqual({ 'tcp.state.CLOSE_WAIT': 6211 });
  });

  it('subtracts no header that sed or tail already took away', () => {
    expect(facts('6211\n', 'ss -tan state close-wait | sed 1d | wc -l')).toEqual({ 'tcp.state.CLOSE_WAIT': 6211 });
    expect(facts('6211\n', "ss -tan state close-wait | sed '1d' | wc -l")).toEqual({ 'tcp.state.CLOSE_WAIT': 6211 });
    expect(facts('6211\n', 'ss -tan state close-wait | tail -n +2 | wc -l')).toEqual({ 'tcp.state.CLOSE_WAIT': 6211 });
    expect(facts('40\n', "netstat -ant | sed '1,2d' | wc -l")).toEqual({ 'tcp.state.total': 40 });
    // Only one of netstat's two header lines is gone.
    expect(facts('41\n', 'netstat -ant | tail -n +2 | wc -l')).toEqual({ 'tcp.state.total': 40 });
    // `sed 2d` drops a row, not the header: what is left is not every CLOSE_WAIT socket.
    expect(facts('6212\n', 'ss -tan state close-wait | sed 2d | wc -l')).toEqual({ 'count.value': 6211 });
    const dependency = parseOutput('30\n', { command: 'ss -tn dport = :6379 | sed 1d | wc -l' });
    expect(dependency.facts).toEqual({ 'count.value': 30 });
  });

  it('a uniq -c tally of peers with a state filter gives the top peer', () => {
    const f = facts('   3412 10.9.4.100\n      2 10.9.7.15\n', "ss -tan state fin-wait-2 | awk 'NR>1 {print $4}' | cut -d: -f1 | sort | uniq -c | sort -rn");
    expect(f['tcp.state.FIN_WAIT2']).toBe(3414);
    expect(f['tcp.state.FIN_WAIT2.topPeer']).toBe('10.9.4.100');
  });

  it('takes the state from an ss filter naming one state, else from a grep pattern', () => {
    expect(facts('42\n', 'ss -tan state connected | grep -c ESTAB')).toEqual({ 'tcp.state.ESTABLISHED': 42 });
    expect(facts('7\n', 'ss -Htan state listening | wc -l')).toEqual({ 'tcp.state.LISTEN': 7 });
  });

  it('a count of an ss listing of some states only is not the total', () => {
    const some = ['ss -tan state connected | wc -l', 'ss -tan state synchronized | wc -l', 'ss -tan state bucket | wc -l', 'ss -tan state big | wc -l', 'ss -tan exclude listening | wc -l', 'sudo ss -tn | wc -l', 'ss -tan dport = :443 | wc -l'];
    for (const command of some) {
      const r = parseOutput('101\n', { command });
      expect(r.facts, command).toEqual({ 'count.value': 100 });
      expect(r.warnings.join(' '), command).toMatch(/^Kept as count.value, not tcp.state.total: /);
    }
    expect(parseOutput('101\n', { command: 'ss -tan state connected | wc -l' }).warnings[0]).toContain('ss `state connected` lists ESTABLISHED, SYN_SENT, SYN_RECV, FIN_WAIT1, FIN_WAIT2, TIME_WAIT, CLOSE_WAIT, LAST_ACK, CLOSING only');
    expect(facts('101\n', 'ss -tan state all | wc -l')).toEqual({ 'tcp.state.total': 100 });
    expect(facts('101\n', 'ss -tan | wc -l')).toEqual({ 'tcp.state.total': 100 });
    expect(facts('12\n', 'ss -Htan state bucket exclude time-wait | wc -l')).toEqual({ 'tcp.state.SYN_RECV': 12 });
  });

  it('a count of one state with a filter expression or a grep is only some of those sockets', () => {
    // (A grep before `wc -l` leaves the header out already; the others subtract it.)
    const counts: [string, number][] = [
      ["ss -tan state established '( dport = :443 )' | wc -l", 10],
      ['ss -tan state established dport = :443 | wc -l', 10],
      ['ss -tan state close-wait | grep :6379 | wc -l', 11],
      ['ss -tan state close-wait | head -100 | wc -l', 10],
    ];
    for (const [command, value] of counts) {
      const r = parseOutput('11\n', { command });
      expect(r.facts, command).toEqual({ 'count.value': value });
      expect(r.warnings[0], command).toMatch(/^Kept as count.value: .* counts some (ESTABLISHED|CLOSE_WAIT) sockets, but /);
    }
    // A grep of the state itself selects nothing more.
    expect(facts('10\n', 'ss -tan state close-wait | grep -c CLOSE-WAIT')).toEqual({ 'tcp.state.CLOSE_WAIT': 10 });
    expect(facts('11\n', 'ss -tan state close-wait | sort | wc -l')).toEqual({ 'tcp.state.CLOSE_WAIT': 10 });
  });

  it('gives a count over several states to none of them', () => {
    const r = parseOutput('101\n', { command: 'ss -tan state established state syn-recv | wc -l' });
    expect(r.facts).toEqual({ 'count.value': 100 });
    expect(r.warnings[0]).toContain('ss `state established state syn-recv` lists ESTABLISHED, SYN_RECV only');
    expect(facts('9\n', "netstat -ant | grep -cE 'SYN_RECV|ESTABLISHED'")).toEqual({ 'count.value': 9 });
    expect(parseOutput('9\n', { command: "netstat -ant | grep -cE 'SYN_RECV|ESTABLISHED'" }).warnings[0]).toContain('counts several TCP states (SYN_RECV, ESTABLISHED)');
    expect(facts('9\n', 'netstat -ant | grep -v ESTABLISHED | wc -l')).toEqual({ 'count.value': 9 });
    expect(facts('9\n', 'ss -Htan exclude listen | wc -l')).toEqual({ 'count.value': 9 });
    expect(facts('9\n', 'ss -tan state established state syn-recv | grep -c ESTAB')).toEqual({ 'tcp.state.ESTABLISHED': 9 });
  });

  it('a bare number without a command says it cannot tell', () => {
    const r = parseOutput('128\n');
    expect(r.parser).toBeNull();
    expect(r.facts).toEqual({});
  });
});

describe('readers shared by several parsers', () => {
  it('finds the TCP state an ss filter selects, only when it selects one', () => {
    expect(stateFilter('ss -tan state time-wait')).toBe('TIME_WAIT');
    expect(stateFilter('sudo ss -tn state established dport = :443 | head')).toBe('ESTABLISHED');
    expect(stateFilter('ss -tan state established state syn-recv')).toBeUndefined();
    expect(stateFilter('ss -tan state connected')).toBeUndefined();
    expect(stateFilter('ss -tan')).toBeUndefined();
  });

  it('reads the states an ss command lists as ss does: state and exclude words, groups, -a, -l', () => {
    const connected = ['ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE_WAIT', 'LAST_ACK', 'CLOSING'];
    expect(ssStates('ss -tan state connected')).toEqual({ states: connected, how: 'state connected', expression: false });
    expect(ssStates('ss -tan state synchronized')?.states).toEqual(connected.filter((s) => s !== 'SYN_SENT'));
    expect(ssStates('ss -tan state bucket')?.states).toEqual(['SYN_RECV', 'TIME_WAIT']);
    expect(ssStates('ss -tan state big')?.states).toEqual(['ESTABLISHED', 'SYN_SENT', 'FIN_WAIT1', 'FIN_WAIT2', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING']);
    expect(ssStates('ss -tan exclude listening excl closed')?.states).toEqual(connected);
    expect(ssStates('ss -tan state all')?.states).toHaveLength(11);
    expect(ssStates('ss -tan')).toMatchObject({ how: '-a', expression: false });
    expect(ssStates('ss -ltn')?.states).toEqual(['LISTEN', 'CLOSE']);
    expect(ssStates('ss -tn')?.states).toEqual(['ESTABLISHED', 'SYN_SENT', 'FIN_WAIT1', 'FIN_WAIT2', 'CLOSE_WAIT', 'LAST_ACK', 'CLOSING']);
    expect(ssStates('ss -tn -f inet state established dport = :443')).toEqual({ states: ['ESTABLISHED'], how: 'state established', expression: true });
    expect(ssStates("ss -tan '!' state listening")).toBeUndefined();
    expect(ssStates('ss -tan state listening-ish')).toBeUndefined();
    expect(ssStates('netstat -ant')).toBeUndefined();
    expect(stateFilter('ss -tan state bucket exclude time-wait')).toBe('SYN_RECV');
  });

  it('finds the interface an ethtool command or title line names', () => {
    expect(ethtoolInterface('sudo ethtool -S eth0 | grep drop', ['-S', '--statistics'])).toBe('eth0');
    expect(ethtoolInterface('ethtool --statistics ens5', ['-S', '--statistics'])).toBe('ens5');
    expect(ethtoolInterface('ethtool -k eth0', ['-S', '--statistics'])).toBeUndefined();
    expect(ethtoolInterface('ethtool eth1')).toBe('eth1');
    expect(ethtoolInterface('ethtool -i eth1')).toBeUndefined();
    expect(titleInterface('Settings for enp0s3:', 'Settings')).toBe('enp0s3');
    expect(titleInterface('Channel parameters for eth0:', 'Channel parameters')).toBe('eth0');
    expect(titleInterface('Features for eth0 and more', 'Features')).toBeUndefined();
    expect(titleInterface('Settings for eth0:', 'Features')).toBeUndefined();
  });

  it('reads counter lines named the kernel way and names their facts', () => {
    expect(counterLine('TcpExtListenOverflows           12                 0.0')).toEqual({ group: 'TcpExt', name: 'ListenOverflows', value: 12, rest: ['0.0'] });
    expect(counterLine('Ip6InReceives                   \t7')).toEqual({ group: 'Ip6', name: 'InReceives', value: 7, rest: [] });
    expect(counterLine('NotACounter 12')).toBeUndefined();
    expect(counterLine('TcpExt: 0 0 0')).toBeUndefined();
    expect(counterLine('IcmpMsg: 707 4')).toBeUndefined();
    expect(counterLine('TcpExtListenOverflows twelve')).toBeUndefined();
    expect(counterFact('TcpExt', 'PAWSPassive')).toBe('netstat.TcpExt.PAWSPassive');
  });
});

describe('other commands', () => {
  it('sysctl keys, cat /proc/sys with the key from the command, and missing keys', () => {
    expect(facts('net.ipv4.tcp_tw_recycle = 1\n')['sysctl.net.ipv4.tcp_tw_recycle']).toBe(1);
    expect(facts('1\n', 'cat /proc/sys/net/ipv4/tcp_tw_recycle')).toEqual({ 'sysctl.net.ipv4.tcp_tw_recycle': 1 });
    expect(facts('4096\t87380\t6291456\n', 'cat /proc/sys/net/ipv4/tcp_rmem')['sysctl.net.ipv4.tcp_rmem.max']).toBe(6291456);
    expect(facts('sysctl: cannot stat /proc/sys/net/ipv4/tcp_tw_recycle: No such file or directory\n', 'sysctl net.ipv4.tcp_tw_recycle')['sysctl.missing']).toBe('net.ipv4.tcp_tw_recycle');
    expect(facts('kernel.osrelease = 4.19.0-17-amd64\n')['kernel.release']).toBe('4.19.0-17-amd64');
  });

  it('uname -r and uname -a give kernel.release', () => {
    expect(facts('3.10.0-1127.el7.x86_64\n')['kernel.release']).toBe('3.10.0-1127.el7.x86_64');
    expect(facts('Linux web1 5.15.0-91-generic #101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023 x86_64 x86_64 x86_64 GNU/Linux\n')).toMatchObject({
      'kernel.release': '5.15.0-91-generic',
      'kernel.stream': 'ubuntu',
    });
  });

  it('conntrack -S sums per-CPU lines; conntrack -C is one number', () => {
    const f = facts('cpu=0 found=1 invalid=2 insert=0 insert_failed=3 drop=3 early_drop=0 error=0 search_restart=5\ncpu=1 found=1 invalid=2 insert=0 insert_failed=4 drop=4 early_drop=0 error=0 search_restart=5\n');
    expect(f['conntrack.insert_failed']).toBe(7);
    expect(f['conntrack.cpus']).toBe(2);
    expect(facts('65001\n', 'conntrack -C')).toEqual({ 'conntrack.count': 65001 });
  });

  it('ethtool reads speed, duplex, auto-negotiation and link', () => {
    expect(facts('Settings for eth0:\n\tSpeed: 100Mb/s\n\tDuplex: Half\n\tAuto-negotiation: off\n\tLink detected: yes\n')).toMatchObject({
      'ethtool.speedMbps': 100,
      'ethtool.duplex': 'Half',
      'ethtool.autoneg': false,
      'ethtool.link': true,
      'ethtool.iface': 'eth0',
    });
  });

  it('ethtool -S files counters under the interface from the command', () => {
    const f = facts('NIC statistics:\n     rx_queue_0_packets: 900\n     rx_queue_1_packets: 100\n', 'ethtool -S eth1');
    expect(f['ethtool.S.eth1.rx_queue_0_packets']).toBe(900);
    expect(f['ethtool.S.rxQueueImbalance']).toBe(1.8);
  });

  it('ip -s link sums errors and collisions over interfaces that are up', () => {
    const f = facts(
      '2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP mode DEFAULT group default qlen 1000\n    link/ether 00:25:90:aa:31:0e brd ff:ff:ff:ff:ff:ff\n    RX: bytes  packets  errors  dropped overrun mcast\n    40211877312 41277310 812     0       0       2231\n    TX: bytes  packets  errors  dropped carrier collsns\n    38771204431 36002117 5120    0       0       88213\n',
    );
    expect(f).toMatchObject({ 'link.errors': 5932, 'link.collisions': 88213, 'link.mtu.min': 1500, 'link.eth0.rx_errors': 812 });
  });

  it('ifconfig gives link state DOWN, as ip link does, only for interfaces without the UP flag', () => {
    const newTools = [
      'docker0: flags=4099<UP,BROADCAST,MULTICAST>  mtu 1500',
      '        RX packets 0  bytes 0 (0.0 B)',
      'eth1: flags=4098<BROADCAST,MULTICAST>  mtu 1500',
      '        RX packets 0  bytes 0 (0.0 B)',
      'lo: flags=73<UP,LOOPBACK,RUNNING>  mtu 65536',
      '        RX packets 8  bytes 400 (400.0 B)',
    ].join('\n');
    const f = facts(newTools, 'ifconfig -a');
    expect(f).toMatchObject({ 'link.eth1.state': 'DOWN', 'link.eth1.up': false, 'link.docker0.up': true, 'link.lo.up': true });
    expect(f).not.toHaveProperty(['link.docker0.state']);
    expect(f).not.toHaveProperty(['link.lo.state']);
    const oldTools = 'eth2      Link encap:Ethernet  HWaddr 00:0c:29:41:71:46\n          BROADCAST MULTICAST  MTU:1500  Metric:1\neth0      Link encap:Ethernet  HWaddr 00:0c:29:41:71:45\n          UP BROADCAST RUNNING MULTICAST  MTU:1500  Metric:1\n          RX packets:36 errors:0 dropped:0 overruns:0 frame:0\n';
    const o = facts(oldTools, 'ifconfig -a');
    expect(o['link.eth2.state']).toBe('DOWN');
    expect(o).not.toHaveProperty(['link.eth0.state']);
    // an old block without its flags line says nothing about the state
    expect(facts('eth3      Link encap:Ethernet  HWaddr 00:0c:29:41:71:47\n          RX packets:36 errors:0 dropped:0 overruns:0 frame:0\n', 'ifconfig eth3')).not.toHaveProperty(['link.eth3.state']);
    // the same interface read by ip link
    expect(facts('3: eth1: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n    link/ether 52:54:00:12:34:57 brd ff:ff:ff:ff:ff:ff\n', 'ip link')['link.eth1.state']).toBe('DOWN');
  });

  it('softnet_stat and /proc/interrupts show one hot CPU', () => {
    const z = ' 00000000'.repeat(6);
    expect(facts(`00000100 00000001 00000002${z}\n00001000 00000000 00000000${z}\n`)).toMatchObject({
      'softnet.dropped': 1,
      'softnet.time_squeeze': 2,
      'softnet.busiestCpu': 1,
    });
    const f = facts('           CPU0       CPU1\n 45:       9000       1000   PCI-MSI 1-edge      eth0-TxRx-0\n');
    expect(f['interrupts.nicBusiestCpu']).toBe(0);
    expect(f['interrupts.nicImbalance']).toBe(1.8);
  });

  it('resolv.conf options and nsswitch absence', () => {
    expect(facts('nameserver 10.96.0.10\nsearch a b c\noptions ndots:5 single-request-reopen\n')).toMatchObject({
      'resolv.nameservers': 1,
      'resolv.options.ndots': 5,
      'resolv.options.single-request-reopen': true,
    });
    expect(facts('ls: /etc/nsswitch.conf: No such file or directory\n', 'ls -l /etc/nsswitch.conf')).toEqual({ 'nsswitch.present': false });
  });

  it('iptables -t nat -S: a REDIRECT reached from OUTPUT', () => {
    const f = facts('-P OUTPUT ACCEPT\n-N MESH_OUT\n-A OUTPUT -p tcp -j MESH_OUT\n-A MESH_OUT -d 10.60.0.0/16 -p tcp -j REDIRECT --to-ports 80\n', 'iptables -t nat -S');
    expect(f).toMatchObject({ 'iptables.nat.redirect': 1, 'iptables.nat.redirectOutput': 1 });
  });

  it('dig timeouts and +tcp', () => {
    expect(facts(';; connection timed out; no servers could be reached\n', 'dig @10.0.0.2 example.com')['dig.status']).toBe('timeout');
    expect(facts(';; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 1\n;; Query time: 3 msec\n', 'dig +tcp example.com')).toMatchObject({ 'dig.tcp': true, 'dig.queryTimeMs': 3 });
  });

  it('ping -M do failures give fragNeeded, the MTU and the size', () => {
    const f = facts('PING 10.0.0.2 (10.0.0.2) 1472(1500) bytes of data.\nping: local error: message too long, mtu=1450\n\n--- 10.0.0.2 ping statistics ---\n1 packets transmitted, 0 received, +1 errors, 100% packet loss, time 0ms\n');
    expect(f).toMatchObject({ 'ping.fragNeeded': true, 'ping.mtu': 1450, 'ping.size': 1472, 'ping.loss': 100 });
  });

  it('curl -w: labelled lines and the %{...}::%{...} format from the command', () => {
    expect(facts('time_namelookup: 5.012\ntime_total: 5.1\n')).toMatchObject({ 'curl.time_namelookup': 5.012, 'curl.time_total': 5.1 });
    const f = facts('0.004::0.005::0.130\n5.004::5.006::5.120\n', "curl -s -o /dev/null -w '%{time_namelookup}::%{time_connect}::%{time_total}\\n' http://x/");
    expect(f).toMatchObject({ 'curl.time_namelookup': 5.004, 'curl.time_namelookup.min': 0.004, 'curl.time_total': 5.12, 'curl.samples': 2 });
  });

  it('a socket listing cut by grep or head, or of listeners only, has no total', () => {
    const rows = 'tcp        0      0 10.0.0.1:443            10.9.9.9:1234           ESTABLISHED\ntcp        0      0 10.0.0.1:443            10.9.9.8:1235           TIME_WAIT\n';
    expect(facts(rows, 'netstat -ant')['tcp.state.total']).toBe(2);
    expect(facts(rows, 'netstat -ant | sort')['tcp.state.total']).toBe(2);
    expect(facts(rows, 'netstat -tn')).not.toHaveProperty(['tcp.state.total']);
    expect(facts(rows, 'netstat -ant | grep :443')).not.toHaveProperty(['tcp.state.total']);
    expect(facts(rows, 'netstat -ant | grep :443')['tcp.state.ESTABLISHED']).toBe(1);
    const ss = 'State    Recv-Q Send-Q Local Address:Port  Peer Address:Port\nESTAB    0      0      10.0.0.1:443       10.9.9.9:1234\n';
    expect(facts(ss, 'ss -tan')['tcp.state.total']).toBe(1);
    expect(facts(ss, 'ss -tan | head -1000')).not.toHaveProperty(['tcp.state.total']);
    const two = `${ss}TIME-WAIT 0      0      10.0.0.1:443       10.9.9.9:1235\n`;
    expect(facts(two, 'ss -tan state connected')).toEqual(expect.objectContaining({ 'tcp.state.ESTABLISHED': 1, 'tcp.state.TIME_WAIT': 1 }));
    expect(facts(two, 'ss -tan state connected')).not.toHaveProperty(['tcp.state.total']);
    expect(facts(two, 'ss -tan exclude listening')).not.toHaveProperty(['tcp.state.total']);
    expect(facts(two, 'ss -tan state all')['tcp.state.total']).toBe(2);
  });

  it('dmesg SYN flooding with its port', () => {
    expect(facts('[3847211.118203] TCP: TCP: Possible SYN flooding on port 80. Dropping request.  Check SNMP counters.\n')).toMatchObject({
      'dmesg.synFlooding': true,
      'dmesg.synFloodingPort': 80,
    });
    // Kernel 6.2 and later name the listening address too.
    expect(facts('[ 12.5] TCP: request_sock_TCP: Possible SYN flooding on port 10.0.0.5:443. Sending cookies.  Check SNMP counters.\n')['dmesg.synFloodingPort']).toBe(443);
    expect(facts('[ 12.5] TCP: request_sock_TCPv6: Possible SYN flooding on port [::]:8443. Sending cookies.  Check SNMP counters.\n')['dmesg.synFloodingPort']).toBe(8443);
  });

  it('ulimit -a gives open files and processes', () => {
    expect(facts('open files                      (-n) 1024\nmax user processes              (-u) unlimited\n')).toMatchObject({
      'ulimit.openFiles': 1024,
      'ulimit.maxUserProcesses': 'unlimited',
    });
  });
});

describe('input hygiene', () => {
  it('strips ANSI colours, CRLF, the prompt line (returning its command) and trailing prompts', () => {
    const c = cleanPaste('\r\n\x1b[32muser@web1:~$\x1b[0m netstat -s | grep -i listen\r\n    7 times the listen queue of a socket overflowed\r\nuser@web1:~$ \r\n\r\n');
    expect(c.command).toBe('netstat -s | grep -i listen');
    expect(c.text).toBe('    7 times the listen queue of a socket overflowed');
  });

  it('accepts $ and [root@host ~]# prompts but not # comments', () => {
    expect(cleanPaste('$ ss -lnt\nState Recv-Q\n').command).toBe('ss -lnt');
    expect(cleanPaste('[root@db1 ~]# sysctl -a\nnet.core.somaxconn = 128\n').command).toBe('sysctl -a');
    expect(cleanPaste('# Generated by NetworkManager\nnameserver 10.0.0.2\n').command).toBeNull();
  });

  it('undoes localized number grouping in counters', () => {
    expect(facts('Tcp:\n    1,234,567 segments retransmitted\n')['netstat.Tcp.RetransSegs']).toBe(1234567);
    expect(facts('#kernel\nTcpExtListenOverflows           960\u00a0467            0.0\n')['netstat.TcpExt.ListenOverflows']).toBe(960467);
    expect(facts('NIC statistics:\n     rx_missed_errors: 1,204\n', 'ethtool -S eth0')['ethtool.S.eth0.rx_missed_errors']).toBe(1204);
    expect(cleanPaste('-A INPUT -p tcp -m multiport --dports 80,443 -j ACCEPT').text).toContain('80,443');
  });

  it('detects a grep excerpt of grouped counters without being told the command', () => {
    const r = parseOutput('    1,234 segments retransmitted\n    4,567 times the listen queue of a socket overflowed\n');
    expect(r).toMatchObject({ parser: 'netstat-s', facts: { 'netstat.Tcp.RetransSegs': 1234, 'netstat.TcpExt.ListenOverflows': 4567 } });
  });

  it('never joins a comma list: curl -w values, iptables ports', () => {
    const curl = parseOutput('200,512\n', { command: "curl -s -o /dev/null -w '%{http_code},%{size_download}\\n' https://example.com/" });
    expect(curl.facts).toMatchObject({ 'curl.http_code': 200, 'curl.size_download': 512 });
    const listing = 'Chain INPUT (policy ACCEPT)\ntarget     prot opt source               destination\nACCEPT     tcp  --  0.0.0.0/0            0.0.0.0/0            multiport dports 22,443\n';
    expect(cleanPaste(listing).text).toContain('dports 22,443');
  });

  it('splits several commands pasted at once and merges their facts', () => {
    const text = '$ uname -r\n5.4.0-150-generic\n$ sysctl net.core.somaxconn\nnet.core.somaxconn = 4096\n$ \n';
    expect(splitPaste(text).map((s) => s.command)).toEqual(['uname -r', 'sysctl net.core.somaxconn']);
    const r = parseOutput(text);
    expect(r.facts).toMatchObject({ 'kernel.release': '5.4.0-150-generic', 'sysctl.net.core.somaxconn': 4096 });
    expect(r.segments).toHaveLength(2);
  });

  it('reads a one-command paste in one pass: colour codes are stripped once, not per reading', () => {
    const text = '\x1b[32muser@web1:~$\x1b[0m netstat -s\nTcp:\n    428 segments retransmited\n';
    const includes = vi.spyOn(String.prototype, 'includes');
    let r: ReturnType<typeof parseOutput>;
    let strips: number;
    try {
      r = parseOutput(text);
      strips = includes.mock.calls.filter(([s]) => s === '\x1b').length;
    } finally {
      includes.mockRestore();
    }
    expect(r).toMatchObject({ command: 'netstat -s', parser: 'netstat-s', facts: { 'netstat.Tcp.RetransSegs': 428 } });
    expect(strips).toBe(1);
  });

  it('takes the command from the prompt line to choose the parser', () => {
    const r = parseOutput('$ cat /proc/sys/net/core/somaxconn\n4096\n');
    expect(r).toMatchObject({ command: 'cat /proc/sys/net/core/somaxconn', parser: 'sysctl', facts: { 'sysctl.net.core.somaxconn': 4096 } });
  });
});

describe('detection and parseOutput', () => {
  it('cannot tell for prose, and says what it expected', () => {
    const d = detectCommand('The server was slow yesterday and customers complained about timeouts.');
    expect(d.parser).toBeNull();
    const r = parseOutput('The server was slow yesterday.');
    expect(r.parser).toBeNull();
    expect(r.warnings[0]).toMatch(/Could not tell which command printed this/);
  });

  it('warns "nothing pasted" for empty input', () => {
    expect(parseOutput('  \n\n')).toMatchObject({ facts: {}, warnings: [expect.stringMatching(/Nothing pasted/)] });
  });

  it('falls back to detection when the command does not match the output', () => {
    const r = parseOutput('net.core.somaxconn = 128\n', { command: 'netstat -s' });
    expect(r.parser).toBe('sysctl');
    expect(r.warnings[0]).toMatch(/does not read as `netstat -s` output/);
  });

  it('reads commands wrapped in sudo, kubectl exec and for loops', () => {
    expect(parseOutput('nameserver 10.96.0.10\n', { command: 'kubectl exec api-1 -- cat /etc/resolv.conf' }).parser).toBe('resolv-conf');
    expect(parseOutput('0.004\n5.010\n', { command: "for i in 1 2; do curl -s -o /dev/null -w '%{time_namelookup}\\n' http://a/; done" }).facts['curl.time_namelookup']).toBe(5.01);
    expect(parseOutput('net.ipv4.tcp_syncookies = 1\n', { command: 'sudo sysctl net.ipv4.tcp_syncookies' }).parser).toBe('sysctl');
  });
});

describe('deltas', () => {
  it('gives the change, the seconds and the rate of counters that moved', () => {
    const a = parseOutput('    2291873 times the listen queue of a socket overflowed\n').facts;
    const b = parseOutput('    2293333 times the listen queue of a socket overflowed\n').facts;
    const d = computeDeltas([
      { facts: b, takenAt: '2022-10-11T20:15:10+02:00' },
      { facts: a, takenAt: '2022-10-11T20:15:00+02:00' },
    ]);
    expect(d['netstat.TcpExt.ListenOverflows']).toEqual({ from: 2291873, to: 2293333, delta: 1460, seconds: 10, perSecond: 146 });
  });

  it('leaves out unchanged and non-numeric facts, and works without times', () => {
    const d = computeDeltas([{ facts: { a: 1, b: 2, s: 'x' } }, { facts: { a: 1, b: 5, s: 'y' } }]);
    expect(d).toEqual({ b: { from: 2, to: 5, delta: 3 } });
    expect(computeDeltas([{ facts: { a: 1 } }])).toEqual({});
  });
});

describe('fact catalog', () => {
  it('has every fact name the corpus relies on (docs/facts.md)', () => {
    for (const n of [
      'netstat.TcpExt.PAWSPassive', 'netstat.TcpExt.ListenOverflows', 'netstat.TcpExt.ListenDrops', 'netstat.TcpExt.TCPReqQFullDrop', 'netstat.TcpExt.TCPWqueueTooBig',
      'netstat.Tcp.RetransSegs', 'netstat.Udp.RcvbufErrors', 'netstat.Ip.ReasmFails', 'netstat.tcp.retransmitRatio', 'sysctl.net.ipv4.tcp_tw_recycle',
      'sysctl.net.ipv4.ip_local_port_range.size', 'kernel.release', 'ss.listen.count', 'ss.listen.full', 'ss.listen.maxFill', 'ss.listen.0.0.0.0:80.recvQ',
      'tcp.state.SYN_RECV', 'tcp.state.total', 'tcp.state.CLOSE_WAIT.topPeer', 'tcp.state.FIN_WAIT2.topPeerShare', 'tcp.state.TIME_WAIT.topLocalPort',
      'tcp.peer.maxConnections', 'conntrack.insert_failed', 'conntrack.clash_resolve', 'conntrack.count', 'conntrack.max', 'ethtool.speedMbps', 'ethtool.duplex',
      'ethtool.autoneg', 'ethtool.link', 'ethtool.S.rxQueueImbalance', 'ethtool.S.eth0.rx_dropped', 'link.mtu.min', 'link.errors', 'link.dropped', 'link.collisions',
      'link.eth0.mtu', 'softnet.dropped', 'softnet.time_squeeze', 'softnet.imbalance', 'interrupts.nicImbalance', 'ulimit.maxUserProcesses', 'ulimit.openFiles',
      'resolv.nameservers', 'resolv.options.single-request-reopen', 'resolv.options.use-vc', 'resolv.options.ndots', 'resolv.search', 'nsswitch.present', 'nsswitch.hosts',
      'iptables.nat.redirect', 'iptables.nat.redirectOutput', 'iptables.nat.masqueradeRandomFully', 'dig.status', 'dig.queryTimeMs', 'dig.tcp', 'ping.loss', 'ping.fragNeeded',
      'ping.size', 'curl.time_namelookup', 'curl.time_total', 'dmesg.synFlooding', 'dmesg.conntrackFull', 'dmesg.dropOpenRequest', 'tcpdump.synWithoutSynAck',
      'tcpdump.tsvalDecreasing', 'tcpdump.rstAfterSynAck', 'tcpdump.synAnsweredByAck', 'tcpdump.retransmissions', 'tcpdump.noWindowScale', 'tcpdump.minWindow',
      'tcpdump.rst', 'tcpdump.dupAcks',
    ]) {
      expect(isKnownFact(n), n).toBe(true);
    }
  });

  it('rejects typos and suggests the right name', () => {
    expect(isKnownFact('netstat.TcpExt.PAWSPasive')).toBe(false);
    expect(closestFacts('netstat.TcpExt.PAWSPasive')[0]).toBe('netstat.TcpExt.PAWSPassive');
  });

  it('lists the producing parsers and the netstat sentence of counters', () => {
    const e = factCatalog().find((x) => x.name === 'netstat.TcpExt.ListenDrops')!;
    expect(e.parsers).toEqual(expect.arrayContaining(['netstat-s', 'nstat', 'proc-net-netstat']));
    expect(e.mib).toBe('TcpExtListenDrops');
    expect(e.netstatText).toMatch(/SYNs to LISTEN sockets dropped/);
  });

  it('declares every fact the fixtures produce', () => {
    // facts produced on a representative mix; each must be in the catalog
    for (const t of ['Tcp:\n    5 segments retransmitted\n', 'net.core.somaxconn = 1\n', 'State Recv-Q Send-Q Local Address:Port Peer Address:Port\nESTAB 0 0 1.1.1.1:1 2.2.2.2:2\n']) {
      for (const n of Object.keys(facts(t))) expect(isKnownFact(n), n).toBe(true);
    }
  });
});

describe('command cost and safety', () => {
  it('knows cost, root and equivalents', () => {
    expect(commandInfo('ss -tanp')?.cost.heavy).toMatch(/process/);
    expect(commandInfo('netstat -s')?.cost.equivalents).toEqual(expect.arrayContaining(['nstat -az']));
    expect(commandInfo('ifconfig -a')?.cost.equivalents).toEqual(expect.arrayContaining(['ip -s link']));
    expect(commandInfo('conntrack -S')?.cost.needsRoot).toBe(true);
    expect(commandInfo('sysctl -w net.ipv4.tcp_tw_reuse=1')?.cost.readOnly).toBe(false);
  });

  it('allows read-only commands with filters', () => {
    for (const c of ['netstat -s | grep -i listen', 'ss -lnt', 'ss -tan state close-wait | wc -l', 'sysctl net.ipv4.tcp_tw_recycle', 'cat /proc/net/netstat', "netstat -an | awk '/^tcp/ {print $6}' | sort | uniq -c", 'uname -r', 'dmesg | tail -50', 'ping -c 3 10.0.0.1', 'sysctl -a 2>/dev/null | grep tcp_tw', 'grep -E "CPU|eth0" /proc/interrupts']) {
      expect(isSafeToRun(c), c).toBe(true);
    }
  });

  it('refuses anything that writes, changes state or never ends', () => {
    for (const c of ['sysctl -w net.ipv4.tcp_tw_reuse=1', 'sysctl net.ipv4.tcp_tw_reuse=1', 'ethtool -K eth0 gro off', 'ethtool -s eth0 speed 1000', 'ip link set eth0 mtu 1400', 'iptables -A INPUT -j DROP', 'conntrack -F', 'ss -K dst 1.2.3.4', 'dmesg -c', 'tcpdump -w /tmp/x.pcap', 'ping 10.0.0.1', 'netstat -s > /tmp/out', 'netstat -s; rm -rf /', 'ss -lnt && reboot', 'echo $(id)', 'cat /proc/net/netstat | tee /tmp/x', "netstat -s | awk '{print > \"/tmp/x\"}'", "ss -lnt | sed -i s/a/b/ f", 'rm -rf /', 'sudo ss -lnt', 'curl -o /tmp/x http://a/']) {
      expect(isSafeToRun(c), c).toBe(false);
    }
  });
});
