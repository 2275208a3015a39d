/**
 * The scoring engine: which level of assurance each dimension of a pack reaches for one
 * assessed service, and exactly what blocks every level. The rules are those of
 * docs/decisions/0005-scoring-rules.md; the UI, the reports, the CLI and the certification
 * body's verifier all use this function (or the incremental scorer, which always agrees).
 */
import type { Pack } from '../criteria/schema';
import { indexPack, type PackIndex } from './pack-index';
import {
  STATUS_OF_CODE,
  ScoringInputError,
  blockerFor,
  computeState,
  linkFindings,
  makeProfile,
  ownAnswer,
  type State,
} from './state';
import type { Blocker, DimensionOutcome, LevelOutcome, ScoreResult, ScoringInput } from './types';

export { ScoringInputError } from './state';
export { PackIndexError } from './pack-index';

/**
 * Scores an assessment against a pack. Pure and deterministic: the same pack and input give
 * a deeply equal result whatever the order of answers and findings.
 *
 * Rules, in short (ADR 0005 has the reasons):
 * - **Scope.** A criterion is in scope when its roles meet the service's roles (no roles on
 *   the criterion, or none given for the service, means every role) and its condition holds
 *   for the service's capabilities. Out-of-scope criteria never block and are never met.
 * - **Effective status.** The answer's status, `not-assessed` when missing. A summative
 *   criterion (`satisfiedBy`) with in-scope constituents is not answered: it is conformant
 *   when every in-scope constituent is met, otherwise the worst constituent status
 *   (major-nc > minor-nc > not-assessed > not-applicable > conformant). With no in-scope
 *   constituent it is answered like any other criterion.
 * - **Met.** conformant; not-applicable with a non-blank justification; minor-nc when the pack
 *   allows minor NCs with an accepted plan and a linked minor-nc finding is plan-accepted or
 *   verified-closed with a due date. A linked open major-nc finding blocks whatever the
 *   answer (reason `open-major-finding`, which takes precedence). not-assessed is never met.
 * - **Obligation.** Only SHALL criteria decide a level; SHOULD/MAY are counted in `advisory`.
 * - **Levels.** Level L of dimension D is achieved when D has at least one in-scope SHALL
 *   criterion tagged for L (explicitly or `ALL`) and all of them are met. Levels are not
 *   cumulative: the achieved level is the highest-ranked achieved level. A dimension with
 *   no in-scope criterion at all is `notApplicable` with achieved null.
 * - **Targets.** targetMet = achieved rank ≥ target rank (null without a target or when the
 *   dimension is not applicable).
 * - **Aggregate.** `vector`: the levels per dimension. `minimum`: the lowest achieved rank
 *   across applicable assurance dimensions (baseline dimensions are not ranked); null when
 *   any of them achieves nothing or none applies.
 *
 * @throws ScoringInputError for an unknown answer status or target; PackIndexError for a pack
 *   whose cross-references are broken (never the case for a pack from the loader).
 */
export function score(pack: Pack, input: ScoringInput): ScoreResult {
  const idx = indexPack(pack);
  const targets = resolveTargets(idx, input.targets);
  const answers = input.answers ?? {};
  const st = computeState(idx, {
    profile: makeProfile(input.roles ?? [], input.capabilities ?? []),
    answerOf: (id) => ownAnswer(answers, id),
    findings: linkFindings(idx, input.findings),
  });
  return materialize(idx, st, targets, freshCache(idx));
}

/** Target slot per dimension (-1 = none), validated against the pack. */
export function resolveTargets(idx: PackIndex, targets: ScoringInput['targets']): Int32Array {
  const out = new Int32Array(idx.dimensions.length).fill(-1);
  if (!targets) return out;
  for (const dim of Object.keys(targets).sort()) {
    const level = targets[dim];
    if (level === undefined || level === null) continue;
    const d = idx.dimensionByIdIndex.get(dim);
    if (d === undefined) {
      throw new ScoringInputError(`target for "${dim}": pack ${idx.ref} has no such dimension; use one of ${idx.dimensions.map((x) => x.id).join(', ')}`);
    }
    const slots = idx.dimensions[d]!.slots;
    const s = slots.find((x) => idx.slots[x]!.level === level);
    if (s === undefined) {
      throw new ScoringInputError(
        `target ${dim}=${String(level)}: not a level of ${dim}; use one of ${slots.map((x) => idx.slots[x]!.level).join(', ')}`,
      );
    }
    out[d] = s;
  }
  return out;
}

/**
 * Memoized pieces of a result, so the incremental scorer rebuilds only what an edit touched.
 * A fresh cache makes `materialize` build everything.
 */
