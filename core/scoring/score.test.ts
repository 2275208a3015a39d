import { describe, expect, it } from 'vitest';
import { makePack, type CriterionSpec, type PackSpec } from './test-helpers';
import { PackIndexError, ScoringInputError, score } from './score';
import type { Answer, ScoringFinding, ScoringInput } from './types';

const ok: Answer = { status: 'conformant' };

function run(spec: Partial<PackSpec> & { criteria: CriterionSpec[] }, input: Partial<ScoringInput> = {}) {
  const pack = makePack(spec);
  return score(pack, { roles: [], capabilities: [], answers: {}, ...input });
}

describe('met: not-applicable needs a justification', () => {
  const criteria: CriterionSpec[] = [{ id: 'A', dimension: 'IAL', levels: ['IAL1'] }];
  it('blocks without one, or with a blank one', () => {
    for (const answer of [{ status: 'not-applicable' } as Answer, { status: 'not-applicable', justification: '  \n' } as Answer]) {
      const r = run({ criteria }, { answers: { A: answer } });
      expect(r.blocking['IAL1']).toEqual([{ criterion: 'A', reason: 'not-applicable-without-justification' }]);
      expect(r.levels['IAL']).toBeNull();
      expect(r.criteria['A']).toEqual({ inScope: true, effective: 'not-applicable', met: false });
    }
  });
  it('is met with one', () => {
    const r = run({ criteria }, { answers: { A: { status: 'not-applicable', justification: 'No remote proofing offered.' } } });
    expect(r.levels['IAL']).toBe('IAL1');
    expect(r.criteria['A']!.met).toBe(true);
  });
});

describe('met: minor non-conformities', () => {
  const criteria: CriterionSpec[] = [{ id: 'A', dimension: 'AAL', levels: ['AAL2'] }];
  const minor = { A: { status: 'minor-nc' } as Answer };
  const plan = (over: Partial<ScoringFinding> = {}): ScoringFinding => ({
    id: 'F1',
    class: 'minor-nc',
    criteria: ['A'],
    status: 'plan-accepted',
    dueDate: '2026-06-30',
    ...over,
  });

  it('always block under the "block" policy, even with an accepted plan', () => {
    const r = run({ criteria, minorNonconformity: 'block' }, { answers: minor, findings: [plan()] });
    expect(r.blocking['AAL2']).toEqual([{ criterion: 'A', reason: 'minor-nc' }]);
    expect(r.levels['AAL']).toBeNull();
  });

  it('pass under "allow-with-accepted-plan" with a plan-accepted or verified-closed finding that has a due date', () => {
    for (const status of ['plan-accepted', 'verified-closed'] as const) {
      const r = run({ criteria, minorNonconformity: 'allow-with-accepted-plan' }, { answers: minor, findings: [plan({ status })] });
      expect(r.levels['AAL']).toBe('AAL2');
      expect(r.criteria['A']).toEqual({ inScope: true, effective: 'minor-nc', met: true });
    }
  });

  it('block under "allow-with-accepted-plan" without a usable plan, naming the findings that fall short', () => {
    const allow = { criteria, minorNonconformity: 'allow-with-accepted-plan' as const };
    expect(run(allow, { answers: minor }).blocking['AAL2']).toEqual([{ criterion: 'A', reason: 'minor-nc-without-accepted-plan' }]);
    const noDue = plan();
    delete noDue.dueDate;
    for (const f of [noDue, plan({ status: 'open' }), plan({ dueDate: 'next spring' }), plan({ dueDate: '2026-02-30x' })]) {
      expect(run(allow, { answers: minor, findings: [f] }).blocking['AAL2']).toEqual([
        { criterion: 'A', reason: 'minor-nc-without-accepted-plan', findings: ['F1'] },
      ]);
    }
    // A plan on another criterion, or a finding of another class, does not help.
    expect(run(allow, { answers: minor, findings: [plan({ criteria: ['B'] }), plan({ id: 'F2', class: 'observation' })] }).levels['AAL']).toBeNull();
  });
});

