// The stores behind the dashboard, findings, evidence, audit trail and migration screens,
// with their real actions, over a window.api that behaves like main (core's edit
// operations and score, see testing/fakeAssessment.ts).
import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { PackDetail } from '../../../core/api/contract';
import { findingToDraft } from '../../../core/assessment/findings';
import { HANDLE, PACK2, PACK2_ENTRIES, installFakeMain, type FakeMain } from '../testing/fakeAssessment';
import { installMockApi, type MockApi } from '../testing/mockApi';
import { useAssessmentStore } from './assessment';
import { useDashboardStore } from './dashboard';
import { useEvidenceLibraryStore } from './evidenceLibrary';
import { useFindingsStore } from './findings';
import { JOURNAL_PAGE_SIZE, useJournalStore } from './journal';
import { mappingOf, useMigrationStore } from './migration';
import { useNotificationsStore } from './notifications';

let api: MockApi;
let main: FakeMain;

beforeEach(async () => {
  setActivePinia(createPinia());
  api = installMockApi();
  main = installFakeMain(api);
  expect(await useAssessmentStore().open(HANDLE)).toBe(true);
});

const H1 = '1'.repeat(64);
const H2 = '2'.repeat(64);

describe('useDashboardStore', () => {
  it('reads levels and blockers off the score, and judges overdue plans against today', () => {
    const dashboard = useDashboardStore();
    dashboard.refreshToday(new Date(2026, 3, 1));
    const byId = Object.fromEntries(dashboard.dimensions.map((d) => [d.outcome.dimension, d.outcome]));
    expect(byId.AAL).toMatchObject({ achieved: 'AAL1', target: 'AAL2', targetMet: false, progress: { applicable: 3, answered: 2 } });
    expect(byId.IAL).toMatchObject({ achieved: 'IAL1', target: 'IAL2', targetMet: false });
    expect(dashboard.gaps.map((g) => [g.dimension, g.blockers.map((b) => `${b.criterion}:${b.reason}`)])).toEqual([
      ['IAL', ['IAL-02:not-assessed', 'IAL-03:open-major-finding']],
      ['AAL', ['AAL-03:not-assessed']],
    ]);
    expect(dashboard.findings.open).toBe(2);
    expect(dashboard.findings.overdue.map((o) => [o.finding.id, o.days])).toEqual([['F-002', 366]]);
    expect(dashboard.dimensions[0]!.levelTitles.get('IAL2')).toEqual({ ja: 'レベル2', en: 'Level 2' });
  });
});

