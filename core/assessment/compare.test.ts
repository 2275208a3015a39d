import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Pack } from '../criteria/schema';
import { score } from '../scoring/score';
import { makePack } from '../scoring/test-helpers';
import { RESULT_STATUSES, FINDING_CLASSES, FINDING_STATUSES } from '../scoring/types';
import { compareSubmissions, findingTitle, sameOrganization, type Submission } from './compare';
import { newAssessment } from './create';
import type { Assessment, Finding } from './schema';
import { toScoringInput } from './scoring-input';
import { sampleInit } from './test-fixtures';

const PACK = makePack({
  criteria: [
    { id: 'IAL-1', dimension: 'IAL', levels: 'ALL' },
    { id: 'IAL-2', dimension: 'IAL', levels: ['IAL2', 'IAL3'] },
    { id: 'AAL-1', dimension: 'AAL', levels: 'ALL' },
    { id: 'AAL-2', dimension: 'AAL', levels: ['AAL2', 'AAL3'], roles: ['rp'] },
    { id: 'FAL-1', dimension: 'FAL', levels: 'ALL' },
  ],
});
/** The next version: AAL-2 dropped, FAL-2 new. */
const PACK_2 = makePack({
  version: '2.0.0',
  criteria: [
    { id: 'IAL-1', dimension: 'IAL', levels: 'ALL' },
    { id: 'IAL-2', dimension: 'IAL', levels: ['IAL2', 'IAL3'] },
    { id: 'AAL-1', dimension: 'AAL', levels: 'ALL' },
    { id: 'FAL-1', dimension: 'FAL', levels: 'ALL' },
    { id: 'FAL-2', dimension: 'FAL', levels: ['FAL2'] },
  ],
});

function doc(edit: (a: Assessment) => void = () => undefined, pack: Pack = PACK): Assessment {
  const a = newAssessment({ ...sampleInit(), pack: { id: pack.id, version: pack.version, hash: pack.hash } }, { id: 'assessment-0001', now: '2025-06-04T09:00:00Z' });
  for (const c of pack.criteria) a.criteria[c.id] = { status: 'conformant' };
  a.findings.push({ id: 'F-001', class: 'minor-nc', criteria: ['AAL-1'], description: 'Lockout threshold too high.\nDetails follow.', status: 'open' });
  edit(a);
  return a;
}

function submission(a: Assessment, pack: Pack = PACK): Submission {
  return { document: a, criteria: pack.criteria.map((c) => c.id), score: score(pack, toScoringInput(a)) };
}

const finding = (f: Partial<Finding> & { id: string }): Finding => ({ class: 'observation', criteria: ['IAL-1'], description: `About ${f.id}`, status: 'open', ...f });

