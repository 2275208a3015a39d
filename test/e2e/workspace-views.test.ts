/**
 * The assessment screens (dashboard, findings, evidence library, audit trail, migration) in
 * real Chromium, against the real handlers behind the browser bridge, with assessments
 * created through the API on real built-in packs. Checks what a user relies on: the levels
 * shown are core's score of the same document, a blocker opens its criterion, findings are
 * created and edited through the dialog, evidence verifies, the journal shows those edits,
 * and a migration can be previewed — under the CSP, with the keyboard, in both languages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { AssessmentView, contract, type Channel } from '../../core/api/contract';
import { toScoringInput } from '../../core/assessment/scoring-input';
import type { Pack } from '../../core/criteria/schema';
import { readPackDir } from '../../core/node/packs';
import { score } from '../../core/scoring/score';
import { createPackLister } from '../../electron/main/services/packs';
import { launchChromium } from '../support/chromium';
import { watchContext, type PageWatch } from '../support/page-watch';
import { PROJECT_ROOT, SCREENSHOT_DIR } from '../support/paths';
import { startPreview, type Preview } from '../support/preview';

const VIEWPORT = { width: 1440, height: 900 } as const;
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let browser: Browser;
let preview: Preview;
let context: BrowserContext;
let page: Page;
let watch: PageWatch;
/** jp-idtf@2.0.0, with results, findings and evidence. */
let main: AssessmentView;
/** jp-idtf@1.0.0, to preview its migration to 2.0.0. */
let older: AssessmentView;
let pack2: Pack;

/** One API call as the renderer's bridge client makes it; the value is checked against the contract. */
async function call<C extends Channel>(channel: C, args?: unknown): Promise<ReturnType<(typeof contract)[C]['result']['parse']>> {
  const res = await fetch(`${preview.bridge.origin}/api/${channel}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-TFA-Token': preview.bridge.token, Origin: preview.bridge.origin },
    body: JSON.stringify({ args }),
  });
  const body = (await res.json()) as { ok: boolean; value?: unknown; error?: { code: string; message: string } };
  if (!body.ok) throw new Error(`${channel}: ${body.error?.code}: ${body.error?.message}`);
  return contract[channel].result.parse(body.value) as never;
}

/** A file added as evidence the way the preview does it: PUT /upload, then tfa:evidence:add. */
async function addEvidence(handle: string, name: string, bytes: Buffer, criteria: string[], description?: string): Promise<string> {
  const res = await fetch(`${preview.bridge.origin}/upload?assessment=${handle}&name=${encodeURIComponent(name)}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/octet-stream', 'X-TFA-Token': preview.bridge.token, Origin: preview.bridge.origin },
    body: new Uint8Array(bytes),
  });
  const up = (await res.json()) as { ok: boolean; value: { source: string } };
  expect(up.ok).toBe(true);
  const added = await call('tfa:evidence:add', { handle, source: up.value.source, ...(criteria.length > 0 && { criteria }), ...(description && { description }) });
  return added.added.hash;
}

const profile = {
  organization: { legalName: '株式会社サンプルID', identifiers: [{ scheme: 'jp-corporate-number', value: '1180301018771' }] },
  service: { name: 'サンプルID ログイン', description: 'OpenID Connect に準拠した個人向け ID プロバイダ' },
  type: 'third-party',
  roles: ['IdP'],
} as const;

