#!/usr/bin/env node
// The `runbook` executable: runs the compiled CLI from lib/ (built by `npm install` / `npm run build:lib`).
import { existsSync } from 'node:fs';

const entry = new URL('../lib/cli/index.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('runbook: the compiled CLI is missing; run `npm run build:lib` (or `npm install`) first.\n');
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv);
