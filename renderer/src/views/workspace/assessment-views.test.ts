// The five assessment screens wired to their stores and the router, over a window.api that
// behaves like main (testing/fakeAssessment.ts): what a user does on each screen reaches
// main, and what main answers is what the screen shows.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import type { Component } from 'vue';
import type { PackDetail } from '../../../../core/api/contract';
import { createAppI18n } from '../../i18n';
import { createAppRouter } from '../../router';
import { useAssessmentStore } from '../../stores/assessment';
import { useNotificationsStore } from '../../stores/notifications';
import { HANDLE, PACK2, installFakeMain, type FakeMain } from '../../testing/fakeAssessment';
import { installMockApi, type MockApi } from '../../testing/mockApi';
import DashboardView from './DashboardView.vue';
import EvidenceView from './EvidenceView.vue';
import FindingsView from './FindingsView.vue';
import JournalView from './JournalView.vue';
import MigrationView from './MigrationView.vue';

let api: MockApi;
let main: FakeMain;
let pinia: Pinia;
let wrapper: VueWrapper | undefined;

beforeEach(async () => {
  document.body.innerHTML = '';
  pinia = createPinia();
  setActivePinia(pinia);
  api = installMockApi();
  main = installFakeMain(api);
  await useAssessmentStore().open(HANDLE);
});

afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
  delete window.api;
  vi.useRealTimers();
});

async function show(view: Component, section: string, lang: 'ja' | 'en' = 'ja', query: Record<string, string> = {}) {
  const router = createAppRouter();
  await router.push({ name: section, params: { handle: HANDLE }, query });
  wrapper = mount(view, { global: { plugins: [pinia, router, createAppI18n(lang)] }, attachTo: document.body });
  await flushPromises();
  return { w: wrapper, router };
}

describe('DashboardView', () => {
  it('shows the score of the open assessment and opens a blocking criterion in the navigator', async () => {
    const { w, router } = await show(DashboardView, 'dashboard');
    const score = useAssessmentStore().score!;
    for (const d of score.dimensions) {
      const card = w.get(`[data-testid="dimension-${d.dimension}"]`);
      expect(card.get('[data-testid="achieved"]').text()).toContain(d.achieved ?? '未達成');
      expect(card.get('[data-testid="progress"]').text()).toBe(`${d.progress.answered} / ${d.progress.applicable} 件`);
    }
    expect(w.get('[data-testid="blockers-IAL"]').text()).toContain('IAL-03');
    await w.get('[data-testid="blockers-AAL"] button[data-criterion="AAL-03"]').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value).toMatchObject({ name: 'criteria', params: { handle: HANDLE, criterion: 'AAL-03' } });
  });

  it('follows a recorded result: the blocker goes, the level is reached', async () => {
    const { w } = await show(DashboardView, 'dashboard', 'en');
    expect(w.get('[data-testid="dimension-AAL"] [data-testid="target-state"]').text()).toBe('Target not met');
    await useAssessmentStore().setAnswer('AAL-03', { status: 'conformant' });
    await flushPromises();
    expect(w.get('[data-testid="dimension-AAL"] [data-testid="target-state"]').text()).toBe('Target met');
    expect(w.find('[data-testid="blockers-AAL"]').exists()).toBe(false);
  });

  it('opens an overdue finding in the findings editor', async () => {
    const { w, router } = await show(DashboardView, 'dashboard');
    await w.get('[data-testid="overdue"] button').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value).toMatchObject({ name: 'findings', query: { finding: 'F-002' } });
  });
});

