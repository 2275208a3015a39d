// The certification body's screens mounted in the real app (router, stores, i18n, the
// assessor's views) over a window.api that answers like main: the intake list and its
// imports, the trust store, the comparison, and the read-only review — where no edit channel
// is ever called, whatever the user clicks.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import type { ApiResult } from '../../../../core/api/contract';
import type { IntakeReportView, ReviewSummary, ReviewView, SubmissionComparison, TrustAnchorView } from '../../../../core/api/contract-intake';
import type { Change } from '../../../../core/assessment/ops';
import { toScoringInput } from '../../../../core/assessment/scoring-input';
import { score } from '../../../../core/scoring/score';
import App from '../../App.vue';
import { uploadPackageFile } from '../../api/uploadPackage';
import { createAppI18n } from '../../i18n';
import { createAppRouter } from '../../router';
import { useAppStore } from '../../stores/app';
import { useAssessmentStore } from '../../stores/assessment';
import { useSettingsStore } from '../../stores/settings';
import { useIntakeStore } from '../../stores/intake';
import { certificateText, useTrustStore } from '../../stores/trust';
import { installFakeMain, type FakeMain } from '../../testing/fakeMain';
import { ok, type MockApi } from '../../testing/mockApi';

const REV = 'rev-0001';
const REV2 = 'rev-0002';
const HASH = 'c'.repeat(64);
const AT = '2026-04-01T09:00:00.000Z';

/** Every channel that changes an assessment or reads its workspace: a review must never call one. */
const EDIT_CHANNELS = [
  'assessmentsOpen',
  'assessmentsClose',
  'assessmentsCreate',
  'answersSet',
  'profileSet',
  'evidenceAdd',
  'evidenceLink',
  'evidenceUnlink',
  'evidenceUpdate',
  'evidenceVerify',
  'evidencePreview',
  'findingsCreate',
  'findingsUpdate',
  'findingsDelete',
  'claimsImport',
  'claimsSet',
  'claimsClear',
  'journalList',
  'migrationApply',
  'dialogsPickEvidence',
] as const;

let wrapper: VueWrapper | undefined;

beforeEach(() => {
  document.body.innerHTML = '';
});

afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
  delete window.api;
  vi.unstubAllGlobals();
});

function summary(over: Partial<ReviewSummary> = {}): ReviewSummary {
  return {
    review: REV,
    fileName: '株式会社テスト認証-demo-2.0.0-2026-04-01.tfpkg',
    size: 48_213,
    sha256: 'd'.repeat(64),
    importedAt: AT,
    ok: true,
    failedChecks: 0,
    organization: '株式会社テスト認証',
    service: 'Test ID',
    pack: 'demo@2.0.0',
    assessmentType: 'third-party',
    assessmentId: 'a1b2c3d4-0000',
    signer: 'CN=佐藤 花子',
    ...over,
  };
}

function report(ok: boolean): IntakeReportView {
  const level = (achieved: string | null) => ({ dimension: 'IAL', achieved, target: 'IAL2', targetMet: achieved === 'IAL2', notApplicable: false });
  return {
    ok,
    checks: [
      { id: 'zip-structure', status: 'passed', reason: 'the archive is well formed' },
      { id: 'files-match-manifest', status: ok ? 'passed' : 'failed', reason: ok ? 'every file matches the manifest' : 'assessment.json: SHA-256 differs from the manifest' },
      { id: 'signature', status: 'passed', reason: 'signed by CN=佐藤 花子' },
      { id: 'levels-recomputed', status: ok ? 'passed' : 'skipped', reason: ok ? 'the levels match' : 'not checked: files-match-manifest failed' },
    ],
    signer: { subject: 'CN=佐藤 花子', issuer: 'CN=Test CA', fingerprintSha256: 'e'.repeat(64) },
    signedAt: AT,
    claimedLevels: [level(ok ? 'IAL1' : 'IAL2')],
    recomputedLevels: [level('IAL1')],
    verifiedAt: AT,
  };
}

