import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ApiError } from '../../../core/api/contract';

/** What the user was doing when an API call failed; selects the headline of the alert (`errors.context.<context>`). */
export const ERROR_CONTEXTS = [
  'info',
  'settings',
  'saveSettings',
  'packs',
  'recent',
  'createAssessment',
  'openAssessment',
  'closeAssessment',
  'loadPack',
  'saveAnswer',
  'saveProfile',
  'evidence',
  'findings',
  'claims',
  'journal',
  'undo',
] as const;
export type ErrorContext = (typeof ERROR_CONTEXTS)[number];

export interface AppErrorEntry {
  id: number;
  context: ErrorContext;
  error: ApiError;
}

/** A message parameter that is itself a message key, translated when shown. */
export interface MessageRef {
  key: string;
}

/**
 * Notices are stored as message keys, not text, so an announcement already on screen
 * follows a language switch.
 */
export interface Notice {
  id: number;
  key: string;
  params?: Record<string, string | MessageRef>;
}

export const useNotificationsStore = defineStore('notifications', () => {
  const errors = ref<AppErrorEntry[]>([]);
  const notice = ref<Notice | null>(null);
  let nextId = 1;

  function reportError(context: ErrorContext, error: ApiError): void {
    // One alert per context: a retried call that fails again replaces the old alert.
    errors.value = [...errors.value.filter((e) => e.context !== context), { id: nextId++, context, error }];
  }

  function clearError(context: ErrorContext): void {
    errors.value = errors.value.filter((e) => e.context !== context);
  }

  function dismissError(id: number): void {
    errors.value = errors.value.filter((e) => e.id !== id);
  }

  function announce(key: string, params?: Notice['params']): void {
    // A fresh id re-renders the live region, so repeating the same notice is announced again.
    notice.value = { id: nextId++, key, ...(params ? { params } : {}) };
  }

  function dismissNotice(): void {
    notice.value = null;
  }

  return { errors, notice, reportError, clearError, dismissError, announce, dismissNotice };
});
