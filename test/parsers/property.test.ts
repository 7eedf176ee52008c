/**
 * Robustness: random and mutated inputs never make a parser or parseOutput
 * throw, and a 1 MB hostile input per parser returns (no catastrophic
 * regular-expression backtracking). No wall-clock bound: returning is the test.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanOrSplit } from '../../src/core/parsers/hygiene.js';
import { cleanPaste, detectCommand, isSafeToRun, parseOutput, PARSERS, splitPaste } from '../../src/core/parsers/index.js';

const ROOT = join(import.meta.dirname, '..', 'fixtures', 'parsers');
const FIXTURES = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(join(ROOT, d.name)).filter((f) => f.endsWith('.txt')).map((f) => readFileSync(join(ROOT, d.name, f), 'utf8')));
const COMMANDS = PARSERS.flatMap((p) => p.meta.commands);

/** A fixture with random edits: deleted, duplicated or swapped slices, injected characters. */
const mutated = fc
  .record({
    i: fc.nat({ max: FIXTURES.length - 1 }),
    edits: fc.array(
      fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), len: fc.nat({ max: 40 }), kind: fc.constantFrom('del', 'dup', 'ins', 'nl'), ins: fc.string({ maxLength: 8 }) }),
      { maxLength: 6 },
    ),
  })
  .map(({ i, edits }) => {
    let t = FIXTURES[i];
    for (const e of edits) {
      const at = Math.floor(e.at * t.length);
      if (e.kind === 'del') t = t.slice(0, at) + t.slice(at + e.len);
      else if (e.kind === 'dup') t = t.slice(0, at) + t.slice(at, at + e.len) + t.slice(at);
      else if (e.kind === 'ins') t = t.slice(0, at) + e.ins + t.slice(at);
      else t = t.slice(0, at) + '\n' + t.slice(at);
    }
    return t;
  });

function noThrow(text: string, command?: string): void {
  for (const p of PARSERS) {
    const r = p.parse(text, command);
    expect(typeof r.facts).toBe('object');
    expect(Array.isArray(r.warnings)).toBe(true);
    // defineParser turns a throw into this warning: it must never be needed.
    expect(r.warnings.filter((w) => /^Internal error/.test(w)), p.meta.id).toEqual([]);
    const c = p.detect(text);
    expect(c >= 0 && c <= 1).toBe(true);
  }
  const r = parseOutput(text, { command });
  expect(Array.isArray(r.warnings)).toBe(true);
  expect(r.warnings.filter((w) => /Internal error/.test(w))).toEqual([]);
  detectCommand(text);
  cleanPaste(text);
  splitPaste(text);
}

describe('robustness', () => {
  it('never throws on random text, with or without a command', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.option(fc.constantFrom(...COMMANDS), { nil: undefined }), (text, command) => noThrow(text, command)),
      { numRuns: 150 },
    );
  });

  it('never throws on mutated fixtures', () => {
    fc.assert(fc.property(mutated, fc.option(fc.constantFrom(...COMMANDS), { nil: undefined }), (text, command) => noThrow(text, command)), { numRuns: 200 });
  });

  it('never throws on random command lines', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (command) => {
        parseOutput('128\n', { command });
        expect(typeof isSafeToRun(command)).toBe('boolean');
      }),
      { numRuns: 300 },
    );
  });

  it('reads a paste once as splitPaste and cleanPaste would read it twice', () => {
    const prompt = fc.constantFrom('$ ', '# ', 'user@web1:~$ ', '[root@db1 ~]# ', '$', '\x1b[32m$\x1b[0m ', '% ');
    const command = fc.constantFrom('netstat -s', 'ss -tan', 'sysctl -a', 'uname -r', '', 'not a command');
    const paste = fc
      .tuple(fc.array(fc.tuple(fc.boolean(), prompt, command, mutated), { maxLength: 4 }), fc.constantFrom('\n', '\r\n', '\n\n'))
      .map(([parts, sep]) => parts.map(([withPrompt, p, c, body]) => (withPrompt ? `${p}${c}\n${body}` : body)).join(sep));
    fc.assert(
      fc.property(paste, (text) => {
        const segments = splitPaste(text);
        const want = segments.filter((s) => s.command !== null).length >= 2 ? { segments } : { clean: cleanPaste(text) };
        expect(cleanOrSplit(text)).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });

  const hostile: [string, string][] = [
    ['one 1 MB line of digits and dots', `${'1.'.repeat(500_000)}x`],
    ['one 1 MB line of colons', `${'a:'.repeat(500_000)}`],
    ['1 MB of spaces then a character', `${' '.repeat(1_000_000)}!`],
    ['many short lines of a repeated sentence', '    1 times the listen queue of a socket overflowed x\n'.repeat(20_000)],
    ['a huge key=value line', `net.${'a.'.repeat(300_000)} = ${'1 '.repeat(100_000)}`],
    ['nested-looking tcpdump line', `IP ${'1.1.1.1.'.repeat(60_000)} > 2.2.2.2.80: Flags [${'S'.repeat(100_000)}`],
    ['many grouped numbers', `${'1,234,'.repeat(160_000)}5`],
    ['prompts everywhere', `${'user@host:~$ x\n'.repeat(60_000)}`],
  ];
  for (const [name, text] of hostile) {
    it(`returns on a hostile input: ${name}`, () => {
      for (const p of PARSERS) {
        p.detect(text);
        expect(p.parse(text).warnings.filter((w) => /^Internal error/.test(w)), p.meta.id).toEqual([]);
      }
      expect(parseOutput(text).warnings).toBeDefined();
    });
  }
});
