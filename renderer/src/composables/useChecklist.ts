import { ref, watch, type Ref } from 'vue';

/**
 * Which expected-evidence items of a criterion the assessor has ticked. The assessment
 * document has no field for it yet, so the ticks are a working aid kept in this computer's
 * localStorage per assessment and criterion (the CSP does not restrict storage). Storage
 * failures (private mode, quota) leave the list working in memory.
 */
export function useChecklist(assessmentId: Ref<string | null>, criterionId: Ref<string>) {
  const checked = ref<ReadonlySet<number>>(new Set());
  const key = () => (assessmentId.value ? `tfa.checklist.${assessmentId.value}.${criterionId.value}` : null);

  watch(
    [assessmentId, criterionId],
    () => {
      const k = key();
      let list: unknown = [];
      try {
        list = k ? JSON.parse(localStorage.getItem(k) ?? '[]') : [];
      } catch {
        list = [];
      }
      checked.value = new Set(Array.isArray(list) ? list.filter((n): n is number => Number.isInteger(n)) : []);
    },
    { immediate: true },
  );

  function toggle(index: number, on: boolean): void {
    const next = new Set(checked.value);
    if (on) next.add(index);
    else next.delete(index);
    checked.value = next;
    const k = key();
    try {
      if (k) localStorage.setItem(k, JSON.stringify([...next].sort((a, b) => a - b)));
    } catch {
      // Kept in memory for this session.
    }
  }

  return { checked, toggle };
}
