import { watch } from 'vue';
import { storeToRefs } from 'pinia';
import { useI18n } from 'vue-i18n';
import { useSettingsStore } from '../stores/settings';

/**
 * Keeps vue-i18n and <html lang> on the effective language. The lang attribute matters:
 * screen readers pick their voice from it and the CSS picks Japanese fonts with :lang(ja).
 */
export function useDocumentLanguage(): void {
  const { locale } = useI18n({ useScope: 'global' });
  const { effectiveLanguage } = storeToRefs(useSettingsStore());
  watch(
    effectiveLanguage,
    (language) => {
      locale.value = language;
      document.documentElement.lang = language;
    },
    { immediate: true },
  );
}
