/**
 * The certification body's screens in real Chromium, through the real browser bridge and the
 * real handlers: packages built in this test from the demo assessment and signed with a local
 * CA identity (as an assessor would), a CA added on the Trust screen from its PEM file,
 * packages uploaded on the Intake screen and verified by main, the verification report, the
 * assessment read-only in the assessor's views, a tampered copy rejected with the failed check
 * named, and the comparison of two submissions — under the CSP, with axe, in both languages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { editAssessment, makeDemo, makeIdentity, PACK_ROOTS, rewritePackage, type IdentityFiles } from '../fixtures/export/tools';
import { migrateDocument } from '../../core/assessment/format';
import { toScoringInput } from '../../core/assessment/scoring-input';
import { CLAIMED_LEVELS_NAME, claimedLevels, exportAssessment, serializeClaimedLevels } from '../../core/node/export';
import { readPackDir } from '../../core/node/packs';
import { score } from '../../core/scoring/score';
import { startBridge, type Bridge } from '../../electron/bridge/server';
import { assessmentServiceFor, createHandlers, type HandlerDeps } from '../../electron/main/handlers';
import { reviewServiceFor } from '../../electron/main/handlers-intake';
import { createPackLister } from '../../electron/main/services/packs';
import { launchChromium } from '../support/chromium';
import { LONG_JA_NAME } from '../support/workspace';
import { watchContext, type PageWatch } from '../support/page-watch';
import { PROJECT_ROOT, RENDERER_OUT, SCREENSHOT_DIR } from '../support/paths';
import { ensureRendererBuilt } from '../support/renderer-build';

const VIEWPORT = { width: 1440, height: 900 } as const;
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** The criterion whose result differs between the two submissions. */
const CHANGED = 'ORG-11';
const SIGNER = '株式会社サンプル監査 佐藤 花子';

let tmp: string;
let dataDir: string;
let bridge: Bridge;
let closeServices: () => Promise<void>;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let watch: PageWatch;
let trusted: IdentityFiles;
/** Last year's submission, this year's (one result changed), and a forged copy. */
let firstPkg: string;
let secondPkg: string;
let forgedPkg: string;

/** A second submission: one result changed, levels recomputed, signed again by the trusted assessor. */
async function makeSecondSubmission(src: string, dst: string): Promise<void> {
  const loaded = await readPackDir(join(PROJECT_ROOT, 'criteria', 'jp-idtf', '2.0.0'));
  if (!loaded.ok) throw new Error('jp-idtf 2.0.0 does not load');
  await rewritePackage(
    src,
    dst,
    (files) => {
      editAssessment(files, (a) => {
        a.criteria[CHANGED] = { ...a.criteria[CHANGED], status: 'conformant' };
      });
      const doc = migrateDocument(JSON.parse(Buffer.from(files.get('assessment.json')!).toString('utf8'))).assessment;
      files.set(CLAIMED_LEVELS_NAME, serializeClaimedLevels(claimedLevels(doc, score(loaded.pack, toScoringInput(doc)))));
    },
    trusted.identity,
  );
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tfa-e2e-intake-'));
  const ws = join(tmp, 'ws');
  await makeDemo(ws);
  trusted = await makeIdentity(tmp, 'trusted', { commonName: SIGNER });
  const stranger = await makeIdentity(tmp, 'stranger');
  const exported = await exportAssessment(ws, { outDir: join(tmp, 'out'), lang: 'ja', identity: trusted.identity, signingTime: new Date(), packRoots: PACK_ROOTS });
  firstPkg = join(tmp, 'サンプル認証-2025年度.tfpkg');
  copyFileSync(exported.package.path, firstPkg);
  secondPkg = join(tmp, 'サンプル認証-2026年度.tfpkg');
  await makeSecondSubmission(firstPkg, secondPkg);
  // The forger changes a result (and the name, long enough to test the layout) and signs with
  // an identity the body does not trust.
  forgedPkg = join(tmp, 'サンプル認証-改ざん.tfpkg');
  await rewritePackage(
    firstPkg,
    forgedPkg,
    (files) =>
      editAssessment(files, (a) => {
        a.criteria['FAL-12'] = { ...a.criteria['FAL-12'], status: 'conformant' };
        (a as unknown as { organization: { legalName: string } }).organization.legalName = LONG_JA_NAME;
      }),
    stranger.identity,
  );

  await ensureRendererBuilt();
  dataDir = join(tmp, 'data');
  await mkdir(dataDir);
  const deps: HandlerDeps = {
    dataDir,
    host: 'bridge',
    version: '0.1.0',
    platform: process.platform,
    systemLocale: 'ja-JP',
    listPacks: createPackLister({ builtinDir: join(PROJECT_ROOT, 'criteria'), userDir: join(tmp, 'no-user-packs') }),
    packRoots: PACK_ROOTS,
  };
  const assessments = assessmentServiceFor(deps);
  const reviews = reviewServiceFor(deps);
  const handlers = createHandlers({ ...deps, assessments, reviews });
  bridge = await startBridge({ handlers, rendererDir: RENDERER_OUT, uploads: (r) => assessments.receiveUpload(r), packageUploads: (r) => reviews.receiveUpload(r) });
  closeServices = async () => {
    await assessments.closeAll().catch(() => undefined);
  };

  browser = await launchChromium();
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  context = await browser.newContext({ viewport: VIEWPORT, locale: 'ja-JP' });
  watch = await watchContext(context);
  page = await context.newPage();
}, 180_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await bridge?.close();
  await closeServices?.();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

