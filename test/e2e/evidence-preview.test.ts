/**
 * The in-app evidence preview in real Chromium, through the browser bridge and the real
 * handlers: a real PNG and a real three-page PDF are attached in the criterion panel, the
 * assessment is closed and opened again from disk (so nothing comes from the session that
 * added them), and the previews are opened — the image decodes, pdf.js draws every page on a
 * canvas under the app's CSP (worker from 'self', no eval), pages and zoom work from the
 * toolbar and the keyboard, and the evidence library shows the same preview in a dialog.
 * Accessibility (axe-core) and screenshots in Japanese and English.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, PDFName, PDFString, StandardFonts, rgb } from 'pdf-lib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AssessmentView } from '../../core/api/contract';
import { launchChromium } from '../support/chromium';
import { watchContext, type PageWatch } from '../support/page-watch';
import { SCREENSHOT_DIR } from '../support/paths';
import type { Preview } from '../support/preview';
import { call, openApp, sampleCreateArgs, startWorkspacePreview } from '../support/workspace';

const VIEWPORT = { width: 1440, height: 900 } as const;
const CRITERION = 'AAL-02';
const PDF_PAGES = 3;
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let browser: Browser;
let preview: Preview;
let context: BrowserContext;
let page: Page;
let watch: PageWatch;
let view: AssessmentView;
let files: string;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A real PDF: each page a coloured band and its number, so a drawn page has ink on it. */
async function policyPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.HelveticaBold);
  const colours = [rgb(0.1, 0.3, 0.7), rgb(0.7, 0.2, 0.1), rgb(0.1, 0.5, 0.2)];
  for (let i = 0; i < PDF_PAGES; i++) {
    const p = doc.addPage([595, 842]);
    p.drawRectangle({ x: 40, y: 700, width: 515, height: 100, color: colours[i % colours.length]! });
    p.drawText(`Authentication policy - page ${i + 1} of ${PDF_PAGES}`, { x: 50, y: 640, size: 20, font, color: rgb(0, 0, 0) });
  }
  return doc.save();
}

/** The same document with an OpenAction that runs JavaScript when a PDF reader opens it. */
async function scriptedPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.load(await policyPdf());
  const action = doc.context.obj({ Type: 'Action', S: 'JavaScript', JS: PDFString.of('app.alert("opened"); this.submitForm("https://example.com/");') });
  doc.catalog.set(PDFName.of('OpenAction'), action);
  return doc.save();
}

