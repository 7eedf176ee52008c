/**
 * The public core API: pure TypeScript that runs unchanged in Node and in the
 * browser. This file only re-exports; the code lives in the modules beside it.
 * The list of exported names is pinned by test/public-api.test.ts.
 */
export * from './schema/case.js';
export * from './schema/condition.js';
export * from './kernel.js';
export * from './problems.js';
export { normalizeEntry, commandsInCode, type NormalizeResult } from './normalize/normalize.js';
export { SECTION_HEADINGS, SECTION_NAMES, sectionKeyFor } from './normalize/sections.js';
export * from './kb.js';
