/**
 * `runbook schema [--out dir]`: write the JSON Schemas for editors (case front
 * matter, runbooks, diagnose input), generated from the zod schemas.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { jsonSchemas } from '../../core/schema/json-schema.js';
import { PACKAGE_ROOT } from '../../node/content.js';
import type { CliIO } from '../io.js';

/** Options of `runbook schema`. */
export interface SchemaOptions {
  out?: string;
}

/**
 * Write the schemas.
 * @param opts the output directory (default: the package's schema/)
 * @param io input and output
 * @returns the exit code
 */
export async function run(opts: SchemaOptions, io: CliIO): Promise<number> {
  const dir = resolve(opts.out ?? join(PACKAGE_ROOT, 'schema'));
  mkdirSync(dir, { recursive: true });
  for (const [name, schema] of Object.entries(jsonSchemas())) {
    writeFileSync(join(dir, name), JSON.stringify(schema, null, 2) + '\n');
    io.stdout(`wrote ${join(dir, name)}\n`);
  }
  return 0;
}
