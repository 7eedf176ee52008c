/**
 * The benchmarks run and report figures (small amounts, no timing asserted):
 * a change that breaks a bench's set-up (a runbook path it relies on, the
 * server's start-up lines, the engine host's messages) fails here, not on the
 * day someone needs the figures.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const bench = (name: string) => import(pathToFileURL(join(ROOT, 'bench', `${name}.bench.mjs`)).href);

describe('benchmarks', () => {
  it('engine: one answer step per fresh session, with its parts', async () => {
    const { run, format } = await bench('engine');
    const r = await run({ steps: 300 });
    expect(r.usPerStep).toBeGreaterThan(0);
    expect(r.viewBytes).toBeGreaterThan(1000);
    expect(Object.keys(r.parts)).toEqual(['readPasteUs', 'replayUs', 'renderUs', 'factsJsonUs']);
    expect(format(r)).toMatch(/µs CPU per step/);
  });

  it('api: answers over HTTP at a check node land, and the figure says what it measured', async () => {
    const { run, format } = await bench('api');
    const r = await run({ amount: 300, warmup: 50, connections: 10, quiet: true });
    expect(r).toMatchObject({ requests: 300, non2xx: 0, errors: 0, verified: true });
    expect(r.stepsPerSecond).toBeGreaterThan(0);
    expect(r.engine).toMatch(/worker thread/);
    expect(format(r)).toMatch(/shared by the server and the load generator/);
  });

  it('api --ceiling: the same requests without engine work are labelled as a diagnostic', async () => {
    const { run, format } = await bench('api');
    const r = await run({ amount: 300, warmup: 50, connections: 10, quiet: true, ceiling: true });
    expect(r).toMatchObject({ requests: 300, non2xx: 0, ceiling: true, meetsTargets: false, verified: true });
    expect(format(r)).toMatch(/^CEILING, NOT A PRODUCT FIGURE/);
  });
});
