#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.mjs in turn (each prints its own table).
// Needs the compiled library: run `npm run build:lib` first (npm install does it).
import { readdirSync, existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import os from 'node:os';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(join(root, 'lib', 'cli', 'index.js'))) {
  console.error('bench: lib/ is missing; run `npm run build:lib` first');
  process.exit(1);
}
const only = process.argv.slice(2);
const files = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
console.log(`Benchmarks on ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
for (const f of files) {
  console.log(`\n=== ${f.replace('.bench.mjs', '')} ===`);
  const mod = await import(pathToFileURL(join(root, 'bench', f)).href);
  if (typeof mod.run === 'function') {
    const result = await mod.run();
    // Benches that return their figures print them through their own format().
    if (result !== undefined && typeof mod.format === 'function') console.log(mod.format(result));
  }
}