function expectClean(): void {
  expect(watch.pageErrors).toEqual([]);
  expect(watch.consoleErrors).toEqual([]);
  expect(watch.cspViolations).toEqual([]);
}

async function shot(name: string): Promise<void> {
  // Long Japanese text must wrap, never push the page sideways.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `horizontal overflow on ${name}`).toBeLessThanOrEqual(0);
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** axe-core on the page as it is (run as a DevTools evaluation, which the page's CSP does not govern). */
async function seriousViolations(): Promise<Array<{ id: string; impact: string | null; targets: string[] }>> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const all = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown }> }> }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
  return all.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * Walks the screen with Tab from the top of the main landmark and checks every stop inside
 * `root`: a visible focus ring (a checkbox's may be drawn by the browser) and on screen.
 * Returns the stops' names, in order.
 */
async function tabStops(root: string, max = 60): Promise<string[]> {
  await page.locator('#main-content').focus();
  const stops: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate((sel) => {
      const el = document.activeElement as HTMLElement | null;
      const rootEl = document.querySelector(sel);
      if (!el || !rootEl) return { inside: false, done: true };
      if (!rootEl.contains(el)) return { inside: false, done: !document.querySelector('#main-content')?.contains(el) };
      const style = getComputedStyle(el);
      const box = el.getBoundingClientRect();
      el.scrollIntoView({ block: 'nearest' });
      return {
        inside: true,
        done: false,
        name: el.getAttribute('aria-label') || el.dataset.testid || el.id || el.textContent?.trim().slice(0, 30) || el.tagName,
        ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
        visible: box.width > 0 && box.height > 0,
      };
    }, root);
    if (stop.done) break;
    if (!stop.inside) continue;
    expect(stop.ring, `focus ring on ${stop.name}`).toBe(true);
    expect(stop.visible, `${stop.name} is visible when focused`).toBe(true);
    stops.push(stop.name!);
  }
  return stops;
}