describe('useFindingsStore', () => {
  it('filters by text, class, status and overdue; sorts, and flips the direction on the same key', () => {
    const findings = useFindingsStore();
    findings.refreshToday(new Date(2026, 3, 1));
    expect(findings.visible.map((f) => f.id)).toEqual(['F-001', 'F-002']);
    findings.setFilter({ query: 'ロックアウト', class: '', status: '', overdueOnly: false });
    expect(findings.visible.map((f) => f.id)).toEqual(['F-002']);
    findings.setFilter({ query: 'ial-03', class: '', status: '', overdueOnly: false });
    expect(findings.visible.map((f) => f.id)).toEqual(['F-001']);
    findings.setFilter({ query: '', class: '', status: '', overdueOnly: true });
    expect(findings.visible.map((f) => f.id)).toEqual(['F-002']);
    expect(findings.overdueDays(findings.visible[0]!)).toBe(366);
    findings.setFilter({ query: '', class: 'major-nc', status: 'open', overdueOnly: false });
    expect(findings.visible.map((f) => f.id)).toEqual(['F-001']);
    findings.setFilter({ query: '', class: '', status: '', overdueOnly: false });
    findings.sortBy('id');
    expect(findings.descending).toBe(true);
    expect(findings.visible.map((f) => f.id)).toEqual(['F-002', 'F-001']);
    findings.sortBy('dueDate');
    expect(findings.descending).toBe(false);
    expect(findings.visible.map((f) => f.id)).toEqual(['F-002', 'F-001']);
  });

  it('refuses to save an invalid draft, then creates the finding through main and announces it', async () => {
    const findings = useFindingsStore();
    findings.startCreate();
    expect(findings.editorOpen).toBe(true);
    expect(await findings.save()).toBeNull();
    expect(api.findingsCreate).not.toHaveBeenCalled();
    expect(findings.issues.map((i) => i.code)).toContain('description-required');

    findings.setDraft({ ...findings.draft, class: 'observation', criteria: ['AAL-03'], description: ' 多要素認証の説明が不足 ', plan: '説明を追加', dueDate: '2026-06-30' });
    expect(await findings.save()).toBe('F-003');
    expect(api.findingsCreate).toHaveBeenCalledWith({
      handle: HANDLE,
      finding: { class: 'observation', criteria: ['AAL-03'], description: '多要素認証の説明が不足', correctiveAction: { plan: '説明を追加', dueDate: '2026-06-30' }, status: 'open' },
    });
    expect(findings.editorOpen).toBe(false);
    expect(main.doc().findings.map((f) => f.id)).toEqual(['F-001', 'F-002', 'F-003']);
    expect(useNotificationsStore().notice).toMatchObject({ key: 'findings.created', params: { id: 'F-003' } });
  });

  it('sends only the fields that changed, and clears a removed plan with null', async () => {
    const findings = useFindingsStore();
    expect(findings.startEdit('F-002')).toBe(true);
    expect(findings.draft).toEqual(findingToDraft(main.doc().findings[1]));
    findings.setDraft({ ...findings.draft, status: 'verified-closed' });
    expect(await findings.save()).toBe('F-002');
    expect(api.findingsUpdate).toHaveBeenLastCalledWith({ handle: HANDLE, id: 'F-002', set: { status: 'verified-closed' } });

    findings.startEdit('F-002');
    findings.setDraft({ ...findings.draft, class: 'observation', plan: '', owner: '', dueDate: '', status: 'open' });
    await findings.save();
    expect(api.findingsUpdate).toHaveBeenLastCalledWith({ handle: HANDLE, id: 'F-002', set: { class: 'observation', correctiveAction: null, status: 'open' } });
    expect(main.doc().findings[1]).not.toHaveProperty('correctiveAction');
  });

  it('keeps the editor open with main\'s reason when the save fails', async () => {
    const findings = useFindingsStore();
    api.findingsUpdate.mockResolvedValueOnce({ ok: false, error: { code: 'read-only', message: 'Cannot write assessment.json: read-only.' } });
    findings.startEdit('F-001');
    findings.setDraft({ ...findings.draft, description: '更新' });
    expect(await findings.save()).toBeNull();
    expect(findings.editorOpen).toBe(true);
    expect(findings.saveError).toBe('Cannot write assessment.json: read-only.');
  });

  it('deletes only after the question is answered', async () => {
    const findings = useFindingsStore();
    findings.askDelete('F-001');
    findings.cancelDelete();
    expect(await findings.confirmDelete()).toBe(false);
    expect(api.findingsDelete).not.toHaveBeenCalled();
    findings.askDelete('F-001');
    expect(await findings.confirmDelete()).toBe(true);
    expect(main.doc().findings.map((f) => f.id)).toEqual(['F-002']);
  });
});

describe('useEvidenceLibraryStore', () => {
  it('lists evidence with the criteria that use it, newest first, and filters unlinked files', () => {
    const library = useEvidenceLibraryStore();
    expect(library.entries.map((e) => [e.item.name, e.usedBy])).toEqual([
      ['interview.txt', []],
      ['認証ポリシー.pdf', ['AAL-01', 'AAL-02']],
    ]);
    expect(library.unlinkedCount).toBe(1);
    library.unlinkedOnly = true;
    expect(library.visible.map((e) => e.hash)).toEqual([H2]);
    library.unlinkedOnly = false;
    library.query = H1.slice(0, 8);
    expect(library.visible.map((e) => e.hash)).toEqual([H1]);
  });

  it('turns verify answers into states: intact, altered, missing, or not checked', async () => {
    const library = useEvidenceLibraryStore();
    expect(await library.verify(H1)).toBe('ok');
    main.verify.set(H1, { ok: false, missing: false });
    expect(await library.verify(H1)).toBe('altered');
    main.verify.set(H1, { ok: false, missing: true });
    expect(await library.verify(H1)).toBe('missing');
    main.verify.set(H1, 'fail');
    expect(await library.verify(H1)).toBe('error');
    expect(library.results.get(H1)?.state).toBe('error');
    expect(useNotificationsStore().errors.map((e) => e.context)).toEqual(['evidence']);
  });

  it('verifies everything one file at a time, with progress, and sums up', async () => {
    const library = useEvidenceLibraryStore();
    main.verify.set(H2, { ok: false, missing: true });
    const progress: (string | null)[] = [];
    api.evidenceVerify.mockImplementation(async ({ hash }) => {
      progress.push(library.bulk ? `${library.bulk.done}/${library.bulk.total}` : null);
      const r = main.verify.get(hash) ?? { ok: true, missing: false };
      return { ok: true, value: { hash, ...(r as { ok: boolean; missing: boolean }) } };
    });
    await library.verifyAll();
    expect(progress).toEqual(['0/2', '1/2']);
    expect(library.bulk).toBeNull();
    expect(library.bulkSummary).toEqual({ total: 2, ok: 1, bad: 1 });
    expect(useNotificationsStore().notice).toMatchObject({ key: 'evidenceLibrary.verifySummary', params: { total: '2', ok: '1', bad: '1' } });
  });
});

