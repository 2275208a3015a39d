/**
 * The criteria navigator and the criterion panel in real Chromium against the real bridge,
 * handlers, built-in packs and workspaces on disk: answering, notes, a real file uploaded as
 * evidence with its SHA-256, everything found again after the app and the assessment are
 * reopened from disk; filters, Japanese search, the keyboard (arrows, Enter, Alt+N, Alt+B, /,
 * ?, Ctrl+Z), virtualization, accessibility and screenshots in both languages.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AssessmentView, PackDetail } from '../../core/api/contract';
import { buildTree, criterionStates, isUnanswered, nextMatching, normalizeForSearch, targetBlockers, treeOrder } from '../../core/assessment/navigator';
import { launchChromium } from '../support/chromium';
import { watchContext, type PageWatch } from '../support/page-watch';
import { SCREENSHOT_DIR } from '../support/paths';
import type { Preview } from '../support/preview';
import { call, openApp, sampleCreateArgs, startWorkspacePreview } from '../support/workspace';

const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
] as const;
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let browser: Browser;
let files: string;
const contexts: BrowserContext[] = [];
const previews: Preview[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  files = await mkdtemp(join(tmpdir(), 'tfa-e2e-files-'));
});

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
  await Promise.all(previews.splice(0).map((p) => p.close()));
});

afterAll(async () => {
  await browser?.close();
  await rm(files, { recursive: true, force: true });
});

interface Setup {
  p: Preview;
  view: AssessmentView;
  pack: PackDetail;
}

/** A preview with one closed assessment of jp-idtf 2.0.0 (IdP, targets IAL2 and AAL2) in its recent list. */
async function setup(systemLocale = 'ja-JP', args = sampleCreateArgs({ roles: ['IdP'] })): Promise<Setup> {
  const p = await startWorkspacePreview({ systemLocale });
  previews.push(p);
  const view = await call(p, 'tfa:assessments:create', args);
  await call(p, 'tfa:assessments:close', { handle: view.handle });
  const pack = await call(p, 'tfa:packs:get', { id: view.pack.id, version: view.pack.version });
  return { p, view, pack };
}

async function watchedPage(options: { bypassCSP?: boolean; viewport?: { width: number; height: number } } = {}): Promise<{ page: Page; watch: PageWatch }> {
  const context = await browser.newContext({ viewport: options.viewport ?? VIEWPORTS[0], locale: 'en-US', ...(options.bypassCSP && { bypassCSP: true }) });
  contexts.push(context);
  const watch = await watchContext(context);
  return { page: await context.newPage(), watch };
}

function expectClean(watch: PageWatch): void {
  expect(watch.pageErrors).toEqual([]);
  expect(watch.consoleErrors).toEqual([]);
  expect(watch.cspViolations).toEqual([]);
}

/** Opens the app and the (only) recent assessment; resolves when the navigator is shown. */
async function openWorkspace(page: Page, p: Preview): Promise<void> {
  await openApp(page, p);
  await page.getByTestId('recent-list').getByRole('button').first().click();
  await page.getByTestId('navigator-tree').waitFor();
}

/** Opens a criterion through the navigator: search for its id, click its row. */
async function openCriterion(page: Page, id: string): Promise<void> {
  await page.getByTestId('navigator-search').fill(id);
  await page.locator(`[data-testid="nav-criterion"][data-criterion="${id}"]`).click();
  await expect.poll(() => page.getByTestId('criterion-id').textContent()).toBe(id);
  await page.getByTestId('navigator-search').fill('');
}

async function saved(page: Page): Promise<void> {
  await page.locator('[data-testid="save-indicator"][data-state="saved"]').waitFor({ timeout: 10_000 });
}

async function activeCriterion(page: Page): Promise<string> {
  return (await page.getByTestId('criterion-id').textContent())?.trim() ?? '';
}

const countText = (page: Page) => page.getByTestId('navigator-count').textContent();

/** First in-scope, directly answered criterion of a dimension, in navigator order. */
function firstAnswerable(s: Setup, dimension: string): string {
  const order = treeOrder(buildTree(s.pack));
  const i = order.find((k) => {
    const c = s.pack.criteria[k]!;
    return c.dimension === dimension && s.view.score!.criteria[c.id]!.inScope && !c.satisfiedBy;
  });
  return s.pack.criteria[i!]!.id;
}

