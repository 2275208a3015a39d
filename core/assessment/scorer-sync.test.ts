import { describe, expect, it } from 'vitest';
import { createScorer } from '../scoring/incremental';
import { score } from '../scoring/score';
import { generatePack, prng } from '../scoring/test-helpers';
import { RESULT_STATUSES } from '../scoring/types';
import { newAssessment } from './create';
import { applyChange, type Change } from './ops';
import type { Assessment } from './schema';
import { syncScorer } from './scorer-sync';
import { toScoringInput } from './scoring-input';

const META = { at: '2025-06-02T09:00:00.000Z', actor: 'tester' };

describe('syncScorer', () => {
  it('keeps an incremental scorer equal to score() across random sequences of documents', () => {
    const { pack } = generatePack(7, 300);
    for (let run = 0; run < 8; run++) {
      const rnd = prng(100 + run);
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
      let doc: Assessment = newAssessment(
        { organization: { legalName: 'X' }, service: { name: 'S' }, pack: { id: pack.id, version: pack.version, hash: pack.hash }, type: 'self-assessment' },
        { id: 'abcdefgh-1', now: META.at },
      );
      const scorer = createScorer(pack, toScoringInput(doc));
      let findingNo = 0;
      for (let step = 0; step < 120; step++) {
        const r = rnd();
        let change: Change;
        if (r < 0.7) {
          const status = pick([...RESULT_STATUSES, null]);
          change = { op: 'answer.set', criterion: pick(pack.criteria).id, set: status === 'not-applicable' && rnd() < 0.5 ? { status, justification: 'why' } : { status } } as Change;
        } else if (r < 0.8) {
          change = { op: 'finding.create', finding: { id: `F-${++findingNo}`, class: pick(['major-nc', 'minor-nc', 'observation'] as const), criteria: [pick(pack.criteria).id], description: 'd', status: 'open' } };
        } else if (r < 0.87 && doc.findings.length > 0) {
          change = { op: 'finding.update', id: pick(doc.findings).id, set: { status: pick(['open', 'plan-accepted', 'verified-closed'] as const), correctiveAction: { plan: 'p', dueDate: '2025-09-01' } } };
        } else if (r < 0.93) {
          change = { op: 'profile.set', field: 'capabilities', value: pack.capabilities.filter(() => rnd() < 0.5).map((c) => c.id) };
        } else if (r < 0.97) {
          change = { op: 'profile.set', field: 'roles', value: pack.roles.filter(() => rnd() < 0.5).map((x) => x.id) };
        } else {
          change = { op: 'profile.set', field: 'targets', value: Object.fromEntries(pack.dimensions.filter(() => rnd() < 0.7).map((d) => [d.id, pick(d.levels).id])) };
        }
        const before = doc;
        doc = applyChange(doc, change, META).assessment;
        syncScorer(scorer, before, doc);
        if (step % 10 === 9) expect(scorer.result()).toEqual(score(pack, toScoringInput(doc)));
      }
      expect(scorer.result()).toEqual(score(pack, toScoringInput(doc)));
    }
  });

  it('does nothing for the same document, and only re-scores what changed', () => {
    const { pack } = generatePack(3, 50);
    const doc = newAssessment(
      { organization: { legalName: 'X' }, service: { name: 'S' }, pack: { id: pack.id, version: pack.version, hash: pack.hash }, type: 'self-assessment' },
      { id: 'abcdefgh-1', now: META.at },
    );
    const scorer = createScorer(pack, toScoringInput(doc));
    const first = scorer.result();
    syncScorer(scorer, doc, doc);
    // Notes do not affect scoring: the cached result stays.
    const noted = applyChange(doc, { op: 'answer.set', criterion: pack.criteria[0]!.id, set: { notes: 'n' } }, META).assessment;
    syncScorer(scorer, doc, noted);
    expect(scorer.result()).toBe(first);
  });
});