describe('useJournalStore', () => {
  it('loads the newest page, pages back, and describes each entry', async () => {
    const journal = useJournalStore();
    // More entries than one page.
    for (let i = 0; i < JOURNAL_PAGE_SIZE; i++) {
      main.journal.push({ seq: main.journal.length, at: '2026-02-04T00:00:00Z', actor: 'Emily Clark', op: 'answer.set', change: { op: 'answer.set', criterion: 'AAL-03' }, old: null, new: { status: 'conformant' } });
    }
    expect(await journal.load()).toBe(true);
    expect(journal.lines).toHaveLength(JOURNAL_PAGE_SIZE);
    expect(journal.total).toBe(main.journal.length);
    expect(journal.hasMore).toBe(true);
    expect(await journal.loadMore()).toBe(true);
    expect(journal.lines.map((l) => l.seq)).toEqual([...main.journal].reverse().map((e) => e.seq));
    expect(journal.hasMore).toBe(false);
    expect(journal.lines.at(-1)).toMatchObject({ seq: 0, op: 'assessment.create', subject: { kind: 'assessment' } });
  });

  it('filters by criterion, actor and kind; picks up new entries without reloading the rest', async () => {
    const journal = useJournalStore();
    await journal.load();
    journal.setFilter({ criterion: 'AAL-02', actor: '', op: '' });
    expect(journal.visible.map((l) => l.op)).toEqual(['evidence.add', 'finding.create', 'answer.set']);
    journal.setFilter({ criterion: '', actor: '', op: 'finding.create' });
    expect(journal.visible.map((l) => (l.subject.kind === 'finding' ? l.subject.finding : ''))).toEqual(['F-002', 'F-001']);

    const assessment = useAssessmentStore();
    await assessment.updateFinding('F-001', { status: 'plan-accepted', correctiveAction: { plan: '質問を廃止' } });
    await journal.refreshHead();
    journal.setFilter({ criterion: 'IAL-03', actor: '', op: '' });
    expect(journal.visible[0]).toMatchObject({ op: 'finding.update', changes: [{ field: 'status', old: 'open', new: 'plan-accepted' }, { field: 'correctiveAction.plan', old: undefined, new: '質問を廃止' }] });
    expect(journal.lines).toHaveLength(main.journal.length);
  });
});

