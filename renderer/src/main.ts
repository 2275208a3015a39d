// First: configures zod before any module builds the contract's schemas.
import './api/zod-jitless';
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import './styles/base.css';
import './styles/forms.css';
import App from './App.vue';
import { initApi } from './api';
import { createAppI18n } from './i18n';
import { createAppRouter } from './router';
import { installAppCommands } from './composables/useAppCommands';
import { useAppStore } from './stores/app';
import { useSettingsStore } from './stores/settings';

async function start(): Promise<void> {
  const pinia = createPinia();
  const app = createApp(App);
  app.use(pinia);
  const appStore = useAppStore(pinia);
  const settings = useSettingsStore(pinia);

  initApi(() => {
    void Promise.all([appStore.loadInfo(), settings.load(), appStore.loadStartScreen()]);
  });

  // Learn the OS language and the saved choice before the first paint, so the screen does
  // not flash in another language. Failures become alerts (the api never throws).
  await Promise.all([appStore.loadInfo(), settings.load()]);

  app.use(createAppI18n(settings.effectiveLanguage));
  const router = createAppRouter();
  app.use(router);
  // Desktop: commands from the application menu (File, Edit ▸ Undo/Redo, Go).
  installAppCommands(router);
  await router.isReady();
  app.mount('#app');
}

void start();
