/**
 * Diagnosis on our own scenarios (test/fixtures/diagnose: realistic outputs in the formats the
 * tools print, written for this suite): the expected case ranks first, the look-alikes named in
 * notConfirmed are never confirmed, and healthy output confirms nothing. Same scoring as
 * `npm run eval`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../src/core/engine/diagnose.js';
import { loadProject } from '../src/node/project.js';
import { symptomMatcher } from '../src/node/search.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIR = join(ROOT, 'test', 'fixtures', 'diagnose');
const project = loadProject({ root: ROOT, fromSources: true });
const names = readdirSync(DIR).filter((f) => f.endsWith('.input.json')).map((f) => f.replace('.input.json', ''));

describe.each(names)('%s', (name) => {
  const input = JSON.parse(readFileSync(join(DIR, `${name}.input.json`), 'utf8'));
  const expected = JSON.parse(readFileSync(join(DIR, `${name}.expect.json`), 'utf8')) as {
    top: string | null;
    topAny?: string[];
    inTop3?: string[];
    notConfirmed: string[];
  };
  const out = diagnose(input, { cases: project.kb.entries, symptomMatcher: symptomMatcher(project) });
  const ranked = out.candidates.filter((c) => c.status !== 'ruled-out');

  it('ranks as expected', () => {
    if (expected.top === null) {
      expect(ranked.filter((c) => c.status === 'confirmed' || c.status === 'likely').map((c) => c.id)).toEqual([]);
    } else {
      expect([expected.top, ...(expected.topAny ?? [])]).toContain(ranked[0]?.id);
      for (const id of expected.inTop3 ?? []) expect(ranked.slice(0, 3).map((c) => c.id)).toContain(id);
    }
  });

  it('confirms none of the look-alikes', () => {
    const confirmed = ranked.filter((c) => c.status === 'confirmed').map((c) => c.id);
    for (const id of expected.notConfirmed) expect(confirmed).not.toContain(id);
  });

  it('explains every candidate with the facts it used', () => {
    for (const c of ranked.filter((x) => x.status !== 'possible')) expect(c.why.length).toBeGreaterThan(0);
    expect(out.warnings.filter((w) => /could not tell/.test(w))).toEqual([]);
  });
});
