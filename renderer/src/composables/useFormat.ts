import { computed } from 'vue';
import { useI18n } from 'vue-i18n';
import type { Language } from '../../../core/api/contract';
import { formatBytes, formatDateTime } from './format';

/**
 * Dates, sizes and pack texts in the UI language (the same formatting as the criteria
 * screens), dates in the user's own time zone.
 */
export function useFormat() {
  const { locale } = useI18n();
  const language = computed<Language>(() => (locale.value === 'en' ? 'en' : 'ja'));
  const intlLocale = computed(() => (language.value === 'ja' ? 'ja-JP' : 'en-GB'));

  return {
    language,
    dateTime: (iso: string): string => formatDateTime(iso, intlLocale.value),
    bytes: (n: number): string => formatBytes(n, intlLocale.value),
    /** A pack text in the UI language. */
    text(t: { ja: string; en: string } | undefined): string {
      return t ? t[language.value] || t.en || t.ja : '';
    },
  };
}
