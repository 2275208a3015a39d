/**
 * The start screen in real Chromium, against the real handlers behind the browser bridge:
 * both languages, the saved language choice, keyboard access, the CSP and accessibility.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { ApiFailure } from '../../core/api/contract';
import { CONTENT_SECURITY_POLICY as RENDERER_CSP } from '../support/csp';
import { launchChromium } from '../support/chromium';
import { SAMPLE_PACKS, SAMPLE_RECENT } from '../support/fixtures';
import { watchContext, type PageWatch } from '../support/page-watch';
import { SCREENSHOT_DIR } from '../support/paths';
import { startPreview, type Preview } from '../support/preview';

const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
] as const;

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

async function preview(options: Parameters<typeof startPreview>[0] = {}): Promise<Preview> {
  const p = await startPreview({ packs: SAMPLE_PACKS, recent: SAMPLE_RECENT, ...options });
  previews.push(p);
  return p;
}

/** A context under the real CSP, watched for console errors and CSP violations. */
async function watchedPage(locale = 'en-US'): Promise<{ page: Page; watch: PageWatch }> {
  const context = await browser.newContext({ viewport: VIEWPORTS[0], locale });
  contexts.push(context);
  const watch = await watchContext(context);
  return { page: await context.newPage(), watch };
}

/** Loads the app afresh (a new document, not a fragment change) and waits for its lists. */
async function openStart(page: Page, url: string, heading: string): Promise<Response | null> {
  // Going from `/` to `/#token=…` would only change the fragment and keep the old document.
  await page.goto('about:blank');
  const response = await page.goto(url);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  // Both lists have loaded once their loading placeholders are gone.
  await page.locator('#recent[aria-busy="false"]').waitFor();
  await page.locator('#packs[aria-busy="false"]').waitFor();
  return response;
}

function expectClean(watch: PageWatch): void {
  expect(watch.pageErrors).toEqual([]);
  expect(watch.consoleErrors).toEqual([]);
  expect(watch.cspViolations).toEqual([]);
}

async function screenshotsAt(page: Page, language: 'ja' | 'en'): Promise<void> {
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize(viewport);
    // Readable at this size: nothing pushes the page sideways.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `horizontal overflow at ${viewport.width}x${viewport.height}`).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SCREENSHOT_DIR, `start-${language}-${viewport.width}x${viewport.height}.png`) });
  }
  await page.setViewportSize(VIEWPORTS[0]);
}

