#!/usr/bin/env node
// Links this package's own `runbook` bin into node_modules/.bin (npm links the bins of
// dependencies, not of the package itself), so `npx runbook ...` works in a clone.
import { existsSync, mkdirSync, rmSync, symlinkSync, lstatSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const binDir = join(root, 'node_modules', '.bin');
const link = join(binDir, 'runbook');
mkdirSync(binDir, { recursive: true });
try {
  if (existsSync(link) || lstatSync(link, { throwIfNoEntry: false })) rmSync(link, { force: true });
} catch {
  /* nothing to remove */
}
symlinkSync(join('..', '..', 'bin', 'runbook.js'), link);
