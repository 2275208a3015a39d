/**
 * Inputs and outputs of the scoring engine. The UI, the reports, the CLI and the
 * certification body's verifier all call the same `score()` with these shapes.
 */

export const RESULT_STATUSES = ['conformant', 'minor-nc', 'major-nc', 'not-applicable', 'not-assessed'] as const;
export type ResultStatus = (typeof RESULT_STATUSES)[number];

export const FINDING_CLASSES = ['major-nc', 'minor-nc', 'observation', 'ofi', 'good-practice'] as const;
export type FindingClassId = (typeof FINDING_CLASSES)[number];

export const FINDING_STATUSES = ['open', 'plan-accepted', 'verified-closed'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

/** The assessor's answer for one criterion. Missing answer = not-assessed. */
export interface Answer {
  status: ResultStatus;
  /** Required when status is not-applicable; without it the criterion blocks. */
  justification?: string;
}

/** The part of a finding the scoring engine needs. */
export interface ScoringFinding {
  id: string;
  class: FindingClassId;
  criteria: string[];
  status: FindingStatus;
  /** Due date of the corrective action plan (YYYY-MM-DD); a minor NC passes only with one. */
  dueDate?: string;
}

export interface ScoringInput {
  /** Roles the assessed service plays (pack role ids). Empty = every role. */
  roles: string[];
  /** Capabilities the service declares (pack capability ids); they switch conditional criteria on. */
  capabilities: string[];
  answers: Record<string, Answer | undefined>;
  findings?: ScoringFinding[];
  /** Target level id per dimension id. */
  targets?: Record<string, string | undefined>;
}

export type BlockReason =
  | 'not-assessed'
  | 'major-nc'
  | 'minor-nc'
  | 'minor-nc-without-accepted-plan'
  | 'not-applicable-without-justification'
  | 'open-major-finding'
  | 'constituent-not-met';

export interface Blocker {
  criterion: string;
  reason: BlockReason;
  /** For `constituent-not-met`: the constituent criteria of a satisfiedBy criterion that are not met. */
  constituents?: string[];
  /** For finding-related reasons: the finding ids involved. */
  findings?: string[];
}

export interface LevelOutcome {
  level: string;
  rank: number;
  achieved: boolean;
  /** Applicable SHALL criteria tagged for this level (incl. ALL): the ones that decide it. */
  applicable: number;
  met: number;
  /** In pack criterion order. */
  blocking: Blocker[];
  /** SHOULD/MAY criteria tagged for this level: reported, never blocking. `unmet` in pack order. */
  advisory: { applicable: number; met: number; unmet: Blocker[] };
}

export interface DimensionOutcome {
  dimension: string;
  kind: 'assurance' | 'baseline';
  /** Highest achieved level id, or null. */
  achieved: string | null;
  target: string | null;
  /**
   * Achieved rank ≥ target rank (a stronger level satisfies a weaker target). null when no
   * target is set or the dimension is not applicable.
   */
  targetMet: boolean | null;
  /** No criterion of this dimension applies to the service's roles and capabilities. */
  notApplicable: boolean;
  levels: LevelOutcome[];
  /** In-scope criteria answered directly (summative ones are derived, not counted). */
  progress: { applicable: number; answered: number };
}

export interface ScoreResult {
  /** `id@version` of the pack scored against. */
  pack: string;
  packHash: string;
  dimensions: DimensionOutcome[];
  /** Dimension id → achieved level id or null. */
  levels: Record<string, string | null>;
  aggregate:
    | { kind: 'vector'; levels: Record<string, string | null> }
    /** Lowest achieved rank across applicable assurance dimensions; null if one achieves nothing. */
    | { kind: 'minimum'; rank: number | null; levels: Record<string, string | null> };
  /**
   * Level id → what blocks it (every level of every dimension). A level id used by more than
   * one dimension is keyed `<dimension>/<level>` instead (`/` never occurs in ids).
   */
  blocking: Record<string, Blocker[]>;
  /**
   * Per criterion: in scope for this service (roles + conditions), effective status, and met
   * (always false out of scope: only in-scope criteria count).
   */
  criteria: Record<string, { inScope: boolean; effective: ResultStatus; met: boolean }>;
}