async function seed(): Promise<void> {
  main = await call('tfa:assessments:create', {
    ...profile,
    pack: { id: 'jp-idtf', version: '2.0.0' },
    capabilities: ['password', 'otp-token', 'ic-chip-reading', 'attribute-release'],
    targets: { IAL: 'IAL2', AAL: 'AAL2', FAL: 'FAL2' },
  });
  const h = main.handle;
  const conformant = ['AAL-01', 'AAL-02', 'AAL-03', 'AAL-05', 'AAL-06', 'AAL-14', 'AAL-22', 'IAL-02', 'IAL-03', 'FAL-01', 'FAL-02'];
  for (const criterion of conformant) await call('tfa:answers:set', { handle: h, criterion, set: { status: 'conformant', methods: ['examine'] } });
  await call('tfa:answers:set', { handle: h, criterion: 'AAL-04', set: { status: 'minor-nc', notes: 'ロックアウトの閾値が文書化されていない' } });
  await call('tfa:answers:set', { handle: h, criterion: 'AAL-08', set: { status: 'not-applicable' } });
  await call('tfa:answers:set', { handle: h, criterion: 'IAL-19', set: { status: 'major-nc', notes: '秘密の質問による本人確認が残っている' } });
  // Overdue: the plan was due long ago and is not verified closed.
  await call('tfa:findings:create', {
    handle: h,
    finding: {
      class: 'minor-nc',
      criteria: ['AAL-04'],
      description: '認証失敗回数の上限とロックアウト解除の手順が運用規程に定められていない。',
      correctiveAction: { plan: '10 回連続失敗でアカウントを一時停止し、解除手順を運用規程に追加する。', owner: '運用部 田中', dueDate: '2025-03-31' },
      status: 'plan-accepted',
    },
  });
  await call('tfa:findings:create', {
    handle: h,
    finding: { class: 'major-nc', criteria: ['IAL-19'], description: 'パスワード再設定時に「秘密の質問」による本人確認が使われており、知識ベースの確認が禁止されている要件に反する。', status: 'open' },
  });
  await call('tfa:findings:create', {
    handle: h,
    finding: { class: 'good-practice', criteria: ['AAL-06'], description: '多要素認証の登録画面で利用者に分かりやすい説明が示されている。', status: 'open' },
  });
  await addEvidence(h, 'MFA登録画面.png', Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(4096, 7)]), ['AAL-06'], '多要素認証の登録画面のキャプチャ');
  await addEvidence(h, '認証ポリシー.pdf', Buffer.from('%PDF-1.7\n% authentication policy\n'), ['AAL-02', 'AAL-03']);
  await addEvidence(h, 'interview-notes.txt', Buffer.from('Interview with the operations team, 2026-02-03.\n'), []);
  main = await call('tfa:assessment:get', { handle: h });

  older = await call('tfa:assessments:create', {
    ...profile,
    organization: { ...profile.organization, legalName: '株式会社レガシーID' },
    pack: { id: 'jp-idtf', version: '1.0.0' },
    capabilities: ['password', 'otp-token'],
    targets: { IAL: 'IAL2', AAL: 'AAL2' },
  });
  const v1 = await call('tfa:packs:get', { id: 'jp-idtf', version: '1.0.0' });
  for (const c of v1.criteria.slice(0, 24)) {
    if (c.satisfiedBy) continue;
    await call('tfa:answers:set', { handle: older.handle, criterion: c.id, set: { status: 'conformant' } });
  }
}

beforeAll(async () => {
  browser = await launchChromium();
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  preview = await startPreview({
    systemLocale: 'ja-JP',
    listPacks: createPackLister({ builtinDir: join(PROJECT_ROOT, 'criteria'), userDir: join(PROJECT_ROOT, 'test-output', 'no-user-packs') }),
  });
  const loaded = await readPackDir(join(PROJECT_ROOT, 'criteria', 'jp-idtf', '2.0.0'));
  if (!loaded.ok) throw new Error('jp-idtf@2.0.0 does not load');
  pack2 = loaded.pack;
  await seed();
  context = await browser.newContext({ viewport: VIEWPORT, locale: 'ja-JP' });
  watch = await watchContext(context);
  page = await context.newPage();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await preview?.close();
});

function expectClean(): void {
  expect(watch.pageErrors).toEqual([]);
  expect(watch.consoleErrors).toEqual([]);
  expect(watch.cspViolations).toEqual([]);
}

/** Opens the app afresh and the assessment from the start screen's recent list. */
async function openAssessment(organization: string): Promise<void> {
  await page.goto('about:blank');
  await page.goto(preview.url);
  await page.getByTestId('recent-list').getByText(organization).click();
  await page.getByTestId('workspace-org').filter({ hasText: organization }).waitFor();
}

