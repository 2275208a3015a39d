import { computed, watch, type Ref } from 'vue';
import { expectedEvidenceKeys, orderChecklist } from '../../../core/assessment/checklist';
import { useAssessmentStore } from '../stores/assessment';

/** Where earlier versions kept the ticks, on this computer only: `tfa.checklist.<assessment id>.<criterion id>` → item positions. */
const LEGACY_PREFIX = 'tfa.checklist.';

// Assessments whose old localStorage ticks were already looked at in this window.
const importedFrom = new Set<string>();

/** Forgets which assessments were imported (tests). */
export function forgetChecklistImports(): void {
  importedFrom.clear();
}

function legacyEntries(assessmentId: string): { key: string; criterion: string; positions: number[] }[] {
  const prefix = `${LEGACY_PREFIX}${assessmentId}.`;
  const found: { key: string; criterion: string; positions: number[] }[] = [];
  try {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (!key?.startsWith(prefix)) continue;
      let list: unknown;
      try {
        list = JSON.parse(localStorage.getItem(key) ?? '[]');
      } catch {
        list = [];
      }
      const positions = Array.isArray(list) ? list.filter((n): n is number => Number.isInteger(n) && n >= 0) : [];
      found.push({ key, criterion: key.slice(prefix.length), positions });
    }
  } catch {
    // Storage unavailable (private mode): nothing to import.
  }
  return found;
}

function forget(key: string): void {
  try {
    localStorage.removeItem(key);
  } catch {
    // Unavailable storage holds nothing to clear.
  }
}

/**
 * Moves ticks that earlier versions kept in localStorage into the assessment, once: for each
 * criterion whose record has no checklist yet, the ticks are saved (journaled, not undoable)
 * and the local copy is removed. A record that already has a checklist wins; ticks for
 * criteria this pack version does not have are left where they are.
 */
export async function importLegacyChecklists(assessmentId: string): Promise<void> {
  const store = useAssessmentStore();
  for (const entry of legacyEntries(assessmentId)) {
    if (store.document?.id !== assessmentId) return;
    const criterion = store.criterion(entry.criterion);
    if (!criterion) continue;
    if (store.record(entry.criterion)?.evidenceChecked) {
      forget(entry.key);
      continue;
    }
    const keys = expectedEvidenceKeys(criterion.evidence);
    const ticked = orderChecklist(entry.positions.flatMap((p) => (p < keys.length ? [keys[p]!] : [])), criterion.evidence);
    if (ticked.length === 0 || (await store.setAnswer(entry.criterion, { evidenceChecked: ticked }, { undoable: false }))) forget(entry.key);
  }
}

/**
 * Which expected-evidence items of a criterion the assessor has ticked (positions in the
 * criterion's list), from the assessment document; `toggle` saves the change like any other
 * answer (journaled, undoable). The first use for an assessment imports ticks that earlier
 * versions kept in this computer's localStorage.
 */
export function useChecklist(assessmentId: Ref<string | null>, criterionId: Ref<string>) {
  const store = useAssessmentStore();
  const evidence = computed(() => store.criterion(criterionId.value)?.evidence ?? []);
  const keys = computed(() => expectedEvidenceKeys(evidence.value));

  const checked = computed<ReadonlySet<number>>(() => {
    const ticked = new Set(store.record(criterionId.value)?.evidenceChecked ?? []);
    return new Set(keys.value.flatMap((k, i) => (ticked.has(k) ? [i] : [])));
  });

  watch(
    assessmentId,
    (id) => {
      if (!id || importedFrom.has(id)) return;
      importedFrom.add(id);
      void importLegacyChecklists(id);
    },
    { immediate: true },
  );

  function toggle(index: number, on: boolean): void {
    const key = keys.value[index];
    if (key === undefined) return;
    const next = new Set(store.record(criterionId.value)?.evidenceChecked ?? []);
    if (on) next.add(key);
    else next.delete(key);
    const list = orderChecklist([...next], evidence.value);
    void store.setAnswer(criterionId.value, { evidenceChecked: list.length > 0 ? list : null });
  }

  return { checked, toggle };
}
