import { describe, expect, it } from 'vitest';
import { applyChange } from './ops';
import { newAssessment } from './create';
import { sampleInit } from './test-fixtures';
import { describeJournalEntry, diffValues, matchesJournalFilter, type JournalEntryLike } from './journal-view';
import { evidenceUsage } from './evidence-usage';
import type { Assessment } from './schema';

const H1 = '1'.repeat(64);
const H2 = '2'.repeat(64);
const meta = (n: number) => ({ at: `2026-02-0${n}T10:00:00Z`, actor: n % 2 ? '佐藤 花子' : 'Emily Clark' });

/** Real entries, made by the real edit operations, shaped as tfa:journal:list hands them out. */
function journal(): { doc: Assessment; entries: JournalEntryLike[] } {
  let doc = newAssessment(sampleInit(), { id: 'asmt-0001-test', now: '2026-02-01T09:00:00Z' });
  const entries: JournalEntryLike[] = [];
  const changes = [
    { op: 'answer.set', criterion: 'AAL-02', set: { status: 'minor-nc', notes: '8文字以上' } },
    { op: 'answer.set', criterion: 'AAL-02', set: { status: 'conformant', notes: null } },
    { op: 'finding.create', finding: { id: 'F-001', class: 'minor-nc', criteria: ['AAL-04'], description: 'ロックアウト未設定', status: 'open' } },
    { op: 'finding.update', id: 'F-001', set: { status: 'plan-accepted', correctiveAction: { plan: '10回でロック', dueDate: '2026-06-30' } } },
    { op: 'evidence.add', hash: H1, item: { name: 'policy.pdf', capturedAt: '2026-02-02T10:00:00Z', capturedBy: 'Sato', mediaType: 'application/pdf', size: 10 }, criteria: ['AAL-02'] },
    { op: 'evidence.link', hash: H1, criterion: 'AAL-04' },
    { op: 'profile.set', field: 'service.scope', value: '本番環境' },
  ];
  changes.forEach((change, i) => {
    const applied = applyChange(doc, change, meta(i + 1));
    doc = applied.assessment;
    const { op, ...rest } = applied.entry.change as { op: string };
    entries.push({ seq: applied.entry.seq, at: applied.entry.at, actor: applied.entry.actor, op, change: { op, ...rest }, old: applied.entry.old, new: applied.entry.new });
  });
  return { doc, entries };
}

describe('describeJournalEntry', () => {
  it('names the subject and the fields that changed, old → new', () => {
    const lines = journal().entries.map(describeJournalEntry);
    expect(lines[0]).toMatchObject({ op: 'answer.set', subject: { kind: 'criterion', criterion: 'AAL-02' }, criteria: ['AAL-02'] });
    expect(lines[0]!.changes).toEqual([
      { field: 'status', old: undefined, new: 'minor-nc' },
      { field: 'notes', old: undefined, new: '8文字以上' },
    ]);
    expect(lines[1]!.changes).toEqual([
      { field: 'status', old: 'minor-nc', new: 'conformant' },
      { field: 'notes', old: '8文字以上', new: undefined },
    ]);
    expect(lines[2]).toMatchObject({ subject: { kind: 'finding', finding: 'F-001' }, criteria: ['AAL-04'] });
    expect(lines[2]!.changes.map((c) => c.field)).toEqual(['id', 'class', 'criteria', 'description', 'status']);
    expect(lines[3]!.changes).toEqual([
      { field: 'status', old: 'open', new: 'plan-accepted' },
      { field: 'correctiveAction.plan', old: undefined, new: '10回でロック' },
      { field: 'correctiveAction.dueDate', old: undefined, new: '2026-06-30' },
    ]);
    expect(lines[4]).toMatchObject({ subject: { kind: 'evidence', hash: H1 }, criteria: ['AAL-02'] });
    expect(lines[5]).toMatchObject({ subject: { kind: 'evidence', hash: H1, criterion: 'AAL-04' }, changes: [{ field: 'evidence', old: undefined, new: H1 }] });
    expect(lines[6]).toMatchObject({ subject: { kind: 'profile', field: 'service.scope' }, changes: [{ field: '', old: undefined, new: '本番環境' }] });
    expect(lines.map((l) => l.actor).slice(0, 2)).toEqual(['佐藤 花子', 'Emily Clark']);
  });

  it('filters by criterion (a finding counts for its criteria), actor and operation', () => {
    const lines = journal().entries.map(describeJournalEntry);
    expect(lines.filter((l) => matchesJournalFilter(l, { criterion: 'AAL-04' })).map((l) => l.seq)).toEqual([3, 4, 6]);
    expect(lines.filter((l) => matchesJournalFilter(l, { actor: '佐藤 花子', op: 'answer.set' })).map((l) => l.seq)).toEqual([1]);
    expect(lines.filter((l) => matchesJournalFilter(l, {})).length).toBe(7);
  });

  it('compares lists whole and leaves unchanged fields out', () => {
    expect(diffValues({ a: [1, 2], b: 'x' }, { a: [1, 2, 3], b: 'x' })).toEqual([{ field: 'a', old: [1, 2], new: [1, 2, 3] }]);
    expect(diffValues(null, null)).toEqual([]);
    expect(diffValues('ja', 'en')).toEqual([{ field: '', old: 'ja', new: 'en' }]);
  });

  it('survives entries of an unknown shape', () => {
    const line = describeJournalEntry({ seq: 9, at: 'x', actor: 'y', op: 'future.op', change: {}, old: 1, new: 2 });
    expect(line.subject).toEqual({ kind: 'assessment' });
    expect(describeJournalEntry({ seq: 1, at: 'x', actor: 'y', op: 'finding.update', change: { id: 5 }, old: 'junk', new: null }).criteria).toEqual([]);
  });
});

describe('evidenceUsage', () => {
  it('lists the criteria that use each evidence item, in pack order, with [] for unlinked items', () => {
    const { doc } = journal();
    const withUnlinked: Assessment = { ...doc, evidence: { ...doc.evidence, [H2]: { ...doc.evidence[H1]!, name: 'orphan.txt' } } };
    const usage = evidenceUsage(withUnlinked, ['AAL-04', 'AAL-02']);
    expect(usage.get(H1)).toEqual(['AAL-04', 'AAL-02']);
    expect(usage.get(H2)).toEqual([]);
    expect(evidenceUsage(withUnlinked).get(H1)).toEqual(['AAL-02', 'AAL-04']);
  });
});
