/**
 * Fixture pairs: every `test/fixtures/parsers/<parser-id>/<source>--<desc>.txt`
 * is parsed without a command and compared with the `.json` beside it
 * (`{ command, parser, facts, warnings }`). A missing `.json` is written on the
 * first run; `UPDATE=1` rewrites them all, to be reviewed in the diff.
 * Detection must pick the folder's parser on every fixture.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanPaste, detectCommand, getParser, parseOutput } from '../../src/core/parsers/index.js';

const ROOT = join(import.meta.dirname, '..', 'fixtures', 'parsers');
const UPDATE = process.env.UPDATE === '1';

const cases = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) =>
    readdirSync(join(ROOT, d.name))
      .filter((f) => f.endsWith('.txt'))
      .sort()
      .map((f) => ({ parser: d.name, file: f, path: join(ROOT, d.name, f) })),
  );

describe('parser fixtures', () => {
  it('has fixtures for parsers that exist, at least two each', () => {
    const per = new Map<string, number>();
    for (const c of cases) per.set(c.parser, (per.get(c.parser) ?? 0) + 1);
    for (const [id, n] of per) {
      expect(getParser(id), `folder ${id} names no parser`).toBeDefined();
      expect(n, `${id} has ${n} fixture(s)`).toBeGreaterThanOrEqual(2);
    }
  });

  for (const c of cases) {
    describe(`${c.parser}/${c.file}`, () => {
      const text = readFileSync(c.path, 'utf8');

      it('parses to the expected facts', () => {
        const r = parseOutput(text);
        const got = { command: r.command, parser: r.parser, facts: r.facts, warnings: r.warnings };
        const jsonPath = c.path.replace(/\.txt$/, '.json');
        if (!UPDATE && !existsSync(jsonPath)) {
          // A new fixture: write what it reads now, but do not pass until someone has looked at it.
          writeFileSync(jsonPath, `${JSON.stringify(got, null, 2)}\n`);
          expect.fail(`${jsonPath} was missing and has been written: review it, then run the tests again`);
        }
        if (UPDATE) writeFileSync(jsonPath, `${JSON.stringify(got, null, 2)}\n`);
        const want = JSON.parse(readFileSync(jsonPath, 'utf8'));
        expect(got).toEqual(want);
      });

      it('is detected as its command without being told', () => {
        const d = detectCommand(cleanPaste(text).text);
        expect(d.parser).toBe(c.parser);
      });
    });
  }
});