describe('met: an open major finding blocks whatever the answer', () => {
  const criteria: CriterionSpec[] = [
    { id: 'A', dimension: 'IAL', levels: ['IAL2'] },
    { id: 'B', dimension: 'IAL', levels: ['IAL2'], roles: ['rp'] },
  ];
  const major = (status: ScoringFinding['status'], on = 'A'): ScoringFinding => ({ id: `M-${on}`, class: 'major-nc', criteria: [on], status });

  it('blocks a conformant criterion, with reason open-major-finding and the finding ids', () => {
    const r = run({ criteria }, { roles: ['idp'], answers: { A: ok }, findings: [major('open'), { ...major('open'), id: 'M-0' }] });
    expect(r.blocking['IAL2']).toEqual([{ criterion: 'A', reason: 'open-major-finding', findings: ['M-0', 'M-A'] }]);
    expect(r.criteria['A']).toEqual({ inScope: true, effective: 'conformant', met: false });
  });
  it('takes precedence over the answer as the reason', () => {
    const r = run({ criteria }, { roles: ['idp'], findings: [major('open')] });
    expect(r.blocking['IAL2']![0]!.reason).toBe('open-major-finding');
  });
  it('stops blocking once its plan is accepted or it is closed', () => {
    for (const s of ['plan-accepted', 'verified-closed'] as const) {
      expect(run({ criteria }, { roles: ['idp'], answers: { A: ok }, findings: [major(s)] }).levels['IAL']).toBe('IAL2');
    }
  });
  it('on an out-of-scope criterion blocks nothing', () => {
    expect(run({ criteria }, { roles: ['idp'], answers: { A: ok }, findings: [major('open', 'B')] }).levels['IAL']).toBe('IAL2');
  });
});

