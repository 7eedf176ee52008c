// Drives every runbook through the CLI's JSON-lines mode
// (`runbook start --runbook <id> --json --no-save`) along at least one path to
// each of its conclusions, with real-format command outputs from
// test/fixtures/sessions/ (plus a few socket listings generated below in the
// exact `ss` format). Also checks that `runbook check` finds no runbook problem.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'sessions');
const BIN = join(ROOT, 'bin', 'runbook.js');

beforeAll(() => {
  // test/global-setup.ts builds lib/ (and the bundle) before any test file runs;
  // rebuilding here would race with other test files using the CLI. Build only
  // when this file runs without that setup.
  if (!existsSync(join(ROOT, 'lib', 'cli', 'index.js'))) {
    spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
  }
});

// ---------------------------------------------------------------------------
// Answers and the session driver

type Answer = { choice: number } | { output: string; takenAt?: string; command?: string } | { action: 'skip' | 'quit' };

const T0 = '2024-03-14T10:00:00.000Z';
const T10 = '2024-03-14T10:00:10.000Z';

/** A fixture file's text. */
function fx(name: string): string {
  return readFileSync(join(FIXTURES, `${name}.txt`), 'utf8');
}

const choice = (n: number): Answer => ({ choice: n });
const skip: Answer = { action: 'skip' };
const quit: Answer = { action: 'quit' };
/** Paste a fixture (or literal text). */
const paste = (nameOrText: string, takenAt?: string): Answer => ({
  output: nameOrText.includes('\n') ? nameOrText : fx(nameOrText),
  ...(takenAt ? { takenAt } : {}),
});
/** Two snapshots of a counter command, ten seconds apart. */
const twice = (first: string, second: string): Answer[] => [paste(first, T0), paste(second, T10)];

interface JsonLine {
  type: string;
  runbook?: string;
  current?: { type: string; node: string; runbook: string; cases?: string[]; confidence?: string };
  candidates?: { id: string; status: string; score: number; why: string[] }[];
  summary?: {
    runbook: string;
    finished: boolean;
    conclusion: { cases: { id: string; status: string; why: string[] }[]; confidence?: string; message?: string } | null;
    ruledOut: { id: string; why: string[] }[];
  };
  code?: string;
  message?: string;
}

interface Run {
  status: number | null;
  lines: JsonLine[];
  errors: JsonLine[];
  steps: JsonLine[];
  last: JsonLine | undefined;
  concluded: JsonLine | undefined;
  stderr: string;
}

/**
 * Run one session in JSON mode with the given answers on stdin.
 * (An asynchronous child process: a spawnSync per session blocks the vitest
 * worker long enough for its RPC to time out over a hundred sessions.)
 */
async function session(runbook: string, answers: Answer[]): Promise<Run> {
  // Another engineer's `tsc` rewriting lib/ in the shared checkout can leave a
  // half-written module for a moment ("does not provide an export named ...");
  // retry that, and only that, after a pause.
  for (let attempt = 0; ; attempt++) {
    const r = await sessionOnce(runbook, answers);
    if (attempt < 3 && /unexpected error: (The requested module|Cannot find module)/.test(r.stderr)) {
      await new Promise((res) => setTimeout(res, 3000));
      continue;
    }
    return r;
  }
}

function sessionOnce(runbook: string, answers: Answer[]): Promise<Run> {
  const input = answers.map((a) => JSON.stringify(a)).join('\n') + '\n';
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'start', '--runbook', runbook, '--json', '--no-save'], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      try {
        const lines = stdout
          .split('\n')
          .filter((l) => l.trim() !== '')
          .map((l) => JSON.parse(l) as JsonLine);
        const steps = lines.filter((l) => l.type === 'step');
        resolve({
          status,
          lines,
          errors: lines.filter((l) => l.type === 'error'),
          steps,
          last: steps[steps.length - 1],
          concluded: lines.find((l) => l.type === 'concluded'),
          stderr,
        });
      } catch (e) {
        reject(new Error(`${String(e)}\nstdout: ${stdout.slice(0, 500)}\nstderr: ${stderr.slice(0, 500)}`));
      }
    });
    child.stdin.end(input);
  });
}

interface Path {
  /** Plain-English name of the path. */
  name: string;
  answers: Answer[];
  /** The conclude node reached. */
  node: string;
  /** The case ids it concludes (empty: "none of this runbook's causes"). */
  cases: string[];
  /** The runbook the conclusion is in, when a route switched it. */
  runbook?: string;
  /** Expected candidate statuses at the end. */
  statuses?: Record<string, string>;
  /** A reason (regular expression) expected among a candidate's why sentences. */
  why?: Record<string, RegExp>;
}

/** Run a path and check it concludes where it should. */
async function walk(runbook: string, p: Path): Promise<Run> {
  const r = await session(runbook, p.answers);
  expect(r.errors, `errors on path "${p.name}": ${JSON.stringify(r.errors)}`).toEqual([]);
  expect(r.stderr).toBe('');
  expect(r.concluded, `path "${p.name}" did not conclude; last step: ${JSON.stringify(r.last?.current)}`).toBeDefined();
  expect(r.status).toBe(0);
  const cur = r.last!.current!;
  expect(cur.type).toBe('conclude');
  expect(cur.node).toBe(p.node);
  expect(cur.runbook).toBe(p.runbook ?? runbook);
  expect(cur.cases).toEqual(p.cases);
  const summary = r.concluded!.summary!;
  expect(summary.finished).toBe(true);
  expect(summary.conclusion!.cases.map((c) => c.id)).toEqual(p.cases);
  for (const [id, status] of Object.entries(p.statuses ?? {})) {
    const c = r.last!.candidates!.find((x) => x.id === id);
    expect(c, `candidate ${id} on path "${p.name}"`).toBeDefined();
    expect(c!.status, `status of ${id} on path "${p.name}": ${JSON.stringify(c!.why)}`).toBe(status);
  }
  for (const [id, re] of Object.entries(p.why ?? {})) {
    const c = r.last!.candidates!.find((x) => x.id === id);
    expect(c, `candidate ${id} on path "${p.name}"`).toBeDefined();
    expect(c!.why.some((w) => re.test(w)), `why of ${id}: ${JSON.stringify(c!.why)}`).toBe(true);
  }
  // A concluded case is never shown as ruled out by the same session.
  for (const c of summary.conclusion!.cases) expect(c.status, `${c.id} concluded but ${c.status}: ${JSON.stringify(c.why)}`).not.toBe('ruled-out');
  return r;
}

// ---------------------------------------------------------------------------
// Socket listings in the exact format `ss -tan` / `ss -lnt` print

function ssRow(state: string, recvQ: number, sendQ: number, local: string, peer: string): string {
  return `${state.padEnd(11)}${String(recvQ).padEnd(7)}${String(sendQ).padEnd(7)}${local.padEnd(27)}${peer}`;
}
const SS_HEADER = 'State      Recv-Q Send-Q Local Address:Port               Peer Address:Port';

/** `ss -tan` of a Go service with CLOSE_WAIT sockets from its clients (and a Redis pool). */
function ssCloseWait(): string {
  const rows = [SS_HEADER, ssRow('LISTEN', 0, 512, '*:8080', '*:*'), ssRow('LISTEN', 0, 128, '*:22', '*:*')];
  for (let i = 0; i < 64; i++) rows.push(ssRow('ESTAB', 0, 0, `10.0.0.5:${41000 + i}`, '10.0.7.20:6379'));
  for (let i = 0; i < 1877; i++) rows.push(ssRow('CLOSE-WAIT', i % 7 === 0 ? 211 : 1, 0, '10.0.0.5:8080', `10.0.${3 + (i % 4)}.${10 + (i % 200)}:${30000 + i}`));
  rows.push(ssRow('ESTAB', 0, 36, '10.0.0.5:22', '10.9.8.7:51022'));
  return rows.join('\n') + '\n';
}

