/**
 * Search over cases, notes and runbooks, in English and Chinese: the one
 * index the CLI, the API and the site share. Pure and browser-safe.
 */
export { analyze, normTerm, hasCjk, KIND_WEIGHT, type Token, type TokenKind } from './analyze.js';
export { stem } from './stem.js';
export { GLOSSARY, type GlossaryEntry } from './glossary.js';
export { compileGlossary, glossaryTerms, type CompiledGlossary } from './expand.js';
export {
  SEARCH_FIELDS,
  FIELD_WEIGHTS,
  plainText,
  searchDocsFromEntries,
  searchDocsFromRunbooks,
  type SearchDoc,
  type SearchField,
  type SearchKind,
} from './docs.js';
export {
  buildSearchIndex,
  exportSearchIndex,
  loadSearchIndex,
  search,
  type SearchArtifact,
  type SearchIndex,
  type SearchOptions,
  type SearchResult,
  type StoredDoc,
} from './engine.js';
export { markSnippet, type Snippet } from './snippet.js';
export { buildProjectIndex, buildSearchArtifact } from './artifact.js';
