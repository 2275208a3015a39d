/**
 * Incremental scoring for the UI: the assessor changes one answer at a time and the levels on
 * screen must follow instantly. One edit recomputes only the criterion and the summative
 * criteria above it, and moves it in or out of the per-level blocker lists.
 */
import type { Pack } from '../criteria/schema';
import { indexPack } from './pack-index';
import { freshCache, materialize, resolveTargets, type MaterializeCache } from './score';
import {
  S_NOT_ASSESSED,
  checkAnswer,
  computeState,
  evaluateDerived,
  evaluateDirect,
  linkFindings,
  makeProfile,
  ownAnswer,
  sameBlocker,
  type Evaluation,
  type LinkedFindings,
  type Profile,
  type State,
} from './state';
import type { Answer, ScoreResult, ScoringFinding, ScoringInput } from './types';

export interface Scorer {
  /**
   * The current result, deeply equal to `score(pack, currentInput)`. Cached until the next
   * edit; unchanged parts are shared between successive results, so treat them as read-only.
   */
  result(): ScoreResult;
  /** Sets (or, with undefined, clears) one answer. O(the criterion and its summative parents). */
  setAnswer(id: string, answer: Answer | undefined): void;
  /** Replaces all findings. O(criteria linked by the old and new findings, and their parents). */
  setFindings(findings: readonly ScoringFinding[]): void;
  /** Changes the service's roles and capabilities: scope changes everywhere, so O(pack). */
  setProfile(roles: readonly string[], capabilities: readonly string[]): void;
  /** Changes the targets. O(dimensions). */
  setTargets(targets: ScoringInput['targets']): void;
}

/**
 * Creates an incremental scorer whose `result()` always equals `score(pack, input)` for the
 * input as edited so far (a property test checks this after random edit sequences).
 * @throws like `score()` for invalid answers, targets or packs.
 */
export function createScorer(pack: Pack, input: ScoringInput): Scorer {
  const idx = indexPack(pack);
  const answers = new Map<string, Answer>();
  const given = input.answers ?? {};
  for (const id of Object.keys(given)) {
    // Like score(): answers for ids outside the pack are never read, so never checked.
    if (!idx.indexOf.has(id)) continue;
    const a = checkAnswer(id, ownAnswer(given, id));
    if (a) answers.set(id, copyAnswer(a));
  }
  let targets = resolveTargets(idx, input.targets);
  let profile: Profile = makeProfile(input.roles ?? [], input.capabilities ?? []);
  let linked: Map<number, LinkedFindings> = linkFindings(idx, input.findings);
  const answerOf = (id: string): Answer | undefined => answers.get(id);
  let st: State = computeState(idx, { profile, answerOf, findings: linked });
  let cache: MaterializeCache = freshCache(idx);
  const staleFlag = new Uint8Array(idx.n);
  let cached: ScoreResult | null = null;

  function markEntry(i: number): void {
    cache.entries[i] = null;
    if (staleFlag[i] === 0) {
      staleFlag[i] = 1;
      cache.staleEntries.push(i);
    }
  }

  function apply(i: number, e: Evaluation): void {
    const oldMet = st.met[i] === 1;
    const oldStatus = st.status[i]!;
    const oldBlocker = st.blocker[i] ?? null;
    const blocker = sameBlocker(oldBlocker, e.blocker) ? oldBlocker : e.blocker;
    if (oldStatus === e.status && oldMet === e.met && blocker === oldBlocker) return;
    st.status[i] = e.status;
    st.met[i] = e.met ? 1 : 0;
    st.blocker[i] = blocker;
    cached = null;
    if (oldStatus !== e.status || oldMet !== e.met) markEntry(i);
    if (st.inScope[i] !== 1) return;
    if (st.derived[i] !== 1) {
      const was = oldStatus !== S_NOT_ASSESSED;
      const now = e.status !== S_NOT_ASSESSED;
      if (was !== now) st.dimAnswered[idx.dimensionOf[i]!]! += now ? 1 : -1;
    }
    const slots = idx.slotsOf[i]!;
    const shall = idx.shall[i] === 1;
    const metCount = shall ? st.slotMet : st.advMet;
    const lists = shall ? st.slotBlock : st.advUnmet;
    const listCache = shall ? cache.slotBlockers : cache.slotAdvisory;
    for (let k = 0; k < slots.length; k++) {
      const s = slots[k]!;
      if (oldMet !== e.met) {
        metCount[s]! += e.met ? 1 : -1;
        if (e.met) removeSorted(lists[s]!, i);
        else insertSorted(lists[s]!, i);
      }
      listCache[s] = null;
    }
  }

  function evaluate(i: number): Evaluation {
    if (st.derived[i] === 1) return evaluateDerived(idx, i, st, linked.get(i));
    return evaluateDirect(idx, i, st.inScope[i] === 1, answers.get(idx.ids[i]!), linked.get(i));
  }

  /** Re-evaluates the given criteria and every summative criterion above them, constituents first. */
  function recompute(start: Iterable<number>): void {
    const seen = new Set<number>();
    const queue: number[] = [];
    for (const i of start) {
      if (!seen.has(i)) {
        seen.add(i);
        queue.push(i);
      }
    }
    for (let q = 0; q < queue.length; q++) {
      const parents = idx.parentsOf[queue[q]!]!;
      for (let k = 0; k < parents.length; k++) {
        const p = parents[k]!;
        if (!seen.has(p)) {
          seen.add(p);
          queue.push(p);
        }
      }
    }
    if (queue.length > 1) queue.sort((a, b) => idx.topoRank[a]! - idx.topoRank[b]!);
    for (const i of queue) apply(i, evaluate(i));
  }

  return {
    result(): ScoreResult {
      if (!cached) {
        const stale = cache.staleEntries;
        cached = materialize(idx, st, targets, cache);
        for (const i of stale) staleFlag[i] = 0;
      }
      return cached;
    },
    setAnswer(id: string, answer: Answer | undefined): void {
      const i = idx.indexOf.get(id);
      if (i === undefined) return;
      const a = checkAnswer(id, answer);
      if (a) answers.set(id, copyAnswer(a));
      else answers.delete(id);
      // Summative criteria with in-scope constituents ignore their answers.
      if (st.derived[i] === 1) return;
      recompute([i]);
    },
    setFindings(findings: readonly ScoringFinding[]): void {
      const next = linkFindings(idx, findings);
      const touched = new Set<number>([...linked.keys(), ...next.keys()]);
      linked = next;
      recompute(touched);
    },
    setProfile(roles: readonly string[], capabilities: readonly string[]): void {
      profile = makeProfile(roles, capabilities);
      st = computeState(idx, { profile, answerOf, findings: linked });
      cache = freshCache(idx);
      staleFlag.fill(0);
      cached = null;
    },
    setTargets(next: ScoringInput['targets']): void {
      targets = resolveTargets(idx, next);
      cached = null;
    },
  };
}

function copyAnswer(a: Answer): Answer {
  return a.justification === undefined ? { status: a.status } : { status: a.status, justification: a.justification };
}

function insertSorted(list: number[], v: number): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  if (list[lo] !== v) list.splice(lo, 0, v);
}

function removeSorted(list: number[], v: number): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  if (list[lo] === v) list.splice(lo, 1);
}