/** A review of fakeMain's assessment, with an answer, a note, evidence and a finding (call once per fake). */
function reviewOf(fake: FakeMain): ReviewView {
  const changes: Change[] = [
    { op: 'answer.set', criterion: 'IAL-1', set: { status: 'conformant', notes: '手順書を確認した。', methods: ['examine'] } } as Change,
    { op: 'evidence.add', hash: HASH, item: { name: '手順書.pdf', capturedAt: AT, capturedBy: 'tester', mediaType: 'application/pdf', size: 1200 }, criteria: ['IAL-1'] } as Change,
    { op: 'finding.create', finding: { id: 'F-001', class: 'minor-nc', criteria: ['IAL-2'], description: '記録が不足している。', status: 'open' } } as Change,
  ];
  for (const c of changes) fake.apply(c);
  const doc = fake.doc();
  return {
    summary: summary(),
    report: report(true),
    document: doc,
    pack: fake.detail,
    packTrusted: true,
    score: score(fake.pack, toScoringInput(doc)) as ReviewView['score'],
    scoreProblem: null,
  };
}

/** The same review as main reports it when a file did not match the manifest. */
function invalid(v: ReviewView): ReviewView {
  return { ...v, summary: { ...v.summary, ok: false, failedChecks: 1 }, report: report(false), packTrusted: false };
}

/** Starts the app as main.ts does (info and settings first) on `path`, in `lang`. */
async function startAt(path: string, lang: 'ja' | 'en' = 'ja') {
  const api = window.api as unknown as MockApi;
  api.settingsGet.mockResolvedValue(ok({ language: lang }));
  const pinia = createPinia();
  setActivePinia(pinia);
  const settings = useSettingsStore();
  await Promise.all([useAppStore().loadInfo(), settings.load()]);
  const router = createAppRouter();
  await router.push(path);
  wrapper = mount(App, { global: { plugins: [pinia, createAppI18n(settings.effectiveLanguage), router] }, attachTo: document.body });
  await router.isReady();
  await flushPromises();
  return { router, w: wrapper };
}

function expectNoEditCalls(api: MockApi): void {
  for (const name of EDIT_CHANNELS) expect(api[name], name).not.toHaveBeenCalled();
}

/** Editable controls inside `root`: enabled inputs, selects and buttons, writable textareas. */
function editable(root: Element): string[] {
  const found: string[] = [];
  for (const el of root.querySelectorAll('input, select, textarea')) {
    const disabled = (el as HTMLInputElement).disabled || el.closest('fieldset[disabled]') !== null;
    const readonly = el.tagName === 'TEXTAREA' && (el as HTMLTextAreaElement).readOnly;
    if (!disabled && !readonly) found.push(el.id || el.getAttribute('data-testid') || el.tagName);
  }
  return found;
}

