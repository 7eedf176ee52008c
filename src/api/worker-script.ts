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