async function section(name: 'dashboard' | 'findings' | 'evidence' | 'journal' | 'migration' | 'criteria', heading: string): Promise<void> {
  await page.getByTestId(`nav-${name}`).click();
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

async function setLanguage(language: 'ja' | 'en'): Promise<void> {
  await page.getByTestId(`language-${language}`).click();
  await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(language);
}

async function shot(name: string, fullPage = true): Promise<void> {
  // Long Japanese text must wrap, never push the page sideways.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `horizontal overflow on ${name}`).toBeLessThanOrEqual(0);
  // A modal dialog is shown as the user sees it (a full-page capture leaves out its backdrop).
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage });
}

/**
 * axe-core on the page as it is, without a second CSP-free context: the source is run as
 * a DevTools evaluation (which the page's CSP does not govern, and which the CSP watch would
 * report if it did), so the state reached by the steps above is what gets checked.
 */
async function axeViolations(): Promise<Array<{ id: string; impact: string | null; targets: string[] }>> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown }> }> }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
}

/**
 * Walks the screen with Tab from the top of the main landmark and checks every stop inside
 * `root`: a visible focus ring (a radio's or checkbox's ring may be drawn on its label) and
 * on screen. Returns the stops' names, in order.
 */
async function tabStops(root: string, max = 80): Promise<string[]> {
  await page.locator('#main-content').focus();
  const stops: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate((sel) => {
      const el = document.activeElement as HTMLElement | null;
      const rootEl = document.querySelector(sel);
      if (!el || !rootEl) return { inside: false, done: true };
      if (!rootEl.contains(el)) return { inside: false, done: !document.querySelector('#main-content')?.contains(el) };
      const ringOwner = el.matches('input[type=radio], input[type=checkbox]') && el.closest('label') && getComputedStyle(el).outlineStyle === 'none' ? (el.closest('label') as HTMLElement) : el;
      const style = getComputedStyle(ringOwner);
      const box = el.getBoundingClientRect();
      return {
        inside: true,
        done: false,
        name: el.getAttribute('aria-label') || el.dataset.testid || el.id || el.textContent?.trim().slice(0, 30) || el.tagName,
        ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
        visible: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < window.innerHeight,
      };
    }, root);
    if (stop.done) break;
    if (!stop.inside) continue;
    expect(stop.ring, `focus ring on ${stop.name}`).toBe(true);
    expect(stop.visible, `${stop.name} is on screen when focused`).toBe(true);
    stops.push(stop.name!);
  }
  return stops;
}

const serious = (vs: Awaited<ReturnType<typeof axeViolations>>) => vs.filter((v) => v.impact === 'serious' || v.impact === 'critical');