describe('review workspace (read-only)', () => {
  let fake: FakeMain;
  let view: ReviewView;

  beforeEach(() => {
    fake = installFakeMain();
    view = reviewOf(fake);
    fake.api.reviewsGet.mockImplementation(async ({ review }) => (review === REV ? ok(view) : { ok: false, error: { code: 'not-found', message: 'No such review.' } }));
    fake.api.reviewsReverify.mockImplementation(async () => ok(view.summary));
    fake.api.reviewsEvidencePreview.mockImplementation(async ({ hash }) => ok({ hash, kind: 'none', mediaType: 'application/pdf', size: 1200, data: null, truncated: false, limit: 1024, reason: 'unsupported' }));
  });

  it('shows the verification report first: checks, signer, claimed vs recomputed levels', async () => {
    view = invalid(view);
    const { router, w } = await startAt(`/r/${REV}`);
    expect(router.currentRoute.value.name).toBe('review-report');
    const text = w.get('[data-testid="review-report"]').text();
    expect(w.get('[data-testid="report-verdict"]').text()).toContain('無効なパッケージです（不合格 1 件）');
    expect(w.get('[data-testid="report-failed-names"]').text()).toContain('ファイルとマニフェストの一致');
    const checks = w.findAll('[data-testid="report-check"]');
    expect(checks.map((c) => c.attributes('data-status'))).toEqual(['passed', 'failed', 'passed', 'skipped']);
    expect(checks[1]!.text()).toContain('assessment.json: SHA-256 differs from the manifest');
    expect(text).toContain('CN=佐藤 花子');
    expect(text).toContain('発行者: CN=Test CA');
    // The claimed IAL2 differs from the recomputed IAL1, and says so in words.
    const row = w.get('[data-testid="level-row"][data-dimension="IAL"]');
    expect(row.get('[data-testid="level-claimed"]').text()).toBe('IAL2');
    expect(row.get('[data-testid="level-recomputed"]').text()).toBe('IAL1');
    expect(row.get('[data-testid="level-differs"]').text()).toBe('不一致');
    expect(w.get('[data-testid="levels-summary"]').text()).toBe('1 件の評価軸で一致しません');
    // The embedded pack of an unverified package is marked as such.
    expect(w.find('[data-testid="report-pack-untrusted"]').exists()).toBe(true);
    expectNoEditCalls(fake.api);
  });

  it('verifies again from the report and shows the new verdict in place', async () => {
    const valid = view;
    view = invalid(view);
    const { w } = await startAt(`/r/${REV}/report`);
    expect(w.get('[data-testid="report-verdict"]').text()).toContain('無効なパッケージです');
    view = valid;
    await w.get('[data-testid="report-reverify"]').trigger('click');
    await flushPromises();
    expect(fake.api.reviewsReverify).toHaveBeenCalledWith({ review: REV });
    expect(w.get('[data-testid="report-verdict"]').text()).toContain('有効なパッケージです');
    expect(w.text()).toContain('再検証しました。有効なパッケージです。');
    expectNoEditCalls(fake.api);
  });

  it('shows the criteria read-only: no editable control, no add or raise, and an answer cannot be set', async () => {
    const { w } = await startAt(`/r/${REV}/criteria/IAL-1`);
    const panel = w.get('[data-testid="criterion-panel"]');
    expect(panel.get('[data-testid="criterion-status"]').text()).toBe('適合');
    expect((panel.get('[data-testid="notes"]').element as HTMLTextAreaElement).value).toBe('手順書を確認した。');
    expect(editable(panel.element)).toEqual([]);
    expect(panel.find('[data-testid="evidence-dropzone"]').exists()).toBe(false);
    expect(panel.find('details.raise').exists()).toBe(false);
    expect(panel.find('[data-testid="evidence-unlink"]').exists()).toBe(false);
    expect(panel.find('[data-testid="evidence-verify"]').exists()).toBe(false);
    expect(panel.findAll('[data-testid="evidence-item"]')).toHaveLength(1);

    // Even a click that reaches a disabled radio, or a store action called directly, sends nothing.
    await panel.get('[data-testid="result-major-nc"] input').trigger('change');
    const store = useAssessmentStore();
    expect(await store.setAnswer('IAL-1', { status: 'major-nc' })).toBe(false);
    store.draftText('IAL-1', 'notes', 'x');
    await store.flushText();
    expect(await store.createFinding({ class: 'observation', criteria: ['IAL-1'], description: 'x' })).toBeNull();
    expect(await store.linkEvidence(HASH, 'IAL-2')).toBe(false);
    expect(await store.addFiles([new File(['x'], 'x.png', { type: 'image/png' })], ['IAL-1'])).toEqual([]);
    expect(await store.verifyEvidence(HASH)).toBeNull();
    expect(store.record('IAL-1')?.status).toBe('conformant');
    expect(w.text()).toContain('提出されたパッケージのレビューは読み取り専用です。変更はできません。');

    // The navigator links stay inside the review.
    await w.get('[data-testid="nav-dashboard"]').trigger('click');
    await vi.waitFor(() => expect(w.find('[data-testid="dashboard"]').exists()).toBe(true));
    expectNoEditCalls(fake.api);
  });

  it('shows findings and evidence without edit controls; the journal and migration are not offered', async () => {
    const { router, w } = await startAt(`/r/${REV}/findings`);
    const nav = w.get('nav.workspace-nav');
    expect(nav.find('[data-testid="nav-journal"]').exists()).toBe(false);
    expect(nav.find('[data-testid="nav-migration"]').exists()).toBe(false);
    expect(nav.find('[data-testid="undo"]').exists()).toBe(false);
    expect(nav.get('[data-testid="read-only-badge"]').text()).toBe('読み取り専用のレビュー');
    expect(w.findAll('[data-testid="finding-row"]')).toHaveLength(1);
    expect(w.find('[data-testid="finding-add"]').exists()).toBe(false);
    expect(w.find('[data-testid="finding-edit"]').exists()).toBe(false);
    expect(w.find('[data-testid="finding-delete"]').exists()).toBe(false);

    // A finding link from the dashboard opens the list, never the editor.
    await router.push({ name: 'review-findings', params: { handle: REV }, query: { finding: 'F-001' } });
    await flushPromises();
    expect(w.find('[data-testid="finding-editor"][open]').exists()).toBe(false);

    await w.get('[data-testid="nav-evidence"]').trigger('click');
    await vi.waitFor(() => expect(w.find('[data-testid="evidence-view"]').exists()).toBe(true));
    expect(router.currentRoute.value.name).toBe('review-evidence');
    expect(w.findAll('[data-testid="evidence-table"] tbody tr').length).toBeGreaterThan(0);
    expect(w.find('[data-testid="verify-all"]').exists()).toBe(false);
    expect(w.find('[data-testid="evidence-verify"]').exists()).toBe(false);
    // The journal route of the assessor does not exist under a review.
    await router.push(`/r/${REV}/journal`);
    await flushPromises();
    expect(w.find('[data-testid="journal-view"]').exists()).toBe(false);
    expectNoEditCalls(fake.api);
  });

  it('previews evidence from the package, not from a workspace', async () => {
    await startAt(`/r/${REV}/criteria/IAL-1`);
    const preview = await useAssessmentStore().previewEvidence(HASH);
    expect(preview).not.toBeNull();
    expect(fake.api.reviewsEvidencePreview).toHaveBeenCalledWith({ review: REV, hash: HASH });
    expect(fake.api.evidencePreview).not.toHaveBeenCalled();
  });

  it('marks every assessment screen of an invalid package as not verified', async () => {
    view = invalid(view);
    const { w } = await startAt(`/r/${REV}/dashboard`, 'en');
    expect(w.get('[data-testid="untrusted-banner"]').text()).toContain('Not verified — contents not trusted');
    await w.get('[data-testid="nav-report"]').trigger('click');
    await flushPromises();
    expect(w.find('[data-testid="untrusted-banner"]').exists()).toBe(false);
    expect(w.find('[data-testid="review-report"]').exists()).toBe(true);
  });

  it('opens the report of a package with no readable assessment, and says so in the sections', async () => {
    view = { ...invalid(view), document: null, pack: null, score: null };
    const { w, router } = await startAt(`/r/${REV}`);
    expect(w.find('[data-testid="review-report"]').exists()).toBe(true);
    expect(w.find('[data-testid="report-open-assessment"]').exists()).toBe(false);
    await router.push(`/r/${REV}/criteria`);
    await flushPromises();
    expect(w.find('[data-testid="review-no-assessment"]').exists()).toBe(true);
    expect(w.find('[data-testid="criterion-panel"]').exists()).toBe(false);
  });

  it('leaves the review for the intake list, and the assessment store is writable again', async () => {
    fake.api.reviewsList.mockResolvedValue(ok([summary()]));
    const { w, router } = await startAt(`/r/${REV}/criteria/IAL-1`);
    expect(useAssessmentStore().readOnly).toBe(true);
    await w.get('[data-testid="close-assessment"]').trigger('click');
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('intake'));
    await flushPromises();
    expect(useAssessmentStore().readOnly).toBe(false);
    expect(useAssessmentStore().handle).toBeNull();
    expectNoEditCalls(fake.api);
  });
});