describe('summative criteria (satisfiedBy)', () => {
  const criteria: CriterionSpec[] = [
    { id: 'P', dimension: 'IAL', levels: ['IAL2'], satisfiedBy: ['X', 'Y', 'Z'] },
    { id: 'X', dimension: 'IAL', levels: ['IAL3'] },
    { id: 'Y', dimension: 'IAL', levels: ['IAL3'], obligation: 'SHOULD' },
    { id: 'Z', dimension: 'IAL', levels: ['IAL3'], condition: 'kiosk' },
  ];
  const spec = { criteria, capabilities: ['kiosk'] };

  it('is conformant when every in-scope constituent is met, and is not answered directly', () => {
    const r = run(spec, { answers: { P: { status: 'major-nc' }, X: ok, Y: { status: 'not-applicable', justification: 'n/a' } } });
    expect(r.criteria['P']).toEqual({ inScope: true, effective: 'conformant', met: true });
    expect(r.dimensions[0]!.levels.map((l) => l.achieved)).toEqual([false, true, true]);
    expect(r.dimensions[0]!.progress).toEqual({ applicable: 2, answered: 2 });
  });

  it('takes the worst constituent status and names the unmet constituents', () => {
    const r = run(spec, { capabilities: ['kiosk'], answers: { X: { status: 'minor-nc' }, Y: ok } });
    expect(r.criteria['P']).toEqual({ inScope: true, effective: 'minor-nc', met: false });
    expect(r.blocking['IAL2']).toEqual([{ criterion: 'P', reason: 'constituent-not-met', constituents: ['X', 'Z'] }]);
  });

  it('ignores constituents out of scope; with none in scope it is answered like any criterion', () => {
    const only = [criteria[0]!, { ...criteria[3]!, id: 'X' }, { ...criteria[3]!, id: 'Y' }, criteria[3]!];
    expect(run({ criteria: only }).blocking['IAL2']).toEqual([{ criterion: 'P', reason: 'not-assessed' }]);
    const r = run({ criteria: only }, { answers: { P: { status: 'not-applicable', justification: 'No kiosks.' } } });
    expect(r.levels['IAL']).toBe('IAL2');
  });

  it('nests: a summative constituent counts with its own derived result', () => {
    const nested: CriterionSpec[] = [
      { id: 'TOP', dimension: 'AAL', levels: ['AAL1'], satisfiedBy: ['MID', 'L3'] },
      { id: 'MID', dimension: 'AAL', levels: ['AAL2'], satisfiedBy: ['L1', 'L2'] },
      { id: 'L1', dimension: 'AAL', levels: ['AAL3'] },
      { id: 'L2', dimension: 'AAL', levels: ['AAL3'] },
      { id: 'L3', dimension: 'AAL', levels: ['AAL3'] },
    ];
    const r = run({ criteria: nested }, { answers: { L1: ok, L2: { status: 'major-nc' }, L3: ok } });
    expect(r.criteria['MID']!.effective).toBe('major-nc');
    expect(r.criteria['TOP']).toEqual({ inScope: true, effective: 'major-nc', met: false });
    expect(r.blocking['AAL1']).toEqual([{ criterion: 'TOP', reason: 'constituent-not-met', constituents: ['MID'] }]);
    expect(run({ criteria: nested }, { answers: { L1: ok, L2: ok, L3: ok } }).levels['AAL']).toBe('AAL3');
  });

  it('an open major finding on a constituent blocks its parent', () => {
    const r = run(spec, { answers: { X: ok, Y: ok, Z: ok }, findings: [{ id: 'M', class: 'major-nc', status: 'open', criteria: ['Y'] }] });
    expect(r.blocking['IAL2']).toEqual([{ criterion: 'P', reason: 'constituent-not-met', constituents: ['Y'] }]);
    // Y is SHOULD: it does not block IAL3 itself, it is reported.
    expect(r.levels['IAL']).toBe('IAL3');
    expect(r.dimensions[0]!.levels[2]!.advisory).toEqual({ applicable: 1, met: 0, unmet: [{ criterion: 'Y', reason: 'open-major-finding', findings: ['M'] }] });
  });
});

describe('scope', () => {
  const criteria: CriterionSpec[] = [
    { id: 'plain', dimension: 'FAL', levels: ['FAL1'] },
    { id: 'all', dimension: 'FAL', levels: ['FAL1'], condition: { all: ['proxy', 'pairwise'] } },
    { id: 'any', dimension: 'FAL', levels: ['FAL1'], condition: { any: ['proxy', 'pairwise'] } },
    { id: 'not', dimension: 'FAL', levels: ['FAL1'], condition: { not: 'proxy' } },
    { id: 'nested', dimension: 'FAL', levels: ['FAL1'], condition: { all: ['pairwise', { not: { any: ['proxy', 'bearer'] } }] } },
    { id: 'rp-only', dimension: 'FAL', levels: ['FAL1'], roles: ['rp'] },
    { id: 'idp-or-rp', dimension: 'FAL', levels: ['FAL1'], roles: ['idp', 'rp'] },
  ];
  const inScope = (input: Partial<ScoringInput>) =>
    Object.entries(run({ criteria, capabilities: ['proxy', 'pairwise', 'bearer'] }, input).criteria)
      .filter(([, c]) => c.inScope)
      .map(([id]) => id);

  it('follows all / any / not condition expressions over the declared capabilities', () => {
    expect(inScope({ roles: ['idp'], capabilities: [] })).toEqual(['plain', 'not', 'idp-or-rp']);
    expect(inScope({ roles: ['idp'], capabilities: ['proxy'] })).toEqual(['plain', 'any', 'idp-or-rp']);
    expect(inScope({ roles: ['idp'], capabilities: ['pairwise'] })).toEqual(['plain', 'any', 'not', 'nested', 'idp-or-rp']);
    expect(inScope({ roles: ['idp'], capabilities: ['proxy', 'pairwise'] })).toEqual(['plain', 'all', 'any', 'idp-or-rp']);
  });

  it('matches roles by intersection; a service with no roles given plays every role', () => {
    expect(inScope({ roles: ['rp'] })).toEqual(['plain', 'not', 'rp-only', 'idp-or-rp']);
    expect(inScope({ roles: ['csp'] })).toEqual(['plain', 'not']);
    expect(inScope({ roles: [] })).toEqual(['plain', 'not', 'rp-only', 'idp-or-rp']);
  });

  it('out-of-scope criteria never block, and a dimension with none in scope is not applicable', () => {
    const r = run({ criteria: [{ id: 'A', dimension: 'FAL', levels: 'ALL', roles: ['rp'] }, { id: 'B', dimension: 'IAL', levels: ['IAL1'] }] }, { roles: ['csp'], answers: { B: ok } });
    expect(r.blocking['FAL1']).toEqual([]);
    const fal = r.dimensions.find((d) => d.dimension === 'FAL')!;
    expect(fal).toMatchObject({ notApplicable: true, achieved: null });
    expect(r.dimensions.find((d) => d.dimension === 'AAL')!.notApplicable).toBe(true);
    expect(r.criteria['A']).toEqual({ inScope: false, effective: 'not-assessed', met: false });
  });
});

