/**
 * `runbook serve` writes its request logs to stdout in blocks: they still show up within about a
 * second when the server is idle, and a clean shutdown writes everything buffered.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './api/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'runbook-serve-logs-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function serve(): Promise<{ child: ChildProcess; base: string; completed: () => number }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'runbook.js'), 'serve', '--port', '0', '--db', join(dir, 'runbook.db'), '--threads', '0'], {
    cwd: ROOT,
    env: { ...process.env, RUNBOOK_RATE_LIMIT: '0', RUNBOOK_LOG_LEVEL: 'info', RUNBOOK_API_KEYS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const base = await new Promise<string>((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(err);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`runbook serve exited with ${code}: ${err}`)));
  });
  const completed = () =>
    out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { msg?: string })
      .filter((l) => l.msg === 'request completed').length;
  return { child, base, completed };
}

describe('runbook serve logs', () => {
  it('show up while the server is idle, and a clean shutdown writes all of them', async () => {
    const s = await serve();
    for (let i = 0; i < 3; i++) expect((await fetch(`${s.base}/healthz`)).status).toBe(200);
    // Three short lines do not fill a block: the periodic flush writes them.
    for (let waited = 0; s.completed() < 3 && waited < 10_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    expect(s.completed()).toBe(3);

    for (let i = 0; i < 5; i++) expect((await fetch(`${s.base}/v1/runbooks`)).status).toBe(200);
    const exited = new Promise<number | null>((r) => s.child.once('exit', (code) => r(code)));
    s.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(s.completed()).toBe(8);
  }, 60_000);

  it('a second signal while shutting down stops at once, still writing the buffered lines', async () => {
    const s = await serve();
    for (let i = 0; i < 4; i++) expect((await fetch(`${s.base}/v1/runbooks`)).status).toBe(200);
    const exited = new Promise<number | null>((r) => s.child.once('exit', (code) => r(code)));
    s.child.kill('SIGTERM');
    s.child.kill('SIGTERM');
    // Either the second signal stopped it (1) or the shutdown was already done (0); no line is lost.
    expect([0, 1]).toContain(await exited);
    expect(s.child.signalCode).toBeNull();
    expect(s.completed()).toBe(4);
  }, 60_000);
});
