/**
 * Signing identities and the export screen in real Chromium, against the real handlers
 * behind the browser bridge, with the export running in the real worker thread
 * (dist/export-worker.cjs: run `node scripts/build.mjs` first). A user creates a local
 * identity, tries a .p12 with the wrong passphrase, exports signed from the workspace and
 * reads the result; then the files on disk are checked with independent tools: pdfsig against
 * an NSS database trusting the exported ca.pem, qpdf, pdftotext, openssl cms, and the CLI's
 * own `verify` with `--trust ca.pem` — under the CSP, with axe, in both languages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AssessmentView } from '../../core/api/contract';
import { createLocalIdentity } from '../../core/signing/local-identity';
import { exportPkcs12 } from '../../core/signing/pkcs12';
import { must, nssDbTrusting, pdfsig, run, tempDir } from '../fixtures/signing/tools';
import { launchChromium } from '../support/chromium';
import { watchContext, type PageWatch } from '../support/page-watch';
import { PROJECT_ROOT, SCREENSHOT_DIR } from '../support/paths';
import type { Preview } from '../support/preview';
import { call, sampleCreateArgs, startWorkspacePreview } from '../support/workspace';

const VIEWPORT = { width: 1440, height: 900 } as const;
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const ORG = '株式会社サンプル認証';
const SIGNER = '佐藤 花子';

let browser: Browser;
let preview: Preview;
let context: BrowserContext;
let page: Page;
let watch: PageWatch;
let assessment: AssessmentView;
const tmp = tempDir('tfa-e2e-export-');

beforeAll(async () => {
  if (!existsSync(join(PROJECT_ROOT, 'dist', 'export-worker.cjs')) || !existsSync(join(PROJECT_ROOT, 'dist', 'cli.cjs'))) {
    throw new Error('dist/export-worker.cjs or dist/cli.cjs is missing: run node scripts/build.mjs first');
  }
  browser = await launchChromium();
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  preview = await startWorkspacePreview({ systemLocale: 'ja-JP' });
  assessment = await call(preview, 'tfa:assessments:create', sampleCreateArgs({ roles: ['IdP'], capabilities: ['password', 'otp-token'] }));
  const h = assessment.handle;
  for (const criterion of ['AAL-01', 'AAL-02', 'AAL-03', 'IAL-02']) await call(preview, 'tfa:answers:set', { handle: h, criterion, set: { status: 'conformant', methods: ['examine'] } });
  await call(preview, 'tfa:answers:set', { handle: h, criterion: 'AAL-04', set: { status: 'minor-nc', notes: 'ロックアウトの閾値が文書化されていない' } });
  const up = await fetch(`${preview.bridge.origin}/upload?assessment=${h}&name=${encodeURIComponent('認証ポリシー.txt')}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/octet-stream', 'X-TFA-Token': preview.bridge.token, Origin: preview.bridge.origin },
    body: new TextEncoder().encode('認証ポリシー 第 3 版\n'),
  });
  const source = ((await up.json()) as { value: { source: string } }).value.source;
  await call(preview, 'tfa:evidence:add', { handle: h, source, criteria: ['AAL-01'] });
  // The assessment is opened from the app like a user would: close the API's session first.
  await call(preview, 'tfa:assessments:close', { handle: h });
  context = await browser.newContext({ viewport: VIEWPORT, locale: 'ja-JP', acceptDownloads: true });
  watch = await watchContext(context);
  page = await context.newPage();
}, 120_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await preview?.close();
  tmp.cleanup();
});

function expectClean(): void {
  expect(watch.pageErrors).toEqual([]);
  expect(watch.consoleErrors).toEqual([]);
  expect(watch.cspViolations).toEqual([]);
}

async function shot(name: string): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `horizontal overflow on ${name}`).toBeLessThanOrEqual(0);
  // From the top, so the sticky header is drawn where it belongs in the full-page capture.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

async function axeViolations(): Promise<Array<{ id: string; impact: string | null; targets: string[] }>> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown }> }> }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
}
const serious = (vs: Awaited<ReturnType<typeof axeViolations>>) => vs.filter((v) => v.impact === 'serious' || v.impact === 'critical');

async function setLanguage(language: 'ja' | 'en'): Promise<void> {
  await page.getByTestId(`language-${language}`).click();
  await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(language);
}

/** Tabs from `from` until `target` has focus; checks a visible focus ring on the way. */
async function tabTo(from: string, target: string, max = 40): Promise<void> {
  await page.locator(from).focus();
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const at = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el) return { id: '', ring: false };
      const owner = el.matches('input[type=radio], input[type=checkbox]') && getComputedStyle(el).outlineStyle === 'none' ? (el.closest('label') ?? el) : el;
      const s = getComputedStyle(owner);
      return { id: el.dataset.testid ?? el.id, ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 };
    });
    expect(at.ring, `focus ring on ${at.id}`).toBe(true);
    if (at.id === target) return;
  }
  throw new Error(`${target} was not reached with Tab from ${from}`);
}

let exportFolder = '';