async function runAxe(page: Page): Promise<Array<{ id: string; impact: string | null; targets: string[] }>> {
  await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown }> }> }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
}

const serious = (v: Array<{ impact: string | null }>) => v.filter((x) => x.impact === 'serious' || x.impact === 'critical');

async function screenshots(page: Page, name: string): Promise<void> {
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize(viewport);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `horizontal overflow at ${viewport.width}x${viewport.height}`).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${viewport.width}x${viewport.height}.png`) });
  }
  await page.setViewportSize(VIEWPORTS[0]);
}

/** A small but real PDF (one page of text). */
function samplePdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    null,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  const stream = 'BT /F1 18 Tf 72 760 Td (Identity proofing procedure v3) Tj ET';
  objects[3] = `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`;
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('criteria navigator and criterion panel', () => {
  it('records a result, notes and a real file as evidence, and finds them again after reopening from disk', async () => {
    const s = await setup('ja-JP');
    const { page, watch } = await watchedPage();
    await openWorkspace(page, s.p);
    await expect(countText(page)).resolves.toBe(`基準 ${s.pack.criteria.length} 件`);

    const id = firstAnswerable(s, 'IAL');
    await openCriterion(page, id);
    await page.getByTestId('result-conformant').click();
    // The navigator row follows at once.
    await expect.poll(() => page.locator(`[data-criterion="${id}"] .status-chip`).textContent()).toBe('適合');
    await page.getByTestId('method-examine').check();
    await page.getByTestId('method-interview').check();

    const notes = '本人確認書類の IC チップ読取り手順書（第 3 版）を確認。\n運用記録 20 件を抽出し、照合結果に不備なし。';
    await page.getByTestId('notes').fill(notes);
    await page.getByTestId('sampling-notes').fill('2025 年 4〜6 月の申込 1,240 件から無作為に 20 件');

    // Real files: a screenshot of this very screen (PNG) and a PDF, uploaded through the bridge.
    const png = await page.screenshot();
    const pngPath = join(files, '運用記録スクリーンショット.png');
    const pdfPath = join(files, 'identity-proofing-procedure-v3.pdf');
    const pdf = samplePdf();
    await writeFile(pngPath, png);
    await writeFile(pdfPath, pdf);
    await page.getByTestId('evidence-file-input').setInputFiles([pngPath, pdfPath]);
    const items = page.getByTestId('evidence-item');
    await expect.poll(() => items.count(), { timeout: 15_000 }).toBe(2);
    const shown = await page.getByTestId('evidence-sha256').allTextContents();
    expect(shown.sort()).toEqual([sha256(png), sha256(pdf)].sort());
    await expect(items.filter({ hasText: 'identity-proofing-procedure-v3.pdf' }).textContent()).resolves.toContain('application/pdf');
    // The image shows in the app (a blob: URL, allowed by img-src) and actually decodes.
    const preview = page.getByTestId('evidence-preview');
    await preview.waitFor();
    await expect.poll(() => preview.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(100);
    await page.getByTestId('evidence-verify').first().click();
    await expect.poll(() => page.getByTestId('evidence-verify-result').first().textContent()).toContain('一致');
    await expect.poll(() => page.locator(`[data-criterion="${id}"] .count-item`).first().textContent()).toContain('2');
    await saved(page);
    await page.locator('.panel-pane').evaluate((el) => el.scrollTo({ top: 0 }));
    await screenshots(page, 'criteria-ja-panel-top');
    await page.getByTestId('notes').focus();
    await screenshots(page, 'criteria-ja-panel');

    // The evidence is in the workspace under its SHA-256, bit for bit.
    const folder = (await readdir(join(s.p.dataDir, 'assessments')))[0]!;
    expect(sha256(await readFile(join(s.p.dataDir, 'assessments', folder, 'evidence', sha256(pdf))))).toBe(sha256(pdf));

    // Leave the app, close the assessment (as quitting does), open everything again from disk.
    await page.goto('about:blank');
    await call(s.p, 'tfa:assessments:close', { handle: s.view.handle });
    await openWorkspace(page, s.p);
    await openCriterion(page, id);
    expect(await page.getByTestId('result-conformant').locator('input').isChecked()).toBe(true);
    expect(await page.getByTestId('notes').inputValue()).toBe(notes);
    expect(await page.getByTestId('sampling-notes').inputValue()).toBe('2025 年 4〜6 月の申込 1,240 件から無作為に 20 件');
    expect(await page.getByTestId('method-examine').isChecked()).toBe(true);
    expect(await page.getByTestId('method-test').isChecked()).toBe(false);
    expect((await page.getByTestId('evidence-sha256').allTextContents()).sort()).toEqual([sha256(png), sha256(pdf)].sort());
    await expect(page.getByTestId('evidence-item').filter({ hasText: '運用記録スクリーンショット.png' }).count()).resolves.toBe(1);
    const view = await call(s.p, 'tfa:assessment:get', { handle: s.view.handle });
    expect(view.document.criteria[id]).toMatchObject({ status: 'conformant', notes, methods: ['examine', 'interview'] });
    expectClean(watch);
  });

  it('takes evidence dropped on the panel and screenshots pasted from the clipboard', async () => {
    const s = await setup('ja-JP');
    const { page, watch } = await watchedPage();
    await openWorkspace(page, s.p);
    const id = firstAnswerable(s, 'ORG');
    await openCriterion(page, id);
    // A real PNG drawn on a canvas in the page, handed over the way the browser does it.
    const made = await page.evaluate(async () => {
      const canvas = document.createElement('canvas');
      canvas.width = 320;
      canvas.height = 200;
      const ctx = canvas.getContext('2d')!;
      ctx.fillStyle = '#1d4ed8';
      ctx.fillRect(0, 0, 320, 200);
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(20, 20, 280, 40);
      const blob = await new Promise<Blob>((r) => canvas.toBlob((b) => r(b!), 'image/png'));
      const bytes = new Uint8Array(await blob.arrayBuffer());
      const drop = new DataTransfer();
      drop.items.add(new File(['2025-04-01 本人確認規程 第 3 版に改定\n'], '規程改定履歴.txt', { type: 'text/plain' }));
      document.querySelector('[data-testid="evidence-dropzone"]')!.dispatchEvent(new DragEvent('drop', { dataTransfer: drop, bubbles: true, cancelable: true }));
      const clip = new DataTransfer();
      clip.items.add(new File([blob], 'image.png', { type: 'image/png' }));
      document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: clip, bubbles: true, cancelable: true }));
      return Array.from(bytes);
    });
    const items = page.getByTestId('evidence-item');
    await expect.poll(() => items.count(), { timeout: 15_000 }).toBe(2);
    const names = await page.getByTestId('evidence-name').allTextContents();
    expect(names.map((n) => n.trim())).toContain('規程改定履歴.txt');
    // The pasted screenshot gets a name from the time it was pasted, and shows in the app.
    expect(names.some((n) => /^clipboard-\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}\.png$/.test(n.trim()))).toBe(true);
    expect(await page.getByTestId('evidence-sha256').allTextContents()).toContain(sha256(Buffer.from(made)));
    await page.getByTestId('evidence-preview').waitFor();
    await saved(page);
    await page.getByTestId('evidence-dropzone').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'criteria-ja-evidence-1280x800.png') });
    expectClean(watch);
  });

  it('autosaves notes after a pause without waiting for the field to lose focus', async () => {
    const s = await setup('ja-JP');
    const { page, watch } = await watchedPage();
    await openWorkspace(page, s.p);
    const id = firstAnswerable(s, 'AAL');
    await openCriterion(page, id);
    await page.getByTestId('notes').click();
    await page.keyboard.type('多要素認証の設定画面を確認した。');
    // Typing shows as unsaved at once, then saves by itself while the field keeps focus.
    await page.locator('[data-testid="save-indicator"][data-state="saving"]').waitFor();
    await saved(page);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('notes');
    await expect.poll(async () => (await call(s.p, 'tfa:assessment:get', { handle: s.view.handle })).document.criteria[id]?.notes).toBe('多要素認証の設定画面を確認した。');
    expectClean(watch);
  });

  it('asks for a justification when a criterion is not applicable', async () => {
    const s = await setup('ja-JP');
    const { page, watch } = await watchedPage();
    await openWorkspace(page, s.p);
    const id = firstAnswerable(s, 'FAL');
    await openCriterion(page, id);
    await page.getByTestId('result-not-applicable').click();
    const field = page.getByTestId('justification');
    await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await field.getAttribute('aria-describedby'))!;
    await expect(page.locator(`#${describedBy}`).textContent()).resolves.toContain('「適用外」には理由が必要です');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'criteria-ja-not-applicable-1280x800.png') });
    await field.fill('フェデレーションは提供していない（サービス仕様書 2.1 節）。');
    await expect.poll(() => field.getAttribute('aria-invalid')).toBe('false');
    await field.blur();
    await saved(page);
    const view = await call(s.p, 'tfa:assessment:get', { handle: s.view.handle });
    expect(view.document.criteria[id]).toMatchObject({ status: 'not-applicable', justification: 'フェデレーションは提供していない（サービス仕様書 2.1 節）。' });
    expect(view.score!.criteria[id]!.met).toBe(true);
    expectClean(watch);
  });

  it('searches ids, titles and statements in Japanese and English, normalizing full-width text', async () => {
    const s = await setup('ja-JP');
    const { page, watch } = await watchedPage();
    await openWorkspace(page, s.p);
    const expected = (query: string) => {
      const q = normalizeForSearch(query);
      return s.pack.criteria.filter((c) => normalizeForSearch([c.id, c.title.ja, c.title.en, c.statement.ja, c.statement.en].join('\n')).includes(q)).map((c) => c.id);
    };
    const search = page.getByTestId('navigator-search');
    for (const query of ['身元確認', 'ＩＣチップ', 'authenticator', 'ial-0']) {
      const ids = expected(query);
      expect(ids.length, `"${query}" matches some criteria`).toBeGreaterThan(0);
      expect(ids.length, `"${query}" does not match everything`).toBeLessThan(s.pack.criteria.length);
      await search.fill(query);
      await expect.poll(() => countText(page)).toBe(`${s.pack.criteria.length} 件中 ${ids.length} 件を表示`);
      const rows = await page.getByTestId('nav-criterion').evaluateAll((els) => els.map((e) => e.getAttribute('data-criterion')));
      expect(rows.every((r) => ids.includes(r!))).toBe(true);
    }
    await search.fill('ＩＣチップ');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'criteria-ja-search-1280x800.png') });
    await search.fill('存在しない語句');
    await page.getByTestId('navigator-empty').waitFor();
    expectClean(watch);
  });

  it('filters by dimension, level, status, findings, missing evidence and changes in this version', async () => {
    const s = await setup('ja-JP');
    const { page, watch } = await watchedPage();
    await openWorkspace(page, s.p);
    const total = s.pack.criteria.length;
    const shown = (n: number) => `${total} 件中 ${n} 件を表示`;

    const a = firstAnswerable(s, 'IAL');
    const b = firstAnswerable(s, 'AAL');
    await openCriterion(page, a);
    await page.getByTestId('result-conformant').click();
    await page.getByText('この基準の所見を追加').click();
    await page.locator('#finding-text').fill('身元確認の記録の保存期間が規程に明記されていない。');
    await page.getByRole('button', { name: '所見を追加' }).click();
    await page.getByTestId('criterion-finding').waitFor();
    await openCriterion(page, b);
    await page.getByTestId('result-major-nc').click();
    await saved(page);

    await page.getByTestId('navigator-filters').locator('summary').click();
    await page.getByTestId('filter-status').selectOption('conformant');
    await expect.poll(() => countText(page)).toBe(shown(1));
    await page.getByTestId('filter-status').selectOption('major-nc');
    await expect.poll(() => countText(page)).toBe(shown(1));
    expect(await page.getByTestId('nav-criterion').getAttribute('data-criterion')).toBe(b);
    await page.getByTestId('filter-status').selectOption('');

    await page.getByTestId('filter-findings').check();
    await expect.poll(() => countText(page)).toBe(shown(1));
    expect(await page.getByTestId('nav-criterion').getAttribute('data-criterion')).toBe(a);
    await page.getByTestId('filter-findings').uncheck();

    await page.getByTestId('filter-dimension').selectOption('IAL');
    await expect.poll(() => countText(page)).toBe(shown(s.pack.criteria.filter((c) => c.dimension === 'IAL').length));
    await page.getByTestId('filter-level').selectOption('IAL2');
    await expect.poll(() => countText(page)).toBe(shown(s.pack.criteria.filter((c) => c.dimension === 'IAL' && c.levels.includes('IAL2')).length));
    await page.getByTestId('filter-dimension').selectOption('');

    const view = await call(s.p, 'tfa:assessment:get', { handle: s.view.handle });
    const states = criterionStates(s.pack.criteria, view.document, view.score, targetBlockers(view.score));
    const needing = states.filter((st) => st.inScope && !st.derived && st.expectsEvidence && st.evidence === 0 && st.status !== 'not-applicable').length;
    await page.getByTestId('filter-evidence').check();
    await expect.poll(() => countText(page)).toBe(shown(needing));
    await page.getByTestId('filter-evidence').uncheck();

    const changed = Object.keys(s.pack.changes!.criteria).length;
    expect(changed).toBeGreaterThan(0);
    await page.getByTestId('filter-changed').check();
    await expect.poll(() => countText(page)).toBe(shown(changed));
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'criteria-ja-filters-1280x800.png') });
    await page.getByTestId('filter-clear').click();
    await expect.poll(() => countText(page)).toBe(`基準 ${total} 件`);
    expectClean(watch);
  });

  it('works from the keyboard: arrows, Enter, Alt+N, Alt+B, /, ? and Ctrl+Z', async () => {
    const s = await setup('en-US');
    const { page, watch } = await watchedPage();
    await openWorkspace(page, s.p);
    // The shortcuts are named where the buttons are.
    await expect(page.getByTestId('next-unanswered').getAttribute('title')).resolves.toContain('Alt+N');
    await expect(page.getByTestId('next-blocking').getAttribute('title')).resolves.toContain('Alt+B');

    // "/" goes to the search, ArrowDown into the list, arrows move, Enter opens.
    await page.locator('body').press('/');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('navigator-search');
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('navigator-tree');
    const tree = page.getByTestId('navigator-tree');
    const activeRow = async () => {
      const id = await tree.getAttribute('aria-activedescendant');
      return id ? page.locator(`#${id}`) : null;
    };
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const row = (await activeRow())!;
    expect(await row.getAttribute('role')).toBe('treeitem');
    const chosen = (await row.getAttribute('data-criterion'))!;
    expect(chosen).toBeTruthy();
    await page.keyboard.press('Enter');
    await expect.poll(() => activeCriterion(page)).toBe(chosen);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('navigator-tree');
    // Left collapses the row's category, Right opens it again.
    await page.keyboard.press('ArrowLeft');
    expect(await (await activeRow())!.getAttribute('aria-level')).toBe('2');
    await page.keyboard.press('ArrowLeft');
    expect(await (await activeRow())!.getAttribute('aria-expanded')).toBe('false');
    await page.keyboard.press('ArrowRight');
    expect(await (await activeRow())!.getAttribute('aria-expanded')).toBe('true');

    // Alt+N: the next criterion waiting for an answer, in navigator order.
    const order = treeOrder(buildTree(s.pack));
    const expectedNext = (from: string, view: AssessmentView, kind: 'unanswered' | 'blocking') => {
      const states = criterionStates(s.pack.criteria, view.document, view.score, targetBlockers(view.score));
      const index = s.pack.criteria.findIndex((c) => c.id === from);
      const i = nextMatching(order, index, (k) => (kind === 'unanswered' ? isUnanswered(states[k]!) : states[k]!.blocking && !states[k]!.derived));
      return s.pack.criteria[i!]!.id;
    };
    let view = await call(s.p, 'tfa:assessment:get', { handle: s.view.handle });
    const first = expectedNext(chosen, view, 'unanswered');
    await page.keyboard.press('Alt+N');
    await expect.poll(() => activeCriterion(page)).toBe(first);
    // The list follows to the open criterion.
    await expect.poll(async () => (await activeRow())?.getAttribute('data-criterion')).toBe(first);

    // Answer it from the keyboard: Tab from the title to the result group (one Tab stop, on
    // the checked "Not assessed"), then arrows choose: Right wraps round to "Conformant".
    await page.locator('#criterion-title').focus();
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name === 'result')) break;
    }
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe('not-assessed');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByTestId('criterion-status').textContent()).toBe('Conformant');
    await saved(page);

    view = await call(s.p, 'tfa:assessment:get', { handle: s.view.handle });
    const second = expectedNext(first, view, 'unanswered');
    await page.keyboard.press('Alt+N');
    await expect.poll(() => activeCriterion(page)).toBe(second);
    expect(second).not.toBe(first);

    // Alt+B: the next criterion keeping a dimension from its target.
    const blocking = expectedNext(second, view, 'blocking');
    await page.keyboard.press('Alt+B');
    await expect.poll(() => activeCriterion(page)).toBe(blocking);
    await expect(page.getByTestId('criterion-panel').textContent()).resolves.toMatch(/Blocks the target: (IAL2|AAL2)/);

    // Ctrl+Z outside a text field takes back the last edit (the answer to `first`).
    await page.locator('#criterion-title').focus();
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await call(s.p, 'tfa:assessment:get', { handle: s.view.handle })).document.criteria[first]?.status).toBeUndefined();
    await expect.poll(() => page.getByTestId('notice-region').textContent()).toContain('Undid');

    // "?" lists the shortcuts in a modal dialog; Escape closes it.
    await page.locator('#criterion-title').focus();
    await page.keyboard.press('?');
    const help = page.getByTestId('shortcut-help');
    await expect.poll(() => help.evaluate((d) => (d as HTMLDialogElement).open)).toBe(true);
    await expect(help.textContent()).resolves.toContain('Next unanswered criterion');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'criteria-en-shortcuts-1280x800.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => help.evaluate((d) => (d as HTMLDialogElement).open)).toBe(false);
    expectClean(watch);
  });

  it('keeps the list virtualized: a few dozen rows in the DOM for a pack of hundreds', async () => {
    const s = await setup('en-US', sampleCreateArgs({ pack: { id: 'nist-800-63-4', version: '1.0.0' }, targets: {}, roles: [] }));
    const { page, watch } = await watchedPage();
    await openWorkspace(page, s.p);
    await expect(countText(page)).resolves.toBe(`${s.pack.criteria.length} criteria`);
    const rendered = await page.locator('[role="treeitem"]').count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(60);
    // End reaches the last criterion; its row is rendered and visible.
    await page.getByTestId('navigator-tree').focus();
    await page.keyboard.press('End');
    const last = s.pack.criteria[treeOrder(buildTree(s.pack)).at(-1)!]!.id;
    await page.locator(`[data-criterion="${last}"]`).waitFor();
    await screenshots(page, 'criteria-en-nist');
    expectClean(watch);
  });

  it('shows the workspace in English with the panel open', async () => {
    const s = await setup('en-US');
    const { page, watch } = await watchedPage();
    await openWorkspace(page, s.p);
    await screenshots(page, 'criteria-en-overview');
    const id = firstAnswerable(s, 'IAL');
    await openCriterion(page, id);
    await page.getByTestId('result-minor-nc').click();
    await page.getByTestId('notes').fill('The retention period for proofing records is not written in the policy.');
    await saved(page);
    await page.locator('.panel-pane').evaluate((el) => el.scrollTo({ top: 0 }));
    await screenshots(page, 'criteria-en-panel-top');
    await page.getByTestId('notes').focus();
    await screenshots(page, 'criteria-en-panel');
    expectClean(watch);
  });
});

describe('accessibility (axe-core)', () => {
  for (const language of ['ja', 'en'] as const) {
    it(`has no serious or critical violations in the criteria view (${language})`, async () => {
      const s = await setup(language === 'ja' ? 'ja-JP' : 'en-US');
      const { page } = await watchedPage({ bypassCSP: true });
      await openWorkspace(page, s.p);
      expect(serious(await runAxe(page)), 'overview').toEqual([]);
      const id = firstAnswerable(s, 'IAL');
      await openCriterion(page, id);
      await page.getByTestId('result-not-applicable').click();
      await page.getByTestId('navigator-filters').locator('summary').click();
      await page.getByTestId('navigator-tree').focus();
      await page.keyboard.press('ArrowDown');
      expect(serious(await runAxe(page)), 'panel, filters, active row').toEqual([]);
    });
  }
});
