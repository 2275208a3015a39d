/**
 * Properties of `score()` on random packs and inputs, plus a check against a deliberately
 * naive transcription of the rules (no index, no typed arrays, recursion) so the fast
 * implementation is compared with the rules as written, not with itself.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbAnswer, arbPackAndInput } from '../../test/fixtures/scoring/arbitraries';
import type { Condition, Criterion, Pack } from '../criteria/schema';
import { score } from './score';
import type { Answer, BlockReason, ResultStatus, ScoreResult, ScoringInput } from './types';

const SEVERITY: ResultStatus[] = ['conformant', 'not-applicable', 'not-assessed', 'minor-nc', 'major-nc'];

/** The rules of ADR 0005, written as plainly as possible. */
function referenceScore(pack: Pack, input: ScoringInput) {
  const byId = new Map(pack.criteria.map((c) => [c.id, c]));
  const holds = (cond: Condition): boolean =>
    typeof cond === 'string' ? input.capabilities.includes(cond) : 'all' in cond ? cond.all.every(holds) : 'any' in cond ? cond.any.some(holds) : !holds(cond.not);
  const inScope = (c: Criterion) =>
    (!c.roles || input.roles.length === 0 || c.roles.some((r) => input.roles.includes(r))) && (c.condition === undefined || holds(c.condition));
  const answer = (c: Criterion): Answer | undefined => (Object.hasOwn(input.answers, c.id) ? input.answers[c.id] : undefined);
  const linked = (c: Criterion) => (input.findings ?? []).filter((f) => f.criteria.includes(c.id));
  const constituents = (c: Criterion) => [...new Set(c.satisfiedBy ?? [])].map((id) => byId.get(id)!).filter(inScope);
  const derived = (c: Criterion) => constituents(c).length > 0;

  const effective = (c: Criterion): ResultStatus => {
    if (!derived(c)) return answer(c)?.status ?? 'not-assessed';
    const cons = constituents(c);
    if (cons.every(met)) return 'conformant';
    return cons.map(effective).reduce((w, s) => (SEVERITY.indexOf(s) > SEVERITY.indexOf(w) ? s : w), 'conformant' as ResultStatus);
  };
  const reason = (c: Criterion): BlockReason | null => {
    if (linked(c).some((f) => f.class === 'major-nc' && f.status === 'open')) return 'open-major-finding';
    if (derived(c)) return constituents(c).every(met) ? null : 'constituent-not-met';
    const a = answer(c);
    switch (a?.status ?? 'not-assessed') {
      case 'conformant':
        return null;
      case 'not-applicable':
        return a?.justification?.trim() ? null : 'not-applicable-without-justification';
      case 'minor-nc':
        if (pack.scoring.minorNonconformity === 'block') return 'minor-nc';
        return linked(c).some((f) => f.class === 'minor-nc' && (f.status === 'plan-accepted' || f.status === 'verified-closed') && /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(f.dueDate ?? ''))
          ? null
          : 'minor-nc-without-accepted-plan';
      case 'major-nc':
        return 'major-nc';
      default:
        return 'not-assessed';
    }
  };
  function met(c: Criterion): boolean {
    return inScope(c) && reason(c) === null;
  }

  const levels: Record<string, string | null> = {};
  const blocking: Record<string, { criterion: string; reason: BlockReason | null }[]> = {};
  const notApplicable: Record<string, boolean> = {};
  for (const d of pack.dimensions) {
    let best: { id: string; rank: number } | null = null;
    for (const l of d.levels) {
      const tagged = pack.criteria.filter((c) => c.dimension === d.id && c.obligation === 'SHALL' && inScope(c) && (c.levels === 'ALL' || c.levels.includes(l.id)));
      blocking[l.id] = tagged.filter((c) => !met(c)).map((c) => ({ criterion: c.id, reason: reason(c) }));
      if (tagged.length > 0 && tagged.every(met) && (!best || l.rank > best.rank)) best = { id: l.id, rank: l.rank };
    }
    levels[d.id] = best ? best.id : null;
    notApplicable[d.id] = !pack.criteria.some((c) => c.dimension === d.id && inScope(c));
  }
  const criteria = Object.fromEntries(pack.criteria.map((c) => [c.id, { inScope: inScope(c), effective: effective(c), met: met(c) }]));
  return { levels, blocking, notApplicable, criteria };
}

const rankOf = (pack: Pack, r: ScoreResult, dim: string): number => {
  const id = r.levels[dim];
  return id === null || id === undefined ? 0 : pack.dimensions.find((d) => d.id === dim)!.levels.find((l) => l.id === id)!.rank;
};

