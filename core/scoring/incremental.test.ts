import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbEdits, arbPackAndInput, type Edit } from '../../test/fixtures/scoring/arbitraries';
import { generatePack, makePack } from './test-helpers';
import { createScorer } from './incremental';
import { ScoringInputError, score } from './score';
import type { ScoringInput } from './types';

function applyToInput(input: ScoringInput, e: Edit): ScoringInput {
  switch (e.op) {
    case 'answer': {
      const answers = { ...input.answers };
      if (e.answer) answers[e.id] = e.answer;
      else delete answers[e.id];
      return { ...input, answers };
    }
    case 'findings':
      return { ...input, findings: e.findings };
    case 'profile':
      return { ...input, roles: e.roles, capabilities: e.capabilities };
    case 'targets':
      return { ...input, targets: e.targets };
  }
}

describe('createScorer', () => {
  it('always equals score() after any sequence of edits', () => {
    fc.assert(
      fc.property(
        arbPackAndInput().chain(({ pack, input }) => fc.tuple(fc.constant({ pack, input }), arbEdits(pack), fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }))),
        ([{ pack, input }, edits, readAfter]) => {
          const scorer = createScorer(pack, input);
          let current = input;
          expect(scorer.result()).toEqual(score(pack, current));
          edits.forEach((e, k) => {
            current = applyToInput(current, e);
            if (e.op === 'answer') scorer.setAnswer(e.id, e.answer);
            else if (e.op === 'findings') scorer.setFindings(e.findings);
            else if (e.op === 'profile') scorer.setProfile(e.roles, e.capabilities);
            else scorer.setTargets(e.targets);
            // Reading only sometimes exercises batches of edits between two results.
            if (readAfter[k]) expect(JSON.stringify(scorer.result())).toBe(JSON.stringify(score(pack, current)));
          });
          expect(JSON.stringify(scorer.result())).toBe(JSON.stringify(score(pack, current)));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('returns the cached result until something changes, and leaves earlier results untouched', () => {
    const pack = makePack({ criteria: [{ id: 'A', dimension: 'IAL', levels: ['IAL1'] }, { id: 'B', dimension: 'IAL', levels: ['IAL2'] }] });
    const scorer = createScorer(pack, { roles: [], capabilities: [], answers: {} });
    const first = scorer.result();
    const snapshot = JSON.stringify(first);
    expect(scorer.result()).toBe(first);
    scorer.setAnswer('not-in-pack', { status: 'conformant' });
    expect(scorer.result()).toBe(first);
    scorer.setAnswer('A', { status: 'conformant' });
    const second = scorer.result();
    expect(second).not.toBe(first);
    expect(second.levels['IAL']).toBe('IAL1');
    expect(JSON.stringify(first)).toBe(snapshot);
  });

  it('does not see later mutations of the answer objects it was given', () => {
    const pack = makePack({ criteria: [{ id: 'A', dimension: 'IAL', levels: ['IAL1'] }] });
    const answer = { status: 'conformant' as const };
    const scorer = createScorer(pack, { roles: [], capabilities: [], answers: {} });
    scorer.setAnswer('A', answer);
    (answer as { status: string }).status = 'major-nc';
    scorer.setAnswer('B', { status: 'conformant' });
    expect(scorer.result().levels['IAL']).toBe('IAL1');
  });

  it('stays equal to score() on a large realistic pack through many single-answer edits', () => {
    const g = generatePack(7, 600);
    const input: ScoringInput = { roles: g.roles, capabilities: g.capabilities, answers: { ...g.answers }, findings: g.findings };
    const scorer = createScorer(g.pack, input);
    const statuses = ['conformant', 'major-nc', 'not-assessed', 'minor-nc', 'not-applicable'] as const;
    for (let k = 0; k < 300; k++) {
      const id = g.pack.criteria[(k * 7919) % g.pack.criteria.length]!.id;
      const a = { status: statuses[k % statuses.length]! };
      input.answers[id] = a;
      scorer.setAnswer(id, a);
      if (k % 50 === 0) expect(scorer.result()).toEqual(score(g.pack, input));
    }
    expect(JSON.stringify(scorer.result())).toBe(JSON.stringify(score(g.pack, input)));
  });
});

it('checks answers like score(): pack criteria only', () => {
  const pack = makePack({ criteria: [{ id: 'A', dimension: 'IAL', levels: ['IAL1'] }] });
  const bogus = { status: 'done' as 'conformant' };
  expect(() => createScorer(pack, { roles: [], capabilities: [], answers: { A: bogus } })).toThrow(ScoringInputError);
  const scorer = createScorer(pack, { roles: [], capabilities: [], answers: { elsewhere: bogus } });
  scorer.setAnswer('elsewhere', bogus);
  expect(() => scorer.setAnswer('A', bogus)).toThrow(/"A" has status "done"/);
  expect(scorer.result()).toEqual(score(pack, { roles: [], capabilities: [], answers: { elsewhere: bogus } }));
});
