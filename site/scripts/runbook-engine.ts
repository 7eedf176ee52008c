/**
 * The part of the core the in-page runbook loads on "Start": the session engine and the
 * evidence trail, and how facts are picked and shown. One lazily loaded chunk, so a runbook page costs little until it is used.
 */
export { replay, appendInput, isInputError } from '../../src/core/engine/session.js';
export { evidenceTrail, trailMarkdown } from '../../src/core/engine/summary.js';
export { relevantFacts } from '../../src/core/engine/relevant.js';
export { formatDelta, formatFactValue } from '../../src/core/engine/conditions.js';