describe('assessment store in review mode', () => {
  it('refuses every edit action and sends nothing; opening an assessment afterwards is writable again', async () => {
    const fake = installFakeMain();
    const view = reviewOf(fake);
    setActivePinia(createPinia());
    const store = useAssessmentStore();
    expect(await store.openReview(view)).toBe(true);
    expect(store).toMatchObject({ readOnly: true, handle: REV, loadState: 'ready' });
    expect(store.score).toEqual(view.score);
    expect(store.document?.criteria['IAL-1']?.status).toBe('conformant');

    const refused = await Promise.all([
      store.setAnswer('IAL-1', { status: 'major-nc' }),
      store.setProfile({ 'organization.legalName': 'x' } as never),
      store.addEvidenceSource({ source: 's', name: 'x', size: 1 }, ['IAL-1']),
      store.pickEvidence(['IAL-1']),
      store.linkEvidence(HASH, 'IAL-2'),
      store.unlinkEvidence(HASH, 'IAL-1'),
      store.updateEvidenceDescription(HASH, 'x'),
      store.verifyEvidence(HASH),
      store.createFinding({ class: 'observation', criteria: ['IAL-1'], description: 'x' }),
      store.updateFinding('F-001', { description: 'x' }),
      store.deleteFinding('F-001'),
      store.importClaims({ kind: 'x' } as never, {} as never),
      store.setClaim('IAL-1', {} as never),
      store.clearClaims(),
      store.listJournal(),
      store.undo(),
    ]);
    expect(refused.every((r) => r === false || r === null || (Array.isArray(r) && r.length === 0))).toBe(true);
    store.draftText('IAL-1', 'notes', 'typed');
    expect(store.textDraft('IAL-1', 'notes')).toBeUndefined();
    await store.settled();
    expect(store.document?.criteria['IAL-1']?.status).toBe('conformant');
    expect(await store.close()).toBeNull();
    expectNoEditCalls(fake.api);

    // The same store opens an assessment normally afterwards.
    expect(await store.open('h-test-1')).toBe(true);
    expect(store.readOnly).toBe(false);
    expect(await store.setAnswer('IAL-2', { status: 'conformant' })).toBe(true);
    expect(fake.api.answersSet).toHaveBeenCalledTimes(1);
  });
});

