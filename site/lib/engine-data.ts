/**
 * Engine data as a runbook page embeds it, and back (browser-safe).
 */
import type { Entry } from '../../src/core/schema/case.js';
import type { Runbook } from '../../src/core/schema/runbook.js';
import type { EngineData } from '../../src/core/engine/session.js';

/** The JSON a runbook page embeds for its in-page session. */
export interface PageEngineJson {
  runbooks: Runbook[];
  cases: Entry[];
}

/**
 * Rebuild engine data from its JSON form.
 * @param json the page's embedded data
 * @returns the maps the engine reads
 */
export function toEngineData(json: PageEngineJson): EngineData {
  return { runbooks: new Map(json.runbooks.map((r) => [r.id, r])), cases: new Map(json.cases.map((c) => [c.id, c])) };
}