/** A file added the way the preview adds one: PUT /upload, then tfa:evidence:add. */
async function upload(name: string, bytes: Uint8Array): Promise<string> {
  const res = await fetch(`${preview.bridge.origin}/upload?assessment=${view.handle}&name=${encodeURIComponent(name)}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/octet-stream', 'X-TFA-Token': preview.bridge.token, Origin: preview.bridge.origin },
    body: new Uint8Array(bytes),
  });
  const up = (await res.json()) as { ok: boolean; value: { source: string } };
  expect(up.ok).toBe(true);
  const added = await call(preview, 'tfa:evidence:add', { handle: view.handle, source: up.value.source });
  return added.added.hash;
}

beforeAll(async () => {
  browser = await launchChromium();
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  files = await mkdtemp(join(tmpdir(), 'tfa-e2e-preview-'));
  preview = await startWorkspacePreview({ systemLocale: 'ja-JP' });
  view = await call(preview, 'tfa:assessments:create', sampleCreateArgs({ roles: ['IdP'] }));
  await call(preview, 'tfa:assessments:close', { handle: view.handle });
  context = await browser.newContext({ viewport: VIEWPORT, locale: 'ja-JP' });
  watch = await watchContext(context);
  page = await context.newPage();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await preview?.close();
  if (files) await rm(files, { recursive: true, force: true });
});

function expectClean(): void {
  expect(watch.pageErrors).toEqual([]);
  expect(watch.consoleErrors).toEqual([]);
  expect(watch.cspViolations).toEqual([]);
}

async function openWorkspace(): Promise<void> {
  await openApp(page, preview);
  await page.getByTestId('recent-list').getByRole('button').first().click();
  await page.getByTestId('navigator-tree').waitFor();
}

async function openCriterion(id: string): Promise<void> {
  await page.getByTestId('navigator-search').fill(id);
  await page.locator(`[data-testid="nav-criterion"][data-criterion="${id}"]`).click();
  await expect.poll(() => page.getByTestId('criterion-id').textContent()).toBe(id);
  await page.getByTestId('navigator-search').fill('');
}

async function setLanguage(language: 'ja' | 'en'): Promise<void> {
  await page.getByTestId(`language-${language}`).click();
  await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(language);
}

async function seriousAxeViolations(): Promise<Array<{ id: string; impact: string | null; targets: string[] }>> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown }> }> }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Pixels of the canvas that are not white: ink that pdf.js drew. */
function inkedPixels(canvas: ReturnType<Page['getByTestId']>): Promise<number> {
  return canvas.evaluate((el) => {
    const c = el as HTMLCanvasElement;
    if (c.width === 0 || c.height === 0) return 0;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i]! < 240 || data[i + 1]! < 240 || data[i + 2]! < 240) n++;
    return n;
  });
}

/** The colour at the middle of the page's top band (drawn in a different colour per page). */
function bandColour(canvas: ReturnType<Page['getByTestId']>): Promise<number[]> {
  return canvas.evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(Math.floor(c.width / 2), Math.floor(c.height * 0.1), 1, 1).data;
    return [d[0]!, d[1]!, d[2]!];
  });
}

describe('evidence preview', () => {
  let png: Buffer;
  let pdf: Uint8Array;

  it('attaches a real PNG and a real three-page PDF in the criterion panel', async () => {
    await openWorkspace();
    await openCriterion(CRITERION);
    png = await page.screenshot();
    pdf = await policyPdf();
    const pngPath = join(files, '多要素認証の登録画面.png');
    const pdfPath = join(files, '認証ポリシー v3.pdf');
    await writeFile(pngPath, png);
    await writeFile(pdfPath, pdf);
    await page.getByTestId('evidence-file-input').setInputFiles([pngPath, pdfPath]);
    await expect.poll(() => page.getByTestId('evidence-item').count(), { timeout: 15_000 }).toBe(2);
    await page.locator('[data-testid="save-indicator"][data-state="saved"]').waitFor({ timeout: 10_000 });
    // Leave the app and close the assessment: what follows comes from disk only.
    await page.goto('about:blank');
    await call(preview, 'tfa:assessments:close', { handle: view.handle });
  });

  it('shows the image and every page of the PDF after the assessment is opened again', async () => {
    await openWorkspace();
    await openCriterion(CRITERION);
    const items = page.getByTestId('evidence-item');
    await expect.poll(() => items.count()).toBe(2);
    // Nothing is loaded before the user asks.
    await expect(page.getByTestId('evidence-preview-panel').count()).resolves.toBe(0);

    const imageItem = items.filter({ hasText: '多要素認証の登録画面.png' });
    const toggle = imageItem.getByTestId('evidence-preview-toggle');
    await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('false');
    await toggle.click();
    await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('true');
    const img = imageItem.getByTestId('evidence-preview-image');
    await img.waitFor();
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(VIEWPORT.width);
    expect(await img.getAttribute('src')).toMatch(/^blob:/);
    await expect(imageItem.getByTestId('evidence-preview-sha256').textContent()).resolves.toBe(sha256(png));

    const pdfItem = items.filter({ hasText: '認証ポリシー v3.pdf' });
    // Keyboard: the disclosure opens with Enter.
    await pdfItem.getByTestId('evidence-preview-toggle').focus();
    await page.keyboard.press('Enter');
    const canvas = pdfItem.getByTestId('evidence-preview-canvas');
    const pageStatus = pdfItem.getByTestId('evidence-preview-page');
    await canvas.waitFor();
    await expect.poll(() => pageStatus.getAttribute('data-page-count'), { timeout: 15_000 }).toBe(String(PDF_PAGES));
    await expect(pageStatus.textContent()).resolves.toBe(`1 / ${PDF_PAGES} ページ`);
    await expect.poll(() => inkedPixels(canvas), { timeout: 15_000 }).toBeGreaterThan(1000);
    const firstBand = await bandColour(canvas);
    expect(firstBand[2]).toBeGreaterThan(firstBand[0]! + 50);
    await pdfItem.getByTestId('evidence-preview-panel').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'evidence-preview-ja-panel.png') });

    // The toolbar: next page (a red band), zoom in (a wider canvas).
    await pdfItem.getByTestId('evidence-preview-next').click();
    await expect.poll(() => pageStatus.getAttribute('data-page')).toBe('2');
    await expect.poll(async () => (await bandColour(canvas))[0]!, { timeout: 15_000 }).toBeGreaterThan(150);
    // Opened in the narrow panel, the page starts fitted to its width (no sideways scrolling).
    const widthBefore = await canvas.evaluate((el) => el.getBoundingClientRect().width);
    expect(widthBefore).toBeLessThanOrEqual(await canvas.evaluate((el) => el.parentElement!.clientWidth));
    await pdfItem.getByTestId('evidence-preview-zoom-in').click();
    await expect.poll(() => canvas.evaluate((el) => el.getBoundingClientRect().width)).toBeGreaterThan(widthBefore * 1.2);
    await expect.poll(() => inkedPixels(canvas), { timeout: 15_000 }).toBeGreaterThan(1000);

    // The keyboard on the page area: End goes to the last page (a green band).
    await canvas.locator('xpath=..').focus();
    await page.keyboard.press('End');
    await expect.poll(() => pageStatus.getAttribute('data-page')).toBe(String(PDF_PAGES));
    await expect.poll(async () => (await bandColour(canvas))[1]!, { timeout: 15_000 }).toBeGreaterThan(100);
    // "0" is 100%: an A4 page (595 pt) is 793 CSS pixels wide.
    await page.keyboard.press('0');
    await expect.poll(() => canvas.evaluate((el) => el.getBoundingClientRect().width)).toBe(793);
    await expect(pdfItem.getByTestId('evidence-preview-zoom').textContent()).resolves.toContain('100%');

    expect(await seriousAxeViolations()).toEqual([]);
    expectClean();
  });

  it('shows the same preview in English and in the evidence library dialog', async () => {
    await setLanguage('en');
    const pdfItem = page.getByTestId('evidence-item').filter({ hasText: '認証ポリシー v3.pdf' });
    await expect.poll(() => pdfItem.getByTestId('evidence-preview-page').textContent()).toBe(`Page ${PDF_PAGES} of ${PDF_PAGES}`);
    await pdfItem.getByTestId('evidence-preview-zoom-out').click();
    await pdfItem.getByTestId('evidence-preview-zoom-out').click();
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'evidence-preview-en-panel.png') });
    expect(await seriousAxeViolations()).toEqual([]);

    await page.getByTestId('nav-evidence').click();
    await page.getByTestId('evidence-table').waitFor();
    const row = page.locator(`[data-testid="evidence-row"][data-hash="${sha256(pdf)}"]`);
    await row.getByTestId('evidence-preview-open').click();
    const dialog = page.getByTestId('evidence-preview-dialog');
    const canvas = dialog.getByTestId('evidence-preview-canvas');
    await canvas.waitFor();
    await expect.poll(() => dialog.getByTestId('evidence-preview-page').getAttribute('data-page-count'), { timeout: 15_000 }).toBe(String(PDF_PAGES));
    await expect.poll(() => inkedPixels(canvas), { timeout: 15_000 }).toBeGreaterThan(1000);
    await expect(dialog.getByTestId('evidence-preview-sha256').textContent()).resolves.toBe(sha256(pdf));
    // Focus starts on the dialog's close button.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('evidence-preview-close');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'evidence-preview-en-library.png') });
    expect(await seriousAxeViolations()).toEqual([]);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.evaluate((d) => (d as HTMLDialogElement).open)).toBe(false);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('evidence-preview-open');

    await setLanguage('ja');
    await row.getByTestId('evidence-preview-open').click();
    await dialog.getByTestId('evidence-preview-canvas').waitFor();
    await expect.poll(() => inkedPixels(dialog.getByTestId('evidence-preview-canvas')), { timeout: 15_000 }).toBeGreaterThan(1000);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'evidence-preview-ja-library.png') });
    expect(await seriousAxeViolations()).toEqual([]);
    await page.keyboard.press('Escape');
    expectClean();
  });

  it('draws a PDF carrying JavaScript without running it, and explains what it does not show', async () => {
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const scripted = await upload('scripted.pdf', await scriptedPdf());
    const damaged = await upload('damaged.pdf', new TextEncoder().encode('%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\ntrailer << /Root 1 0 R >>\n%%EOF\n'));
    const svg = await upload('diagram.svg', new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>'));
    const renamed = await upload('scan.pdf', png);
    // The library shows evidence added by another client after the assessment is opened again.
    await openWorkspace();
    await page.getByTestId('nav-evidence').click();
    await page.getByTestId('evidence-table').waitFor();
    const dialog = page.getByTestId('evidence-preview-dialog');
    const open = async (hash: string) => {
      await page.locator(`[data-testid="evidence-row"][data-hash="${hash}"]`).getByTestId('evidence-preview-open').click();
      await dialog.locator('[data-testid="evidence-preview-panel"]:not([data-state="loading"])').waitFor();
    };
    const close = async () => {
      await page.keyboard.press('Escape');
      await expect.poll(() => dialog.evaluate((d) => (d as HTMLDialogElement).open)).toBe(false);
    };

    await open(scripted);
    await expect.poll(() => dialog.getByTestId('evidence-preview-page').getAttribute('data-page-count'), { timeout: 15_000 }).toBe(String(PDF_PAGES));
    await expect.poll(() => inkedPixels(dialog.getByTestId('evidence-preview-canvas')), { timeout: 15_000 }).toBeGreaterThan(1000);
    await close();

    await open(damaged);
    await expect(dialog.getByTestId('evidence-preview-message').textContent()).resolves.toContain('この PDF は表示できませんでした');
    await close();

    await open(svg);
    await expect(dialog.getByTestId('evidence-preview-message').textContent()).resolves.toContain('SVG 画像はスクリプトを含む');
    await expect(dialog.locator('img, svg rect').count()).resolves.toBe(0);
    await close();

    // Named .pdf, but the bytes are a PNG: shown as the image it is.
    await open(renamed);
    const img = dialog.getByTestId('evidence-preview-image');
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(VIEWPORT.width);
    await expect(dialog.getByTestId('evidence-preview-panel').textContent()).resolves.toContain('image/png');
    await close();

    expect(dialogs).toEqual([]);
    // Everything came from the app itself: no request left its origin.
    expect(requests.filter((u) => !u.startsWith(preview.bridge.origin) && !u.startsWith('blob:') && !u.startsWith('data:') && u !== 'about:blank')).toEqual([]);
    expectClean();
  });
});
