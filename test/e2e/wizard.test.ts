/**
 * The new-assessment wizard in real Chromium against the real bridge, handlers, built-in packs
 * and workspaces on disk: validation a user sees (field by field, with aria-invalid and
 * aria-describedby), a draft that survives reloading the app, creating the assessment and
 * landing in its workspace, keyboard-only completion, accessibility, screenshots in both
 * languages.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { watchContext, type PageWatch } from '../support/page-watch';
import { SCREENSHOT_DIR } from '../support/paths';
import type { Preview } from '../support/preview';
import { call, LONG_JA_NAME, openApp, startWorkspacePreview } from '../support/workspace';

const VIEWPORT = { width: 1280, height: 800 };
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let browser: Browser;
const contexts: BrowserContext[] = [];
const previews: Preview[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  await mkdir(SCREENSHOT_DIR, { recursive: true });
});

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
  await Promise.all(previews.splice(0).map((p) => p.close()));
});

afterAll(async () => {
  await browser?.close();
});

async function preview(systemLocale: string): Promise<Preview> {
  const p = await startWorkspacePreview({ systemLocale });
  previews.push(p);
  return p;
}

async function watchedPage(options: { bypassCSP?: boolean } = {}): Promise<{ page: Page; watch: PageWatch }> {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-US', ...options });
  contexts.push(context);
  const watch = await watchContext(context);
  return { page: await context.newPage(), watch };
}

function expectClean(watch: PageWatch): void {
  expect(watch.pageErrors).toEqual([]);
  expect(watch.consoleErrors).toEqual([]);
  expect(watch.cspViolations).toEqual([]);
}

async function shot(page: Page, name: string): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `horizontal overflow on ${name}`).toBeLessThanOrEqual(0);
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-1280x800.png`) });
}

/** The ARIA wiring of a field: invalid, and described by an element with this text. */
async function fieldProblem(page: Page, id: string): Promise<{ invalid: string | null; described: string }> {
  return page.evaluate((fieldId) => {
    const el = document.getElementById(fieldId)!;
    const ids = (el.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
    return { invalid: el.getAttribute('aria-invalid'), described: ids.map((i) => document.getElementById(i)?.textContent?.trim() ?? '').join(' | ') };
  }, id);
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

/** Presses Tab until the element with this test id has focus (proves it is reachable by keyboard). */
async function tabTo(page: Page, testid: string, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const at = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return el?.dataset.testid ?? el?.closest('[data-testid]')?.getAttribute('data-testid') ?? null;
    });
    if (at === testid) return;
  }
  throw new Error(`Tab never reached ${testid}`);
}

async function stepTitle(page: Page): Promise<string> {
  return (await page.locator('#step-title').textContent())?.trim() ?? '';
}