describe('levels', () => {
  it('ALL tags every level of the dimension', () => {
    const r = run({ criteria: [{ id: 'A', dimension: 'IAL', levels: 'ALL' }, { id: 'B', dimension: 'IAL', levels: ['IAL1', 'IAL2', 'IAL3'] }] }, { answers: { B: ok } });
    for (const l of ['IAL1', 'IAL2', 'IAL3']) expect(r.blocking[l]).toEqual([{ criterion: 'A', reason: 'not-assessed' }]);
    expect(run({ criteria: [{ id: 'A', dimension: 'IAL', levels: 'ALL' }] }, { answers: { A: ok } }).levels['IAL']).toBe('IAL3');
  });

  it('are not cumulative: the highest achieved rank wins even if a lower level is blocked', () => {
    const r = run(
      { criteria: [{ id: 'remote', dimension: 'IAL', levels: ['IAL2'] }, { id: 'onsite', dimension: 'IAL', levels: ['IAL3'] }, { id: 'base', dimension: 'IAL', levels: ['IAL1'] }] },
      { answers: { onsite: ok, base: ok }, targets: { IAL: 'IAL2' } },
    );
    const ial = r.dimensions[0]!;
    expect(ial.levels.map((l) => l.achieved)).toEqual([true, false, true]);
    expect(ial.achieved).toBe('IAL3');
    // A stronger level satisfies a weaker target; the target's own blockers are still listed.
    expect(ial).toMatchObject({ target: 'IAL2', targetMet: true });
    expect(r.blocking['IAL2']).toEqual([{ criterion: 'remote', reason: 'not-assessed' }]);
  });

  it('need at least one SHALL criterion: SHOULD/MAY are counted, never blocking', () => {
    const criteria: CriterionSpec[] = [
      { id: 'S', dimension: 'AAL', levels: ['AAL1'] },
      { id: 'should', dimension: 'AAL', levels: ['AAL1', 'AAL2'], obligation: 'SHOULD' },
      { id: 'may', dimension: 'AAL', levels: ['AAL1'], obligation: 'MAY' },
    ];
    const r = run({ criteria }, { answers: { S: ok, may: ok } });
    const aal = r.dimensions.find((d) => d.dimension === 'AAL')!;
    expect(aal.achieved).toBe('AAL1');
    expect(aal.levels[0]).toMatchObject({ achieved: true, applicable: 1, met: 1, blocking: [], advisory: { applicable: 2, met: 1, unmet: [{ criterion: 'should', reason: 'not-assessed' }] } });
    // AAL2 has only a SHOULD criterion: nothing decides it, so it is not achieved.
    expect(aal.levels[1]).toMatchObject({ achieved: false, applicable: 0, blocking: [] });
  });

  it('lists blockers in pack order, and targets report against the achieved rank', () => {
    const r = run(
      { criteria: ['z', 'a', 'm'].map((id) => ({ id, dimension: 'AAL', levels: ['AAL2'] })) },
      { answers: { a: { status: 'major-nc' } }, targets: { AAL: 'AAL2', IAL: 'IAL1' } },
    );
    expect(r.blocking['AAL2']!.map((b) => `${b.criterion}:${b.reason}`)).toEqual(['z:not-assessed', 'a:major-nc', 'm:not-assessed']);
    expect(r.dimensions.find((d) => d.dimension === 'AAL')).toMatchObject({ achieved: null, target: 'AAL2', targetMet: false });
    // IAL has no in-scope criterion: not applicable, so the target is moot.
    expect(r.dimensions.find((d) => d.dimension === 'IAL')).toMatchObject({ notApplicable: true, target: 'IAL1', targetMet: null });
  });

  it('key shared level ids as <dimension>/<level>', () => {
    const r = run({
      dimensions: [
        { id: 'ORG', kind: 'baseline', levels: ['met'] },
        { id: 'PRIV', kind: 'baseline', levels: ['met'] },
      ],
      criteria: [{ id: 'A', dimension: 'ORG', levels: 'ALL' }],
    });
    expect(Object.keys(r.blocking)).toEqual(['ORG/met', 'PRIV/met']);
  });
});