describe('score() on random packs', () => {
  it('agrees with a plain transcription of the rules', () => {
    fc.assert(
      fc.property(arbPackAndInput(), ({ pack, input }) => {
        const r = score(pack, input);
        const ref = referenceScore(pack, input);
        expect(r.levels).toEqual(ref.levels);
        expect(r.criteria).toEqual(ref.criteria);
        expect(Object.fromEntries(r.dimensions.map((d) => [d.dimension, d.notApplicable]))).toEqual(ref.notApplicable);
        expect(Object.fromEntries(Object.entries(r.blocking).map(([k, bs]) => [k, bs.map((b) => ({ criterion: b.criterion, reason: b.reason }))]))).toEqual(ref.blocking);
      }),
      { numRuns: 300 },
    );
  });

  it('never lowers a level when a non-conformant answer becomes conformant', () => {
    fc.assert(
      fc.property(arbPackAndInput(), fc.nat(), ({ pack, input }, pick) => {
        const candidates = pack.criteria.filter((c) => input.answers[c.id]?.status !== 'conformant');
        fc.pre(candidates.length > 0);
        const id = candidates[pick % candidates.length]!.id;
        const before = score(pack, input);
        const after = score(pack, { ...input, answers: { ...input.answers, [id]: { status: 'conformant' } } });
        for (const d of pack.dimensions) expect(rankOf(pack, after, d.id)).toBeGreaterThanOrEqual(rankOf(pack, before, d.id));
      }),
      { numRuns: 300 },
    );
  });

  it('is unchanged by an answer for an out-of-scope, summative or unknown criterion', () => {
    fc.assert(
      fc.property(arbPackAndInput(), arbAnswer, fc.nat(), ({ pack, input }, answer, pick) => {
        const before = score(pack, input);
        const ignored = [
          ...pack.criteria.filter((c) => !before.criteria[c.id]!.inScope).map((c) => c.id),
          ...pack.criteria.filter((c) => (c.satisfiedBy ?? []).some((id) => before.criteria[id]!.inScope)).map((c) => c.id),
          'not-in-this-pack',
        ];
        const id = ignored[pick % ignored.length]!;
        const after = score(pack, { ...input, answers: { ...input.answers, [id]: answer } });
        // Only the criterion's own recorded status may differ (out of scope: shown, never counted).
        const strip = (r: ScoreResult) => ({ ...r, criteria: { ...r.criteria, [id]: { ...r.criteria[id], effective: null } } });
        expect(strip(after)).toEqual(strip(before));
        if (before.criteria[id]?.inScope !== false) expect(after).toEqual(before);
      }),
      { numRuns: 300 },
    );
  });

  it('never achieves a level while an in-scope SHALL criterion tagged for it is not assessed', () => {
    fc.assert(
      fc.property(arbPackAndInput(), fc.nat(), ({ pack, input }, pick) => {
        const first = score(pack, input);
        const direct = pack.criteria.filter(
          (c) => c.obligation === 'SHALL' && first.criteria[c.id]!.inScope && !(c.satisfiedBy ?? []).some((id) => first.criteria[id]!.inScope),
        );
        fc.pre(direct.length > 0);
        const c = direct[pick % direct.length]!;
        const answers = { ...input.answers };
        delete answers[c.id];
        const r = score(pack, { ...input, answers });
        const dim = r.dimensions.find((d) => d.dimension === c.dimension)!;
        for (const l of dim.levels) {
          if (c.levels === 'ALL' || c.levels.includes(l.level)) {
            expect(l.achieved).toBe(false);
            expect(l.blocking.map((b) => b.criterion)).toContain(c.id);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on the order of answers or findings', () => {
    fc.assert(
      fc.property(
        arbPackAndInput().chain(({ pack, input }) =>
          fc.tuple(fc.constant({ pack, input }), fc.shuffledSubarray(Object.keys(input.answers), { minLength: Object.keys(input.answers).length }), fc.shuffledSubarray(input.findings ?? [], { minLength: (input.findings ?? []).length })),
        ),
        ([{ pack, input }, answerOrder, findings]) => {
          const answers: Record<string, Answer> = {};
          for (const id of answerOrder) answers[id] = input.answers[id]!;
          const a = score(pack, input);
          const b = score(pack, { ...input, answers, findings });
          expect(JSON.stringify(b)).toBe(JSON.stringify(a));
        },
      ),
      { numRuns: 300 },
    );
  });
});
