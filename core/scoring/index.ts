/** The scoring engine's public surface. */
export { score, ScoringInputError, PackIndexError } from './score';
export { createScorer, type Scorer } from './incremental';
export * from './types';
