import { describe, expect, it } from 'vitest';
import { Assessment, FORMAT_VERSION } from './schema';
import { newAssessment } from './create';
import { InvalidInputError } from './errors';
import { sampleInit } from './test-fixtures';
import { toScoringInput } from './scoring-input';

const ids = { id: 'a1b2c3d4-0000-4000-8000-000000000001', now: '2025-06-01T09:00:00.000Z' };

describe('the assessment document', () => {
  it('starts valid, empty, at revision 0, and round-trips through JSON unchanged', () => {
    const a = newAssessment(sampleInit(), ids);
    expect(a).toMatchObject({ formatVersion: FORMAT_VERSION, revision: 0, criteria: {}, findings: [], evidence: {} });
    const json = JSON.stringify(a);
    expect(JSON.stringify(Assessment.parse(JSON.parse(json)))).toBe(json);
  });

  it('never stores achieved levels', () => {
    const a = newAssessment(sampleInit(), ids) as unknown as Record<string, unknown>;
    expect(Assessment.safeParse({ ...a, levels: { IAL: 'IAL2' } }).success).toBe(false);
    expect(Assessment.safeParse({ ...a, achieved: { IAL: 'IAL2' } }).success).toBe(false);
  });

  it('rejects a corporate number with a wrong check digit, naming the field', () => {
    const init = sampleInit();
    init.organization.identifiers = [{ scheme: 'jp-corporate-number', value: '2180301018771' }];
    expect(() => newAssessment(init, ids)).toThrow(InvalidInputError);
    expect(() => newAssessment(init, ids)).toThrow(/organization\.identifiers\.0\.value: is not a valid corporate number/);
  });

  it('lists every problem of a bad start in one line', () => {
    const init = sampleInit();
    init.organization.legalName = '  ';
    init.pack = { id: 'jp-idtf', version: '2', hash: 'xyz' };
    const message = (() => {
      try {
        newAssessment(init, ids);
        return '';
      } catch (err) {
        return (err as Error).message;
      }
    })();
    expect(message).toContain('organization.legalName: must not be empty');
    expect(message).toContain('pack.version');
    expect(message).toContain('pack.hash');
    expect(message).not.toContain('\n');
  });

  it('rejects an evidence link to evidence the workspace does not hold', () => {
    const a = newAssessment(sampleInit(), ids);
    const bad = { ...a, criteria: { 'IAL2-1': { status: 'conformant', evidence: ['d'.repeat(64)] } } };
    const r = Assessment.safeParse(bad);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/not in the workspace/);
  });

  it('rejects unsanitized evidence names and hash keys that are not SHA-256', () => {
    const a = newAssessment(sampleInit(), ids);
    const item = { name: 'ok.pdf', mediaType: 'application/pdf', size: 1, capturedAt: ids.now, capturedBy: 'me' };
    expect(Assessment.safeParse({ ...a, evidence: { ['e'.repeat(64)]: item } }).success).toBe(true);
    expect(Assessment.safeParse({ ...a, evidence: { ['e'.repeat(64)]: { ...item, name: '../../etc/passwd' } } }).success).toBe(false);
    expect(Assessment.safeParse({ ...a, evidence: { ['e'.repeat(64)]: { ...item, name: 'a\u202Eb' } } }).success).toBe(false);
    expect(Assessment.safeParse({ ...a, evidence: { '../x': item } }).success).toBe(false);
  });

  it('hands the scoring engine the assessor results and plan due dates, not the claims', () => {
    const a = {
      ...newAssessment(sampleInit(), ids),
      criteria: { 'IAL2-1': { status: 'not-applicable' as const, justification: 'no remote proofing' }, 'IAL2-2': { notes: 'pending' } },
      findings: [{ id: 'F-001', class: 'minor-nc' as const, criteria: ['IAL2-3'], description: 'x', status: 'plan-accepted' as const, correctiveAction: { plan: 'p', dueDate: '2025-09-30' } }],
      claims: { 'IAL2-2': { status: 'conformant' as const } },
      claimsSource: { organization: 'Applicant' },
    };
    const input = toScoringInput(a);
    expect(input.answers).toEqual({ 'IAL2-1': { status: 'not-applicable', justification: 'no remote proofing' } });
    expect(input.findings).toEqual([{ id: 'F-001', class: 'minor-nc', criteria: ['IAL2-3'], status: 'plan-accepted', dueDate: '2025-09-30' }]);
    expect(input.targets).toEqual({ IAL: 'IAL2', AAL: 'AAL2' });
  });
});
