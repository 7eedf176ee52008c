/**
 * Module-level memos must not keep pastes alive. The memo of readings keeps outputs on purpose, but
 * within its bounds: an output it has forgotten (oldest out, or pushed out of a full fingerprint
 * bucket) must not stay reachable. The parsers' and the kernel's memos keep short keys, and a key
 * cut from a paste (a substring is a view of its parent) would keep the whole paste for as long
 * as the key stays. Measured on the heap after full collections, with 256 KB pastes so that a
 * leak stands out from the noise.
 */
import { describe, expect, it } from 'vitest';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { readEvidence } from '../src/core/engine/evidence.js';
import { parseKernel } from '../src/core/kernel.js';
import { parseOutput } from '../src/core/parsers/index.js';
import { stem } from '../src/core/search/stem.js';

v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const LINE = 'lorem ipsum dolor sit amet 0123456789\n';
const BIG = LINE.repeat(Math.ceil((256 * 1024) / LINE.length));
const MB = 1024 * 1024;

/** Heap growth (MB) after running `step(0..count-1)`, with full collections before and after. */
function growth(count: number, step: (i: number) => void): number {
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < count; i++) step(i);
  gc();
  return (process.memoryUsage().heapUsed - before) / MB;
}

/** A 256 KB text of its own (a new string each call) that starts with `head`, and `head` cut from it. */
function cut(head: string): { text: string; part: string } {
  const text = `${head}\n${BIG}`;
  // Cutting flattens the text into one new 256 KB string, which the part is then a view of.
  return { text, part: text.slice(0, head.length) };
}

/** `i` in the letters a-z. */
function letters(i: number): string {
  return i.toString(26).replace(/./g, (d) => String.fromCharCode(97 + parseInt(d, 26)));
}

describe('memos keep no paste they do not need', () => {
  it('readings: none pushed out of a full fingerprint bucket', () => {
    // One length, and a difference only where the fingerprint does not sample: one bucket of at most 8.
    const grew = growth(600, (i) => void readEvidence({ output: `${BIG.slice(0, 1000)}${String(i).padStart(4, '0')}${BIG.slice(1004)}` }));
    expect(grew).toBeLessThan(32); // 600 × 256 KB = 150 MB if all were kept
  });

  it('readings: at most the character budget, dropped oldest first', () => {
    // Each a different length: every output has its own fingerprint.
    const grew = growth(600, (i) => void readEvidence({ output: `${'#'.repeat(i)}\n${BIG}` }));
    expect(grew).toBeLessThan(100); // the memo keeps 64 M characters; all would be 150 MB
  });

  it('netstat -s: a sentence first seen in a paste does not keep the paste', () => {
    const grew = growth(200, (i) => {
      const { text } = cut(`Tcp:\n    ${i} segments of a kind never seen ${'x'.repeat(i % 40)} before ${i}`);
      parseOutput(text, { command: 'netstat -s' });
    });
    expect(grew).toBeLessThan(24); // 200 × 256 KB = 50 MB if kept
  });

  it('nstat: a counter name first seen in a paste does not keep the paste', () => {
    const grew = growth(200, (i) => {
      const { text } = cut(`#kernel\nTcpExtSomethingNew${i}Happened   ${i}   0.0`);
      parseOutput(text, { command: 'nstat -az' });
    });
    expect(grew).toBeLessThan(24);
  });

  it('a command line cut from a paste does not stay as the key of the parser choice', () => {
    const grew = growth(200, (i) => {
      const { text, part } = cut(`ss -s --context-${i}`);
      parseOutput(text, { command: part });
    });
    expect(grew).toBeLessThan(24);
  });

  it('a kernel release cut from a paste does not stay as the key of the parsed release', () => {
    const grew = growth(200, (i) => void parseKernel(cut(`3.10.0-${1000 + i}.el7.x86_64`).part));
    expect(grew).toBeLessThan(24);
  });

  it('a word cut from a query does not stay as the key of its stem', () => {
    const grew = growth(200, (i) => void stem(cut(`overflowing${letters(i)}s`).part));
    expect(grew).toBeLessThan(24);
  });
});
