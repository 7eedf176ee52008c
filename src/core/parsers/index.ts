/**
 * The parsers' public entry: re-exports only. Each parser lives in its own
 * file (`<id>.ts`); shared readers live in `lib/`.
 */
export type { Delta, Deltas, Facts, FactSpec, FactValue, Parser, ParserMeta, ParseResult, CommandCost } from '../facts/types.js';
export { PARSERS, getParser, isParserId, type ParserId } from './registry.js';
export { factCatalog, isKnownFact, closestFacts, type CatalogEntry } from './catalog.js';
export { cleanPaste, splitPaste, stripTerminal, promptCommand, type CleanPaste, type PasteSegment } from './hygiene.js';
export { factCount, ungroupNumbers } from './lib/util.js';
export { detectCommand, parsersForCommand, DETECT_THRESHOLD, type Detection } from './select.js';
export { parseOutput, type ParsedOutput, type ParseOptions } from './parse-output.js';
export { computeDeltas, type Snapshot } from './deltas.js';
export { COMMANDS, commandInfo, isSafeToRun, type CommandInfo } from './commands.js';