describe('new assessment wizard', () => {
  it('validates each step, keeps the draft across a reload, and creates the assessment', async () => {
    const p = await preview('ja-JP');
    const { page, watch } = await watchedPage();
    await openApp(page, p);
    await page.getByTestId('action-new').click();
    await page.getByTestId('wizard').waitFor();
    expect(await stepTitle(page)).toContain('組織');

    // Nothing entered: the step refuses to go on and says why, at the top and at the field.
    await page.getByTestId('wizard-next').click();
    const summary = page.getByTestId('error-summary');
    await summary.waitFor();
    await expect(summary.textContent()).resolves.toContain('法人名（正式名称）: 入力してください。');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('error-summary');
    expect(await fieldProblem(page, 'org-legalName')).toEqual({ invalid: 'true', described: expect.stringContaining('入力してください。') });
    await shot(page, 'wizard-ja-1-organization-errors');

    // A corporate number with a wrong check digit names the digit it should be.
    await page.locator('#org-legalName').fill(LONG_JA_NAME);
    await page.locator('#org-corporateNumber').fill('2180301018771');
    await page.getByTestId('wizard-next').click();
    await expect.poll(() => fieldProblem(page, 'org-corporateNumber')).toEqual({
      invalid: 'true',
      described: expect.stringContaining('先頭の数字は 1 のはずですが 2 になっています'),
    });
    // The name's error went away as soon as it was fixed.
    expect((await fieldProblem(page, 'org-legalName')).invalid).toBe('false');
    // Full-width digits with hyphens are how people type it: accepted and normalized.
    await page.locator('#org-corporateNumber').fill('１１８０３０１−０１８７７１'.replace('−', '-'));
    await page.locator('#org-postalCode').fill('100-0001');
    await page.locator('#org-address').fill('東京都千代田区丸の内一丁目1番1号 パレスビルディング・イーストタワー 二十三階');
    await page.getByTestId('add-contact').click();
    await page.locator('#contact-0-name').fill('山田 太郎');
    await page.locator('#contact-0-email').fill('yamada@example');
    await page.getByTestId('wizard-next').click();
    await expect.poll(() => fieldProblem(page, 'contact-0-email')).toMatchObject({ invalid: 'true' });
    await page.locator('#contact-0-email').fill('yamada@example.co.jp');
    await shot(page, 'wizard-ja-1-organization');
    await page.getByTestId('wizard-next').click();

    // Pack and version, with what this version changed from the previous one.
    await expect.poll(() => stepTitle(page)).toContain('基準パック');
    await page.getByTestId('wizard-next').click();
    await expect(page.getByTestId('error-summary').textContent()).resolves.toContain('基準パックとバージョンを選んでください。');
    await page.getByTestId('pack-jp-idtf@2.0.0').click();
    const changes = page.getByTestId('pack-changes');
    await changes.waitFor();
    await expect(changes.textContent()).resolves.toContain('jp-idtf@1.0.0 からの変更点');
    await expect(changes.textContent()).resolves.toMatch(/\d+\s*新規/);
    await shot(page, 'wizard-ja-2-pack');

    // Reloading the app keeps the draft: the wizard resumes on the same step.
    await openApp(page, p);
    await page.getByTestId('action-new').click();
    await page.getByTestId('wizard-resumed').waitFor();
    expect(await stepTitle(page)).toContain('基準パック');
    expect(await page.getByTestId('pack-jp-idtf@2.0.0').locator('input').isChecked()).toBe(true);
    await page.getByTestId('wizard-step-organization').click();
    expect(await page.locator('#org-legalName').inputValue()).toBe(LONG_JA_NAME);
    await page.getByTestId('wizard-step-pack').click();
    await page.getByTestId('pack-detail').getByText('jp-idtf@1.0.0 からの変更点').waitFor();
    await page.getByTestId('wizard-next').click();

    // Service and roles (from the chosen pack).
    await expect.poll(() => stepTitle(page)).toContain('サービスと役割');
    await page.locator('#service-name').fill('サンプル ID ログインサービス（法人会員向け OpenID Connect プロバイダー）');
    await page.locator('#service-description').fill('会員企業の従業員向けシングルサインオン。');
    await page.getByTestId('role-IdP').click();
    await shot(page, 'wizard-ja-3-service');
    await page.getByTestId('wizard-next').click();

    await expect.poll(() => stepTitle(page)).toContain('機能');
    await page.getByTestId('capability-ic-chip-reading').click();
    await shot(page, 'wizard-ja-4-capabilities');
    await page.getByTestId('wizard-next').click();

    await expect.poll(() => stepTitle(page)).toContain('目標レベル');
    await page.getByTestId('target-IAL-IAL2').click();
    await page.getByTestId('target-AAL-AAL2').click();
    await shot(page, 'wizard-ja-5-targets');
    await page.getByTestId('wizard-next').click();

    // Third-party: assessors and an independence statement are required.
    await expect.poll(() => stepTitle(page)).toContain('評価の種類と評価者');
    await page.getByTestId('wizard-next').click();
    const teamErrors = await page.getByTestId('error-summary').textContent();
    expect(teamErrors).toContain('第三者評価では評価者を 1 人以上登録してください。');
    expect(teamErrors).toContain('第三者評価では独立性の宣言が必要です。');
    await page.getByTestId('add-assessor').click();
    await page.locator('#assessor-0-name').fill('佐藤 花子');
    await page.locator('#assessor-0-organization').fill('株式会社評価機関');
    await page.locator('#team-independence').fill('評価者は過去 24 か月、申請者に対する助言業務を行っていない。');
    await shot(page, 'wizard-ja-6-team');
    await page.getByTestId('wizard-next').click();

    await expect.poll(() => stepTitle(page)).toContain('確認');
    await expect(page.getByTestId('review-legalName').textContent()).resolves.toContain(LONG_JA_NAME);
    await shot(page, 'wizard-ja-7-review');
    await page.getByTestId('wizard-create').click();

    // The new assessment opens in its workspace.
    await page.getByTestId('navigator-tree').waitFor();
    await expect(page.getByTestId('workspace-org').textContent()).resolves.toContain(LONG_JA_NAME);
    await shot(page, 'wizard-ja-8-created');
    const box = await page.getByTestId('workspace-org').boundingBox();
    const nav = await page.locator('.workspace-nav').boundingBox();
    expect(box!.x + box!.width, 'the long name wraps inside the side navigation').toBeLessThanOrEqual(nav!.x + nav!.width);

    // What was created, as main holds it and as it is on disk.
    const [recent] = await call(p, 'tfa:assessments:listRecent');
    const view = await call(p, 'tfa:assessment:get', { handle: recent!.handle });
    const doc = view.document;
    expect(doc.organization.legalName).toBe(LONG_JA_NAME);
    expect(doc.organization.identifiers).toEqual([{ scheme: 'jp-corporate-number', value: '1180301018771' }]);
    expect(doc.organization.address).toEqual({ country: 'JP', postalCode: '100-0001', text: '東京都千代田区丸の内一丁目1番1号 パレスビルディング・イーストタワー 二十三階' });
    expect(doc.organization.contacts).toEqual([{ name: '山田 太郎', email: 'yamada@example.co.jp' }]);
    expect(doc.pack).toMatchObject({ id: 'jp-idtf', version: '2.0.0' });
    expect(doc.roles).toEqual(['IdP']);
    expect(doc.capabilities).toEqual(['ic-chip-reading']);
    expect(doc.targets).toEqual({ IAL: 'IAL2', AAL: 'AAL2' });
    expect(doc.type).toBe('third-party');
    expect(doc.assessors).toEqual([{ name: '佐藤 花子', organization: '株式会社評価機関', role: 'lead' }]);
    const folders = await readdir(join(p.dataDir, 'assessments'));
    const firstLine = (await readFile(join(p.dataDir, 'assessments', folders[0]!, 'journal.jsonl'), 'utf8')).split('\n')[0]!;
    const onDisk = JSON.parse(firstLine) as { entry: { change: { op: string; assessment: { organization: { legalName: string } } } } };
    expect(onDisk.entry.change.op).toBe('assessment.create');
    expect(onDisk.entry.change.assessment.organization.legalName).toBe(LONG_JA_NAME);

    // The draft is gone: a new wizard starts empty.
    await page.getByTestId('close-assessment').click();
    await page.getByTestId('action-new').click();
    await page.getByTestId('wizard').waitFor();
    expect(await page.getByTestId('wizard-resumed').count()).toBe(0);
    expect(await page.locator('#org-legalName').inputValue()).toBe('');
    expectClean(watch);
  });

  it('can be completed with the keyboard alone, in English', async () => {
    const p = await preview('en-US');
    const { page, watch } = await watchedPage();
    await openApp(page, p);
    await tabTo(page, 'action-new');
    await page.keyboard.press('Enter');
    await page.getByTestId('wizard').waitFor();
    expect(await stepTitle(page)).toContain('Organization');

    // Enter in a text field submits the step.
    await tabTo(page, 'wizard-next');
    await page.keyboard.press('Enter');
    await page.getByTestId('error-summary').waitFor();
    await expect(page.getByTestId('error-summary').textContent()).resolves.toContain('Legal name: Enter a value.');
    await shot(page, 'wizard-en-1-organization-errors');
    // The summary's link takes the keyboard to the field.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('org-legalName');
    await page.keyboard.type('Example Identity Ltd.');
    await page.keyboard.press('Enter');

    await expect.poll(() => stepTitle(page)).toContain('Criteria pack');
    // The radio group is one Tab stop; Space chooses.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    await page.getByTestId('pack-detail').locator('h3').waitFor();
    await shot(page, 'wizard-en-2-pack');
    await tabTo(page, 'wizard-next');
    await page.keyboard.press('Enter');

    await expect.poll(() => stepTitle(page)).toContain('Service and roles');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Workforce single sign-on');
    await page.keyboard.press('Enter');

    await expect.poll(() => stepTitle(page)).toContain('Capabilities');
    await shot(page, 'wizard-en-4-capabilities');
    await tabTo(page, 'wizard-next');
    await page.keyboard.press('Enter');

    await expect.poll(() => stepTitle(page)).toContain('Target levels');
    await shot(page, 'wizard-en-5-targets');
    await tabTo(page, 'wizard-next');
    await page.keyboard.press('Enter');

    await expect.poll(() => stepTitle(page)).toContain('Type and assessors');
    // Self-assessment: arrow keys move within the radio group.
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    expect(await page.getByTestId('type-self-assessment').locator('input').isChecked()).toBe(true);
    expect(await page.locator('#team-independence').count()).toBe(0);
    await shot(page, 'wizard-en-6-team');
    await tabTo(page, 'wizard-next');
    await page.keyboard.press('Enter');

    await expect.poll(() => stepTitle(page)).toContain('Review');
    await shot(page, 'wizard-en-7-review');
    await tabTo(page, 'wizard-create');
    await page.keyboard.press('Enter');
    await page.getByTestId('navigator-tree').waitFor();
    await expect(page.getByTestId('workspace-org').textContent()).resolves.toContain('Example Identity Ltd.');
    const [recent] = await call(p, 'tfa:assessments:listRecent');
    expect(recent).toMatchObject({ organization: 'Example Identity Ltd.', service: 'Workforce single sign-on', open: true });
    expectClean(watch);
  });

  for (const language of ['ja', 'en'] as const) {
    it(`has no serious or critical accessibility violations (${language})`, async () => {
      const p = await preview(language === 'ja' ? 'ja-JP' : 'en-US');
      const { page } = await watchedPage({ bypassCSP: true });
      await openApp(page, p);
      await page.getByTestId('action-new').click();
      await page.getByTestId('wizard').waitFor();
      await page.getByTestId('add-contact').click();
      await page.getByTestId('wizard-next').click();
      await page.getByTestId('error-summary').waitFor();
      expect(serious(await runAxe(page)), 'organization step with errors').toEqual([]);
      await page.locator('#org-legalName').fill(language === 'ja' ? '株式会社テスト' : 'Test Ltd.');
      await page.locator('#contact-0-name').fill('Test');
      await page.getByTestId('wizard-next').click();
      await page.getByTestId('pack-jp-idtf@2.0.0').click();
      await page.getByTestId('pack-changes').waitFor();
      expect(serious(await runAxe(page)), 'pack step').toEqual([]);
      await page.getByTestId('wizard-next').click();
      await page.locator('#service-name').fill('Service');
      await page.getByTestId('wizard-next').click();
      await page.getByTestId('wizard-next').click();
      await page.getByTestId('target-IAL-IAL2').waitFor();
      expect(serious(await runAxe(page)), 'targets step').toEqual([]);
      await page.getByTestId('wizard-next').click();
      await page.getByTestId('add-assessor').click();
      expect(serious(await runAxe(page)), 'team step').toEqual([]);
    });
  }
});