describe('compareSubmissions', () => {
  it('identical submissions: no changed results, no finding changes, levels unchanged', () => {
    const s = submission(doc());
    const c = compareSubmissions(s, submission(doc()));
    expect(c.results).toEqual([]);
    expect(c.findings).toEqual([]);
    // AAL-2 is for relying parties only: out of scope for an IdP, so not counted as changed either.
    expect(c.unchangedResults).toBe(PACK.criteria.length);
    expect(c.levels.map((l) => l.changed)).toEqual([false, false, false]);
    expect(c).toMatchObject({ sameOrganization: true, samePack: true });
  });

  it('one result lowered: that criterion and its dimension level change', () => {
    const c = compareSubmissions(submission(doc()), submission(doc((a) => (a.criteria['IAL-2'] = { status: 'major-nc' }))));
    expect(c.results).toEqual([{ criterion: 'IAL-2', kind: 'changed', status: { before: 'conformant', after: 'major-nc' }, met: { before: true, after: false } }]);
    expect(c.unchangedResults).toBe(PACK.criteria.length - 1);
    const ial = c.levels.find((l) => l.dimension === 'IAL')!;
    expect(ial).toEqual({ dimension: 'IAL', achieved: { before: 'IAL3', after: 'IAL1' }, target: { before: 'IAL2', after: 'IAL2' }, changed: true });
    expect(c.levels.filter((l) => l.changed)).toHaveLength(1);
  });

  it('a change of scope is a change: out of scope is null', () => {
    const c = compareSubmissions(submission(doc()), submission(doc((a) => (a.roles = ['rp']))));
    expect(c.results).toContainEqual({ criterion: 'AAL-2', kind: 'changed', status: { before: null, after: 'conformant' }, met: { before: null, after: true } });
  });

  it('criteria of one pack only are added or removed; the packs differ', () => {
    const c = compareSubmissions(submission(doc()), submission(doc(undefined, PACK_2), PACK_2));
    expect(c.samePack).toBe(false);
    expect(c.results).toEqual([
      { criterion: 'FAL-2', kind: 'added', status: { before: null, after: 'conformant' }, met: { before: null, after: true } },
      { criterion: 'AAL-2', kind: 'removed', status: { before: null, after: null }, met: { before: null, after: null } },
    ]);
  });

  it('findings: matched by id, then by criteria and title; opened, closed, changed, removed', () => {
    const base = doc((a) => {
      a.findings.push(finding({ id: 'F-002', class: 'major-nc', criteria: ['FAL-1'], status: 'open' }));
      a.findings.push(finding({ id: 'F-003', description: 'Retention period not documented', criteria: ['IAL-2'] }));
      a.findings.push(finding({ id: 'F-004', description: 'Gone next year' }));
    });
    const other = doc((a) => {
      a.findings[0]!.class = 'major-nc';
      a.findings.push(finding({ id: 'F-002', class: 'major-nc', criteria: ['FAL-1'], status: 'verified-closed' }));
      // Renumbered, same criterion and text: the same finding.
      a.findings.push(finding({ id: 'F-010', description: 'Retention period not documented', criteria: ['IAL-2'] }));
      a.findings.push(finding({ id: 'F-011', class: 'ofi', description: 'New opportunity' }));
    });
    const c = compareSubmissions(submission(base), submission(other));
    expect(c.findings).toEqual([
      { id: 'F-001', kind: 'changed', title: 'Lockout threshold too high.', criterion: 'AAL-1', status: { before: 'open', after: 'open' }, classification: { before: 'minor-nc', after: 'major-nc' } },
      { id: 'F-002', kind: 'closed', title: 'About F-002', criterion: 'FAL-1', status: { before: 'open', after: 'verified-closed' }, classification: { before: 'major-nc', after: 'major-nc' } },
      { id: 'F-011', kind: 'opened', title: 'New opportunity', criterion: 'IAL-1', status: { before: null, after: 'open' }, classification: { before: null, after: 'ofi' } },
      { id: 'F-004', kind: 'removed', title: 'Gone next year', criterion: 'IAL-1', status: { before: 'open', after: null }, classification: { before: 'observation', after: null } },
    ]);
  });

  it('an unscored submission compares its recorded answers; met is unknown', () => {
    const other = { ...submission(doc((a) => (a.criteria['IAL-1'] = { status: 'minor-nc' }))), score: null };
    const c = compareSubmissions(submission(doc()), other);
    expect(c.results).toContainEqual({ criterion: 'IAL-1', kind: 'changed', status: { before: 'conformant', after: 'minor-nc' }, met: { before: true, after: null } });
  });
});

describe('sameOrganization', () => {
  const org = doc().organization;
  it('by corporate number when both have one, even when renamed', () => {
    expect(sameOrganization(org, { ...org, legalName: '株式会社新社名' })).toBe(true);
    expect(sameOrganization(org, { ...org, identifiers: [{ scheme: 'jp-corporate-number', value: '7999901000001' }] })).toBe(false);
  });
  it('else by legal name, ignoring width, blanks and case', () => {
    expect(sameOrganization({ ...org, identifiers: [], legalName: 'Ｓａｍｐｌｅ  ID Inc.' }, { ...org, identifiers: [], legalName: 'sample id inc.' })).toBe(true);
    expect(sameOrganization({ ...org, identifiers: [], legalName: 'Sample' }, { ...org, identifiers: [], legalName: 'Other' })).toBe(false);
  });
});

