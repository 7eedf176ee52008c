/**
 * JSON Schemas for editors, generated from the zod schemas (so they cannot
 * drift): case front matter and runbook files. `runbook schema` writes them to
 * `schema/`; a test checks the committed copies are current.
 */
import { z } from 'zod';
import { FrontMatter } from './case.js';
import { Runbook } from './runbook.js';
import { Condition } from './condition.js';
import { DiagnoseInput } from './diagnose.js';

/** The schemas by file name. */
export function jsonSchemas(): Record<string, object> {
  // The recursive condition language gets a readable name in $defs.
  const registry = z.registry<{ id: string }>();
  registry.add(Condition, { id: 'Condition' });
  const gen = (schema: z.ZodType, title: string, description: string) => {
    const out = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any', metadata: registry }) as Record<string, unknown>;
    return { $schema: out.$schema, title, description, ...out };
  };
  return {
    'case.schema.json': gen(FrontMatter, 'netrunbook case front matter', 'The YAML front matter of content/cases/*.md and content/notes/*.md.'),
    'runbook.schema.json': gen(Runbook, 'netrunbook runbook', 'A decision tree in runbooks/*.yaml.'),
    'diagnose-input.schema.json': gen(DiagnoseInput, 'netrunbook diagnose input', 'The body of `runbook diagnose` and POST /v1/diagnose.'),
  };
}