describe('signing identities and export', () => {
  it('creates a local identity with a Japanese name from the start screen, and shows its CA certificate', async () => {
    await page.goto('about:blank');
    await page.goto(preview.url);
    await page.locator('#recent[aria-busy="false"]').waitFor();
    await page.getByTestId('nav-identities').click();
    await page.getByRole('heading', { level: 1, name: '署名用 ID' }).waitFor();
    await page.getByTestId('identities-empty').waitFor();
    await expect(page.getByTestId('identities-storage').textContent()).resolves.toContain('試用専用');

    // A name that is too long is said at the field, before anything is sent.
    await page.getByTestId('create-common-name').fill('');
    await page.getByTestId('create-submit').click();
    await expect(page.locator('#create-commonName').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('create-commonName');

    await page.getByTestId('create-common-name').fill(SIGNER);
    await page.getByTestId('create-organization').fill('株式会社サンプル監査');
    await page.getByTestId('create-submit').click();
    const card = page.getByTestId('identities-list').locator('li').first();
    await card.getByRole('heading', { name: SIGNER }).waitFor();
    await expect(card.textContent()).resolves.toContain('CN=佐藤 花子,O=株式会社サンプル監査,C=JP');
    await expect(card.textContent()).resolves.toContain('自己評価用（ローカル CA）');

    await card.getByTestId('identity-show-ca').click();
    const pem = await page.getByTestId('identity-ca-pem').inputValue();
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n$/);
    // Saving ca.pem hands the same certificate to the user's file system.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('identity-save-ca').click()]);
    expect(download.suggestedFilename()).toBe('ca.pem');
    const saved = join(tmp.dir, 'downloaded-ca.pem');
    await download.saveAs(saved);
    expect(readFileSync(saved, 'utf8')).toBe(pem);
    const subject = must('openssl', ['x509', '-in', saved, '-noout', '-subject', '-nameopt', 'utf8']).stdout;
    expect(subject).toContain('佐藤 花子 Local CA');
    expectClean();
  }, 60_000);

  it('a .p12 with the wrong passphrase is refused with a clear message and the passphrase is not kept; the right one imports; removing asks first', async () => {
    const other = await createLocalIdentity({ commonName: 'External Signer', keyType: 'ecdsa-p256', validityDays: 30 });
    const p12 = join(tmp.dir, 'external.p12');
    writeFileSync(p12, await exportPkcs12(other.identity, 'correct horse'));
    await page.getByTestId('import-file').setInputFiles(p12);
    await page.getByTestId('import-passphrase').fill('wrong horse');
    await page.getByTestId('import-submit').click();
    const error = page.getByTestId('import-error');
    await error.waitFor();
    await expect(error.getAttribute('role')).resolves.toBe('alert');
    await expect(error.textContent()).resolves.toMatch(/\.p12 ファイルを取り込めませんでした。.*The passphrase is wrong for "external\.p12"/);
    await expect(page.getByTestId('import-passphrase').inputValue()).resolves.toBe('');
    expect(await page.getByTestId('identities-list').locator('li').count()).toBe(1);

    // With the right passphrase it is imported; removing it asks first, and Escape keeps it.
    await page.getByTestId('import-passphrase').fill('correct horse');
    await page.getByTestId('import-submit').click();
    const imported = page.getByTestId('identities-list').locator('li', { hasText: 'External Signer' });
    await imported.waitFor();
    await expect(page.getByTestId('import-error').count()).resolves.toBe(0);
    await expect(imported.textContent()).resolves.toContain('CN=External Signer');
    await imported.getByTestId('identity-remove').click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    await expect(dialog.textContent()).resolves.toContain('External Signer');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.getByTestId('identities-list').locator('li').count()).toBe(2);
    await imported.getByTestId('identity-remove').click();
    await page.getByTestId('confirm-yes').click();
    await imported.waitFor({ state: 'detached' });
    expect(await page.getByTestId('identities-list').locator('li').count()).toBe(1);
    // Now show the import's refusal again for the screenshots.
    await page.getByTestId('import-file').setInputFiles(p12);
    await page.getByTestId('import-passphrase').fill('wrong horse');
    await page.getByTestId('import-submit').click();
    await page.getByTestId('import-error').waitFor();

    await shot('identities-ja');
    expect(serious(await axeViolations())).toEqual([]);
    await setLanguage('en');
    await page.getByRole('heading', { level: 1, name: 'Signing identities' }).waitFor();
    await shot('identities-en');
    expect(serious(await axeViolations())).toEqual([]);
    await setLanguage('ja');
    expectClean();
  }, 60_000);

  it('exports signed from the workspace with the keyboard, shows progress and a clear result', async () => {
    // The start screen's section links work from this screen too.
    await page.getByRole('navigation', { name: 'セクション' }).getByText('最近の評価').click();
    await page.getByTestId('recent-list').getByText(ORG).click();
    await page.getByTestId('workspace-org').filter({ hasText: ORG }).waitFor();
    await page.getByTestId('nav-export').click();
    await page.getByRole('heading', { level: 1, name: '報告書とパッケージの出力' }).waitFor();
    await page.getByTestId('export-form').waitFor();
    // To the identities and back: the assessment reopens on its export screen.
    await page.getByTestId('export-manage-identities').click();
    await page.getByRole('heading', { level: 1, name: '署名用 ID' }).waitFor();
    await expect(page.getByTestId('identities-back').textContent()).resolves.toContain('出力画面へ戻る');
    await page.getByTestId('identities-back').click();
    await page.getByTestId('workspace-org').filter({ hasText: ORG }).waitFor();
    await page.getByTestId('export-form').waitFor();

    // The report's language follows the app's; the new identity is chosen to sign.
    await expect(page.getByTestId('export-lang-ja').isChecked()).resolves.toBe(true);
    const chosen = await page.getByTestId('export-identity').locator('option:checked').textContent();
    expect(chosen).toContain(SIGNER);
    // Unsigned is possible, with a plain warning.
    await page.getByTestId('export-identity').selectOption({ label: '署名しない' });
    await expect(page.getByTestId('export-unsigned-warning').textContent()).resolves.toContain('誰が作成したのか');
    await page.getByTestId('export-identity').selectOption({ index: 0 });
    await expect(page.getByTestId('export-unsigned-warning').count()).resolves.toBe(0);
    await page.getByTestId('export-include-oscal').check();

    // Start with the keyboard alone, every stop with a visible focus ring.
    await tabTo('#main-content', 'export-start');
    await page.keyboard.press('Enter');
    await page.getByTestId('export-progress').waitFor();
    await page.getByTestId('export-result').waitFor({ timeout: 90_000 });
    const states = await page.getByTestId('export-steps').locator('li').evaluateAll((lis) => lis.map((li) => `${li.getAttribute('data-step')}:${li.getAttribute('data-state')}`));
    expect(states).toEqual(['workspace', 'pack', 'report-pdf', 'report-xlsx', 'sign', 'oscal', 'package', 'done'].map((s) => `${s}:done`));

    exportFolder = (await page.getByTestId('export-folder').textContent())!.trim();
    expect(exportFolder.startsWith(join(preview.dataDir, 'exports', assessment.document.id))).toBe(true);
    await expect(page.getByTestId('export-signer').textContent()).resolves.toContain('CN=佐藤 花子,O=株式会社サンプル監査,C=JP');
    await expect(page.getByTestId('export-fingerprint').textContent()).resolves.toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const kinds = await page.getByTestId('export-files').locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-kind')));
    expect(kinds).toEqual(['package', 'report-pdf', 'report-xlsx', 'xlsx-signature', 'oscal', 'ca-certificate']);
    await shot('export-ja');
    expect(serious(await axeViolations())).toEqual([]);
    await setLanguage('en');
    await page.getByRole('heading', { level: 1, name: 'Export reports and package' }).waitFor();
    await expect(page.getByTestId('export-result').textContent()).resolves.toContain('The export is complete');
    await shot('export-en');
    expect(serious(await axeViolations())).toEqual([]);
    await setLanguage('ja');
    expectClean();
  }, 150_000);

  it('the files verify with independent tools: pdfsig, qpdf, pdftotext, openssl cms, and tf-assessor verify --trust ca.pem', async () => {
    expect(exportFolder).not.toBe('');
    const shown = await page.getByTestId('export-package-sha256').textContent();
    const pkgName = await page.getByTestId('export-files').locator('tbody tr[data-kind="package"] td').first().textContent();
    const pkg = join(exportFolder, pkgName!.trim());
    const ca = join(exportFolder, 'ca.pem');
    const pdf = join(exportFolder, 'report.pdf');
    expect(must('sha256sum', [pkg]).stdout.split(' ')[0]).toBe(shown!.trim());

    mkdirSync(join(tmp.dir, 'nss'));
    const nss = nssDbTrusting(join(tmp.dir, 'nss'), ca);
    const sig = pdfsig(nss, pdf);
    expect(sig).toContain('Signature is Valid.');
    expect(sig).toContain('Certificate is Trusted.');
    expect(sig).toContain('佐藤 花子');

    const qpdf = run('qpdf', ['--check', pdf]);
    expect(qpdf.status).toBe(0);
    expect(qpdf.stdout).toContain('No syntax or stream encoding errors found');

    const text = must('pdftotext', ['-enc', 'UTF-8', pdf, '-']).stdout;
    expect(text).toContain(ORG);
    expect(text).toContain('電子署名: 佐藤 花子');

    const cms = run('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(exportFolder, 'report.xlsx.p7s'), '-content', join(exportFolder, 'report.xlsx'), '-CAfile', ca, '-out', '/dev/null']);
    expect(cms.stderr).toContain('Verification successful');
    expect(cms.status).toBe(0);

    const verify = run(process.execPath, [join(PROJECT_ROOT, 'dist', 'cli.cjs'), 'verify', pkg, '--trust', ca], { env: { TFA_DATA_DIR: preview.dataDir } });
    expect(verify.stdout, verify.stderr).toMatch(/^valid: /);
    expect(verify.status).toBe(0);
  }, 60_000);
});
