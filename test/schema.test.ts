import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { jsonSchemas } from '../src/core/schema/json-schema.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const committed = (name: string) => JSON.parse(readFileSync(join(ROOT, 'schema', name), 'utf8'));

describe('JSON Schemas for editors', () => {
  const schemas = jsonSchemas();

  it('the committed files in schema/ match the zod schemas (run `runbook schema` after a change)', () => {
    for (const [name, schema] of Object.entries(schemas)) expect(committed(name), name).toEqual(JSON.parse(JSON.stringify(schema)));
  });

  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const runbook = ajv.compile(schemas['runbook.schema.json']);
  const frontMatter = ajv.compile(schemas['case.schema.json']);

  it('accepts every runbook and every case front matter in the repository', () => {
    for (const f of readdirSync(join(ROOT, 'runbooks'))) {
      expect(runbook(parseYaml(readFileSync(join(ROOT, 'runbooks', f), 'utf8'))), `${f}: ${JSON.stringify(runbook.errors?.slice(0, 2))}`).toBe(true);
    }
    for (const dir of ['cases', 'notes']) {
      for (const f of readdirSync(join(ROOT, 'content', dir))) {
        const text = readFileSync(join(ROOT, 'content', dir, f), 'utf8');
        const fm = parseYaml(text.split(/^---$/m)[1]);
        expect(frontMatter(fm), `${f}: ${JSON.stringify(frontMatter.errors?.slice(0, 2))}`).toBe(true);
      }
    }
  });

  it('rejects what zod rejects: an unknown field, a bad operator deep in a condition', () => {
    const rb = parseYaml(readFileSync(join(ROOT, 'runbooks', 'syn-no-response.yaml'), 'utf8'));
    expect(runbook({ ...rb, colour: 'blue' })).toBe(false);
    const bad = structuredClone(rb);
    const check = Object.values(bad.nodes as Record<string, { type: string; branches?: { when: unknown }[] }>).find((n) => n.type === 'check' && n.branches?.length)!;
    check.branches![0].when = { all: [{ fact: 'netstat.TcpExt.PAWSPassive', op: 'grows' }] };
    expect(runbook(bad)).toBe(false);
  });
});