describe('intake screen', () => {
  let api: MockApi;

  beforeEach(() => {
    api = installFakeMain().api;
  });

  it('lists imported packages with their verdict and opens one', async () => {
    api.reviewsList.mockResolvedValue(ok([summary(), summary({ review: REV2, ok: false, failedChecks: 2, organization: null, fileName: 'broken.tfpkg', importedAt: '2026-03-01T00:00:00.000Z' })]));
    const { w, router } = await startAt('/intake');
    const rows = w.findAll('[data-testid="review-row"]');
    expect(rows).toHaveLength(2);
    expect(rows[0]!.get('[data-testid="review-verdict"]').text()).toBe('有効');
    expect(rows[1]!.get('[data-testid="review-verdict"]').text()).toBe('無効（不合格 2 件）');
    expect(rows[1]!.text()).toContain('broken.tfpkg');
    await rows[0]!.get('[data-testid="review-open"]').trigger('click');
    await vi.waitFor(() => expect(router.currentRoute.value).toMatchObject({ name: 'review-report', params: { handle: REV } }));
  });

  it('imports several packages through the desktop dialog, with progress, keeping going past a failure', async () => {
    api.reviewsList.mockResolvedValue(ok([]));
    api.dialogsPickPackages.mockResolvedValue(
      ok([
        { source: 's1', name: 'a.tfpkg', size: 10 },
        { source: 's2', name: 'b.tfpkg', size: 20 },
        { source: 's3', name: 'c.tfpkg', size: 30 },
        { source: 's4', name: '報告書.pdf', size: 40 },
        { name: 'pipe.tfpkg', refused: 'pipe.tfpkg is not a regular file: choose a .tfpkg package.' },
      ]),
    );
    api.reviewsImport.mockImplementation(async ({ source }): Promise<ApiResult<ReviewSummary>> => {
      if (source === 's2') return { ok: false, error: { code: 'invalid-input', message: 'b.tfpkg is not a ZIP archive.' } };
      return ok(summary({ review: `rev-${source}`, fileName: `${source}.tfpkg`, ok: source === 's1', failedChecks: source === 's1' ? 0 : 3 }));
    });
    const { w } = await startAt('/intake');
    expect(w.find('[data-testid="intake-empty"]').exists()).toBe(true);
    await w.get('[data-testid="package-import"]').trigger('click');
    await flushPromises();
    expect(api.reviewsImport.mock.calls.map((c) => c[0])).toEqual([{ source: 's1' }, { source: 's2' }, { source: 's3' }]);
    const jobs = w.findAll('[data-testid="import-job"]');
    expect(jobs.map((j) => j.classes().find((c) => ['done', 'failed'].includes(c)))).toEqual(['done', 'failed', 'done', 'failed', 'failed']);
    // A file main could not take fails alone, with main's reason.
    expect(jobs[4]!.text()).toContain('pipe.tfpkg is not a regular file');
    // A file that is not a package is not sent to main.
    expect(jobs[3]!.text()).toContain('.tfpkg ファイルではないため取り込みませんでした');
    expect(jobs[1]!.text()).toContain('b.tfpkg is not a ZIP archive.');
    expect(jobs[2]!.text()).toContain('無効（3 件の検査に不合格）');
    expect(w.get('[data-testid="import-status"]').text()).toContain('5 件中 5 件を処理しました');
    expect(w.findAll('[data-testid="review-row"]')).toHaveLength(2);
  });

  it('removes a package only after confirmation, and re-verifies another', async () => {
    api.reviewsList.mockResolvedValue(ok([summary(), summary({ review: REV2, ok: false, failedChecks: 1 })]));
    api.reviewsRemove.mockResolvedValue(ok([summary({ review: REV2, ok: false, failedChecks: 1 })]));
    api.reviewsReverify.mockResolvedValue(ok(summary({ review: REV2, ok: true, failedChecks: 0 })));
    const { w } = await startAt('/intake');
    await w.findAll('[data-testid="review-remove"]')[0]!.trigger('click');
    await flushPromises();
    expect(api.reviewsRemove).not.toHaveBeenCalled();
    const dialog = w.get('[data-testid="confirm-dialog"]');
    expect(dialog.text()).toContain('株式会社テスト認証 のパッケージを削除しますか？');
    await dialog.findAll('button')[1]!.trigger('click');
    await flushPromises();
    expect(api.reviewsRemove).toHaveBeenCalledWith({ review: REV });
    expect(w.findAll('[data-testid="review-row"]')).toHaveLength(1);
    await w.get('[data-testid="review-reverify"]').trigger('click');
    await flushPromises();
    expect(api.reviewsReverify).toHaveBeenCalledWith({ review: REV2 });
    expect(w.get('[data-testid="review-verdict"]').text()).toBe('有効');
  });

  it('compares the two selected submissions, the older as the base', async () => {
    const older = summary({ review: REV2, importedAt: '2025-04-01T00:00:00.000Z' });
    api.reviewsList.mockResolvedValue(ok([summary(), older]));
    const fake = installFakeMain();
    api = fake.api;
    api.reviewsList.mockResolvedValue(ok([summary(), older]));
    const comparison: SubmissionComparison = {
      base: older,
      other: summary({ organization: '株式会社ほかの組織' }),
      sameOrganization: false,
      samePack: true,
      levels: [{ dimension: 'IAL', achieved: { before: 'IAL1', after: 'IAL2' }, target: { before: 'IAL2', after: 'IAL2' }, changed: true }],
      results: [{ criterion: 'IAL-2', kind: 'changed', status: { before: 'minor-nc', after: 'conformant' }, met: { before: false, after: true } }],
      unchangedResults: 5,
      findings: [{ id: 'F-001', kind: 'closed', title: '記録が不足している。', criterion: 'IAL-2', status: { before: 'open', after: 'verified-closed' }, classification: { before: 'minor-nc', after: 'minor-nc' } }],
    };
    api.reviewsCompare.mockResolvedValue(ok(comparison));
    const rv = reviewOf(fake);
    api.reviewsGet.mockResolvedValue(ok(rv));
    const { w, router } = await startAt('/intake');
    const compare = w.get('[data-testid="compare-selected"]');
    expect(compare.attributes('disabled')).toBeDefined();
    for (const box of w.findAll('[data-testid="review-select"]')) await box.setValue(true);
    expect(compare.attributes('disabled')).toBeUndefined();
    await compare.trigger('click');
    await vi.waitFor(() => expect(router.currentRoute.value).toMatchObject({ name: 'compare', params: { base: REV2, other: REV } }));
    await vi.waitFor(() => expect(w.find('[data-testid="compare-results"]').exists()).toBe(true));
    expect(api.reviewsCompare).toHaveBeenCalledWith({ base: REV2, other: REV });
    expect(w.get('[data-testid="compare-warning-organization"]').text()).toContain('別の組織');
    expect(w.find('[data-testid="compare-warning-pack"]').exists()).toBe(false);
    const result = w.get('[data-testid="compare-result"][data-criterion="IAL-2"]');
    expect(result.text()).toContain(fake.pack.criteria.find((c) => c.id === 'IAL-2')!.title.ja);
    expect(result.get('[data-testid="result-before"]').text()).toBe('軽微な不適合');
    expect(result.get('[data-testid="result-after"]').text()).toBe('適合');
    expect(w.get('[data-testid="compare-level"][data-dimension="IAL"]').text()).toContain('IAL1');
    expect(w.get('[data-testid="compare-findings"]').text()).toContain('完了');
    expect(w.get('[data-testid="compare-counts"]').text()).toContain('5 件の結果は変更なし');
  });
});