describe('aggregate', () => {
  const criteria: CriterionSpec[] = [
    { id: 'i2', dimension: 'IAL', levels: ['IAL2'] },
    { id: 'a1', dimension: 'AAL', levels: ['AAL1'] },
    { id: 'a3', dimension: 'AAL', levels: ['AAL3'] },
    { id: 'f', dimension: 'FAL', levels: 'ALL', roles: ['rp'] },
    { id: 'org', dimension: 'ORG', levels: 'ALL' },
  ];
  const dimensions = [
    { id: 'IAL', levels: ['IAL1', 'IAL2', 'IAL3'] },
    { id: 'AAL', levels: ['AAL1', 'AAL2', 'AAL3'] },
    { id: 'FAL', levels: ['FAL1', 'FAL2', 'FAL3'] },
    { id: 'ORG', kind: 'baseline' as const, levels: ['ORG'] },
  ];

  it('minimum: the lowest rank across applicable assurance dimensions (baseline and not-applicable ones left out)', () => {
    const r = run({ criteria, dimensions, aggregate: 'minimum' }, { roles: ['idp'], answers: { i2: ok, a1: ok } });
    expect(r.levels).toEqual({ IAL: 'IAL2', AAL: 'AAL1', FAL: null, ORG: null });
    expect(r.aggregate).toEqual({ kind: 'minimum', rank: 1, levels: r.levels });
  });
  it('minimum: null as soon as an applicable assurance dimension achieves nothing', () => {
    expect(run({ criteria, dimensions, aggregate: 'minimum' }, { roles: ['idp'], answers: { i2: ok } }).aggregate).toMatchObject({ rank: null });
    expect(run({ criteria, dimensions, aggregate: 'minimum' }, { roles: [], answers: { i2: ok, a1: ok } }).aggregate).toMatchObject({ rank: null });
  });
  it('vector: the level per dimension', () => {
    const r = run({ criteria, dimensions, aggregate: 'vector' }, { answers: { i2: ok, a3: ok, f: ok, org: ok } });
    expect(r.aggregate).toEqual({ kind: 'vector', levels: { IAL: 'IAL2', AAL: 'AAL3', FAL: 'FAL3', ORG: 'ORG' } });
  });
});