describe('useMigrationStore', () => {
  it('offers only newer installed versions of the same pack', async () => {
    const migration = useMigrationStore();
    await migration.loadCandidates();
    expect(migration.candidates.map((c) => c.version)).toEqual(['2.0.0']);
    expect(migration.selected).toBe(migration.keyOf(PACK2));
  });

  it('says a preview is unavailable for a version that declares no mapping', async () => {
    const { changes: _changes, ...noMapping } = PACK2;
    api.packsGet.mockImplementation(async (choice) => ({ ok: true, value: choice.version === '2.0.0' ? (noMapping as PackDetail) : useAssessmentStore().pack! }));
    const migration = useMigrationStore();
    await migration.loadCandidates();
    expect(mappingOf(noMapping as PackDetail)).toBeNull();
    expect(mappingOf(PACK2)?.entries).toEqual(PACK2_ENTRIES);
    expect(await migration.runPreview()).toBe(false);
    expect(migration.state).toBe('unavailable');
    expect(migration.canApply).toBe(false);
    expect(await migration.apply()).toBe(false);
    expect(api.migrationApply).not.toHaveBeenCalled();
  });

  it('previews with core from the mapping entries of the pack detail', async () => {
    const migration = useMigrationStore();
    await migration.loadCandidates();
    expect(await migration.runPreview()).toBe(true);
    expect(migration.state).toBe('ready');
    const p = migration.preview!;
    expect(p.from).toBe('demo@1.0.0');
    expect(p.carried.map((c) => `${c.criterion}<${c.from.join('+')}:${c.kind}`)).toEqual(['IAL-01<IAL-01:same', 'AAL-01<AAL-01:same', 'AAL-04<AAL-02:renamed']);
    expect(p.needsReassessment.map((r) => `${r.criterion}:${r.reason}`)).toEqual(['IAL-02:revised', 'AAL-04:renamed', 'AAL-05:new']);
    expect(p.retired).toEqual([{ criterion: 'IAL-03', reason: 'removed', answer: { status: 'major-nc', notes: '秘密の質問' } }]);
    expect(p.findingsToReview).toEqual([
      { finding: 'F-001', missing: ['IAL-03'] },
      { finding: 'F-002', missing: ['AAL-02'] },
    ]);
    expect(p.counts.evidenceLinksCarried).toBe(2);
  });

  it('applies the previewed migration, reopens the assessment on the new version and keeps the report', async () => {
    const migration = useMigrationStore();
    const assessment = useAssessmentStore();
    await migration.loadCandidates();
    expect(await migration.runPreview()).toBe(true);
    const preview = migration.preview!;
    expect(await migration.apply()).toBe(true);
    expect(api.migrationApply).toHaveBeenCalledWith({ handle: HANDLE, to: { id: PACK2.id, version: PACK2.version, hash: PACK2.hash }, expectRevision: 8 });
    expect(api.assessmentsClose).toHaveBeenCalledWith({ handle: HANDLE });
    expect(migration.applyState).toBe('done');
    // The report is what the preview promised.
    const report = migration.result!.report;
    expect(report.carried).toEqual(preview.carried);
    expect(report.needsReassessment).toEqual(preview.needsReassessment);
    expect(report.retired.map((r) => r.criterion)).toEqual(['IAL-03']);
    expect(report.findingsToReview).toEqual(preview.findingsToReview);
    // The open assessment now works on 2.0.0, with the flags on its records.
    expect(assessment.handle).toBe(HANDLE);
    expect(assessment.pack?.version).toBe('2.0.0');
    expect(assessment.record('AAL-04')).toMatchObject({ status: 'conformant', reassess: { reason: 'renamed', from: ['AAL-02'] } });
    expect(assessment.record('AAL-05')).toEqual({ reassess: { reason: 'new', from: [] } });
    expect(assessment.criterion('AAL-05')).toBeDefined();
    expect(migration.candidates).toEqual([]);
    // Recording a result resolves the flag.
    expect(await assessment.setAnswer('AAL-04', { status: 'minor-nc' })).toBe(true);
    expect(main.doc().criteria['AAL-04']?.reassess).toBeUndefined();
  });

  it('keeps the assessment as it was when main refuses (changed since the preview)', async () => {
    const migration = useMigrationStore();
    const assessment = useAssessmentStore();
    await migration.loadCandidates();
    expect(await migration.runPreview()).toBe(true);
    await assessment.setAnswer('IAL-01', { status: 'minor-nc' });
    expect(await migration.apply()).toBe(false);
    expect(migration.applyState).toBe('error');
    expect(migration.applyError?.code).toBe('conflict');
    expect(migration.result).toBeNull();
    expect(assessment.pack?.version).toBe('1.0.0');
    expect(api.assessmentsClose).not.toHaveBeenCalled();
    // Previewing again makes it possible.
    expect(await migration.runPreview()).toBe(true);
    expect(await migration.apply()).toBe(true);
  });

  it('reports a target that cannot be loaded', async () => {
    const migration = useMigrationStore();
    await migration.loadCandidates();
    api.packsGet.mockResolvedValueOnce({ ok: false, error: { code: 'not-found', message: 'pack demo@2.0.0 is not installed' } });
    expect(await migration.runPreview()).toBe(false);
    expect(migration.state).toBe('error');
    expect(migration.message).toBe('pack demo@2.0.0 is not installed');
  });
});