describe('start screen', () => {
  it('renders in Japanese when the OS is Japanese, under the CSP, without errors', async () => {
    const p = await preview({ systemLocale: 'ja-JP' });
    // The browser says English: the OS language reported by the app must win.
    const { page, watch } = await watchedPage('en-US');
    const response = await openStart(page, p.url, 'はじめに');
    expect(response?.headers()['content-security-policy']).toBe(RENDERER_CSP);
    expect(response?.headers()['x-content-type-options']).toBe('nosniff');
    expect(response?.headers()['referrer-policy']).toBe('no-referrer');

    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ja');
    // The token left the address bar.
    expect(await page.evaluate(() => location.href)).toBe(`${p.bridge.origin}/`);

    await expect(page.getByRole('banner').textContent()).resolves.toContain('TF Assessor');
    for (const title of ['新規評価', '評価を開く', '提出パッケージを取り込む']) {
      await page.getByRole('button', { name: title }).waitFor();
    }
    const packs = page.getByTestId('pack');
    expect(await packs.count()).toBe(2);
    const nist = packs.filter({ hasText: 'nist-800-63-4@1.0.0' });
    await expect(nist.textContent()).resolves.toContain('NIST SP 800-63-4 デジタル・アイデンティティ・ガイドライン');
    await expect(nist.textContent()).resolves.toContain('基準 186 件');
    await expect(nist.textContent()).resolves.toContain('組み込み');
    await expect(packs.filter({ hasText: 'jp-trust-framework@0.9.2' }).textContent()).resolves.toContain('ユーザー追加');
    const recent = page.getByTestId('recent-list');
    await expect(recent.textContent()).resolves.toContain('株式会社サンプル認証');
    await expect(recent.textContent()).resolves.toContain('Example Identity Ltd.');

    await screenshotsAt(page, 'ja');
    expectClean(watch);
  });

  it('switches to English from the UI, saves the choice, and keeps it on the next load', async () => {
    const p = await preview({ systemLocale: 'ja-JP' });
    const { page, watch } = await watchedPage('ja-JP');
    await openStart(page, p.url, 'はじめに');

    await page.getByTestId('language-en').click();
    await page.getByRole('heading', { level: 1, name: 'Start' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Display language changed to English.');
    const packs = page.getByTestId('pack-list');
    await expect(packs.textContent()).resolves.toContain('NIST SP 800-63-4 Digital Identity Guidelines');
    await expect(packs.textContent()).resolves.toContain('186 criteria');
    await expect(packs.textContent()).resolves.toContain('1 criterion');
    await expect(packs.textContent()).resolves.toContain('Added by you');
    await expect.poll(() => p.savedSettings()).toEqual({ language: 'en' });

    // Opening the preview address again (the token is only in the printed address).
    await openStart(page, p.url, 'Start');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await page.getByTestId('language-en').locator('input').isChecked()).toBe(true);
    await page.getByRole('button', { name: 'New assessment' }).waitFor();
    await screenshotsAt(page, 'en');

    // Back to following the OS: Japanese again, and saved as such.
    await page.getByTestId('language-system').click();
    await page.getByRole('heading', { level: 1, name: 'はじめに' }).waitFor();
    await expect.poll(() => p.savedSettings()).toEqual({ language: 'system' });
    expectClean(watch);
  });

  it('follows an English OS when the setting is "system"', async () => {
    const p = await preview({ systemLocale: 'en-GB' });
    const { page, watch } = await watchedPage('ja-JP');
    await openStart(page, p.url, 'Start');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expectClean(watch);
  });

  it('reaches every control with the keyboard, with a visible focus ring', async () => {
    const p = await preview({ systemLocale: 'ja-JP' });
    const { page, watch } = await watchedPage();
    await openStart(page, p.url, 'はじめに');

    const stops: string[] = [];
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab');
      const stop = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        if (!el || el === document.body) return null;
        // The language radios are visually hidden: their label carries the ring.
        const ringOwner = el.matches('input[type=radio]') ? (el.closest('label') as HTMLElement) : el;
        const style = getComputedStyle(ringOwner);
        const box = ringOwner.getBoundingClientRect();
        return {
          id: el.dataset.testid ?? ringOwner.dataset.testid ?? el.textContent?.trim().slice(0, 40) ?? el.tagName,
          ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
          visible: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0,
        };
      });
      if (!stop) break;
      expect(stop.ring, `focus ring on ${stop.id}`).toBe(true);
      expect(stop.visible, `${stop.id} is on screen when focused`).toBe(true);
      if (stops.includes(stop.id)) break; // wrapped around
      stops.push(stop.id);
    }
    expect(stops[0]).toBe('メインコンテンツへ移動');
    for (const id of ['language-system', 'はじめに', '最近の評価', '基準パック', 'action-new', 'action-open', 'action-import']) {
      expect(stops, `Tab reaches ${id}`).toContain(id);
    }
    expect(stops.filter((s) => s.startsWith('株式会社') || s.startsWith('Example')).length).toBe(2);
    // Tab order follows the reading order.
    expect(stops.indexOf('language-system')).toBeLessThan(stops.indexOf('action-new'));
    expect(stops.indexOf('action-new')).toBeLessThan(stops.indexOf('action-open'));
    expect(stops.indexOf('action-open')).toBeLessThan(stops.indexOf('action-import'));

    // The skip link moves focus to the main landmark, past the header and the navigation.
    await openStart(page, p.url, 'はじめに');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main-content');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.testid)).toBe('action-new');

    // Actions answer Enter and Space: "New assessment" opens the wizard…
    await page.getByTestId('action-new').focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: '新規評価' }).waitFor();
    await page.getByTestId('wizard-cancel').click();
    await page.getByRole('heading', { level: 1, name: 'はじめに' }).waitFor();
    // …and "Import a submitted package" opens the intake screen.
    await page.getByTestId('action-import').focus();
    await page.keyboard.press('Space');
    await page.getByRole('heading', { level: 1, name: '提出パッケージの受付' }).waitFor();
    await page.getByTestId('intake-nav-start').click();
    await page.getByRole('heading', { level: 1, name: 'はじめに' }).waitFor();

    // The language switch works from the keyboard too (arrow keys move within the group).
    await page.getByTestId('language-system').locator('input').focus();
    await page.keyboard.press('ArrowRight'); // 日本語
    await page.keyboard.press('ArrowRight'); // English
    await page.getByRole('heading', { level: 1, name: 'Start' }).waitFor();
    await expect.poll(() => p.savedSettings()).toEqual({ language: 'en' });
    expectClean(watch);
  });

  it('shows empty lists as plain statements', async () => {
    const p = await preview({ systemLocale: 'ja-JP', packs: [], recent: [] });
    const { page, watch } = await watchedPage();
    await openStart(page, p.url, 'はじめに');
    await expect(page.getByTestId('recent-empty').textContent()).resolves.toContain('まだ評価はありません。');
    await expect(page.locator('#packs').textContent()).resolves.toContain('基準パックがインストールされていません。');
    expectClean(watch);
  });

  it('shows a failing call as an alert, keeps the rest working, and recovers on retry', async () => {
    let calls = 0;
    const p = await preview({
      systemLocale: 'ja-JP',
      listPacks: async () => {
        calls += 1;
        if (calls === 1) throw new ApiFailure('io', 'Cannot read criteria/nist-800-63-4/1.0.0/pack.yaml: permission denied.');
        return SAMPLE_PACKS;
      },
    });
    const { page, watch } = await watchedPage();
    await openStart(page, p.url, 'はじめに');
    const alert = page.getByTestId('alert');
    await expect(alert.textContent()).resolves.toContain('インストール済みの基準パックを一覧できませんでした。');
    await expect(alert.textContent()).resolves.toContain('Cannot read criteria/nist-800-63-4/1.0.0/pack.yaml: permission denied.');
    // The rest still works.
    await expect(page.getByTestId('recent-list').textContent()).resolves.toContain('株式会社サンプル認証');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'start-ja-error-1280x800.png') });

    await page.getByTestId('packs-unavailable').getByRole('button', { name: '再試行' }).click();
    await page.getByTestId('pack-list').waitFor();
    expect(await page.getByTestId('pack').count()).toBe(2);
    expect(await page.getByTestId('alert').count()).toBe(0);
    expectClean(watch);
  });

  it('lets the user dismiss an alert', async () => {
    const p = await preview({
      systemLocale: 'ja-JP',
      listPacks: async () => {
        throw new ApiFailure('io', 'Cannot read the pack folder.');
      },
    });
    const { page, watch } = await watchedPage();
    await openStart(page, p.url, 'はじめに');
    await page.getByTestId('alert').getByRole('button', { name: '閉じる' }).click();
    expect(await page.getByTestId('alert').count()).toBe(0);
    expectClean(watch);
  });

  it('explains a reload without the session token instead of failing silently', async () => {
    const p = await preview({ systemLocale: 'ja-JP' });
    const { page, watch } = await watchedPage('en-US');
    await openStart(page, p.url, 'はじめに');
    await page.reload(); // the token was taken out of the address, so it is gone now
    await page.getByRole('heading', { level: 1 }).waitFor();
    await expect.poll(() => page.getByTestId('alerts').textContent()).toContain('open the address printed by npm run preview');
    // One cause, one alert: the four calls it broke are listed in it.
    expect(await page.getByTestId('alert').count()).toBe(1);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'start-en-no-session-1280x800.png') });
    // No request was refused by the bridge: the client did not send any without a token.
    expectClean(watch);

    // Pasting the printed address again changes only the fragment: the app picks the token
    // up, loads what it could not, and clears the alerts.
    await page.goto(p.url);
    await page.getByRole('heading', { level: 1, name: 'はじめに' }).waitFor();
    await expect.poll(() => page.getByTestId('alert').count()).toBe(0);
    await expect(page.getByTestId('recent-list').textContent()).resolves.toContain('株式会社サンプル認証');
    expect(await page.evaluate(() => location.href)).toBe(`${p.bridge.origin}/`);
    expectClean(watch);
  });

  it('enforces the CSP: injected inline script and style are blocked and reported', async () => {
    const p = await preview();
    const { page, watch } = await watchedPage();
    await openStart(page, p.url, 'はじめに');
    const ran = await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true';
      document.head.append(script);
      const style = document.createElement('style');
      style.textContent = 'body { background: red }';
      document.head.append(style);
      return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
    });
    expect(ran).toBe(false);
    // Reported once per policy (the header and the meta tag each enforce it).
    await expect.poll(() => [...new Set(watch.cspViolations.map((v) => v.directive))].sort()).toEqual(['script-src-elem', 'style-src-elem']);
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe('rgb(255, 0, 0)');
  });
});

