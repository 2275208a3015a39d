import { createI18n } from 'vue-i18n';
import type { Language } from '../../../core/api/contract';
import ja, { type Messages } from './ja';
import en from './en';

export type { Messages };
export const messages: Record<Language, Messages> = { ja, en };

/** Language names are shown in their own language, whatever the UI language is. */
export const LANGUAGE_NAMES: Record<Language, string> = { ja: '日本語', en: 'English' };

/** The browser's preferred language, used only until the app's settings have loaded. */
export function guessLanguage(preferred: readonly string[]): Language {
  return preferred[0]?.toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

export function createAppI18n(locale: Language) {
  return createI18n<[Messages], Language, false>({
    legacy: false,
    locale,
    fallbackLocale: 'en',
    messages,
  });
}
