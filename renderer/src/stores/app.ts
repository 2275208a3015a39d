import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { AppInfo, PackSummary, RecentAssessment } from '../../../core/api/contract';
import { api } from '../api';
import { useNotificationsStore } from './notifications';

export type LoadState = 'idle' | 'loading' | 'ready' | 'error';

/** The start screen's actions that later versions implement. */
export type StartAction = 'new' | 'open' | 'import';

export const useAppStore = defineStore('app', () => {
  const notifications = useNotificationsStore();

  const info = ref<AppInfo | null>(null);
  const packs = ref<PackSummary[]>([]);
  const packsState = ref<LoadState>('idle');
  const recent = ref<RecentAssessment[]>([]);
  const recentState = ref<LoadState>('idle');

  async function loadInfo(): Promise<void> {
    const result = await api.appInfo();
    if (result.ok) {
      info.value = result.value;
      notifications.clearError('info');
    } else {
      notifications.reportError('info', result.error);
    }
  }

  async function loadPacks(): Promise<void> {
    packsState.value = 'loading';
    const result = await api.packsList();
    if (result.ok) {
      // Stable order whatever the loader returns: by id, then newest version first.
      packs.value = [...result.value].sort(
        (a, b) => a.id.localeCompare(b.id) || b.version.localeCompare(a.version, undefined, { numeric: true }),
      );
      packsState.value = 'ready';
      notifications.clearError('packs');
    } else {
      packsState.value = 'error';
      notifications.reportError('packs', result.error);
    }
  }

  async function loadRecent(): Promise<void> {
    recentState.value = 'loading';
    const result = await api.assessmentsListRecent();
    if (result.ok) {
      recent.value = [...result.value].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
      recentState.value = 'ready';
      notifications.clearError('recent');
    } else {
      recentState.value = 'error';
      notifications.reportError('recent', result.error);
    }
  }

  /** Loads the lists the start screen shows. */
  async function loadStartScreen(): Promise<void> {
    await Promise.all([loadPacks(), loadRecent()]);
  }

  function requestAction(action: StartAction): void {
    notifications.announce('actions.notAvailable', { action: { key: `actions.${action}.title` } });
  }

  /** True in the desktop app, where native dialogs exist (the preview has none). */
  const hasDialogs = computed(() => info.value?.host === 'electron');

  /**
   * Desktop: the native folder dialog for an existing assessment, which main adds to the
   * recent list. The chosen assessment, or null (cancelled, or an alert says why).
   */
  async function pickAssessment(): Promise<RecentAssessment | null> {
    const result = await api.dialogsPickAssessment();
    if (!result.ok) {
      notifications.reportError('openAssessment', result.error);
      return null;
    }
    notifications.clearError('openAssessment');
    if (result.value) void loadRecent();
    return result.value;
  }

  return { info, packs, packsState, recent, recentState, hasDialogs, loadInfo, loadPacks, loadRecent, loadStartScreen, requestAction, pickAssessment };
});
