/**
 * The interactive `runbook start` in a real pseudo-terminal (driven by test/tty/drive.py with
 * Python's pty module), as a person would use it: pick a choice, paste a multi-line output ended
 * by an empty line, paste the second snapshot ended by Ctrl-D, see the counter rise, go back,
 * quit, and resume the saved session. Skipped where python3 is missing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const hasPython = spawnSync('python3', ['-c', 'import pty'], { encoding: 'utf8' }).status === 0;
const state = mkdtempSync(join(tmpdir(), 'runbook-tty-'));
afterAll(() => rmSync(state, { recursive: true, force: true }));

function drive(argv: string[], steps: [string, string][], env: Record<string, string> = {}) {
  const r = spawnSync('python3', [join(ROOT, 'test', 'tty', 'drive.py'), JSON.stringify({ argv, steps, timeout: 30 })], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, RUNBOOK_STATE_DIR: state, ...env },
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const snap = (n: number) => `TcpExt:\r    ${n} times the listen queue of a socket overflowed\r    ${n} SYNs to LISTEN sockets dropped\r`;

describe.skipIf(!hasPython)('runbook start in a terminal', () => {
  let sessionId = '';

  it('walks a question and two pasted snapshots, goes back and quits with the session saved', () => {
    const walk = drive(
      ['node', 'bin/runbook.js', 'start', '--runbook', 'syn-no-response'],
      [
        ['Which clients fail', '2\r'],
        ['paste> ', `${snap(18331)}\r`],
        ['again in about 10 s', `${snap(18743)}\u0004`],
        ['\\+412', ''],
        ['paste> ', 'why\r'],
        ['Recv-Q', 'back\r'],
        ['Went back one step', 'quit\r'],
        ['runbook resume [0-9a-f]{8}', ''],
      ],
    );
    expect(walk.err).toBe('');
    expect(walk.code).toBe(0);
    const text = walk.out.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
    expect(text).toContain('Read `netstat -s');
    expect(text).toMatch(/ListenOverflows\s+18,743 \(\+412 in/);
    expect(text).toMatch(/likely\s+accept-queue-overflow/);
    expect(walk.out).toMatch(/\u001b\[/); // colours on a terminal
    sessionId = /runbook resume ([0-9a-f]{8})/.exec(walk.out)![1];
  });

  it('resumes the saved session where it stopped, without colours under NO_COLOR', () => {
    const r = drive(
      ['node', 'bin/runbook.js', 'resume', sessionId],
      [
        ['Resuming after 2 answers', ''],
        ['paste> ', 'skip\r'],
        ['paste> |> ', 'quit\r'],
        ['saved', ''],
      ],
      { NO_COLOR: '1' },
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(/\u001b\[3\dm/);
  });
});
