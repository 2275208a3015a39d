// The start screen mounted for real (stores, i18n, components) over a mocked window.api.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import App from './App.vue';
import { createAppI18n } from './i18n';
import { createAppRouter } from './router';
import { useAppStore } from './stores/app';
import { useSettingsStore } from './stores/settings';
import { installMockApi, INFO_JA, PACKS, RECENT, type MockApi, type MockApiOptions } from './testing/mockApi';

let wrapper: VueWrapper | undefined;

beforeEach(() => {
  document.body.innerHTML = '';
});

afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
  delete window.api;
});

/** Starts the app the way main.ts does: info and settings first, then mount. */
async function start(options: MockApiOptions = {}, configure?: (api: MockApi) => void) {
  const api = installMockApi(options);
  configure?.(api);
  const pinia = createPinia();
  setActivePinia(pinia);
  const settings = useSettingsStore();
  await Promise.all([useAppStore().loadInfo(), settings.load()]);
  const router = createAppRouter();
  wrapper = mount(App, { global: { plugins: [pinia, createAppI18n(settings.effectiveLanguage), router] }, attachTo: document.body });
  await router.isReady();
  await flushPromises();
  return { api, wrapper, router };
}

describe('start screen', () => {
  it('shows the actions, packs and recent assessments in Japanese', async () => {
    const { wrapper } = await start({ packs: PACKS, recent: RECENT });
    expect(document.documentElement.lang).toBe('ja');
    expect(wrapper.get('h1').text()).toBe('はじめに');
    const text = wrapper.text();
    for (const s of ['新規評価', '評価を開く', '提出パッケージを取り込む', 'NIST SP 800-63-4 デジタル・アイデンティティ・ガイドライン', 'nist-800-63-4@1.0.0', '基準 186 件', '組み込み', 'ユーザー追加', '新しい組織']) {
      expect(text).toContain(s);
    }
    // Landmarks a screen-reader user navigates by.
    expect(wrapper.findAll('header').length).toBeGreaterThan(0);
    expect(wrapper.find('nav[aria-label]').exists()).toBe(true);
    expect(wrapper.find('main#main-content').exists()).toBe(true);
    expect(wrapper.find('[role="status"][aria-live="polite"]').exists()).toBe(true);
    expect(wrapper.find('[role="alert"]').exists()).toBe(true);
  });

  it('switches to English from the language switch and saves it', async () => {
    const { api, wrapper } = await start({ packs: PACKS });
    await wrapper.get('[data-testid="language-en"] input').setValue(true);
    await flushPromises();
    expect(api.settingsSet).toHaveBeenCalledWith({ language: 'en' });
    expect(document.documentElement.lang).toBe('en');
    expect(wrapper.get('h1').text()).toBe('Start');
    expect(wrapper.text()).toContain('NIST SP 800-63-4 Digital Identity Guidelines');
    expect(wrapper.text()).toContain('1 criterion');
    expect(wrapper.get('[role="status"]').text()).toBe('Display language changed to English.');
  });

  it('names the OS language on the "Auto" option', async () => {
    const { wrapper } = await start({ info: { ...INFO_JA, systemLanguage: 'en' }, settings: { language: 'ja' } });
    const auto = wrapper.get('[data-testid="language-system"]');
    expect(auto.text()).toContain('自動');
    expect(auto.text()).toContain('English');
    expect(wrapper.get('[data-testid="language-ja"] input').element).toHaveProperty('checked', true);
  });

  it('says so when there are no packs and no assessments', async () => {
    const { wrapper } = await start({ info: { ...INFO_JA, systemLanguage: 'en' } });
    expect(wrapper.get('#recent').text()).toContain('No assessments yet.');
    expect(wrapper.get('#packs').text()).toContain('No criteria packs are installed.');
  });

  it('opens the intake of submitted packages from "Import a submitted package"', async () => {
    const { wrapper, router } = await start({}, (a) => a.reviewsList.mockResolvedValue({ ok: true, value: [] }));
    await wrapper.get('[data-testid="action-import"]').trigger('click');
    await flushPromises();
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('intake'));
  });

  it('starts the new-assessment wizard from "New assessment"', async () => {
    const { wrapper, router } = await start({ packs: PACKS });
    await wrapper.get('[data-testid="action-new"]').trigger('click');
    await flushPromises();
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('wizard'));
  });

  it('opens an assessment folder through the native dialog on the desktop', async () => {
    const picked = { handle: 'h1', organization: '株式会社テスト', service: 'ID', pack: 'nist-800-63-4@1.0.0', updatedAt: '2025-06-01T00:00:00.000Z' };
    const { wrapper, router, api } = await start({}, (a) => a.dialogsPickAssessment.mockResolvedValue({ ok: true, value: picked }));
    await wrapper.get('[data-testid="action-open"]').trigger('click');
    await flushPromises();
    expect(api.dialogsPickAssessment).toHaveBeenCalledTimes(1);
    await vi.waitFor(() => expect(router.currentRoute.value.params.handle).toBe('h1'));
  });

  it('stays on the start screen when the folder dialog is cancelled', async () => {
    const { wrapper, router } = await start({}, (a) => a.dialogsPickAssessment.mockResolvedValue({ ok: true, value: null }));
    await wrapper.get('[data-testid="action-open"]').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.name).toBe('start');
  });

  it('points to the recent list in the browser preview, which has no folder dialog', async () => {
    const { wrapper, api } = await start({ info: { ...INFO_JA, host: 'bridge' }, recent: RECENT });
    await wrapper.get('[data-testid="action-open"]').trigger('click');
    expect(api.dialogsPickAssessment).not.toHaveBeenCalled();
    expect(document.activeElement?.id).toBe('recent');
    expect(wrapper.get('[role="status"]').text()).toContain('「最近の評価」の一覧から開きます');
  });

  it('opens a recent assessment in its workspace', async () => {
    const { wrapper, router } = await start({ recent: RECENT });
    await wrapper.findAll('[data-testid="recent-list"] button')[0]!.trigger('click');
    await flushPromises();
    await vi.waitFor(() => expect(router.currentRoute.value.params.handle).toBe('b'));
  });

  it('shows api failures in the alert region, one alert per cause, and lets the user dismiss it', async () => {
    const refused = { ok: false as const, error: { code: 'forbidden' as const, message: 'Session token missing.' } };
    const { wrapper } = await start({}, (api) => {
      api.packsList.mockResolvedValue(refused);
      api.assessmentsListRecent.mockResolvedValue(refused);
    });
    const alerts = wrapper.findAll('[data-testid="alert"]');
    expect(alerts).toHaveLength(1);
    const text = alerts[0]!.text();
    expect(text).toContain('インストール済みの基準パックを一覧できませんでした。');
    expect(text).toContain('最近の評価を一覧できませんでした。');
    expect(text).toContain('アクセスが拒否されました。');
    expect(text).toContain('詳細: Session token missing.');
    // The rest of the screen is still there.
    expect(wrapper.get('h1').text()).toBe('はじめに');
    await alerts[0]!.get('button').trigger('click');
    expect(wrapper.findAll('[data-testid="alert"]')).toHaveLength(0);
  });
});
