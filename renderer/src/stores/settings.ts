import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Language, Settings } from '../../../core/api/contract';
import { api } from '../api';
import { guessLanguage } from '../i18n';
import { useAppStore } from './app';
import { useNotificationsStore } from './notifications';

export const useSettingsStore = defineStore('settings', () => {
  const app = useAppStore();
  const notifications = useNotificationsStore();

  /** What the screen shows: the user's latest choice, even while it is being saved. */
  const settings = ref<Settings>({ language: 'system' });
  /** What main has confirmed as saved. */
  let saved: Settings = { language: 'system' };
  const loaded = ref(false);
  const saving = ref(false);

  /** The language on screen: the chosen one, or the OS language when set to follow it. */
  const effectiveLanguage = computed<Language>(() => {
    if (settings.value.language !== 'system') return settings.value.language;
    // Until the app info arrives (or if it cannot be read) the browser's language stands in.
    return app.info?.systemLanguage ?? guessLanguage(navigator.languages ?? [navigator.language]);
  });

  async function load(): Promise<void> {
    const result = await api.settingsGet();
    if (result.ok) {
      saved = result.value;
      settings.value = result.value;
      notifications.clearError('settings');
    } else {
      notifications.reportError('settings', result.error);
    }
    loaded.value = true;
  }

  // Saves run one at a time, always sending the latest choice: two saves in flight at once
  // could finish in either order and leave the older choice on disk.
  let wanted: Settings['language'] | null = null;
  let flushing: Promise<void> | null = null;

  async function flush(): Promise<void> {
    saving.value = true;
    try {
      while (wanted !== null && wanted !== saved.language) {
        const target = wanted;
        const result = await api.settingsSet({ language: target });
        if (!result.ok) {
          // Show what is really saved, and say why the choice did not stick.
          wanted = null;
          settings.value = saved;
          notifications.reportError('saveSettings', result.error);
          return;
        }
        saved = result.value;
      }
      wanted = null;
      settings.value = saved;
      notifications.clearError('saveSettings');
      notifications.announce('language.changed');
    } finally {
      saving.value = false;
      flushing = null;
    }
  }

  /** Switches the language at once and saves it; resolves when the save has settled. */
  function setLanguage(language: Settings['language']): Promise<void> {
    if (settings.value.language === language) return flushing ?? Promise.resolve();
    settings.value = { ...settings.value, language };
    wanted = language;
    flushing ??= flush();
    return flushing;
  }

  return { settings, loaded, saving, effectiveLanguage, load, setLanguage };
});
