// The stores with their real actions; only window.api (the process boundary) is mocked.
import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { ApiResult } from '../../../core/api/contract';
import { installMockApi, INFO_JA, ok, PACKS, RECENT, type MockApi } from '../testing/mockApi';
import { useAppStore } from './app';
import { useNotificationsStore } from './notifications';
import { useSettingsStore } from './settings';

let api: MockApi;

beforeEach(() => {
  setActivePinia(createPinia());
  api = installMockApi({ packs: PACKS, recent: RECENT });
});

const failure = (code: 'io' | 'read-only', message: string): ApiResult<never> => ({ ok: false, error: { code, message } });

describe('useAppStore', () => {
  it('loads the app info', async () => {
    const app = useAppStore();
    await app.loadInfo();
    expect(app.info).toEqual(INFO_JA);
  });

  it('lists packs by id, newest version first, and recent assessments newest first', async () => {
    const app = useAppStore();
    const loading = app.loadStartScreen();
    expect(app.packsState).toBe('loading');
    expect(app.recentState).toBe('loading');
    await loading;
    expect(app.packsState).toBe('ready');
    expect(app.packs.map((p) => `${p.id}@${p.version}`)).toEqual(['acme-framework@2.0.0', 'nist-800-63-4@1.10.0', 'nist-800-63-4@1.0.0']);
    expect(app.recent.map((r) => r.handle)).toEqual(['b', 'a']);
    expect(api.packsList).toHaveBeenCalledTimes(1);
    expect(api.assessmentsListRecent).toHaveBeenCalledTimes(1);
  });

  it('turns a failed call into an alert, and a later success clears it', async () => {
    const app = useAppStore();
    const notifications = useNotificationsStore();
    api.packsList.mockResolvedValueOnce(failure('io', 'Cannot read criteria/x/pack.yaml.'));
    await app.loadPacks();
    expect(app.packsState).toBe('error');
    expect(app.packs).toEqual([]);
    expect(notifications.errors).toMatchObject([{ context: 'packs', error: { code: 'io', message: 'Cannot read criteria/x/pack.yaml.' } }]);

    await app.loadPacks();
    expect(app.packsState).toBe('ready');
    expect(notifications.errors).toEqual([]);
  });

  it('survives a window.api that throws instead of answering', async () => {
    const app = useAppStore();
    api.assessmentsListRecent.mockRejectedValueOnce(new Error('IPC channel closed'));
    await expect(app.loadRecent()).resolves.toBeUndefined();
    expect(app.recentState).toBe('error');
    expect(useNotificationsStore().errors).toMatchObject([{ context: 'recent', error: { code: 'internal', message: 'IPC channel closed' } }]);
  });

  it('announces that an action comes in a later version', () => {
    const app = useAppStore();
    app.requestAction('import');
    expect(useNotificationsStore().notice).toMatchObject({ key: 'actions.notAvailable', params: { action: { key: 'actions.import.title' } } });
  });
});