describe('FindingsView', () => {
  it('adds a finding through the dialog and shows it in the list', async () => {
    const { w } = await show(FindingsView, 'findings');
    expect(w.findAll('[data-testid="finding-row"]')).toHaveLength(2);
    await w.get('[data-testid="finding-add"]').trigger('click');
    await flushPromises();
    const dialog = w.get('[data-testid="finding-editor"]');
    expect(dialog.attributes('open')).toBeDefined();
    await dialog.get('input[value="ofi"]').setValue(true);
    await dialog.get('[data-testid="finding-description"]').setValue('パスワード変更画面の説明を改善できる。');
    await dialog.get('[data-testid="criterion-search"]').setValue('AAL-01');
    await dialog.get('[data-testid="criterion-search"]').trigger('keydown', { key: 'Enter' });
    await dialog.get('form').trigger('submit');
    await flushPromises();
    expect(main.doc().findings.at(-1)).toEqual({ id: 'F-003', class: 'ofi', criteria: ['AAL-01'], description: 'パスワード変更画面の説明を改善できる。', status: 'open' });
    expect(w.findAll('[data-testid="finding-row"]').map((r) => r.attributes('data-finding'))).toEqual(['F-001', 'F-002', 'F-003']);
    expect(dialog.attributes('open')).toBeUndefined();
    expect(useNotificationsStore().notice).toMatchObject({ key: 'findings.created' });
  });

  it('opens the finding named in the route, and deletes one after confirmation', async () => {
    const { w, router } = await show(FindingsView, 'findings', 'ja', { finding: 'F-002' });
    expect(w.get('#finding-editor-title').text()).toBe('指摘事項 F-002 を編集');
    expect((w.get('[data-testid="finding-plan"]').element as HTMLTextAreaElement).value).toBe('10回でロック');
    expect(router.currentRoute.value.query).toEqual({});
    await w.get('[data-testid="finding-editor"]').trigger('cancel');
    await w.findAll('[data-testid="finding-delete"]')[0]!.trigger('click');
    await flushPromises();
    expect(w.get('[data-testid="confirm-dialog"] h2').text()).toBe('指摘事項 F-001 を削除しますか？');
    await w.get('[data-testid="confirm-yes"]').trigger('click');
    await flushPromises();
    expect(main.doc().findings.map((f) => f.id)).toEqual(['F-002']);
    expect(document.activeElement).toBe(w.get('[data-testid="finding-add"]').element);
  });

  it('shows overdue plans against today and filters to them', async () => {
    vi.useFakeTimers({ now: new Date(2026, 3, 1), toFake: ['Date'] });
    const { w } = await show(FindingsView, 'findings', 'en');
    expect(w.get('[data-finding="F-002"] [data-testid="finding-overdue"]').text()).toBe('366 days overdue');
    await w.get('[data-testid="findings-overdue-only"]').setValue(true);
    expect(w.findAll('[data-testid="finding-row"]').map((r) => r.attributes('data-finding'))).toEqual(['F-002']);
    expect(w.get('[data-testid="findings-count"]').text()).toBe('Showing 1 of 2');
  });
});

describe('EvidenceView', () => {
  it('verifies all files with a result per file, and filters unlinked ones', async () => {
    main.verify.set('2'.repeat(64), { ok: false, missing: false });
    const { w } = await show(EvidenceView, 'evidence');
    await w.get('[data-testid="verify-all"]').trigger('click');
    await flushPromises();
    const states = w.findAll('[data-testid="evidence-row"]').map((r) => [r.attributes('data-hash')!.slice(0, 1), r.get('[data-testid="evidence-verify-result"]').attributes('data-state')]);
    expect(states).toEqual([
      ['2', 'altered'],
      ['1', 'ok'],
    ]);
    expect(useNotificationsStore().notice).toMatchObject({ key: 'evidenceLibrary.verifySummary', params: { ok: '1', bad: '1' } });
    await w.get('[data-testid="evidence-unlinked-only"]').setValue(true);
    expect(w.findAll('[data-testid="evidence-row"]').map((r) => r.text())).toEqual([expect.stringContaining('interview.txt')]);
  });

  it('copies a full SHA-256 to the clipboard', async () => {
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const { w } = await show(EvidenceView, 'evidence', 'en');
    await w.get('[data-hash="' + '1'.repeat(64) + '"] [data-testid="evidence-copy"]').trigger('click');
    await flushPromises();
    expect(writeText).toHaveBeenCalledWith('1'.repeat(64));
    expect(useNotificationsStore().notice).toMatchObject({ key: 'evidenceLibrary.copied' });
  });
});

