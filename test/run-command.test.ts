import { describe, expect, it } from 'vitest';
import { runPipeline, splitPipeline } from '../src/node/run-command.js';
import { isSafeToRun } from '../src/core/parsers/index.js';

describe('running a recommended command without a shell (--run)', () => {
  it('splits a pipeline into argument vectors, quotes honoured', () => {
    expect(splitPipeline("netstat -s | grep -i -E 'timestamp|listen'")).toEqual([
      ['netstat', '-s'],
      ['grep', '-i', '-E', 'timestamp|listen'],
    ]);
    expect(splitPipeline("grep 'a;b' f")).toEqual([['grep', 'a;b', 'f']]);
  });

  it('refuses anything that needs a shell', () => {
    for (const l of ['a; rm -rf /', 'cat x > y', 'echo $(id)', 'echo `id`', 'a && b', 'a || b', 'sleep 9 &', 'a |', '']) {
      expect(splitPipeline(l), l).toBeUndefined();
    }
  });

  it('connects the stages with pipes and reports a missing program', async () => {
    const r = await runPipeline([['printf', 'one\\ntwo\\nthree\\n'], ['wc', '-l']]);
    expect(r.stdout.trim()).toBe('3');
    const missing = await runPipeline([['no-such-program-here']]);
    expect(missing.code).toBe(127);
    expect(missing.stderr).toMatch(/command not found/);
  });

  it('only allowlisted read-only commands are offered', () => {
    expect(isSafeToRun('ss -lnt')).toBe(true);
    expect(isSafeToRun('sysctl -w net.ipv4.tcp_tw_reuse=1')).toBe(false);
  });
});
