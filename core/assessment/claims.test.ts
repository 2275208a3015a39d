import { describe, expect, it } from 'vitest';
import { diffClaims } from './claims';
import { newAssessment } from './create';
import { sampleInit } from './test-fixtures';
import type { Assessment } from './schema';

const base = newAssessment(sampleInit(), { id: 'claims-test-01', now: '2025-06-01T00:00:00.000Z' });

function withClaims(claims: Assessment['claims'], criteria: Assessment['criteria']): Assessment {
  return { ...base, claims, claimsSource: { organization: 'Applicant' }, criteria };
}

describe('diffClaims', () => {
  it('lists where the applicant and the assessor differ, and how', () => {
    const a = withClaims(
      {
        same: { status: 'conformant' },
        over: { status: 'conformant' },
        under: { status: 'major-nc' },
        napp: { status: 'not-applicable', justification: 'no kiosks' },
        pending: { status: 'conformant' },
        nothing: { status: 'not-assessed' },
      },
      {
        same: { status: 'conformant' },
        over: { status: 'minor-nc' },
        under: { status: 'minor-nc' },
        napp: { status: 'conformant' },
        pending: { notes: 'interview tomorrow' },
        extra: { status: 'major-nc' },
      },
    );
    expect(diffClaims(a)).toEqual([
      { criterion: 'extra', kind: 'unclaimed', claimed: 'not-assessed', assessed: 'major-nc' },
      { criterion: 'napp', kind: 'applicability', claimed: 'not-applicable', assessed: 'conformant' },
      { criterion: 'over', kind: 'overclaimed', claimed: 'conformant', assessed: 'minor-nc' },
      { criterion: 'pending', kind: 'not-assessed', claimed: 'conformant', assessed: 'not-assessed' },
      { criterion: 'under', kind: 'underclaimed', claimed: 'major-nc', assessed: 'minor-nc' },
    ]);
  });

  it('follows the given criterion order (the pack order)', () => {
    const a = withClaims({ b: { status: 'conformant' }, a: { status: 'conformant' } }, {});
    expect(diffClaims(a, ['b', 'a']).map((d) => d.criterion)).toEqual(['b', 'a']);
  });

  it('is empty without claims, even when results exist', () => {
    expect(diffClaims({ ...base, criteria: { x: { status: 'major-nc' } } })).toEqual([]);
  });
});