describe('trust store', () => {
  let api: MockApi;
  const anchor: TrustAnchorView = {
    fingerprintSha256: 'ab'.repeat(32),
    subject: 'CN=テスト認証局, O=株式会社テスト',
    issuer: 'CN=テスト認証局, O=株式会社テスト',
    serialNumber: '01',
    notBefore: '2025-01-01T00:00:00.000Z',
    notAfter: '2026-01-01T00:00:00.000Z',
    isCa: true,
    expired: true,
    keyAlgorithm: 'ECDSA P-256',
    addedAt: AT,
    label: null,
  };

  beforeEach(() => {
    api = installFakeMain().api;
    api.trustList.mockResolvedValue(ok([anchor]));
  });

  it('lists anchors with grouped fingerprint, validity, expiry and key algorithm', async () => {
    const { w } = await startAt('/trust');
    const item = w.get('[data-testid="trust-anchor"]');
    expect(item.text()).toContain('CN=テスト認証局, O=株式会社テスト');
    expect(item.get('[data-testid="trust-fingerprint"]').text()).toBe(Array(16).fill('ABAB').join(' '));
    expect(item.get('[data-testid="trust-expired"]').text()).toBe('期限切れ');
    expect(item.text()).toContain('ECDSA P-256');
  });

  it('sends a PEM file as text and a DER file as base64, and shows main\'s error clearly', async () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    expect(certificateText(new TextEncoder().encode(pem))).toBe(pem);
    expect(certificateText(new Uint8Array([0x30, 0x82, 0x01, 0xff]))).toBe('MIIB/w==');

    api.trustAdd.mockResolvedValueOnce({ ok: false, error: { code: 'invalid-input', message: 'ca.pem: certificate 1 is not a valid X.509 certificate (bad DER length).' } });
    await startAt('/trust');
    const store = useTrustStore();
    expect(await store.addFile(new File([pem], 'ca.pem'), ' 本番 CA ')).toBe(false);
    expect(api.trustAdd).toHaveBeenCalledWith({ text: pem, label: '本番 CA' });
    await flushPromises();
    const problem = wrapper!.get('[data-testid="intake-problem"]');
    expect(problem.attributes('role')).toBe('alert');
    expect(problem.text()).toContain('ca.pem の証明書を追加できませんでした。');
    expect(problem.text()).toContain('certificate 1 is not a valid X.509 certificate');

    api.trustAdd.mockResolvedValueOnce(ok({ added: [{ ...anchor, fingerprintSha256: 'cd'.repeat(32), expired: false }], alreadyPresent: [], anchors: [anchor, { ...anchor, fingerprintSha256: 'cd'.repeat(32), expired: false }] }));
    expect(await store.addFile(new File([new Uint8Array([0x30, 0x82, 0x01, 0xff])], 'ca.cer'))).toBe(true);
    expect(api.trustAdd).toHaveBeenLastCalledWith({ text: 'MIIB/w==' });
    await flushPromises();
    expect(wrapper!.find('[data-testid="intake-problem"]').exists()).toBe(false);
    expect(wrapper!.get('[data-testid="trust-status"]').text()).toContain('ca.cer から 1 件の証明書を追加しました');
    expect(wrapper!.findAll('[data-testid="trust-anchor"]')).toHaveLength(2);
  });

  it('refuses an empty file without calling main', async () => {
    await startAt('/trust', 'en');
    expect(await useTrustStore().addFile(new File([], 'empty.pem'))).toBe(false);
    expect(api.trustAdd).not.toHaveBeenCalled();
    await flushPromises();
    expect(wrapper!.get('[data-testid="intake-problem"]').text()).toContain('empty.pem is empty.');
  });

  it('removes an anchor only after confirmation', async () => {
    api.trustRemove.mockResolvedValue(ok([]));
    const { w } = await startAt('/trust');
    await w.get('[data-testid="trust-remove"]').trigger('click');
    await flushPromises();
    expect(api.trustRemove).not.toHaveBeenCalled();
    const dialog = w.get('[data-testid="confirm-dialog"]');
    await dialog.findAll('button')[1]!.trigger('click');
    await flushPromises();
    expect(api.trustRemove).toHaveBeenCalledWith({ fingerprintSha256: anchor.fingerprintSha256 });
    expect(w.find('[data-testid="trust-empty"]').exists()).toBe(true);
  });
});