async function heading(name: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

async function setLanguage(language: 'ja' | 'en'): Promise<void> {
  await page.getByTestId(`language-${language}`).click();
  await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(language);
}

/** Enabled form controls inside the criterion panel (a review must have none). */
function editableInPanel(): Promise<string[]> {
  return page.evaluate(() => {
    const panel = document.querySelector('[data-testid="criterion-panel"]');
    if (!panel) return ['no panel'];
    return [...panel.querySelectorAll('input, select, textarea, [contenteditable="true"]')]
      .filter((el) => !(el as HTMLInputElement).disabled && !(el as HTMLTextAreaElement).readOnly && !el.closest('fieldset[disabled]'))
      .map((el) => el.id || el.getAttribute('data-testid') || el.tagName);
  });
}

/** Opens a criterion through the navigator: search for its id, click its row. */
async function openCriterion(id: string): Promise<void> {
  await page.getByTestId('navigator-search').fill(id);
  const row = page.locator(`[data-testid="nav-criterion"][data-criterion="${id}"]`);
  await row.click();
  await expect.poll(() => page.getByTestId('criterion-id').textContent()).toBe(id);
  await page.getByTestId('navigator-search').fill('');
}

/**
 * Uploads files on the Intake screen (through the file input, or dropped on the drop zone as
 * a user drags them from the desktop) and waits until each is listed with its verdict.
 */
async function upload(files: string[], how: 'input' | 'drop' = 'input'): Promise<void> {
  if (how === 'input') {
    await page.getByTestId('package-file-input').setInputFiles(files);
  } else {
    const items = files.map((f) => ({ name: basename(f), b64: readFileSync(f).toString('base64') }));
    const dataTransfer = await page.evaluateHandle((list) => {
      const dt = new DataTransfer();
      for (const item of list) dt.items.add(new File([Uint8Array.from(atob(item.b64), (c) => c.charCodeAt(0))], item.name));
      return dt;
    }, items);
    await page.getByTestId('package-dropzone').dispatchEvent('drop', { dataTransfer });
  }
  await expect.poll(() => page.getByTestId('import-job').count()).toBe(files.length);
  await expect.poll(async () => (await page.getByTestId('import-job').allTextContents()).every((t) => /検証済み|無効|失敗|Verified|Invalid|Failed/.test(t)), { timeout: 60_000 }).toBe(true);
}

describe('certification body intake', () => {
  it('adds the assessor\'s CA on the Trust screen, with its fingerprint and validity', async () => {
    await page.goto(bridge.url);
    await heading('はじめに');
    await page.getByTestId('action-import').click();
    await heading('提出パッケージの受付');
    await page.getByTestId('open-trust').click();
    await heading('トラストストア');
    await page.getByTestId('trust-empty').waitFor();

    // A file that is not a certificate: main's reason is shown, nothing is added.
    await page.getByTestId('trust-file-input').setInputFiles({ name: 'notes.pem', mimeType: 'text/plain', buffer: Buffer.from('-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n') });
    await page.getByTestId('intake-problem').waitFor();
    await expect(page.getByTestId('intake-problem').textContent()).resolves.toContain('notes.pem の証明書を追加できませんでした。');
    expect(await page.getByTestId('trust-anchor').count()).toBe(0);
    await page.getByTestId('intake-problem').getByRole('button').click();

    await page.getByTestId('trust-label').fill('サンプル監査 ローカル CA');
    await page.getByTestId('trust-file-input').setInputFiles(trusted.caPem);
    await page.getByTestId('trust-anchor').waitFor();
    const anchor = page.getByTestId('trust-anchor');
    await expect(anchor.textContent()).resolves.toContain('サンプル監査 ローカル CA');
    await expect(anchor.textContent()).resolves.toContain(SIGNER);
    const fingerprint = (await anchor.getByTestId('trust-fingerprint').textContent()) ?? '';
    expect(fingerprint).toMatch(/^([0-9A-F]{4} ){15}[0-9A-F]{4}$/);
    await expect(anchor.textContent()).resolves.toContain('ECDSA P-256');
    await expect(page.getByTestId('trust-status').textContent()).resolves.toContain('1 件の証明書を追加しました');
    await shot('intake-trust-ja');
    expect(await seriousViolations()).toEqual([]);
    expectClean();
  });

  it('uploads a signed package, verifies it as valid, and shows the report first', async () => {
    await page.getByTestId('intake-nav-packages').click();
    await heading('提出パッケージの受付');
    await upload([firstPkg]);
    const row = page.getByTestId('review-row');
    await expect(row.getByTestId('review-verdict').textContent()).resolves.toBe('有効');
    await expect(row.textContent()).resolves.toContain('jp-idtf@2.0.0');
    await expect(row.textContent()).resolves.toContain(SIGNER);
    await shot('intake-list-ja');
    expect(await seriousViolations()).toEqual([]);
    // Every control is a Tab stop with a visible ring, named for its package.
    const stops = await tabStops('[data-testid="intake-view"]');
    expect(stops).toEqual(expect.arrayContaining(['open-trust', 'package-import', '株式会社サンプルID を比較対象に選ぶ', '株式会社サンプルID のレビューを開く', '株式会社サンプルID を再検証する', '株式会社サンプルID を削除する']));

    await row.getByTestId('review-open').click();
    await heading('検証レポート');
    await expect(page.getByTestId('report-verdict').textContent()).resolves.toContain('有効なパッケージです');
    const statuses = await page.getByTestId('report-check').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-check')}:${e.getAttribute('data-status')}`));
    expect(statuses.length).toBe(12);
    expect(statuses.filter((s) => !s.endsWith(':passed'))).toEqual([]);
    await expect(page.getByTestId('report-signer').textContent()).resolves.toContain(SIGNER);
    expect(await page.getByTestId('level-differs').count()).toBe(0);
    expect(await page.getByTestId('level-row').count()).toBeGreaterThan(0);
    await shot('intake-report-ja');
    expect(await seriousViolations()).toEqual([]);
    expectClean();
  });

  it('shows the assessment read-only in the assessor\'s navigator, panel and dashboard', async () => {
    await page.getByTestId('report-open-assessment').click();
    await page.getByTestId('criteria-overview').waitFor();
    expect(await page.getByTestId('nav-journal').count()).toBe(0);
    expect(await page.getByTestId('nav-migration').count()).toBe(0);
    expect(await page.getByTestId('undo').count()).toBe(0);
    await expect(page.getByTestId('read-only-badge').textContent()).resolves.toContain('読み取り専用');

    // Search the navigator and open criteria: every one is read-only.
    await openCriterion(CHANGED);
    await expect(page.getByTestId('criterion-status').textContent()).resolves.toBe('軽微な不適合');
    expect(await editableInPanel()).toEqual([]);
    expect(await page.getByTestId('evidence-dropzone').count()).toBe(0);
    expect(await page.locator('details.raise').count()).toBe(0);
    await openCriterion('IAL-06');
    expect(await editableInPanel()).toEqual([]);
    // Its evidence is previewed from the package (read from the copy, checked against the manifest).
    await page.getByTestId('evidence-preview-toggle').first().click();
    const preview = page.getByTestId('evidence-preview-panel').first();
    await expect.poll(() => preview.getAttribute('data-state')).toBe('ready');
    await expect(preview.getAttribute('data-kind')).resolves.toBe('text');
    await expect(preview.textContent()).resolves.toContain('本人確認記録サンプル_2026-01.csv');
    await shot('intake-review-criterion-ja');
    expect(await seriousViolations()).toEqual([]);

    await page.getByTestId('nav-dashboard').click();
    await heading('ダッシュボード');
    await page.getByTestId('dashboard').waitFor();
    expect(await page.getByTestId('untrusted-banner').count()).toBe(0);
    await shot('intake-review-dashboard-ja');
    expect(await seriousViolations()).toEqual([]);
    expectClean();
  });

  it('rejects a tampered copy with the failed check named, and warns on its assessment', async () => {
    await page.getByTestId('close-assessment').click();
    await heading('提出パッケージの受付');
    await upload([forgedPkg, secondPkg], 'drop');
    const forged = page.getByTestId('review-row').filter({ hasText: 'サンプル認証-改ざん.tfpkg' });
    await expect(forged.getByTestId('review-verdict').textContent()).resolves.toMatch(/^無効（不合格 [1-9]\d* 件）$/);
    // Shown as submitted (never trusted), and laid out without overflow.
    await expect(forged.textContent()).resolves.toContain(LONG_JA_NAME);
    await shot('intake-list-invalid-ja');
    const second = page.getByTestId('review-row').filter({ hasText: 'サンプル認証-2026年度.tfpkg' });
    await expect(second.getByTestId('review-verdict').textContent()).resolves.toBe('有効');

    await forged.getByTestId('review-open').click();
    await heading('検証レポート');
    await expect(page.getByTestId('report-verdict').textContent()).resolves.toContain('無効なパッケージです');
    await expect(page.getByTestId('report-failed-names').textContent()).resolves.toContain('マニフェストの署名');
    const signature = page.locator('[data-testid="report-check"][data-check="signature"]');
    await expect(signature.getAttribute('data-status')).resolves.toBe('failed');
    await expect(signature.getByTestId('report-check-reason').textContent()).resolves.toContain('not in the trust store');
    await shot('intake-report-invalid-ja');
    expect(await seriousViolations()).toEqual([]);

    await page.getByTestId('nav-criteria').click();
    await page.getByTestId('untrusted-banner').waitFor();
    await expect(page.getByTestId('untrusted-banner').textContent()).resolves.toContain('検証されていません — 内容は信頼できません');
    expectClean();
  });

  it('compares two submissions of the organization: the changed result, before and after', async () => {
    await page.getByTestId('close-assessment').click();
    await heading('提出パッケージの受付');
    // Keyboard only: Space selects, Enter compares.
    for (const file of ['サンプル認証-2025年度.tfpkg', 'サンプル認証-2026年度.tfpkg']) {
      await page.getByTestId('review-row').filter({ hasText: file }).getByTestId('review-select').focus();
      await page.keyboard.press('Space');
    }
    await page.getByTestId('compare-selected').focus();
    await page.keyboard.press('Enter');
    await heading('提出物の比較');
    const result = page.locator(`[data-testid="compare-result"][data-criterion="${CHANGED}"]`);
    await result.waitFor();
    await expect(result.getByTestId('result-before').textContent()).resolves.toBe('軽微な不適合');
    await expect(result.getByTestId('result-after').textContent()).resolves.toBe('適合');
    expect(await page.getByTestId('compare-result').count()).toBe(1);
    expect(await page.getByTestId('compare-warnings').count()).toBe(0);
    await shot('intake-compare-ja');
    expect(await seriousViolations()).toEqual([]);
    expectClean();
  });

  it('shows the same screens in English', async () => {
    await setLanguage('en');
    await heading('Compare submissions');
    await shot('intake-compare-en');
    expect(await seriousViolations()).toEqual([]);
    await page.getByTestId('intake-nav-packages').click();
    await heading('Submitted packages');
    await expect(page.getByTestId('review-row').filter({ hasText: 'サンプル認証-改ざん.tfpkg' }).getByTestId('review-verdict').textContent()).resolves.toMatch(/^Invalid \(\d+ failed\)$/);
    await shot('intake-list-en');
    await page.getByTestId('review-row').filter({ hasText: 'サンプル認証-改ざん.tfpkg' }).getByTestId('review-open').click();
    await heading('Verification report');
    await expect(page.getByTestId('report-failed-names').textContent()).resolves.toContain('Manifest signature');
    await shot('intake-report-invalid-en');
    expect(await seriousViolations()).toEqual([]);
    await page.getByTestId('nav-criteria').click();
    await page.getByTestId('untrusted-banner').waitFor();
    await shot('intake-review-criteria-en');
    await page.getByTestId('close-assessment').click();
    await heading('Submitted packages');
    await page.getByTestId('open-trust').click();
    await heading('Trust store');
    await shot('intake-trust-en');
    expect(await seriousViolations()).toEqual([]);
    expectClean();
  });

  it('removes the CA after confirmation; verifying again then refuses the signature', async () => {
    await page.getByTestId('trust-remove').click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    // The safe choice has focus: Escape cancels and nothing is removed.
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('trust-anchor').count()).toBe(1);
    await page.getByTestId('trust-remove').click();
    await dialog.getByRole('button', { name: 'Remove' }).click();
    await page.getByTestId('trust-empty').waitFor();

    await page.getByTestId('intake-nav-packages').click();
    await heading('Submitted packages');
    const first = page.getByTestId('review-row').filter({ hasText: 'サンプル認証-2025年度.tfpkg' });
    await expect(first.getByTestId('review-verdict').textContent()).resolves.toBe('Valid');
    await first.getByTestId('review-reverify').click();
    await expect.poll(() => first.getByTestId('review-verdict').textContent()).toMatch(/^Invalid \(\d+ failed\)$/);
    await first.getByTestId('review-open').click();
    await heading('Verification report');
    await expect(page.locator('[data-testid="report-check"][data-check="signature"]').getAttribute('data-status')).resolves.toBe('failed');
    expectClean();
  });
});