describe('hostile or broken input', () => {
  const criteria: CriterionSpec[] = [{ id: 'constructor', dimension: 'IAL', levels: ['IAL1'] }];
  it('does not read inherited properties as answers', () => {
    const r = run({ criteria });
    expect(r.criteria['constructor']).toEqual({ inScope: true, effective: 'not-assessed', met: false });
  });
  it('rejects unknown answer statuses and targets with a clear message', () => {
    expect(() => run({ criteria }, { answers: { constructor: { status: 'passed' as 'conformant' } } })).toThrow(ScoringInputError);
    expect(() => run({ criteria }, { answers: { constructor: { status: 'passed' as 'conformant' } } })).toThrow(/"constructor" has status "passed"/);
    expect(() => run({ criteria }, { targets: { IAL: 'AAL2' } })).toThrow(/target IAL=AAL2: not a level of IAL; use one of IAL1, IAL2, IAL3/);
    expect(() => run({ criteria }, { targets: { XAL: 'X1' } })).toThrow(/no such dimension/);
  });
  it('rejects broken packs: unknown references and satisfiedBy cycles', () => {
    expect(() => run({ criteria: [{ id: 'A', dimension: 'IAL', levels: ['IAL9'] }] })).toThrow(PackIndexError);
    expect(() => run({ criteria: [{ id: 'A', dimension: 'IAL', levels: ['IAL1'], satisfiedBy: ['nope'] }] })).toThrow(/unknown criterion "nope"/);
    expect(() =>
      run({
        criteria: [
          { id: 'A', dimension: 'IAL', levels: ['IAL1'], satisfiedBy: ['B'] },
          { id: 'B', dimension: 'IAL', levels: ['IAL1'], satisfiedBy: ['C'] },
          { id: 'C', dimension: 'IAL', levels: ['IAL1'], satisfiedBy: ['A'] },
        ],
      }),
    ).toThrow(/cycle/);
  });
  it('handles a long chain of summative criteria without deep recursion', () => {
    const chain: CriterionSpec[] = Array.from({ length: 20000 }, (_, i) => ({
      id: `C${i}`,
      dimension: 'IAL',
      levels: ['IAL1'],
      ...(i < 19999 ? { satisfiedBy: [`C${i + 1}`] } : {}),
    }));
    const r = run({ criteria: chain }, { answers: { C19999: ok } });
    expect(r.levels['IAL']).toBe('IAL1');
    expect(r.criteria['C0']!.effective).toBe('conformant');
  });
  it('rejects a condition nested deeper than 32 levels', () => {
    let cond: import('../criteria/schema').Condition = 'x';
    for (let i = 0; i < 40; i++) cond = { not: cond };
    expect(() => run({ criteria: [{ id: 'A', dimension: 'IAL', levels: ['IAL1'], condition: cond }] })).toThrow(/nested more than 32/);
  });
});

it('gives identical results for identical input (no clock, no iteration-order effects)', () => {
  const pack = makePack({ criteria: [{ id: 'A', dimension: 'IAL', levels: 'ALL' }, { id: 'B', dimension: 'AAL', levels: ['AAL1'] }] });
  const input: ScoringInput = { roles: [], capabilities: [], answers: { A: ok }, targets: { IAL: 'IAL3' } };
  expect(JSON.stringify(score(pack, input))).toBe(JSON.stringify(score(structuredClone(pack), structuredClone(input))));
});

it('checks every answer for a pack criterion, ignores answers for ids outside the pack', () => {
  const criteria: CriterionSpec[] = [
    { id: 'P', dimension: 'IAL', levels: ['IAL1'], satisfiedBy: ['X'] },
    { id: 'X', dimension: 'IAL', levels: ['IAL1'] },
  ];
  const bogus = { status: 'done' as 'conformant' };
  expect(() => run({ criteria }, { answers: { P: bogus } })).toThrow(ScoringInputError);
  expect(run({ criteria }, { answers: { elsewhere: bogus, X: ok } }).levels['IAL']).toBe('IAL1');
});
