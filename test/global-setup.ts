// Builds the CLI once (lib/) before any test file runs, so tests that drive
// `node bin/runbook.js` never race on a half-written build.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  if (process.env.RUNBOOK_SKIP_BUILD) return;
  try {
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
  } catch (e) {
    // tsc emits even with type errors; the typecheck script reports those.
    void e;
  }
  execFileSync(process.execPath, [join(root, 'bin', 'runbook.js'), 'bundle', '--quiet'], { cwd: root, stdio: 'inherit' });
}
