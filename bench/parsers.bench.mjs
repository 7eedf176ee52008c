// Throughput of parseOutput on large pastes: ss -tan and netstat -ant at 10k,
// 100k and 1M lines, and a 10 MB /proc/interrupts-style wide table. Prints MB/s
// and the growth ratio of the time between sizes (10x more input should take
// about 10x longer: linear). Needs `npm run build:lib` first (imports lib/).
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const STATES = ['ESTAB', 'ESTAB', 'ESTAB', 'TIME-WAIT', 'TIME-WAIT', 'CLOSE-WAIT', 'SYN-RECV', 'FIN-WAIT-2', 'LAST-ACK'];
const NSTATES = ['ESTABLISHED', 'ESTABLISHED', 'ESTABLISHED', 'TIME_WAIT', 'TIME_WAIT', 'CLOSE_WAIT', 'SYN_RECV', 'FIN_WAIT2', 'LAST_ACK'];

function ip(i) {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

function ssTan(lines) {
  const out = ['State      Recv-Q Send-Q        Local Address:Port          Peer Address:Port Process'];
  for (let i = 0; i < lines; i++) {
    const st = STATES[i % STATES.length];
    out.push(`${st.padEnd(10)} 0      0              10.0.0.8:${80 + (i % 3)}          ${ip(i % 50000)}:${1024 + (i % 60000)}`);
  }
  return out.join('\n') + '\n';
}

function netstatAnt(lines) {
  const out = ['Active Internet connections (servers and established)', 'Proto Recv-Q Send-Q Local Address           Foreign Address         State'];
  for (let i = 0; i < lines; i++) {
    out.push(`tcp        0      0 10.0.0.8:${80 + (i % 3)}            ${`${ip(i % 50000)}:${1024 + (i % 60000)}`.padEnd(23)} ${NSTATES[i % NSTATES.length]}`);
  }
  return out.join('\n') + '\n';
}

function interrupts(bytes) {
  const cpus = 256;
  const header = '      ' + Array.from({ length: cpus }, (_, i) => `CPU${i}`.padStart(11)).join('') + '\n';
  const rows = [header];
  let size = header.length;
  for (let irq = 0; size < bytes; irq++) {
    const counts = Array.from({ length: cpus }, (_, c) => String((irq * 7919 + c * 104729) % 99999999).padStart(11)).join('');
    const row = `${String(irq).padStart(4)}:${counts}  IR-PCI-MSI ${irq}-edge      eth${irq % 4}-TxRx-${irq % 64}\n`;
    rows.push(row);
    size += row.length;
  }
  return rows.join('');
}

// Wall time and CPU time: on a shared, loaded machine the CPU time is the fairer figure.
function time(parseOutput, text, command) {
  parseOutput(text.slice(0, 100000), { command }); // warm up
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = parseOutput(text, { command });
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  if (Object.keys(r.facts).length === 0) throw new Error(`no facts for ${command ?? 'detection'}: ${r.warnings.join('; ')}`);
  return { ms, cpu: (c.user + c.system) / 1000, parser: r.parser };
}

function row(input, text, t, prev) {
  const mb = text.length / 1e6;
  return {
    input,
    MB: mb.toFixed(1),
    'wall ms': t.ms.toFixed(0),
    'MB/s': (mb / (t.ms / 1000)).toFixed(0),
    'cpu ms': t.cpu.toFixed(0),
    'MB/s cpu': (mb / (t.cpu / 1000)).toFixed(0),
    growth: prev ? `x${(t.ms / prev.ms).toFixed(1)} (cpu x${(t.cpu / prev.cpu).toFixed(1)}) for x10` : '',
  };
}

/** Run the benchmark and print its table. */
export async function run() {
  const { parseOutput } = await import(new URL('../lib/core/parsers/index.js', import.meta.url).href);
  const rows = [];
  for (const [name, gen, command] of [
    ['ss -tan', ssTan, 'ss -tan'],
    ['netstat -ant', netstatAnt, 'netstat -ant'],
  ]) {
    let prev;
    for (const n of [10_000, 100_000, 1_000_000]) {
      const text = gen(n);
      const t = time(parseOutput, text, command);
      rows.push(row(`${name} ${n.toLocaleString('en')} lines`, text, t, prev));
      prev = t;
    }
  }
  let prev;
  for (const mbytes of [1, 10]) {
    const text = interrupts(mbytes * 1e6);
    const t = time(parseOutput, text, 'cat /proc/interrupts');
    rows.push(row(`/proc/interrupts 256 CPUs ${mbytes} MB`, text, t, prev));
    prev = t;
  }
  const big = ssTan(1_000_000);
  const t = time(parseOutput, big, undefined);
  rows.push(row(`ss -tan 1,000,000 lines, detected as ${t.parser}`, big, t));
  console.log('parseOutput throughput (target: ss -tan >= 100 MB/s, linear growth)');
  console.table(rows);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