describe('accessibility (axe-core)', () => {
  const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

  for (const language of ['ja', 'en'] as const) {
    it(`has no serious or critical violations in ${language === 'ja' ? 'Japanese' : 'English'}`, async () => {
      const p = await preview({ systemLocale: language === 'ja' ? 'ja-JP' : 'en-US' });
      // bypassCSP only here, so axe can be injected; the CSP tests above use normal contexts.
      const context = await browser.newContext({ viewport: VIEWPORTS[0], bypassCSP: true });
      contexts.push(context);
      const page = await context.newPage();
      await openStart(page, p.url, language === 'ja' ? 'はじめに' : 'Start');
      // Include a notice so the live region is checked with content in it.
      await page.getByTestId('action-open').click();
      await page.getByRole('status').getByRole('paragraph').waitFor();
      await page.addScriptTag({ path: axePath });
      const violations = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown }> }> }> } }).axe;
        const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
        return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
      });
      expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
    });
  }
});

describe('installed packs', () => {
  it('lists the built-in criteria packs read from criteria/ by the real pack loader', async () => {
    const { createPackLister } = await import('../../electron/main/services/packs');
    const p = await preview({
      packs: undefined,
      listPacks: createPackLister({ builtinDir: join(process.cwd(), 'criteria'), userDir: join(process.cwd(), 'test-output', 'no-user-packs') }),
    });
    const { page, watch } = await watchedPage('en-US');
    await openStart(page, p.url, 'はじめに');
    const packs = page.locator('#packs');
    for (const ref of ['jp-idtf@1.0.0', 'jp-idtf@2.0.0', 'nist-800-63-4@1.0.0']) {
      await packs.getByText(ref, { exact: false }).first().waitFor({ state: 'visible', timeout: 10_000 });
    }
    expectClean(watch);
  });
});