describe('package upload (browser preview)', () => {
  it('PUTs the file with the purpose, name and token, and returns the source', async () => {
    delete window.api;
    const { takeTokenFromLocation } = await import('../../api/token');
    takeTokenFromLocation({ hash: '#token=tok123', pathname: '/', search: '' } as Location, { replaceState: () => undefined, state: null } as unknown as History);
    const fetchImpl = vi.fn(async () => new Response(JSON.stringify({ ok: true, value: { source: 'src-1', name: 'a.tfpkg', size: 3 } })));
    const r = await uploadPackageFile(new File(['abc'], '申請 2026.tfpkg'), fetchImpl as unknown as typeof fetch);
    expect(r).toEqual({ ok: true, value: { source: 'src-1', name: 'a.tfpkg', size: 3 } });
    const [url, init] = fetchImpl.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe(`/upload?purpose=package&name=${encodeURIComponent('申請 2026.tfpkg').replace(/%20/g, '+')}`);
    expect(init.method).toBe('PUT');
    expect(init.headers).toMatchObject({ 'Content-Type': 'application/octet-stream', 'X-TFA-Token': 'tok123' });
  });

  it('imports uploaded files in order in the preview', async () => {
    delete window.api;
    const pinia = createPinia();
    setActivePinia(pinia);
    const calls: string[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit) => {
        if (url.startsWith('/upload')) {
          calls.push(`upload ${new URL(url, 'http://x').searchParams.get('name')}`);
          return new Response(JSON.stringify({ ok: true, value: { source: `src-${calls.length}`, name: 'x', size: 1 } }));
        }
        const body = JSON.parse(String(init.body)) as { args: { source: string } };
        calls.push(`import ${body.args.source}`);
        return new Response(JSON.stringify({ ok: true, value: summary({ review: `rev-${body.args.source}` }) }));
      }),
    );
    const store = useIntakeStore();
    const imported = await store.importFiles([new File(['a'], 'a.tfpkg'), new File(['b'], 'b.tfpkg')]);
    expect(imported.map((s) => s.review)).toEqual(['rev-src-1', 'rev-src-3']);
    expect(calls).toEqual(['upload a.tfpkg', 'import src-1', 'upload b.tfpkg', 'import src-3']);
    expect(store.jobs.map((j) => j.state)).toEqual(['done', 'done']);
  });
});