describe('JournalView', () => {
  it('shows each change in words, old → new, and filters by criterion', async () => {
    await useAssessmentStore().updateFinding('F-002', { status: 'verified-closed' });
    const { w } = await show(JournalView, 'journal');
    const rows = w.findAll('[data-testid="journal-row"]');
    expect(rows[0]!.text()).toContain('指摘事項を変更');
    expect(rows[0]!.text()).toContain('指摘事項 F-002');
    expect(rows[0]!.get('.old').text()).toContain('是正計画承認済み');
    expect(rows[0]!.get('.new').text()).toContain('検証済み・完了');
    expect(w.get('[data-testid="journal-count"]').text()).toContain(`全 ${main.journal.length} 件中 ${main.journal.length} 件`);
    const evidence = rows.find((r) => r.text().includes('証跡を追加') && r.text().includes('認証ポリシー.pdf'))!;
    expect(evidence.text()).toContain('名前');
    await w.get('[data-testid="journal-criterion"]').setValue('IAL-03');
    await w.get('[data-testid="journal-criterion"]').trigger('change');
    expect(w.findAll('[data-testid="journal-row"]').map((r) => r.get('.what').text())).toEqual(['指摘事項を追加', '結果を記録']);
    expect(w.get('[data-testid="journal-count"]').text()).toContain('2 件が条件に一致');
  });
});

describe('MigrationView', () => {
  it('lists the newer version and explains why a version without a mapping cannot be migrated to', async () => {
    const { changes: _changes, ...noMapping } = PACK2;
    const current = useAssessmentStore().pack!;
    api.packsGet.mockImplementation(async (c) => ({ ok: true, value: c.version === '2.0.0' ? (noMapping as PackDetail) : current }));
    const { w } = await show(MigrationView, 'migration');
    expect(w.get('[data-testid="migration-target-2.0.0"]').text()).toContain('demo@2.0.0');
    expect(w.get('[data-testid="migration-apply"]').attributes('disabled')).toBeDefined();
    await w.get('form').trigger('submit');
    await flushPromises();
    expect(w.get('[data-testid="migration-unavailable"]').text()).toContain('対応表');
    expect(w.get('[data-testid="migration-apply-needs-preview"]').text()).toContain('先に移行をプレビュー');
    expect(w.get('[data-testid="migration-apply"]').attributes('disabled')).toBeDefined();
  });

  it('shows the preview with titles from both versions', async () => {
    const { w } = await show(MigrationView, 'migration', 'en');
    await w.get('form').trigger('submit');
    await flushPromises();
    const reassess = w.get('[data-testid="migration-reassess"]').findAll('tbody tr').map((r) => r.text());
    expect(reassess[1]).toContain('AAL-04');
    expect(reassess[1]).toContain('Limiting failed attempts (renamed)');
    expect(reassess[0]).toContain('More document types');
    expect(w.get('[data-testid="migration-retired"]').text()).toContain('No knowledge-based verification');
  });

  it('applies the previewed migration, reopens on the new version and reports what it did, linking to criteria', async () => {
    const { w } = await show(MigrationView, 'migration', 'en');
    await w.get('form').trigger('submit');
    await flushPromises();
    await w.get('[data-testid="migration-apply"]').trigger('click');
    await flushPromises();
    expect(api.migrationApply).toHaveBeenCalledWith({ handle: HANDLE, to: { id: PACK2.id, version: '2.0.0', hash: PACK2.hash }, expectRevision: 8 });
    expect(useAssessmentStore().pack?.version).toBe('2.0.0');
    expect(main.doc().criteria['AAL-04']?.reassess).toEqual({ reason: 'renamed', from: ['AAL-02'] });
    const report = w.get('[data-testid="migration-report"]');
    expect(report.text()).toContain('Moved from demo@1.0.0 to demo@2.0.0');
    expect(report.get('[data-testid="migration-report-needsReassessment"] h3').text()).toContain('Criteria to re-assess (3)');
    expect(report.get('[data-testid="migration-report-retired"]').text()).toContain('IAL-03');
    const link = report.get('[data-testid="migration-report-needsReassessment"] a');
    expect(link.text()).toBe('IAL-02');
    expect(link.attributes('href')).toContain('IAL-02');
    // No newer version is left to move to.
    expect(w.find('[data-testid="migration-target-2.0.0"]').exists()).toBe(false);
  });

  it('says to preview again when the assessment changed after the preview', async () => {
    const { w } = await show(MigrationView, 'migration', 'en');
    await w.get('form').trigger('submit');
    await flushPromises();
    await useAssessmentStore().setAnswer('IAL-01', { status: 'minor-nc' });
    await w.get('[data-testid="migration-apply"]').trigger('click');
    await flushPromises();
    expect(w.get('[data-testid="migration-apply-error"]').text()).toBe('The assessment changed since the preview. Preview the migration again, then apply it.');
    expect(useAssessmentStore().pack?.version).toBe('1.0.0');
  });
});
