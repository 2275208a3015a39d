import { describe, expect, it } from 'vitest';
import type { Finding } from './schema';
import { Finding as FindingSchema } from './schema';
import { checkFindingDraft, daysOverdue, draftToFinding, findingToDraft, findingsOverview, isIsoDate, isOverdue, localIsoDate, sortFindings, type FindingDraft } from './findings';

const f = (id: string, cls: Finding['class'], status: Finding['status'], due?: string): Finding => ({
  id,
  class: cls,
  criteria: [],
  description: `finding ${id}`,
  status,
  ...(due && { correctiveAction: { plan: 'fix it', dueDate: due } }),
});

describe('overdue corrective actions', () => {
  it('is overdue only when still open and due before today', () => {
    expect(isOverdue(f('F-1', 'minor-nc', 'open', '2026-03-31'), '2026-04-01')).toBe(true);
    expect(isOverdue(f('F-1', 'minor-nc', 'plan-accepted', '2026-03-31'), '2026-04-01')).toBe(true);
    expect(isOverdue(f('F-1', 'minor-nc', 'open', '2026-04-01'), '2026-04-01')).toBe(false);
    expect(isOverdue(f('F-1', 'minor-nc', 'verified-closed', '2026-01-01'), '2026-04-01')).toBe(false);
    expect(isOverdue(f('F-1', 'major-nc', 'open'), '2099-01-01')).toBe(false);
  });

  it('counts days across month and year ends', () => {
    expect(daysOverdue('2025-12-31', '2026-01-02')).toBe(2);
    expect(daysOverdue('2026-02-28', '2026-03-01')).toBe(1);
  });

  it('summarises open findings by class and lists overdue plans, longest overdue first', () => {
    const o = findingsOverview(
      [
        f('F-10', 'minor-nc', 'plan-accepted', '2026-03-01'),
        f('F-2', 'major-nc', 'open', '2026-02-01'),
        f('F-3', 'observation', 'open'),
        f('F-4', 'minor-nc', 'verified-closed', '2025-01-01'),
        f('F-5', 'ofi', 'open', '2026-12-31'),
      ],
      '2026-04-01',
    );
    expect(o.total).toBe(5);
    expect(o.open).toBe(4);
    expect(o.openByClass).toEqual({ 'major-nc': 1, 'minor-nc': 1, observation: 1, ofi: 1, 'good-practice': 0 });
    expect(o.overdue.map((x) => [x.finding.id, x.dueDate, x.days])).toEqual([
      ['F-2', '2026-02-01', 59],
      ['F-10', '2026-03-01', 31],
    ]);
  });

  it('takes today in the local calendar', () => {
    expect(localIsoDate(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });
});

describe('sortFindings', () => {
  const list = [f('F-10', 'observation', 'open', '2026-05-01'), f('F-2', 'major-nc', 'verified-closed'), f('F-1', 'minor-nc', 'plan-accepted', '2026-01-01'), f('F-3', 'major-nc', 'open', '2026-03-01')];
  const ids = (xs: Finding[]) => xs.map((x) => x.id);

  it('orders by id numerically, and by severity, status and due date with the id as tie-break', () => {
    expect(ids(sortFindings(list, 'id'))).toEqual(['F-1', 'F-2', 'F-3', 'F-10']);
    expect(ids(sortFindings(list, 'id', true))).toEqual(['F-10', 'F-3', 'F-2', 'F-1']);
    expect(ids(sortFindings(list, 'class'))).toEqual(['F-2', 'F-3', 'F-1', 'F-10']);
    expect(ids(sortFindings(list, 'status'))).toEqual(['F-3', 'F-10', 'F-1', 'F-2']);
    expect(ids(sortFindings(list, 'dueDate'))).toEqual(['F-1', 'F-3', 'F-10', 'F-2']);
    // Undated findings stay last whichever way dates are ordered.
    expect(ids(sortFindings(list, 'dueDate', true))).toEqual(['F-10', 'F-3', 'F-1', 'F-2']);
  });

  it('does not reorder its input', () => {
    const copy = [...list];
    sortFindings(list, 'class');
    expect(list).toEqual(copy);
  });
});

describe('checkFindingDraft', () => {
  const draft = (over: Partial<FindingDraft> = {}): FindingDraft => ({ ...findingToDraft(), description: '多要素認証の未導入', ...over });
  const codes = (d: FindingDraft, opts?: Parameters<typeof checkFindingDraft>[1]) => checkFindingDraft(d, opts).map((i) => `${i.severity}:${i.field}:${i.code}`);

  it('requires a description, and a plan once an owner or due date is given', () => {
    expect(codes(draft({ description: '   ', class: 'observation' }))).toEqual(['error:description:description-required']);
    expect(codes(draft({ class: 'observation', owner: '運用部' }))).toEqual(['error:plan:plan-required']);
    expect(codes(draft({ class: 'observation', dueDate: '2026-06-30' }))).toEqual(['error:plan:plan-required']);
  });

  it('refuses dates that are not on the calendar', () => {
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(codes(draft({ class: 'ofi', plan: 'p', dueDate: '2026-02-30' }))).toEqual(['error:dueDate:due-date-invalid']);
    expect(codes(draft({ class: 'ofi', plan: 'p', dueDate: '30/06/2026' }))).toEqual(['error:dueDate:due-date-invalid']);
  });

  it('refuses unknown and repeated criteria', () => {
    const known = new Set(['AAL-01', 'AAL-02']);
    expect(checkFindingDraft(draft({ class: 'ofi', criteria: ['AAL-01', 'XYZ', 'AAL-01'] }), { knownCriteria: known })).toEqual([
      { field: 'criteria', code: 'criterion-unknown', severity: 'error', criterion: 'XYZ' },
      { field: 'criteria', code: 'criterion-repeated', severity: 'error', criterion: 'AAL-01' },
    ]);
  });

  it('does not accept or close a non-conformity that has no plan', () => {
    expect(codes(draft({ class: 'major-nc', status: 'plan-accepted' }))).toContain('error:status:status-needs-plan');
    expect(codes(draft({ class: 'observation', status: 'verified-closed' }))).toEqual([]);
  });

  it('explains what the scoring will make of a non-conformity', () => {
    expect(codes(draft({ class: 'major-nc', plan: 'p' }))).toEqual(['warning:class:major-blocks-level']);
    expect(codes(draft({ class: 'major-nc', plan: 'p', status: 'verified-closed' }))).toEqual([]);
    expect(codes(draft({ class: 'minor-nc', plan: 'p', status: 'plan-accepted' }))).toEqual(['warning:status:minor-needs-accepted-plan']);
    expect(codes(draft({ class: 'minor-nc', plan: 'p', status: 'plan-accepted', dueDate: '2026-06-30' }))).toEqual([]);
    expect(codes(draft({ class: 'minor-nc', plan: 'p', status: 'plan-accepted', dueDate: '2026-06-30' }), { minorNonconformity: 'block' })).toEqual(['warning:class:minor-blocks-level']);
    expect(codes(draft({ class: 'minor-nc', plan: 'p', status: 'plan-accepted', dueDate: '2026-03-01' }), { today: '2026-04-01' })).toEqual(['warning:dueDate:due-date-past']);
  });

  it('turns a valid draft into a finding the document schema accepts, and back', () => {
    const d = draft({ class: 'minor-nc', criteria: ['AAL-04'], plan: ' 10回でロック ', owner: '', dueDate: '2026-06-30', status: 'plan-accepted' });
    expect(checkFindingDraft(d).filter((i) => i.severity === 'error')).toEqual([]);
    const finding = { id: 'F-001', ...draftToFinding(d) };
    expect(FindingSchema.parse(finding)).toEqual({
      id: 'F-001',
      class: 'minor-nc',
      criteria: ['AAL-04'],
      description: '多要素認証の未導入',
      correctiveAction: { plan: '10回でロック', dueDate: '2026-06-30' },
      status: 'plan-accepted',
    });
    expect(findingToDraft(finding)).toEqual({ ...d, plan: '10回でロック' });
    expect(draftToFinding(draft({ class: 'ofi' }))).not.toHaveProperty('correctiveAction');
  });
});