describe('useSettingsStore', () => {
  it('follows the OS language while the setting is "system"', async () => {
    const app = useAppStore();
    const settings = useSettingsStore();
    await Promise.all([app.loadInfo(), settings.load()]);
    expect(settings.settings).toEqual({ language: 'system' });
    expect(settings.effectiveLanguage).toBe('ja');
    api.appInfo.mockResolvedValueOnce(ok({ ...INFO_JA, systemLanguage: 'en' }));
    await app.loadInfo();
    expect(settings.effectiveLanguage).toBe('en');
  });

  it('uses a saved language over the OS language', async () => {
    api = installMockApi({ settings: { language: 'en' } });
    const app = useAppStore();
    const settings = useSettingsStore();
    await Promise.all([app.loadInfo(), settings.load()]);
    expect(settings.effectiveLanguage).toBe('en');
  });

  it('saves a language choice through tfa:settings:set and announces it', async () => {
    const app = useAppStore();
    const settings = useSettingsStore();
    await Promise.all([app.loadInfo(), settings.load()]);
    const saving = settings.setLanguage('en');
    expect(settings.effectiveLanguage).toBe('en'); // at once, before the save returns
    await saving;
    expect(api.settingsSet).toHaveBeenCalledWith({ language: 'en' });
    expect(settings.settings).toEqual({ language: 'en' });
    expect(useNotificationsStore().notice).toMatchObject({ key: 'language.changed' });
    // Saved: a fresh store (a restart) reads it back.
    setActivePinia(createPinia());
    const again = useSettingsStore();
    await again.load();
    expect(again.effectiveLanguage).toBe('en');
  });

  it('does not call the api when the language is unchanged', async () => {
    const settings = useSettingsStore();
    await settings.load();
    await settings.setLanguage('system');
    expect(api.settingsSet).not.toHaveBeenCalled();
  });

  it('puts the previous language back and raises an alert when saving fails', async () => {
    const app = useAppStore();
    const settings = useSettingsStore();
    await Promise.all([app.loadInfo(), settings.load()]);
    api.settingsSet.mockResolvedValueOnce(failure('read-only', 'Cannot write to /data/settings.json.'));
    await settings.setLanguage('en');
    expect(settings.settings).toEqual({ language: 'system' });
    expect(settings.effectiveLanguage).toBe('ja');
    expect(useNotificationsStore().errors).toMatchObject([{ context: 'saveSettings', error: { code: 'read-only' } }]);
  });

  it('saves one choice at a time and ends with the latest one saved', async () => {
    const settings = useSettingsStore();
    await settings.load();
    let releaseFirst!: () => void;
    const realSet = api.settingsSet.getMockImplementation()!;
    api.settingsSet.mockImplementationOnce((patch) => new Promise((resolve) => (releaseFirst = () => resolve(realSet(patch)))));
    const first = settings.setLanguage('en');
    const second = settings.setLanguage('ja');
    expect(settings.effectiveLanguage).toBe('ja'); // the screen follows the latest click
    expect(api.settingsSet).toHaveBeenCalledTimes(1); // the second waits for the first
    releaseFirst();
    await Promise.all([first, second]);
    expect(api.settingsSet.mock.calls.map(([patch]) => patch)).toEqual([{ language: 'en' }, { language: 'ja' }]);
    expect(settings.settings).toEqual({ language: 'ja' });
    // The mock keeps what was saved last, as main does on disk.
    expect(await window.api!.settingsGet()).toEqual({ ok: true, value: { language: 'ja' } });
  });

  it('skips a save when the user returns to the saved language before it starts', async () => {
    const settings = useSettingsStore();
    await settings.load();
    let releaseFirst!: () => void;
    const realSet = api.settingsSet.getMockImplementation()!;
    api.settingsSet.mockImplementationOnce((patch) => new Promise((resolve) => (releaseFirst = () => resolve(realSet(patch)))));
    const first = settings.setLanguage('en');
    void settings.setLanguage('ja');
    void settings.setLanguage('en');
    releaseFirst();
    await first;
    expect(api.settingsSet).toHaveBeenCalledTimes(1);
    expect(settings.settings).toEqual({ language: 'en' });
  });

  it('falls back to defaults with an alert when the settings cannot be read', async () => {
    api.settingsGet.mockResolvedValueOnce(failure('io', 'settings.json is unreadable.'));
    const settings = useSettingsStore();
    await settings.load();
    expect(settings.loaded).toBe(true);
    expect(settings.settings).toEqual({ language: 'system' });
    expect(useNotificationsStore().errors).toMatchObject([{ context: 'settings' }]);
  });
});

describe('useNotificationsStore', () => {
  it('keeps one alert per context and re-announces a repeated notice', () => {
    const n = useNotificationsStore();
    n.reportError('packs', { code: 'io', message: 'first' });
    n.reportError('packs', { code: 'io', message: 'second' });
    expect(n.errors.map((e) => e.error.message)).toEqual(['second']);
    n.announce('language.changed');
    const firstId = n.notice?.id;
    n.announce('language.changed');
    expect(n.notice?.id).not.toBe(firstId);
  });
});