/** `ss -tan` of a client with FIN_WAIT2 sockets toward one slow backend. */
function ssFinWait2(): string {
  const rows = [SS_HEADER, ssRow('LISTEN', 0, 128, '*:22', '*:*')];
  for (let i = 0; i < 420; i++) rows.push(ssRow('FIN-WAIT-2', 0, 0, `10.0.0.8:${45000 + i}`, '10.2.0.15:8080'));
  for (let i = 0; i < 18; i++) rows.push(ssRow('FIN-WAIT-2', 0, 0, `10.0.0.8:${47000 + i}`, '10.2.0.16:8080'));
  for (let i = 0; i < 150; i++) rows.push(ssRow('ESTAB', 0, 0, `10.0.0.8:${48000 + i}`, `10.2.0.${15 + (i % 3)}:8080`));
  return rows.join('\n') + '\n';
}

/** `ss -tan` of a proxy holding TIME_WAIT toward one upstream. */
function ssTimeWait(n: number): string {
  const rows = [SS_HEADER, ssRow('LISTEN', 0, 511, '0.0.0.0:80', '0.0.0.0:*')];
  for (let i = 0; i < n; i++) rows.push(ssRow('TIME-WAIT', 0, 0, `10.0.0.9:${32768 + (i % 28000)}`, '10.0.9.20:80'));
  for (let i = 0; i < 40; i++) rows.push(ssRow('ESTAB', 0, 0, '10.0.0.9:80', `192.0.2.${i + 1}:5${1000 + i}`));
  return rows.join('\n') + '\n';
}

/** `ss -tan` of a quiet host. */
function ssQuiet(): string {
  const rows = [SS_HEADER, ssRow('LISTEN', 0, 128, '0.0.0.0:22', '0.0.0.0:*'), ssRow('LISTEN', 0, 4096, '0.0.0.0:8000', '0.0.0.0:*')];
  for (let i = 0; i < 25; i++) rows.push(ssRow('ESTAB', 0, 0, '172.26.137.10:8000', `172.26.137.131:${40100 + i}`));
  for (let i = 0; i < 6; i++) rows.push(ssRow('TIME-WAIT', 0, 0, '172.26.137.10:8000', `172.26.140.${20 + i}:${51000 + i}`));
  return rows.join('\n') + '\n';
}

/** `ss -tan` of an L7 proxy with most connections to one backend. */
function ssOneBackend(n: number): string {
  const rows = [SS_HEADER, ssRow('LISTEN', 0, 4096, '0.0.0.0:443', '0.0.0.0:*')];
  for (let i = 0; i < n; i++) rows.push(ssRow('ESTAB', 0, 0, `10.3.0.4:${10241 + 2 * (i % 24879)}`, '10.1.0.8:3306'));
  for (let i = 0; i < 300; i++) rows.push(ssRow('ESTAB', 0, 0, '10.3.0.4:443', `198.51.100.${1 + (i % 250)}:${50000 + i}`));
  return rows.join('\n') + '\n';
}

/** `ss -lnt` of a gateway listening on many ports, each with SO_REUSEPORT copies per worker. */
function ssListeners(ports: number, copies: number): string {
  const rows = ['State      Recv-Q Send-Q Local Address:Port               Peer Address:Port'];
  for (let p = 0; p < ports; p++) for (let c = 0; c < copies; c++) rows.push(ssRow('LISTEN', 0, 511, `0.0.0.0:${10000 + p}`, '0.0.0.0:*'));
  return rows.join('\n') + '\n';
}

const STATE_TALLY_CLOSE_WAIT = 'LISTEN 6\nCLOSE_WAIT 1877\nESTABLISHED 88\nTIME_WAIT 12\n';

// ---------------------------------------------------------------------------
// The paths, per runbook

