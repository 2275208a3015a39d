// The findings screen's state: filter and sort of the list, the finding being edited with
// its issues (core's checkFindingDraft), and the question before a delete. Findings live in
// the assessment document; every change goes through useAssessmentStore's actions.
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import {
  checkFindingDraft,
  draftToFinding,
  findingToDraft,
  isOverdue,
  daysOverdue,
  localIsoDate,
  sortFindings,
  type FindingDraft,
  type FindingSortKey,
} from '../../../core/assessment/findings';
import { matchesTerms, normalizeForSearch, searchTerms } from '../../../core/assessment/navigator';
import type { Finding } from '../../../core/assessment/schema';
import type { FindingClassId, FindingStatus } from '../../../core/scoring/types';
import { useAssessmentStore, type FindingSet } from './assessment';
import { useNotificationsStore } from './notifications';

export interface FindingsFilter {
  query: string;
  class: FindingClassId | '';
  status: FindingStatus | '';
  overdueOnly: boolean;
}

export const EMPTY_FINDINGS_FILTER: FindingsFilter = { query: '', class: '', status: '', overdueOnly: false };

function haystack(f: Finding): string {
  return normalizeForSearch([f.id, f.description, f.correctiveAction?.plan ?? '', f.correctiveAction?.owner ?? '', ...f.criteria].join('\n'));
}

/** The fields of `next` that differ from `before`, as `tfa:findings:update` takes them. */
function changedFields(before: Finding, next: Omit<Finding, 'id'>): FindingSet | null {
  const set: Record<string, unknown> = {};
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  if (before.class !== next.class) set.class = next.class;
  if (!same(before.criteria, next.criteria)) set.criteria = next.criteria;
  if (before.description !== next.description) set.description = next.description;
  if (!same(before.correctiveAction, next.correctiveAction)) set.correctiveAction = next.correctiveAction ?? null;
  if (before.status !== next.status) set.status = next.status;
  return Object.keys(set).length > 0 ? (set as FindingSet) : null;
}

export const useFindingsStore = defineStore('findings', () => {
  const assessment = useAssessmentStore();
  const notifications = useNotificationsStore();

  /** The day overdue is judged against; refreshed whenever the screen opens. */
  const today = ref(localIsoDate(new Date()));
  const filter = ref<FindingsFilter>({ ...EMPTY_FINDINGS_FILTER });
  const sortKey = ref<FindingSortKey>('id');
  const descending = ref(false);

  const all = computed<readonly Finding[]>(() => assessment.document?.findings ?? []);
  const searchable = computed(() => new Map(all.value.map((f) => [f.id, haystack(f)])));
  const sorted = computed(() => sortFindings(all.value, sortKey.value, descending.value));
  const visible = computed(() => {
    const f = filter.value;
    const terms = searchTerms(f.query);
    return sorted.value.filter(
      (x) =>
        (f.class === '' || x.class === f.class) &&
        (f.status === '' || x.status === f.status) &&
        (!f.overdueOnly || isOverdue(x, today.value)) &&
        (terms.length === 0 || matchesTerms(searchable.value.get(x.id) ?? '', terms)),
    );
  });

  function overdueDays(f: Finding): number {
    return isOverdue(f, today.value) ? daysOverdue(f.correctiveAction!.dueDate!, today.value) : 0;
  }

  function refreshToday(now = new Date()): void {
    today.value = localIsoDate(now);
  }

  function setFilter(next: FindingsFilter): void {
    filter.value = next;
  }

  /** A new key sorts ascending; the current key again flips the direction. */
  function sortBy(key: FindingSortKey): void {
    if (sortKey.value === key) descending.value = !descending.value;
    else {
      sortKey.value = key;
      descending.value = false;
    }
  }

  // -------------------------------------------------------------------------------------
  // The editor

  const editorOpen = ref(false);
  /** The finding being edited; null while adding one. */
  const editingId = ref<string | null>(null);
  const draft = ref<FindingDraft>(findingToDraft());
  const saving = ref(false);
  const saveError = ref<string | null>(null);

  const knownCriteria = computed(() => new Set(assessment.criteria.map((c) => c.id)));
  const issues = computed(() =>
    checkFindingDraft(draft.value, {
      knownCriteria: knownCriteria.value,
      today: today.value,
      ...(assessment.pack && { minorNonconformity: assessment.pack.scoring.minorNonconformity }),
    }),
  );
  const canSave = computed(() => !issues.value.some((i) => i.severity === 'error'));

  function startCreate(preset: Partial<FindingDraft> = {}): void {
    editingId.value = null;
    draft.value = { ...findingToDraft(), ...preset };
    saveError.value = null;
    editorOpen.value = true;
  }

  function startEdit(id: string): boolean {
    const finding = all.value.find((f) => f.id === id);
    if (!finding) return false;
    editingId.value = id;
    draft.value = findingToDraft(finding);
    saveError.value = null;
    editorOpen.value = true;
    return true;
  }

  function setDraft(next: FindingDraft): void {
    draft.value = next;
  }

  function cancelEdit(): void {
    editorOpen.value = false;
    saving.value = false;
    saveError.value = null;
  }

  function lastFindingsError(): string | null {
    return notifications.errors.findLast((e) => e.context === 'findings')?.error.message ?? null;
  }

  /** Saves the draft; the finding's id, or null (the reason is in `saveError`). */
  async function save(): Promise<string | null> {
    if (!canSave.value || saving.value) return null;
    saving.value = true;
    saveError.value = null;
    try {
      const value = draftToFinding(draft.value);
      const id = editingId.value;
      if (id === null) {
        const created = await assessment.createFinding(value);
        if (!created) {
          saveError.value = lastFindingsError();
          return null;
        }
        editorOpen.value = false;
        notifications.announce('findings.created', { id: created });
        return created;
      }
      const before = all.value.find((f) => f.id === id);
      const set = before ? changedFields(before, value) : null;
      if (set && !(await assessment.updateFinding(id, set))) {
        saveError.value = lastFindingsError();
        return null;
      }
      editorOpen.value = false;
      notifications.announce('findings.saved', { id });
      return id;
    } finally {
      saving.value = false;
    }
  }

  // -------------------------------------------------------------------------------------
  // Delete, after asking

  const pendingDelete = ref<string | null>(null);

  function askDelete(id: string): void {
    pendingDelete.value = id;
  }

  function cancelDelete(): void {
    pendingDelete.value = null;
  }

  async function confirmDelete(): Promise<boolean> {
    const id = pendingDelete.value;
    pendingDelete.value = null;
    if (!id) return false;
    const ok = await assessment.deleteFinding(id);
    if (ok) notifications.announce('findings.deleted', { id });
    return ok;
  }

  // Filters, an open editor and a pending question belong to one assessment.
  watch(
    () => assessment.handle,
    () => {
      filter.value = { ...EMPTY_FINDINGS_FILTER };
      editorOpen.value = false;
      pendingDelete.value = null;
    },
  );

  return {
    today,
    filter,
    sortKey,
    descending,
    all,
    visible,
    editorOpen,
    editingId,
    draft,
    saving,
    saveError,
    issues,
    canSave,
    pendingDelete,
    overdueDays,
    refreshToday,
    setFilter,
    sortBy,
    startCreate,
    startEdit,
    setDraft,
    cancelEdit,
    save,
    askDelete,
    cancelDelete,
    confirmDelete,
  };
});
