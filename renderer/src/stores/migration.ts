// The pack migration screen's state: newer installed versions of the assessment's pack, the
// one chosen, the preview of moving to it (core's previewMigration, which runs the very
// migrateAnswers a migration applies), and applying it (tfa:migration:apply) with its report.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { ApiError, PackDetail, PackSummary, ResultOf } from '../../../core/api/contract';
import { compareSemVer } from '../../../core/criteria/semver';
import { previewMigration, type MigrationPackOutline, type MigrationPreview } from '../../../core/migration/preview';
import { api } from '../api';
import { useAppStore } from './app';
import { useAssessmentStore } from './assessment';
import { useNotificationsStore } from './notifications';

/**
 * `unavailable`: the app cannot hand the target's mapping to the screen (see `mappingOf`);
 * `error`: loading the target or working out the preview failed (`message` says why).
 */
export type MigrationState = 'idle' | 'loading' | 'ready' | 'unavailable' | 'error';

/** `applying`: main is moving the assessment; `done`: `result` holds the report; `error`: `applyError` says why. */
export type ApplyState = 'idle' | 'applying' | 'done' | 'error';

/** What an applied migration did, for the report shown after it. */
export interface AppliedMigration {
  handle: string;
  report: ResultOf<'tfa:migration:apply'>['report'];
}

const keyOf = (p: Pick<PackSummary, 'id' | 'version' | 'hash'>) => `${p.id}@${p.version}#${p.hash}`;

type MappingEntries = NonNullable<MigrationPackOutline['mapping']>['entries'];

/**
 * The mapping from the previous version that a pack detail carries, as migrateAnswers needs
 * it: entries with the old criteria (`from`) and the new ones (`to`). null for a version
 * that declares no mapping (a pack installed without one): nothing can be migrated to it.
 */
export function mappingOf(detail: PackDetail): MigrationPackOutline['mapping'] | null {
  const changes = detail.changes;
  return changes ? { from: changes.from, entries: changes.entries as MappingEntries } : null;
}

export const useMigrationStore = defineStore('migration', () => {
  const app = useAppStore();
  const assessment = useAssessmentStore();
  const notifications = useNotificationsStore();

  const selected = ref<string | null>(null);
  const state = ref<MigrationState>('idle');
  const message = ref<string | null>(null);
  const preview = shallowRef<MigrationPreview | null>(null);
  const target = shallowRef<PackDetail | null>(null);
  /** Revision of the document the preview was worked out on: applying is refused if it moved on. */
  const previewRevision = ref<number | null>(null);
  const applyState = ref<ApplyState>('idle');
  const applyError = ref<ApiError | null>(null);
  const result = shallowRef<AppliedMigration | null>(null);
  /** Set while the assessment is reopened on its new pack, so the report survives it. */
  let reopening = false;

  const canApply = computed(() => state.value === 'ready' && preview.value !== null && target.value !== null && applyState.value !== 'applying');

  /** Installed versions of the same pack newer than the pinned one, newest first. */
  const candidates = computed<PackSummary[]>(() => {
    const pinned = assessment.view?.pack;
    if (!pinned) return [];
    return app.packs.filter((p) => p.id === pinned.id && compareSemVer(p.version, pinned.version) > 0).sort((a, b) => compareSemVer(b.version, a.version));
  });

  /** Makes sure the installed packs are listed (the start screen may not have run). */
  async function loadCandidates(): Promise<void> {
    if (app.packsState !== 'ready' && app.packsState !== 'loading') await app.loadPacks();
    if (selected.value === null || !candidates.value.some((c) => keyOf(c) === selected.value)) {
      selected.value = candidates.value[0] ? keyOf(candidates.value[0]) : null;
    }
  }

  function select(key: string): void {
    if (key === selected.value) return;
    selected.value = key;
    state.value = 'idle';
    preview.value = null;
    applyError.value = null;
  }

  /** Loads the chosen version in full and works out what the migration would do. */
  async function runPreview(): Promise<boolean> {
    const choice = candidates.value.find((c) => keyOf(c) === selected.value);
    const doc = assessment.document;
    const current = assessment.pack;
    if (!choice || !doc || !current) return false;
    state.value = 'loading';
    message.value = null;
    preview.value = null;
    applyError.value = null;
    if (applyState.value === 'error') applyState.value = 'idle';
    previewRevision.value = assessment.view?.document.revision ?? null;
    const r = await api.packsGet({ id: choice.id, version: choice.version, hash: choice.hash });
    if (selected.value !== keyOf(choice)) return false;
    if (!r.ok) {
      notifications.reportError('loadPack', r.error);
      state.value = 'error';
      message.value = r.error.message;
      return false;
    }
    target.value = r.value;
    const mapping = mappingOf(r.value);
    if (!mapping) {
      state.value = 'unavailable';
      return false;
    }
    try {
      preview.value = previewMigration(doc, current, { id: r.value.id, version: r.value.version, criteria: r.value.criteria, mapping });
      state.value = 'ready';
      return true;
    } catch (err) {
      state.value = 'error';
      message.value = err instanceof Error ? err.message : String(err);
      return false;
    }
  }

  /**
   * Applies the previewed migration (tfa:migration:apply), then reopens the assessment so
   * every screen works on the new pack version, and keeps the report in `result`. Refused by
   * main with `conflict` when the assessment changed since the preview: preview again.
   */
  async function apply(): Promise<boolean> {
    const to = target.value;
    const forHandle = assessment.handle;
    if (!canApply.value || !to || !forHandle || previewRevision.value === null) return false;
    applyState.value = 'applying';
    applyError.value = null;
    // Edits typed before pressing Apply go first; if they moved the revision, main says so.
    await assessment.settled();
    const r = await api.migrationApply({ handle: forHandle, to: { id: to.id, version: to.version, hash: to.hash }, expectRevision: previewRevision.value });
    if (!r.ok) {
      applyState.value = 'error';
      applyError.value = r.error;
      return false;
    }
    result.value = { handle: forHandle, report: r.value.report };
    reopening = true;
    try {
      // Reopening loads the new pack in full and starts a fresh undo history: edits made
      // against the previous version cannot be undone across the migration.
      const refused = await assessment.close();
      if (refused) await assessment.refresh();
      else await assessment.open(forHandle);
    } finally {
      reopening = false;
    }
    selected.value = null;
    state.value = 'idle';
    preview.value = null;
    target.value = null;
    previewRevision.value = null;
    applyState.value = 'done';
    await loadCandidates();
    return true;
  }

  function reset(): void {
    selected.value = null;
    state.value = 'idle';
    message.value = null;
    preview.value = null;
    target.value = null;
    previewRevision.value = null;
    applyState.value = 'idle';
    applyError.value = null;
    result.value = null;
  }

  watch(
    () => assessment.handle,
    (h) => {
      if (reopening || (h !== null && h === result.value?.handle)) return;
      reset();
    },
  );

  return {
    selected,
    state,
    message,
    preview,
    target,
    candidates,
    applyState,
    applyError,
    result,
    canApply,
    loadCandidates,
    select,
    runPreview,
    apply,
    reset,
    keyOf,
  };
});