const PATHS: Record<string, Path[]> = {
  'syn-no-response': [
    {
      name: 'NATed clients, CentOS 7 kernel, tcp_tw_recycle on, PAWSPassive rising',
      answers: [choice(1), paste('uname-r--centos7.7'), paste('sysctl--tw-recycle-on'), ...twice('netstat-s-grep--tw-recycle-1', 'netstat-s-grep--tw-recycle-2')],
      node: 'conclude-tw-recycle',
      cases: ['tcp-tw-recycle-nat-paws'],
      statuses: { 'tcp-tw-recycle-nat-paws': 'confirmed' },
      why: { 'tcp-tw-recycle-nat-paws': /PAWSPassive.*\+412/ },
    },
    {
      name: 'NATed clients on kernel 5.10: tw_recycle ruled out by the kernel, the accept queue overflows',
      answers: [choice(1), paste('uname-r--debian11'), ...twice('netstat-s-grep--listen-overflow-1', 'netstat-s-grep--listen-overflow-2'), paste('ss-lnt--accept-queue-full')],
      node: 'conclude-accept-queue',
      cases: ['accept-queue-overflow'],
      statuses: { 'accept-queue-overflow': 'confirmed', 'tcp-tw-recycle-nat-paws': 'ruled-out' },
      why: { 'tcp-tw-recycle-nat-paws': /kernel 5\.10\.0-21-amd64.*outside this case's range <4\.12/ },
    },
    {
      name: 'PAWSPassive rising without the sysctl read',
      answers: [choice(2), ...twice('netstat-s-grep--tw-recycle-1', 'netstat-s-grep--tw-recycle-2')],
      node: 'conclude-tw-recycle-unconfirmed',
      cases: ['tcp-tw-recycle-nat-paws'],
      statuses: { 'tcp-tw-recycle-nat-paws': 'likely' },
    },
    {
      name: 'tw_recycle off, PAWSEstab rising, SYN answered by a stale ACK',
      answers: [choice(4), paste('uname-r--centos7.7'), paste('sysctl--tw-recycle-off'), ...twice('netstat-s-grep--paws-estab-1', 'netstat-s-grep--paws-estab-2'), paste('tcpdump--syn-answered-by-ack')],
      node: 'conclude-nat-timewait',
      cases: ['nat-timewait-port-reuse-paws'],
      statuses: { 'nat-timewait-port-reuse-paws': 'confirmed', 'tcp-tw-recycle-nat-paws': 'ruled-out' },
    },
    {
      name: 'PAWSEstab rising, health-check RST right after the SYN-ACK',
      answers: [choice(2), ...twice('netstat-s-grep--paws-estab-1', 'netstat-s-grep--paws-estab-2'), paste('tcpdump--lvs-probe-rst')],
      node: 'conclude-lvs-probe',
      cases: ['lvs-probe-rst-dropped-paws'],
      statuses: { 'lvs-probe-rst-dropped-paws': 'confirmed' },
    },
    {
      name: 'PAWSEstab rising, no capture, topology unclear',
      answers: [choice(2), ...twice('netstat-s-grep--paws-estab-1', 'netstat-s-grep--paws-estab-2'), skip, choice(3)],
      node: 'conclude-paws-unclear',
      cases: ['nat-timewait-port-reuse-paws', 'lvs-probe-rst-dropped-paws'],
    },
    {
      name: 'PAWSEstab rising, no capture, a partner behind NAT',
      answers: [choice(2), ...twice('netstat-s-grep--paws-estab-1', 'netstat-s-grep--paws-estab-2'), skip, choice(1)],
      node: 'conclude-nat-timewait',
      cases: ['nat-timewait-port-reuse-paws'],
    },
    {
      name: 'ListenOverflows rising but the queue is not full right now',
      answers: [choice(2), ...twice('netstat-s-grep--listen-overflow-1', 'netstat-s-grep--listen-overflow-2'), paste('ss-lnt--idle')],
      node: 'conclude-accept-queue-bursty',
      cases: ['accept-queue-overflow'],
    },
    {
      name: 'SYN queue full with syncookies off (nstat)',
      answers: [choice(2), ...twice('nstat--reqq-full-1', 'nstat--reqq-full-2'), paste('sysctl--syncookies-off')],
      node: 'conclude-syn-queue',
      cases: ['syn-queue-overflow'],
      statuses: { 'syn-queue-overflow': 'confirmed', 'accept-queue-overflow': 'ruled-out' },
    },
    {
      name: 'SYN queue overflow seen in dmesg',
      answers: [choice(2), ...twice('nstat--reqq-full-1', 'nstat--reqq-full-2'), paste('dmesg--syn-flooding')],
      node: 'conclude-syn-queue',
      cases: ['syn-queue-overflow'],
    },
    {
      name: 'LoadBalancer path, conntrack insert_failed rising',
      answers: [choice(3), ...twice('conntrack-S--insert-failed-1', 'conntrack-S--insert-failed-2')],
      node: 'conclude-conntrack',
      cases: ['conntrack-snat-port-collision'],
      statuses: { 'conntrack-snat-port-collision': 'confirmed' },
    },
    {
      name: 'LoadBalancer path, one conntrack snapshot only',
      answers: [choice(3), paste('conntrack-S--insert-failed-1', T0), skip],
      node: 'conclude-conntrack-unconfirmed',
      cases: ['conntrack-snat-port-collision'],
    },
    {
      name: 'Nothing moves anywhere',
      answers: [choice(2), ...twice('netstat-s-grep--quiet-1', 'netstat-s-grep--quiet-2'), ...twice('conntrack-S--clean', 'conntrack-S--clean')],
      node: 'no-match',
      cases: [],
      statuses: { 'conntrack-snat-port-collision': 'ruled-out', 'accept-queue-overflow': 'ruled-out' },
    },
    {
      name: 'One snapshot with old overflows, queue idle, syncookies on, conntrack clean',
      answers: [choice(2), paste('netstat-s-grep--listen-overflow-1', T0), skip, paste('ss-lnt--idle'), paste('sysctl--syncookies-on'), ...twice('conntrack-S--clean', 'conntrack-S--clean')],
      node: 'no-match',
      cases: [],
      statuses: { 'syn-queue-overflow': 'ruled-out' },
    },
  ],

  'connection-refused-or-reset': [
    {
      name: 'Refused 1 in 4, arping finds a duplicate address',
      answers: [choice(1), paste('ss-lnt--idle'), choice(1)],
      node: 'conclude-ip-conflict',
      cases: ['container-ip-conflict-rst'],
    },
    {
      name: 'Refused, RST seen on docker0 only',
      answers: [choice(1), paste('ss-lnt--idle'), choice(2)],
      node: 'conclude-ip-conflict-capture',
      cases: ['container-ip-conflict-rst'],
    },
    {
      name: 'Refused, no duplicate address',
      answers: [choice(1), paste('ss-lnt--idle'), choice(3)],
      node: 'no-match',
      cases: [],
      statuses: { 'container-ip-conflict-rst': 'ruled-out' },
    },
    {
      name: 'Resets under bursts, accept queue overflowing, tcp_abort_on_overflow=1',
      answers: [choice(2), ...twice('netstat-s-grep--listen-overflow-1', 'netstat-s-grep--listen-overflow-2'), paste('sysctl--abort-on-overflow')],
      node: 'conclude-accept-rst',
      cases: ['accept-queue-overflow'],
      statuses: { 'accept-queue-overflow': 'confirmed' },
    },
    {
      name: 'Refused with a full accept queue, tcp_abort_on_overflow=0',
      answers: [choice(1), paste('ss-lnt--accept-queue-full'), ...twice('netstat-s-grep--listen-overflow-1', 'netstat-s-grep--listen-overflow-2'), paste('sysctl--abort-off')],
      node: 'conclude-accept-queue',
      cases: ['accept-queue-overflow'],
    },
    {
      name: 'Reset mid-transfer, the server never sent the RST',
      answers: [choice(3), paste('tcpdump--client-rst-midstream'), choice(1)],
      node: 'conclude-middlebox',
      cases: ['middlebox-rst-injection'],
    },
    {
      name: 'Reset mid-transfer, the RST comes from the bridge only',
      answers: [choice(3), paste('tcpdump--client-rst-midstream'), choice(3)],
      node: 'conclude-ip-conflict-capture',
      cases: ['container-ip-conflict-rst'],
    },
    {
      name: 'Reset by the application itself',
      answers: [choice(3), paste('tcpdump--client-rst-midstream'), choice(4)],
      node: 'no-match',
      cases: [],
    },
    {
      name: 'LB keep-alive: backend closes first',
      answers: [choice(4), choice(1)],
      node: 'conclude-lb-502',
      cases: ['lb-502-keepalive-race'],
    },
    {
      name: 'LB keep-alive unknown, TCPAbortOnData rising',
      answers: [choice(4), choice(3), ...twice('nstat--abort-on-data-1', 'nstat--abort-on-data-2')],
      node: 'conclude-lb-502-likely',
      cases: ['lb-502-keepalive-race'],
    },
    {
      name: 'LB keep-alive longer on the backend, capture shows the server resetting after its FIN',
      answers: [choice(4), choice(2), paste('tcpdump--client-rst-midstream'), choice(2)],
      node: 'conclude-lb-502',
      cases: ['lb-502-keepalive-race'],
    },
    {
      name: 'NATed partner, PAWSEstab rising',
      answers: [choice(5), ...twice('netstat-s-grep--paws-estab-1', 'netstat-s-grep--paws-estab-2')],
      node: 'conclude-nat-timewait',
      cases: ['nat-timewait-port-reuse-paws'],
      statuses: { 'nat-timewait-port-reuse-paws': 'confirmed' },
    },
    {
      name: 'NATed partner, one snapshot',
      answers: [choice(5), paste('netstat-s-grep--paws-estab-1', T0), skip],
      node: 'conclude-nat-timewait-unconfirmed',
      cases: ['nat-timewait-port-reuse-paws'],
    },
    {
      name: 'Capture shows a SYN answered by a stale ACK',
      answers: [choice(3), paste('tcpdump--syn-answered-by-ack')],
      node: 'conclude-nat-timewait',
      cases: ['nat-timewait-port-reuse-paws'],
    },
  ],

  'close-wait-pileup': [
    {
      name: 'CLOSE_WAIT pile, listener stuck at Recv-Q 513',
      answers: [paste(ssCloseWait()), paste('ss-lnt--limitlistener-513')],
      node: 'conclude-accept-stuck',
      cases: ['close-wait-app-not-closing', 'accept-queue-overflow'],
    },
    {
      name: 'CLOSE_WAIT tally (awk one-liner), goroutines waiting on a full Redis pool',
      answers: [{ output: STATE_TALLY_CLOSE_WAIT, command: "netstat -na | awk '/^tcp/ {++S[$NF]} END {for(a in S) print a, S[a]}'" }, paste('ss-lnt--idle'), choice(1)],
      node: 'conclude-close-wait',
      cases: ['close-wait-app-not-closing'],
    },
    {
      name: 'CLOSE_WAIT pile, nothing obvious in the stacks',
      answers: [paste(ssCloseWait()), paste('ss-lnt--idle'), choice(3)],
      node: 'conclude-close-wait-unproven',
      cases: ['close-wait-app-not-closing'],
    },
    {
      name: 'FIN_WAIT2 toward one backend, matching timeouts',
      answers: [paste(ssFinWait2()), choice(1)],
      node: 'conclude-fin-wait2',
      cases: ['fin-wait2-client-timeout-close'],
      statuses: { 'fin-wait2-client-timeout-close': 'confirmed' },
    },
    {
      name: 'FIN_WAIT2 without logged timeouts',
      answers: [paste(ssFinWait2()), choice(2)],
      node: 'conclude-fin-wait2-unproven',
      cases: ['fin-wait2-client-timeout-close'],
    },
    {
      name: 'Leftover ESTABLISHED from LVS probes, PAWSEstab rising, prober on 4.4',
      answers: [paste(ssQuiet()), choice(2), ...twice('netstat-s-grep--paws-estab-1', 'netstat-s-grep--paws-estab-2'), choice(1)],
      node: 'conclude-lvs-probe',
      cases: ['lvs-probe-rst-dropped-paws'],
      statuses: { 'lvs-probe-rst-dropped-paws': 'confirmed' },
    },
    {
      name: 'Leftover ESTABLISHED, prober kernel unknown',
      answers: [paste(ssQuiet()), choice(2), ...twice('netstat-s-grep--paws-estab-1', 'netstat-s-grep--paws-estab-2'), choice(3)],
      node: 'conclude-lvs-probe-unproven',
      cases: ['lvs-probe-rst-dropped-paws'],
    },
    {
      name: 'Leftover ESTABLISHED, prober on a fixed kernel',
      answers: [paste(ssQuiet()), choice(2), ...twice('netstat-s-grep--paws-estab-1', 'netstat-s-grep--paws-estab-2'), choice(2)],
      node: 'none',
      cases: [],
      statuses: { 'lvs-probe-rst-dropped-paws': 'ruled-out' },
    },
    {
      name: 'TIME_WAIT is the pile: routed to the TIME_WAIT runbook',
      answers: [paste(ssTimeWait(12000)), paste('ss-s--timewait'), choice(3), paste('sysctl--tw-knobs-5.15')],
      node: 'conclude-server-tw',
      cases: ['time-wait-excess'],
      runbook: 'time-wait-pileup',
    },
  ],

  'time-wait-pileup': [
    {
      name: 'Not excessive',
      answers: [paste(ssQuiet())],
      node: 'conclude-not-excessive',
      cases: [],
    },
    {
      name: 'FIN_WAIT2 toward one backend with timeouts',
      answers: [paste(ssFinWait2()), choice(1)],
      node: 'conclude-fin-wait2',
      cases: ['fin-wait2-client-timeout-close'],
    },
    {
      name: 'FIN_WAIT2 without timeouts',
      answers: [paste(ssFinWait2()), choice(2)],
      node: 'conclude-fin-wait2-unproven',
      cases: ['fin-wait2-client-timeout-close'],
    },
    {
      name: 'Client out of ports, tcp_tw_reuse off',
      answers: [paste(ssTimeWait(28000)), choice(1), paste('sysctl--client-ports-no-reuse')],
      node: 'conclude-client-ports',
      cases: ['time-wait-excess'],
      statuses: { 'time-wait-excess': 'likely' },
    },
    {
      name: 'Client out of ports, reuse already on and the range wide',
      answers: [paste('ss-s--timewait'), choice(1), paste('sysctl--client-ports-reuse')],
      node: 'conclude-client-keepalive',
      cases: ['time-wait-excess'],
    },
    {
      name: 'Server with NATed partner, PAWSEstab rising',
      answers: [paste('ss-s--timewait'), choice(2), ...twice('netstat-s-grep--paws-estab-1', 'netstat-s-grep--paws-estab-2')],
      node: 'conclude-nat-timewait',
      cases: ['nat-timewait-port-reuse-paws'],
    },
    {
      name: 'Server with NATed partner, PAWSPassive rising (tcp_tw_recycle)',
      answers: [paste('ss-s--timewait'), choice(2), ...twice('netstat-s-grep--tw-recycle-1', 'netstat-s-grep--tw-recycle-2')],
      node: 'conclude-tw-recycle',
      cases: ['tcp-tw-recycle-nat-paws'],
    },
    {
      name: 'Server with NATed partner, one snapshot',
      answers: [paste('ss-s--timewait'), choice(2), paste('netstat-s-grep--paws-estab-1', T0), skip],
      node: 'conclude-nat-timewait-unproven',
      cases: ['nat-timewait-port-reuse-paws'],
    },
    {
      name: 'Server with NATed partner, no PAWS rejections',
      answers: [paste('ss-s--timewait'), choice(2), ...twice('netstat-s-grep--listen-overflow-1', 'netstat-s-grep--listen-overflow-2')],
      node: 'conclude-server-tw',
      cases: ['time-wait-excess'],
    },
    {
      name: 'Server "tuned" with tcp_tw_recycle',
      answers: [paste('ss-s--timewait'), choice(3), paste('sysctl--tw-recycle-on')],
      node: 'conclude-recycle-danger',
      cases: ['time-wait-excess', 'tcp-tw-recycle-nat-paws'],
    },
    {
      name: 'Server on 5.15, nothing to fix',
      answers: [paste('ss-s--timewait'), choice(3), paste('sysctl--tw-knobs-5.15')],
      node: 'conclude-server-tw',
      cases: ['time-wait-excess'],
    },
  ],

  'dns-slow-or-failing': [
    {
      name: '5 s lookups in a pod, no single-request option, insert_failed rising',
      answers: [choice(1), paste('curl-w--namelookup-5s'), paste('resolv-conf--k8s-pod'), ...twice('conntrack-S--insert-failed-1', 'conntrack-S--insert-failed-2')],
      node: 'conclude-dns-5s',
      cases: ['dns-5s-conntrack-dnat-race'],
      statuses: { 'dns-5s-conntrack-dnat-race': 'confirmed' },
    },
    {
      name: '5 s lookups, one conntrack snapshot',
      answers: [choice(1), paste('curl-w--namelookup-5s'), paste('resolv-conf--k8s-pod'), paste('conntrack-S--insert-failed-1', T0), skip],
      node: 'conclude-dns-5s-unproven',
      cases: ['dns-5s-conntrack-dnat-race'],
    },
    {
      name: 'UDP fails, TCP works: rmem_default at 2^31-1',
      answers: [choice(2), paste('sysctl--rmem-huge')],
      node: 'conclude-rmem',
      cases: ['udp-rmem-default-overflow'],
    },
    {
      name: 'UDP fails, sysctl not readable, receive buffer errors rising',
      answers: [choice(2), skip, ...twice('netstat-su--rcvbuf-errors-1', 'netstat-su--rcvbuf-errors-2')],
      node: 'conclude-rmem-counters',
      cases: ['udp-rmem-default-overflow'],
    },
    {
      name: 'UDP fails, rmem sane, insert_failed rising',
      answers: [choice(2), paste('sysctl--rmem-default'), paste('resolv-conf--k8s-pod'), ...twice('conntrack-S--insert-failed-1', 'conntrack-S--insert-failed-2')],
      node: 'conclude-dns-5s',
      cases: ['dns-5s-conntrack-dnat-race'],
      statuses: { 'udp-rmem-default-overflow': 'ruled-out' },
    },
    {
      name: 'Not sure: dig over UDP times out, over TCP works, rmem huge',
      answers: [choice(5), paste('dig--udp-timeout'), paste('dig--tcp-ok'), paste('sysctl--rmem-huge')],
      node: 'conclude-rmem',
      cases: ['udp-rmem-default-overflow'],
    },
    {
      name: 'Go program asks DNS for hosts entries: no nsswitch.conf, dns,files',
      answers: [choice(4), paste('nsswitch-conf--missing'), choice(1)],
      node: 'conclude-go-resolver',
      cases: ['go-resolver-dns-before-hosts'],
      statuses: { 'go-resolver-dns-before-hosts': 'confirmed' },
    },
    {
      name: 'hosts line puts dns first',
      answers: [choice(4), paste('nsswitch-conf--dns-first')],
      node: 'conclude-go-resolver-order',
      cases: ['go-resolver-dns-before-hosts'],
    },
    {
      name: 'Alpine, equal query ids in the capture',
      answers: [choice(3), choice(1)],
      node: 'conclude-musl',
      cases: ['musl-dns-query-id-collision'],
    },
    {
      name: 'Alpine, no capture yet',
      answers: [choice(3), choice(2)],
      node: 'conclude-musl-unproven',
      cases: ['musl-dns-query-id-collision'],
    },
    {
      name: 'Nothing fits: dig fine, single-request-reopen set, files first, not alpine',
      answers: [choice(5), paste('dig--udp-ok'), paste('resolv-conf--single-request-reopen'), paste('nsswitch-conf--files-first'), choice(3)],
      node: 'none',
      cases: [],
      statuses: { 'go-resolver-dns-before-hosts': 'ruled-out', 'musl-dns-query-id-collision': 'ruled-out' },
    },
  ],

  'slow-transfer': [
    {
      name: 'NIC forced to 100 Mb/s without auto-negotiation',
      answers: [choice(1), paste('ethtool--100-autoneg-off')],
      node: 'conclude-nic',
      cases: ['nic-speed-duplex-mismatch'],
      statuses: { 'nic-speed-duplex-mismatch': 'confirmed' },
    },
    {
      name: 'No ethtool; collisions on the interface',
      answers: [choice(1), skip, paste('ifconfig--half-duplex-collisions', T0), skip],
      node: 'conclude-nic',
      cases: ['nic-speed-duplex-mismatch'],
    },
    {
      name: 'No ethtool; interface errors rising',
      answers: [choice(1), skip, ...twice('ip-s-link--errors-1', 'ip-s-link--errors-2')],
      node: 'conclude-nic-errors',
      cases: ['nic-speed-duplex-mismatch'],
      statuses: { 'nic-speed-duplex-mismatch': 'confirmed' },
    },
    {
      name: 'Gigabit full duplex, but errors rising: a bad cable or port',
      answers: [choice(1), paste('ethtool--1000-full'), ...twice('ip-s-link--errors-1', 'ip-s-link--errors-2')],
      node: 'conclude-bad-link',
      cases: [],
      statuses: { 'nic-speed-duplex-mismatch': 'ruled-out' },
    },
    {
      name: 'Window scaling off',
      answers: [choice(1), paste('ethtool--1000-full'), ...twice('ip-s-link--clean-1', 'ip-s-link--clean-2'), paste('sysctl--window-scaling-off')],
      node: 'conclude-window',
      cases: ['tcp-window-stuck-small'],
      statuses: { 'tcp-window-stuck-small': 'confirmed' },
    },
    {
      name: 'tcp_rmem capped at 64 KB',
      answers: [choice(1), paste('ethtool--1000-full'), ...twice('ip-s-link--clean-1', 'ip-s-link--clean-2'), paste('sysctl--window-small-rmem')],
      node: 'conclude-window',
      cases: ['tcp-window-stuck-small'],
    },
    {
      name: 'Handshake without window scale, window 14',
      answers: [choice(1), paste('ethtool--1000-full'), ...twice('ip-s-link--clean-1', 'ip-s-link--clean-2'), paste('sysctl--window-defaults'), paste('tcpdump--no-wscale-small-window')],
      node: 'conclude-window-capture',
      cases: ['tcp-window-stuck-small'],
    },
    {
      name: 'Bulk transfer with retransmissions, not multiplexed',
      answers: [choice(1), paste('ethtool--1000-full'), ...twice('ip-s-link--clean-1', 'ip-s-link--clean-2'), paste('sysctl--window-defaults'), paste('tcpdump--clean-handshake'), ...twice('nstat--retrans-1', 'nstat--retrans-2'), choice(2)],
      node: 'conclude-loss',
      cases: [],
      statuses: { 'tcp-retransmit-hol-blocking': 'ruled-out' },
    },
    {
      name: 'Bulk path, retransmissions on a shared connection',
      answers: [choice(1), skip, skip, skip, skip, ...twice('nstat--retrans-1', 'nstat--retrans-2'), choice(1)],
      node: 'conclude-hol',
      cases: ['tcp-retransmit-hol-blocking'],
    },
    {
      name: 'Latency spikes on a multiplexed connection, retransmissions rising',
      answers: [choice(3), ...twice('nstat--retrans-1', 'nstat--retrans-2')],
      node: 'conclude-hol',
      cases: ['tcp-retransmit-hol-blocking'],
      statuses: { 'tcp-retransmit-hol-blocking': 'likely' },
    },
    {
      name: 'Stall with dup ACKs, TCPWqueueTooBig rising on 3.10.0-957.27.2.el7',
      answers: [choice(2), ...twice('nstat--wqueue-too-big-1', 'nstat--wqueue-too-big-2'), paste('uname-r--centos7.6-sack-fix')],
      node: 'conclude-sack',
      cases: ['tcp-no-fast-retransmit-sack-fix-regression'],
      statuses: { 'tcp-no-fast-retransmit-sack-fix-regression': 'confirmed' },
    },
    {
      name: 'TCPWqueueTooBig rising, kernel not given',
      answers: [choice(2), ...twice('nstat--wqueue-too-big-1', 'nstat--wqueue-too-big-2'), skip],
      node: 'conclude-sack-unproven',
      cases: ['tcp-no-fast-retransmit-sack-fix-regression'],
    },
    {
      name: 'TCPWqueueTooBig rising on Debian 5.10',
      answers: [choice(2), ...twice('nstat--wqueue-too-big-1', 'nstat--wqueue-too-big-2'), paste('uname-r--debian11')],
      node: 'none-sack',
      cases: [],
      statuses: { 'tcp-no-fast-retransmit-sack-fix-regression': 'ruled-out' },
    },
    {
      name: 'Nothing retransmits',
      answers: [choice(2), ...twice('nstat--retrans-quiet-1', 'nstat--retrans-quiet-2')],
      node: 'none',
      cases: [],
      statuses: { 'tcp-no-fast-retransmit-sack-fix-regression': 'ruled-out' },
    },
    {
      name: 'Go UDP client on one socket',
      answers: [choice(4), choice(1)],
      node: 'conclude-udp-client',
      cases: ['udp-client-single-socket-contention'],
    },
    {
      name: 'UDP reads capped at 1024 bytes',
      answers: [choice(4), choice(2)],
      node: 'conclude-udp-client-buffer',
      cases: ['udp-client-single-socket-contention'],
    },
    {
      name: 'UDP client with many sockets',
      answers: [choice(4), choice(3)],
      node: 'none',
      cases: [],
    },
    {
      name: 'sysbench hits missing tables (error 1146)',
      answers: [choice(5), choice(1)],
      node: 'conclude-mysql',
      cases: ['mysql-opening-tables-missing-table'],
    },
    {
      name: 'Opening tables with a real table cache problem',
      answers: [choice(5), choice(2)],
      node: 'none',
      cases: [],
      statuses: { 'mysql-opening-tables-missing-table': 'ruled-out' },
    },
  ],

  'large-packets-fail': [
    {
      name: 'UDP behind PPPoE: frag needed at 1472',
      answers: [choice(2), paste('ip-link--pppoe'), paste('ping--df-frag-needed')],
      node: 'conclude-udp-frag',
      cases: ['udp-fragmentation-mtu'],
    },
    {
      name: 'TCP through a gateway: 1500-byte packets vanish silently',
      answers: [choice(1), paste('ip-link--1500'), paste('ping--df-blackhole')],
      node: 'conclude-pmtu-blackhole',
      cases: ['pmtu-blackhole-mss-clamp'],
      statuses: { 'pmtu-blackhole-mss-clamp': 'likely' },
    },
    {
      name: 'TCP, frag needed comes back',
      answers: [choice(1), paste('ip-link--pppoe'), paste('ping--df-frag-needed')],
      node: 'conclude-pmtu-icmp',
      cases: ['pmtu-blackhole-mss-clamp'],
    },
    {
      name: 'No ping possible (ICMP filtered), reassembly failures rising',
      answers: [choice(2), paste('ip-link--1500'), skip, ...twice('netstat-s-grep--reasm-fails-1', 'netstat-s-grep--reasm-fails-2')],
      node: 'conclude-udp-frag',
      cases: ['udp-fragmentation-mtu'],
      statuses: { 'udp-fragmentation-mtu': 'confirmed' },
    },
    {
      name: 'No ping; large segments retransmitted unacknowledged',
      answers: [choice(1), paste('ip-link--1500'), skip, skip, paste('tcpdump--large-segment-retransmitted')],
      node: 'conclude-pmtu-capture',
      cases: ['pmtu-blackhole-mss-clamp'],
    },
    {
      name: 'Everything passes',
      answers: [choice(1), paste('ip-link--1500'), paste('ping--df-ok')],
      node: 'none',
      cases: [],
      statuses: { 'pmtu-blackhole-mss-clamp': 'ruled-out' },
    },
    {
      name: 'No ping, no fragment loss, clean capture',
      answers: [choice(2), paste('ip-link--1500'), skip, ...twice('netstat-s-grep--reasm-fails-1', 'netstat-s-grep--reasm-fails-1'), paste('tcpdump--clean-handshake')],
      node: 'none',
      cases: [],
    },
    {
      name: 'UDP reads truncated at 1024 bytes',
      answers: [choice(3), choice(1)],
      node: 'conclude-udp-truncated',
      cases: ['udp-client-single-socket-contention'],
    },
    {
      name: 'Reads are whole: back to the MTU checks',
      answers: [choice(3), choice(2), paste('ip-link--pppoe'), paste('ping--df-blackhole')],
      node: 'conclude-pmtu-blackhole',
      cases: ['pmtu-blackhole-mss-clamp'],
    },
  ],

  'softirq-cpu-hotspot': [
    {
      name: 'Hot CPU, unbalanced NIC queues, PPTP tunnels on 3.10',
      answers: [choice(1), ...twice('softnet-stat--hot-cpu2-1', 'softnet-stat--hot-cpu2-2'), paste('proc-interrupts--nic-unbalanced'), choice(1), paste('uname-a--centos7.4')],
      node: 'conclude-rps-old-kernel',
      cases: ['rss-rps-imbalance-tunnels'],
      statuses: { 'rss-rps-imbalance-tunnels': 'confirmed' },
    },
    {
      name: 'Hot CPU, tunnels, newer kernel',
      answers: [choice(1), ...twice('softnet-stat--hot-cpu2-1', 'softnet-stat--hot-cpu2-2'), paste('proc-interrupts--nic-unbalanced'), choice(1), paste('uname-r--debian11')],
      node: 'conclude-rss-rps',
      cases: ['rss-rps-imbalance-tunnels'],
    },
    {
      name: '__inet_lookup_listener on 4.15 with 3,400 reuseport listeners',
      answers: [choice(2), paste('uname-a--ubuntu18.04'), paste(ssListeners(85, 40))],
      node: 'conclude-reuseport',
      cases: ['softirq-hotspot-reuseport-listener-lookup'],
      statuses: { 'softirq-hotspot-reuseport-listener-lookup': 'likely' },
    },
    {
      name: 'Hundreds of listeners on 4.15',
      answers: [choice(2), paste('uname-a--ubuntu18.04'), paste(ssListeners(20, 24))],
      node: 'conclude-reuseport-maybe',
      cases: ['softirq-hotspot-reuseport-listener-lookup'],
    },
    {
      name: 'Few listeners on 4.15',
      answers: [choice(2), paste('uname-a--ubuntu18.04'), paste('ss-lnt--idle')],
      node: 'none',
      cases: [],
    },
    {
      name: 'Listener lookup on 5.10 (fixed in 4.17)',
      answers: [choice(2), paste('uname-r--debian11')],
      node: 'none-listener-fixed',
      cases: [],
      statuses: { 'softirq-hotspot-reuseport-listener-lookup': 'ruled-out' },
      why: { 'softirq-hotspot-reuseport-listener-lookup': /kernel 5\.10\.0-21-amd64.*<4\.17/ },
    },
    {
      name: 'Drops, balanced CPUs, plain traffic on 5.10',
      answers: [choice(4), ...twice('softnet-stat--even-1', 'softnet-stat--even-2'), paste('uname-r--debian11')],
      node: 'none-listener-fixed',
      cases: [],
    },
    {
      name: 'Hot CPU, not tunnelled, 4.15 with thousands of listeners',
      answers: [choice(1), ...twice('softnet-stat--hot-cpu2-1', 'softnet-stat--hot-cpu2-2'), skip, choice(2), paste('uname-a--ubuntu18.04'), paste(ssListeners(85, 40))],
      node: 'conclude-reuseport',
      cases: ['softirq-hotspot-reuseport-listener-lookup'],
    },
    {
      name: 'Proxy with 15,000 connections to one backend on 4.19',
      answers: [choice(3), paste(ssOneBackend(15000)), paste('uname-r--debian10')],
      node: 'conclude-port-search',
      cases: ['connect-port-search-spinlock'],
    },
    {
      name: 'Proxy with 15,000 connections to one backend on 3.10',
      answers: [choice(3), paste(ssOneBackend(15000)), paste('uname-a--centos7.4')],
      node: 'none-port-search-old-kernel',
      cases: [],
      statuses: { 'connect-port-search-spinlock': 'ruled-out' },
    },
    {
      name: 'Many connections to one backend, kernel not given',
      answers: [choice(3), paste(ssOneBackend(15000)), skip],
      node: 'conclude-port-search-unproven',
      cases: ['connect-port-search-spinlock'],
    },
    {
      name: 'Proxy without a dominant backend',
      answers: [choice(3), paste(ssQuiet())],
      node: 'none',
      cases: [],
    },
  ],

  'wrong-or-garbled-responses': [
    {
      name: 'Sidecar REDIRECT in the nat OUTPUT path',
      answers: [choice(1), paste('iptables-save-nat--sidecar-redirect')],
      node: 'conclude-iptables',
      cases: ['iptables-redirect-hijack'],
      statuses: { 'iptables-redirect-hijack': 'confirmed' },
    },
    {
      name: 'A REDIRECT rule, but in PREROUTING',
      answers: [choice(1), paste('iptables-save-nat--prerouting-redirect')],
      node: 'conclude-iptables-maybe',
      cases: ['iptables-redirect-hijack'],
    },
    {
      name: 'No REDIRECT rules, but the capture shows 127.0.0.1 (nftables host)',
      answers: [choice(1), skip, choice(1)],
      node: 'conclude-iptables-maybe',
      cases: ['iptables-redirect-hijack'],
    },
    {
      name: 'No REDIRECT rules, packets go to the right peer',
      answers: [choice(1), paste('iptables-save-nat--docker'), choice(2)],
      node: 'none',
      cases: [],
      statuses: { 'iptables-redirect-hijack': 'ruled-out' },
    },
    {
      name: 'localhost elsewhere: nsswitch.conf missing, dns,files',
      answers: [choice(2), paste('nsswitch-conf--missing'), choice(1)],
      node: 'conclude-go-resolver',
      cases: ['go-resolver-dns-before-hosts'],
    },
    {
      name: 'localhost elsewhere: hosts line dns first',
      answers: [choice(2), paste('nsswitch-conf--dns-first')],
      node: 'conclude-go-resolver-order',
      cases: ['go-resolver-dns-before-hosts'],
    },
    {
      name: 'Merged messages without framing',
      answers: [choice(3), choice(1)],
      node: 'conclude-framing',
      cases: ['tcp-stream-message-framing'],
    },
    {
      name: 'TCP_NODELAY did not help',
      answers: [choice(3), choice(2)],
      node: 'conclude-framing',
      cases: ['tcp-stream-message-framing'],
    },
    {
      name: 'Framed protocol',
      answers: [choice(3), choice(3)],
      node: 'none',
      cases: [],
      statuses: { 'tcp-stream-message-framing': 'ruled-out' },
    },
    {
      name: '204 with Content-Length hangs for 50 s',
      answers: [choice(4), paste('curl-w--204-hang'), choice(1)],
      node: 'conclude-http-204',
      cases: ['http-204-content-length-hang'],
    },
    {
      name: 'Slow name lookup: routed to the DNS runbook',
      answers: [choice(4), paste('curl-w--slow-namelookup'), choice(4), paste('nsswitch-conf--missing'), choice(1)],
      node: 'conclude-go-resolver',
      cases: ['go-resolver-dns-before-hosts'],
      runbook: 'dns-slow-or-failing',
    },
    {
      name: 'ALB 502s, backend closes first',
      answers: [choice(5), choice(1)],
      node: 'conclude-lb-502',
      cases: ['lb-502-keepalive-race'],
    },
    {
      name: 'ALB 502s, timeouts unknown, TCPAbortOnData rising',
      answers: [choice(5), choice(2), ...twice('nstat--abort-on-data-1', 'nstat--abort-on-data-2')],
      node: 'conclude-lb-502-likely',
      cases: ['lb-502-keepalive-race'],
    },
    {
      name: 'ALB 502s, backend keeps connections longer',
      answers: [choice(5), choice(3)],
      node: 'none',
      cases: [],
      statuses: { 'lb-502-keepalive-race': 'ruled-out' },
    },
  ],

  'resource-exhaustion': [
    {
      name: 'pthread_create failed, nproc 4096, DNS slow',
      answers: [choice(1), paste('ulimit-a--nproc-4096'), choice(1)],
      node: 'conclude-go-dns',
      cases: ['go-dns-thread-exhaustion'],
    },
    {
      name: 'pthread_create failed, DNS times out',
      answers: [choice(1), paste('ulimit-a--nproc-4096'), choice(2), paste('dig--udp-timeout')],
      node: 'conclude-go-dns',
      cases: ['go-dns-thread-exhaustion'],
    },
    {
      name: 'pthread_create failed, DNS answers fast now',
      answers: [choice(1), paste('ulimit-a--nproc-4096'), choice(2), paste('dig--udp-ok')],
      node: 'conclude-go-dns-unproven',
      cases: ['go-dns-thread-exhaustion'],
    },
    {
      name: 'pthread_create failed, far below the limit',
      answers: [choice(1), paste('ulimit-a--nproc-4096'), choice(3)],
      node: 'none-threads',
      cases: [],
    },
    {
      name: 'EADDRNOTAVAIL, 56k TIME_WAIT, reuse off',
      answers: [choice(2), paste('ss-s--timewait'), paste('sysctl--client-ports-no-reuse')],
      node: 'conclude-tw-ports',
      cases: ['time-wait-excess'],
    },
    {
      name: 'EADDRNOTAVAIL, reuse on',
      answers: [choice(2), paste('ss-s--timewait'), paste('sysctl--client-ports-reuse')],
      node: 'conclude-tw-keepalive',
      cases: ['time-wait-excess'],
    },
    {
      name: 'EADDRNOTAVAIL without TIME_WAIT',
      answers: [choice(2), paste(ssQuiet()), paste('sysctl--client-ports-reuse')],
      node: 'none',
      cases: [],
    },
    {
      name: 'EMFILE with a CLOSE_WAIT pile',
      answers: [choice(3), paste(ssCloseWait())],
      node: 'conclude-close-wait',
      cases: ['close-wait-app-not-closing'],
    },
    {
      name: 'EMFILE, no leak, limit 1024',
      answers: [choice(3), paste(ssQuiet()), paste('proc-pid-limits--nofile-1024')],
      node: 'none-fd-limit',
      cases: [],
    },
    {
      name: 'EMFILE, no leak, high limit',
      answers: [choice(3), paste(ssQuiet()), paste('ulimit-a--nproc-4096')],
      node: 'none',
      cases: [],
    },
  ],

  triage: [
    {
      name: 'Cannot tell: listen queue overflows rising lead to the SYN runbook, then the accept queue',
      answers: [choice(10), ...twice('netstat-s--listen-overflow-1', 'netstat-s--listen-overflow-2'), choice(2), ...twice('netstat-s-grep--listen-overflow-1', 'netstat-s-grep--listen-overflow-2'), paste('ss-lnt--accept-queue-full')],
      node: 'conclude-accept-queue',
      cases: ['accept-queue-overflow'],
      runbook: 'syn-no-response',
      statuses: { 'accept-queue-overflow': 'confirmed' },
    },
    {
      name: 'Cannot tell: counters quiet, 56k TIME_WAIT, then the TIME_WAIT runbook',
      answers: [choice(10), ...twice('netstat-s-grep--quiet-1', 'netstat-s-grep--quiet-2'), paste('ss-s--timewait'), paste('ss-s--timewait'), choice(3), paste('sysctl--tw-recycle-on')],
      node: 'conclude-recycle-danger',
      cases: ['time-wait-excess', 'tcp-tw-recycle-nat-paws'],
      runbook: 'time-wait-pileup',
    },
    {
      name: 'Large packets, straight to the MTU runbook',
      answers: [choice(6), choice(2), paste('ip-link--pppoe'), paste('ping--df-frag-needed')],
      node: 'conclude-udp-frag',
      cases: ['udp-fragmentation-mtu'],
      runbook: 'large-packets-fail',
    },
  ],
};

/** Where each first-level answer of the triage runbook leads. */
const TRIAGE_ROUTES: [Answer[], string][] = [
  [[choice(1)], 'syn-no-response'],
  [[choice(2)], 'connection-refused-or-reset'],
  [[choice(3), choice(1)], 'close-wait-pileup'],
  [[choice(3), choice(2)], 'time-wait-pileup'],
  [[choice(4)], 'dns-slow-or-failing'],
  [[choice(5)], 'slow-transfer'],
  [[choice(6)], 'large-packets-fail'],
  [[choice(7)], 'softirq-cpu-hotspot'],
  [[choice(8)], 'wrong-or-garbled-responses'],
  [[choice(9)], 'resource-exhaustion'],
  [[choice(10), skip, skip, choice(1)], 'softirq-cpu-hotspot'],
  [[choice(10), skip, skip, choice(2)], 'large-packets-fail'],
  [[choice(10), skip, skip, choice(3)], 'syn-no-response'],
  [[choice(10), skip, skip, choice(4)], 'connection-refused-or-reset'],
  [[choice(10), skip, skip, choice(5)], 'wrong-or-garbled-responses'],
  [[choice(10), skip, skip, choice(6)], 'slow-transfer'],
  [[choice(10), ...twice('netstat-su--rcvbuf-errors-1', 'netstat-su--rcvbuf-errors-2')], 'dns-slow-or-failing'],
  [[choice(10), ...twice('netstat-s-grep--reasm-fails-1', 'netstat-s-grep--reasm-fails-2')], 'large-packets-fail'],
  [[choice(10), ...twice('netstat-s-grep--paws-estab-1', 'netstat-s-grep--paws-estab-2')], 'time-wait-pileup'],
  [[choice(10), ...twice('nstat--wqueue-too-big-1', 'nstat--wqueue-too-big-2')], 'slow-transfer'],
  [[choice(10), ...twice('nstat--abort-on-data-1', 'nstat--abort-on-data-2')], 'connection-refused-or-reset'],
  [[choice(10), skip, paste(ssCloseWait())], 'close-wait-pileup'],
];

// ---------------------------------------------------------------------------
// Tests

const RUNBOOK_IDS = Object.keys(PATHS);

/** Conclude node ids of a runbook file, read from its YAML (top-level node keys whose type is conclude). */
function concludeNodes(id: string): string[] {
  const text = readFileSync(join(ROOT, 'runbooks', `${id}.yaml`), 'utf8');
  const out: string[] = [];
  const re = /^ {2}([a-z0-9-]+):\n {4}type: conclude$/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1]);
  return out;
}