export interface MaterializeCache {
  /** Per slot: blocker list and advisory list, null when stale. */
  slotBlockers: (Blocker[] | null)[];
  slotAdvisory: (Blocker[] | null)[];
  /** Per criterion entry of `ScoreResult.criteria`, null when stale. */
  entries: (ScoreResult['criteria'][string] | null)[];
  /** Criteria whose entries changed since the last result. */
  staleEntries: number[];
}

export function freshCache(idx: PackIndex): MaterializeCache {
  return {
    slotBlockers: new Array<Blocker[] | null>(idx.slots.length).fill(null),
    slotAdvisory: new Array<Blocker[] | null>(idx.slots.length).fill(null),
    entries: new Array<ScoreResult['criteria'][string] | null>(idx.n).fill(null),
    staleEntries: [],
  };
}

function entryOf(st: State, i: number): ScoreResult['criteria'][string] {
  return { inScope: st.inScope[i] === 1, effective: STATUS_OF_CODE[st.status[i]!]!, met: st.met[i] === 1 };
}

/** Turns the state into a `ScoreResult`, reusing whatever the cache still holds. */
export function materialize(idx: PackIndex, st: State, targets: Int32Array, cache: MaterializeCache): ScoreResult {
  const dimensions: DimensionOutcome[] = [];
  const levels: Record<string, string | null> = {};
  const blocking: Record<string, Blocker[]> = {};
  let minRank: number | null = null;
  let minBroken = false;
  let anyAssurance = false;

  for (let d = 0; d < idx.dimensions.length; d++) {
    const dim = idx.dimensions[d]!;
    const levelOutcomes: LevelOutcome[] = [];
    let best = -1;
    for (const s of dim.slots) {
      const slot = idx.slots[s]!;
      let blockers = cache.slotBlockers[s];
      if (!blockers) {
        const list = st.slotBlock[s]!;
        blockers = new Array<Blocker>(list.length);
        for (let k = 0; k < list.length; k++) blockers[k] = blockerFor(st, list[k]!);
        cache.slotBlockers[s] = blockers;
      }
      let unmet = cache.slotAdvisory[s];
      if (!unmet) {
        const list = st.advUnmet[s]!;
        unmet = new Array<Blocker>(list.length);
        for (let k = 0; k < list.length; k++) unmet[k] = blockerFor(st, list[k]!);
        cache.slotAdvisory[s] = unmet;
      }
      const applicable = st.slotApplicable[s]!;
      const met = st.slotMet[s]!;
      const achieved = applicable > 0 && met === applicable;
      if (achieved && (best < 0 || slot.rank > idx.slots[best]!.rank)) best = s;
      levelOutcomes.push({
        level: slot.level,
        rank: slot.rank,
        achieved,
        applicable,
        met,
        blocking: blockers,
        advisory: { applicable: st.advApplicable[s]!, met: st.advMet[s]!, unmet },
      });
      blocking[slot.key] = blockers;
    }
    const notApplicable = st.dimInScope[d] === 0;
    const achieved = best < 0 ? null : idx.slots[best]!.level;
    const t = targets[d]!;
    const target = t < 0 ? null : idx.slots[t]!.level;
    const targetMet = t < 0 || notApplicable ? null : best >= 0 && idx.slots[best]!.rank >= idx.slots[t]!.rank;
    dimensions.push({
      dimension: dim.id,
      kind: dim.kind,
      achieved,
      target,
      targetMet,
      notApplicable,
      levels: levelOutcomes,
      progress: { applicable: st.dimDirect[d]!, answered: st.dimAnswered[d]! },
    });
    levels[dim.id] = achieved;
    if (dim.kind === 'assurance' && !notApplicable) {
      anyAssurance = true;
      if (best < 0) minBroken = true;
      else if (minRank === null || idx.slots[best]!.rank < minRank) minRank = idx.slots[best]!.rank;
    }
  }

  const aggregate: ScoreResult['aggregate'] =
    idx.pack.scoring.aggregate === 'minimum'
      ? { kind: 'minimum', rank: minBroken || !anyAssurance ? null : minRank, levels: { ...levels } }
      : { kind: 'vector', levels: { ...levels } };

  return {
    pack: idx.ref,
    packHash: idx.pack.hash,
    dimensions,
    levels,
    aggregate,
    blocking,
    criteria: criteriaRecord(idx, st, cache),
  };
}

function criteriaRecord(idx: PackIndex, st: State, cache: MaterializeCache): ScoreResult['criteria'] {
  // Rebuilt from cached entries each time: filling a fresh object is several times faster
  // in V8 than copying a 2,000-key dictionary with spread or Object.assign.
  for (const i of cache.staleEntries) cache.entries[i] = null;
  cache.staleEntries = [];
  const rec: ScoreResult['criteria'] = {};
  for (let i = 0; i < idx.n; i++) {
    let e = cache.entries[i];
    if (!e) {
      e = entryOf(st, i);
      cache.entries[i] = e;
    }
    rec[idx.ids[i]!] = e;
  }
  return rec;
}