describe('assessment screens', () => {
  it('dashboard: levels, progress and targets are core\'s score of the same document; a blocker opens its criterion', async () => {
    await openAssessment('株式会社サンプルID');
    await section('dashboard', 'ダッシュボード');
    const expected = score(pack2, toScoringInput(main.document));
    // Main computed the same score for the same document.
    expect(main.score?.levels).toEqual(expected.levels);

    for (const d of expected.dimensions) {
      const card = page.getByTestId(`dimension-${d.dimension}`);
      await expect(card.getByTestId('achieved').textContent()).resolves.toContain(d.achieved ?? '未達成');
      await expect(card.getByTestId('target').textContent()).resolves.toContain(d.target ?? '目標なし');
      const state = d.notApplicable ? '対象外' : d.targetMet === null ? '目標未設定' : d.targetMet ? '目標達成' : '目標未達';
      await expect(card.getByTestId('target-state').textContent()).resolves.toContain(state);
      await expect(card.getByTestId('progress').textContent()).resolves.toBe(`${d.progress.answered} / ${d.progress.applicable} 件`);
    }
    expect(expected.dimensions.find((d) => d.dimension === 'AAL')).toMatchObject({ achieved: 'AAL1', target: 'AAL2', targetMet: false });

    // What blocks AAL2, in the score's order, each with its reason in words.
    const aal2 = expected.dimensions.find((d) => d.dimension === 'AAL')!.levels.find((l) => l.level === 'AAL2')!;
    const blockers = page.getByTestId('blockers-AAL').getByTestId('blocker');
    await expect(blockers.first().locator('button').getAttribute('data-criterion')).resolves.toBe(aal2.blocking[0]!.criterion);
    await expect(page.getByTestId('blockers-AAL').textContent()).resolves.toContain('適用除外とされていますが、その理由が記録されていません。');
    await expect(page.getByTestId('blockers-IAL').textContent()).resolves.toContain('未完了の重大な不適合の指摘事項（F-002）が付いています。');

    // Open findings and the overdue plan (due 2025-03-31, judged against today).
    await expect(page.getByTestId('open-findings').textContent()).resolves.toBe('3');
    await expect(page.getByTestId('overdue').textContent()).resolves.toContain('F-001');
    await expect(page.getByTestId('overdue-count').textContent()).resolves.toBe('1');
    await shot('workspace-dashboard-ja');
    expect(serious(await axeViolations())).toEqual([]);
    const target = aal2.blocking[0]!.criterion;
    // Every blocker and the findings actions are Tab stops with a visible ring.
    const stops = await tabStops('[data-testid="dashboard"]');
    expect(stops.some((n) => n.startsWith(target))).toBe(true);
    expect(stops).toContain('指摘事項の一覧を開く');

    // Enter on a blocker opens its criterion in the navigator.
    await page.locator(`[data-testid="blockers-AAL"] button[data-criterion="${target}"]`).focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('criterion-panel').getByTestId('criterion-id').textContent()).resolves.toContain(target);
    expectClean();
  });

  it('findings: validates, creates a finding with the keyboard, edits another, and sorts and filters the list', async () => {
    await section('findings', '指摘事項と是正処置');
    expect(await page.getByTestId('finding-row').count()).toBe(3);
    await expect(page.getByTestId('finding-row').filter({ hasText: 'F-001' }).getByTestId('finding-overdue').textContent()).resolves.toMatch(/日超過/);

    // Add: the dialog opens with focus inside; saving empty shows the problems.
    await page.getByTestId('finding-add').click();
    const dialog = page.getByTestId('finding-editor');
    await dialog.waitFor();
    // A modal dialog: the page behind is inert and focus starts inside.
    expect(await dialog.evaluate((d) => d.matches(':modal'))).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.closest('dialog') !== null)).toBe(true);
    await page.getByTestId('finding-save').click();
    await expect(dialog.getByTestId('finding-errors').textContent()).resolves.toContain('内容を入力してください。');
    // Focus moves to the first problem on the next animation frame: wait for it rather than race it.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('finding-description');

    // Keyboard only from here: class, criterion (search + Enter), description, plan, date.
    await page.locator('input[name="finding-class"][value="observation"]').focus();
    await page.keyboard.press('Space');
    await page.getByTestId('criterion-search').focus();
    await page.keyboard.type('AAL-16');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape'); // closes the list only
    await expect(dialog.isVisible()).resolves.toBe(true);
    await expect(dialog.getByTestId('picked-criterion').textContent()).resolves.toContain('AAL-16');
    await page.getByTestId('finding-description').fill('セッションの最大継続時間が文書化されていない。再認証の間隔を規程に明記することが望ましい。');
    await page.getByTestId('finding-plan').fill('運用規程の改訂');
    await page.getByTestId('finding-owner').fill('情報セキュリティ部');
    await page.getByTestId('finding-due').fill('2099-06-30');
    await shot('workspace-finding-editor-ja', false);
    expect(serious(await axeViolations())).toEqual([]);
    await page.getByTestId('finding-save').focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => page.getByTestId('finding-row').count()).toBe(4);
    const created = (await call('tfa:assessment:get', { handle: main.handle })).document.findings.find((f) => f.id === 'F-004');
    expect(created).toEqual({
      id: 'F-004',
      class: 'observation',
      criteria: ['AAL-16'],
      description: 'セッションの最大継続時間が文書化されていない。再認証の間隔を規程に明記することが望ましい。',
      correctiveAction: { plan: '運用規程の改訂', owner: '情報セキュリティ部', dueDate: '2099-06-30' },
      status: 'open',
    });

    // Edit F-001: verified closed. The edit button returns focus when the dialog closes.
    const edit = page.getByTestId('finding-row').filter({ hasText: 'F-001' }).getByTestId('finding-edit');
    await edit.click();
    await page.getByTestId('finding-status').selectOption('verified-closed');
    await page.getByTestId('finding-save').click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLElement | null)?.getAttribute('aria-label'))).toBe('指摘事項 F-001 を編集');
    await expect.poll(async () => (await call('tfa:assessment:get', { handle: main.handle })).document.findings.find((f) => f.id === 'F-001')?.status).toBe('verified-closed');
    expect(await page.getByTestId('finding-row').filter({ hasText: 'F-001' }).getByTestId('finding-overdue').count()).toBe(0);

    // Sort by class (most severe first) and filter.
    await page.getByTestId('sort-class').click();
    await expect(page.getByTestId('finding-row').first().getAttribute('data-finding')).resolves.toBe('F-002');
    await page.getByTestId('findings-class').selectOption('observation');
    await expect.poll(() => page.getByTestId('finding-row').count()).toBe(1);
    await page.getByTestId('findings-class').selectOption('');
    await shot('workspace-findings-ja', false);
    expect(serious(await axeViolations())).toEqual([]);
    const stops = await tabStops('[data-testid="findings-view"]');
    for (const name of ['finding-add', 'findings-query', 'findings-class', 'sort-id', 'sort-dueDate', '指摘事項 F-004 を編集', '指摘事項 F-004 を削除']) expect(stops, name).toContain(name);
    expectClean();
  });

  it('evidence: lists metadata and usage, filters unlinked files, verifies integrity', async () => {
    await section('evidence', '証跡ライブラリ');
    const rows = page.getByTestId('evidence-row');
    expect(await rows.count()).toBe(3);
    const pdf = rows.filter({ hasText: '認証ポリシー.pdf' });
    const pdfHash = createHash('sha256').update(Buffer.from('%PDF-1.7\n% authentication policy\n')).digest('hex');
    await expect(pdf.getAttribute('data-hash')).resolves.toBe(pdfHash);
    await expect(pdf.getByTestId('evidence-hash').textContent()).resolves.toBe(`${pdfHash.slice(0, 12)}…`);
    await expect(pdf.textContent()).resolves.toContain('AAL-02');
    await expect(pdf.textContent()).resolves.toContain('AAL-03');

    await pdf.getByTestId('evidence-verify').click();
    await expect.poll(() => pdf.getByTestId('evidence-verify-result').getAttribute('data-state')).toBe('ok');
    await expect(pdf.getByTestId('evidence-verify-result').textContent()).resolves.toContain('収集時のまま');

    await page.getByTestId('evidence-unlinked-only').check();
    await expect.poll(() => rows.count()).toBe(1);
    await expect(rows.first().textContent()).resolves.toContain('interview-notes.txt');
    await page.getByTestId('evidence-unlinked-only').uncheck();
    await page.getByTestId('verify-all').click();
    await expect.poll(async () => (await rows.getByTestId('evidence-verify-result').evaluateAll((els) => els.map((e) => e.getAttribute('data-state'))))).toEqual(['ok', 'ok', 'ok']);
    await shot('workspace-evidence-ja', false);
    expect(serious(await axeViolations())).toEqual([]);
    const stops = await tabStops('[data-testid="evidence-view"]');
    for (const name of ['verify-all', 'evidence-query', 'evidence-unlinked-only', 'MFA登録画面.png の SHA-256 をコピー', 'MFA登録画面.png の完全性を検証']) expect(stops, name).toContain(name);
    expectClean();
  });

  it('journal: shows the edits just made, old → new, and filters by criterion, actor and kind', async () => {
    await section('journal', '監査証跡');
    const rows = page.getByTestId('journal-row');
    await rows.first().waitFor();
    const page1 = await call('tfa:journal:list', { handle: main.handle, limit: 5 });
    // Newest first, as the API lists them.
    await expect(rows.first().getAttribute('data-seq')).resolves.toBe(String(page1.entries[0]!.seq));
    await expect(page.getByTestId('journal-count').textContent()).resolves.toContain(`全 ${page1.total} 件`);

    const update = rows.filter({ hasText: '指摘事項を変更' }).first();
    await expect(update.textContent()).resolves.toContain('指摘事項 F-001');
    // Old → new, each value labelled for screen readers ("変更前:" / "変更後:").
    await expect(update.textContent()).resolves.toMatch(/変更前:\s*是正計画承認済み\s*→\s*変更後:\s*検証済み・完了/);
    const create = rows.filter({ hasText: '指摘事項を追加' }).filter({ hasText: 'F-004' });
    await expect(create.textContent()).resolves.toContain('セッションの最大継続時間');

    await page.getByTestId('journal-criterion').fill('AAL-04');
    await page.getByTestId('journal-criterion').press('Enter');
    // AAL-04's result and the finding on it (created, then closed).
    await expect.poll(() => rows.count()).toBe(3);
    await page.getByTestId('journal-criterion').fill('');
    await page.getByTestId('journal-criterion').press('Enter');
    await page.getByTestId('journal-op').selectOption('evidence.add');
    await expect.poll(() => rows.count()).toBe(3);
    await page.getByTestId('journal-op').selectOption('');
    await shot('workspace-journal-ja', false);
    expect(serious(await axeViolations())).toEqual([]);
    // The scrolling list is itself a Tab stop, so its rows can be scrolled with the keyboard.
    expect(await tabStops('[data-testid="journal-view"]')).toEqual(['journal-criterion', 'journal-actor', 'journal-op', '監査証跡の記録']);
    expectClean();
  });

  it('migration: offers the newer installed version and previews jp-idtf 1.0.0 → 2.0.0', async () => {
    await openAssessment('株式会社レガシーID');
    await section('migration', 'パックの移行');
    await page.getByTestId('migration-target-2.0.0').waitFor();
    await page.getByTestId('migration-preview').click();
    await page.getByTestId('migration-preview-panel').waitFor();
    // The preview lists what needs re-assessment (ORG-02 is split in 2.0.0) before anything changes.
    await page.getByTestId('migration-reassess').waitFor();
    await expect(page.getByTestId('migration-reassess').textContent()).resolves.toContain('ORG-17');
    await shot('workspace-migration-ja', false);
    expect(serious(await axeViolations())).toEqual([]);
    expect(await tabStops('[data-testid="migration-view"]')).toEqual(expect.arrayContaining(['migration-preview']));
    // Applying moves the assessment to 2.0.0 and reports the flagged criteria.
    await page.getByTestId('migration-apply').click();
    await page.getByTestId('migration-report').waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('migration-report-needsReassessment').textContent()).resolves.toContain('ORG-17');
    await shot('workspace-migration-applied-ja', false);
    expectClean();
  });

  it('every screen in English, without overflow or accessibility problems', async () => {
    await openAssessment('株式会社サンプルID');
    await setLanguage('en');
    for (const [name, heading] of [
      ['dashboard', 'Dashboard'],
      ['findings', 'Findings and corrective actions'],
      ['evidence', 'Evidence library'],
      ['journal', 'Audit trail'],
    ] as const) {
      await section(name, heading);
      if (name === 'journal') await page.getByTestId('journal-row').first().waitFor();
      await shot(`workspace-${name}-en`, name === 'dashboard');
      expect(serious(await axeViolations()), name).toEqual([]);
    }
    await page.getByTestId('nav-findings').click();
    await page.getByTestId('finding-add').click();
    await page.getByTestId('finding-save').click();
    await page.getByTestId('finding-errors').waitFor();
    await shot('workspace-finding-editor-en', false);
    await page.keyboard.press('Escape');
    await page.getByTestId('finding-editor').waitFor({ state: 'hidden' });

    // A smaller laptop screen: long texts wrap and wide tables scroll inside their panel.
    await page.setViewportSize({ width: 1280, height: 800 });
    for (const [name, heading] of [
      ['dashboard', 'Dashboard'],
      ['findings', 'Findings and corrective actions'],
      ['evidence', 'Evidence library'],
      ['journal', 'Audit trail'],
    ] as const) {
      await section(name, heading);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `horizontal overflow on ${name} at 1280x800`).toBeLessThanOrEqual(0);
    }
    await page.setViewportSize(VIEWPORT);

    await openAssessment('株式会社レガシーID');
    await section('migration', 'Pack migration');
    // The Japanese case above migrated this assessment to jp-idtf@2.0.0, so no newer version
    // is offered any more.
    await page.getByTestId('migration-none').waitFor();
    await shot('workspace-migration-en', false);
    expect(serious(await axeViolations())).toEqual([]);
    await setLanguage('ja');
    expectClean();
  });
});