describe('runbook check', () => {
  it('reports no problem in runbooks/', () => {
    const r = spawnSync(process.execPath, [BIN, 'check', '--json'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    const report = JSON.parse(r.stdout) as { problems: { path?: string; file?: string; message: string; severity: string }[] };
    const mine = report.problems.filter((p) => /(^|\/)runbooks\//.test(p.path ?? p.file ?? ''));
    expect(mine).toEqual([]);
  });

  it('has a test path to every conclusion of every runbook', () => {
    for (const id of RUNBOOK_IDS) {
      const reached = new Set(PATHS[id].filter((p) => (p.runbook ?? id) === id).map((p) => p.node));
      for (const node of concludeNodes(id)) expect(reached.has(node), `${id}: no test path reaches ${node}`).toBe(true);
    }
  });
});

for (const id of RUNBOOK_IDS) {
  describe.concurrent(`runbook ${id}`, () => {
    for (const p of PATHS[id]) {
      it(`${p.name} -> ${p.node}`, async () => {
        await walk(id, p);
      });
    }
  });
}

describe.concurrent('triage routes', () => {
  for (const [answers, target] of TRIAGE_ROUTES) {
    it(`${JSON.stringify(answers.map((a) => ('choice' in a ? a.choice : 'action' in a ? a.action : 'output')))} -> ${target}`, async () => {
      const r = await session('triage', [...answers, quit]);
      expect(r.errors).toEqual([]);
      expect(r.last!.runbook).toBe(target);
      expect(r.last!.current!.runbook).toBe(target);
      expect(r.lines.some((l) => l.type === 'quit')).toBe(true);
    });
  }
});

describe.concurrent('session behaviour', () => {
  it('asks for a second snapshot of a counter command before branching', async () => {
    const r = await session('syn-no-response', [choice(2), paste('netstat-s-grep--listen-overflow-1', T0), quit]);
    expect(r.errors).toEqual([]);
    const cur = r.last!.current! as { node: string; snapshots?: number; againAfterSeconds?: number };
    expect(cur.node).toBe('counters');
    expect(cur.snapshots).toBe(1);
    expect(cur.againAfterSeconds).toBe(10);
  });

  it('shows why a 5.x kernel rules out tcp_tw_recycle as soon as uname -r is read', async () => {
    const r = await session('syn-no-response', [choice(1), paste('uname-r--debian11'), quit]);
    const c = r.last!.candidates!.find((x) => x.id === 'tcp-tw-recycle-nat-paws')!;
    expect(c.status).toBe('ruled-out');
    expect(c.why.join(' ')).toMatch(/outside this case's range <4\.12/);
    expect(r.last!.current!.node).toBe('counters');
  });

  it('takes the old-kernel branch on CentOS 7 and asks for the sysctl', async () => {
    const r = await session('syn-no-response', [choice(1), paste('uname-r--centos7.7'), quit]);
    expect(r.last!.current!.node).toBe('tw-recycle');
    const c = r.last!.candidates!.find((x) => x.id === 'tcp-tw-recycle-nat-paws')!;
    expect(c.status).not.toBe('ruled-out');
  });

  it('rejects an output pasted at a question', async () => {
    const r = await session('syn-no-response', [paste('uname-r--debian11'), quit]);
    expect(r.errors.map((e) => e.code)).toEqual(['bad-choice']);
  });
});

/** Run the CLI with what a user types on stdin. */
function cli(args: string[], input: string) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
}

describe('runbook start by symptom', () => {
  it('--json writes JSON lines only, also when several runbooks fit, and offers only the close ones', () => {
    const r = cli(['start', '连接失败', '--json', '--no-save'], '{"choice":1}\n{"action":"quit"}\n');
    const lines = r.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { type: string; options?: { score: number }[] });
    expect(lines[0].type).toBe('choose-runbook');
    const scores = lines[0].options!.map((o) => o.score);
    expect(scores.length).toBeGreaterThanOrEqual(2);
    for (const s of scores) expect(s).toBeGreaterThanOrEqual(scores[0] * 0.85);
    expect(lines[1].type).toBe('session');
  });

  it('does not run commands on this machine unless started with --run', () => {
    const r = cli(['start', '--runbook', 'syn-no-response', '--no-save'], '1\nrun\ny\nquit\n');
    expect(r.stdout).toMatch(/start the session with --run/);
    expect(r.stdout).not.toMatch(/on this machine now\?/);
    expect(r.stdout).not.toMatch(/Also: skip, missing, run,/);
  });
});

describe('saved sessions', () => {
  it('a saved session given as --answers replays in its own runbook', () => {
    const state = mkdtempSync(join(tmpdir(), 'runbook-state-'));
    try {
      const env = { ...process.env, RUNBOOK_STATE_DIR: state, NO_COLOR: '1' };
      const first = spawnSync(process.execPath, [BIN, 'start', '--runbook', 'syn-no-response', '--answers', join(ROOT, 'examples', 'syn-no-response.answers.jsonl')], { cwd: ROOT, encoding: 'utf8', env, timeout: 60_000 });
      expect(first.status).toBe(0);
      const id = /Session ([0-9a-f]{8}) saved/.exec(first.stdout)![1];
      const again = spawnSync(process.execPath, [BIN, 'start', '--answers', join(state, 'sessions', `${id}.json`), '--no-save'], { cwd: ROOT, encoding: 'utf8', env, timeout: 60_000 });
      expect(again.stderr).toBe('');
      expect(again.status).toBe(0);
      expect(again.stdout).toMatch(/More: runbook show tcp-tw-recycle-nat-paws/);
    } finally {
      rmSync(state, { recursive: true, force: true });
    }
  });

  it('a file in the sessions folder that is not a session is passed over, not a crash', () => {
    const state = mkdtempSync(join(tmpdir(), 'runbook-state-'));
    try {
      mkdirSync(join(state, 'sessions'));
      writeFileSync(join(state, 'sessions', 'x.json'), '{"id":"x"}');
      writeFileSync(join(state, 'sessions', 'y.json'), '{"id":"y","runbook":"syn-no-response","inputs":');
      for (const args of [['summary'], ['resume']]) {
        const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, input: '', encoding: 'utf8', env: { ...process.env, RUNBOOK_STATE_DIR: state, NO_COLOR: '1' }, timeout: 60_000 });
        expect(r.stderr).not.toMatch(/unexpected error/);
        expect(r.stderr).toMatch(/no (saved|unfinished) session/);
        expect(r.status).toBe(1);
      }
    } finally {
      rmSync(state, { recursive: true, force: true });
    }
  });
});