describe('findingTitle', () => {
  it('is the first non-empty line, bounded', () => {
    expect(findingTitle({ description: '\n  First line  \nsecond' })).toBe('First line');
    expect([...findingTitle({ description: 'あ'.repeat(500) })]).toHaveLength(200);
  });
});

// Random submissions over the two packs: answers, scope and findings drawn at will.
const statusArb = fc.constantFrom(...RESULT_STATUSES.filter((s) => s !== 'not-assessed'), undefined);
const findingArb = fc.record({
  id: fc.constantFrom('F-001', 'F-002', 'F-003', 'F-004'),
  class: fc.constantFrom(...FINDING_CLASSES),
  status: fc.constantFrom(...FINDING_STATUSES),
  criteria: fc.subarray(['IAL-1', 'AAL-1', 'FAL-1'], { minLength: 1 }),
  description: fc.constantFrom('Same text', 'Other text'),
});
const submissionArb = fc
  .record({
    v2: fc.boolean(),
    answers: fc.dictionary(fc.constantFrom('IAL-1', 'IAL-2', 'AAL-1', 'AAL-2', 'FAL-1', 'FAL-2'), statusArb),
    roles: fc.subarray(['idp', 'rp']),
    findings: fc.uniqueArray(findingArb, { selector: (f) => f.id, maxLength: 4 }),
  })
  .map(({ v2, answers, roles, findings }) => {
    const pack = v2 ? PACK_2 : PACK;
    const a = doc((d) => {
      d.criteria = {};
      for (const c of pack.criteria) {
        const s = answers[c.id];
        if (s) d.criteria[c.id] = s === 'not-applicable' ? { status: s, justification: 'n/a' } : { status: s };
      }
      d.roles = roles;
      d.findings = findings.map((f) => ({ ...f }));
    }, pack);
    return submission(a, pack);
  });

describe('compareSubmissions properties', () => {
  it('a submission compared with itself has no changes', () => {
    fc.assert(
      fc.property(submissionArb, (s) => {
        const c = compareSubmissions(s, s);
        expect(c.results).toEqual([]);
        expect(c.findings).toEqual([]);
        expect(c.unchangedResults).toBe(s.criteria.length);
        expect(c.levels.every((l) => !l.changed)).toBe(true);
      }),
    );
  });

  it('symmetric counts: swapping the sides swaps added/removed and opened/removed, and keeps the rest', () => {
    fc.assert(
      fc.property(submissionArb, submissionArb, (a, b) => {
        const ab = compareSubmissions(a, b);
        const ba = compareSubmissions(b, a);
        const count = (c: typeof ab, kind: string) => c.results.filter((r) => r.kind === kind).length;
        expect(count(ab, 'changed')).toBe(count(ba, 'changed'));
        expect(count(ab, 'added')).toBe(count(ba, 'removed'));
        expect(count(ab, 'removed')).toBe(count(ba, 'added'));
        expect(ab.unchangedResults).toBe(ba.unchangedResults);
        expect(ab.results.map((r) => r.criterion).sort()).toEqual(ba.results.map((r) => r.criterion).sort());
        expect(ab.levels.filter((l) => l.changed).map((l) => l.dimension).sort()).toEqual(ba.levels.filter((l) => l.changed).map((l) => l.dimension).sort());
        const f = (c: typeof ab, kind: string) => c.findings.filter((x) => x.kind === kind).length;
        expect(f(ab, 'opened')).toBe(f(ba, 'removed'));
        expect(f(ab, 'removed')).toBe(f(ba, 'opened'));
        // A matched pair that differs is reported either way (closed one way is changed the other).
        expect(f(ab, 'changed') + f(ab, 'closed')).toBe(f(ba, 'changed') + f(ba, 'closed'));
        expect(ab.sameOrganization).toBe(ba.sameOrganization);
        expect(ab.samePack).toBe(ba.samePack);
        // Every criterion of either pack is accounted for exactly once.
        expect(ab.unchangedResults + ab.results.length).toBe(new Set([...a.criteria, ...b.criteria]).size);
      }),
    );
  });
});
