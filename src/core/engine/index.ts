/** The runbook engine's public API. */
export { evaluate, describeFacts, formatNumber, formatFactValue, formatDelta, knownKernel, type Truth, type EvalContext } from './conditions.js';
export { rankCandidates, POINTS, THRESHOLDS, type Candidate, type CandidateStatus, type ExtraEvidence } from './candidates.js';
export { readEvidence, combineReadings, excerpt, type EvidenceInput, type EvidenceRead } from './evidence.js';
export {
  replay,
  startSession,
  appendInput,
  isInputError,
  type SessionInput,
  type SessionState,
  type CurrentStep,
  type TranscriptStep,
  type CandidateMove,
  type InputError,
  type EngineData,
} from './session.js';
export { relevantFacts } from './relevant.js';
export { orderCommands, suggestNext, parserForCommand, type NextCommand } from './next.js';
export { diagnose, type DiagnoseData, type DiagnoseResult, type SymptomMatcher } from './diagnose.js';
export { evidenceTrail, trailMarkdown, type EvidenceTrail } from './summary.js';
export { loadRunbooks, verifyRunbooks } from './verify.js';
export { concludedCases, runbooksConcluding } from './concludes.js';
