/**
 * Where a worker thread's compiled script is: next to this module in `lib/`,
 * or, when running from the TypeScript sources (tests), the one built in `lib/`.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The compiled script of a worker.
 * @param name the file name in `lib/api/`, e.g. `engine-worker.js`
 * @returns its URL
 * @throws when it has not been built
 */
export function workerScript(name: string): URL {
  const here = new URL(import.meta.url);
  const url = here.pathname.endsWith('.ts') ? new URL(`../../lib/api/${name}`, here) : new URL(`./${name}`, here);
  if (!existsSync(fileURLToPath(url))) throw new Error(`the worker script ${fileURLToPath(url)} is missing: run \`npm run build:lib\``);
  return url;
}

/** Options of the process that name its string input; a worker runs a file, and Node refuses them there. */
const STRING_INPUT = new Set(['-e', '--eval', '-p', '--print', '-pe', '--input-type']);

/**
 * The process's Node options for a worker thread: all of them (memory limits, profiling, ...)
 * except those about string input (`node --input-type=module -e ...`), which make a worker
 * thread refuse to start.
 * @param argv the process's options (default `process.execArgv`)
 * @returns the options to start a worker with
 */
export function workerExecArgv(argv: readonly string[] = process.execArgv): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const name = a.split('=', 1)[0];
    if (!STRING_INPUT.has(name)) {
      out.push(a);
      continue;
    }
    // `-e <code>`, `--input-type <type>`: without `=`, the value is the next argument.
    if (!a.includes('=')) i++;
  }
  return out;
}
