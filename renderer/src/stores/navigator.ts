// What the criteria navigator shows: filters, search, collapsed groups and the rows they
// produce, and "next unanswered / next blocking". Kept apart from the assessment store so that
// typing in a criterion's notes (which touches neither) never recomputes the list.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import {
  EMPTY_FILTER,
  filterCriteria,
  flattenTree,
  isFilterActive,
  isUnanswered,
  nextMatching,
  type NavigatorFilter,
  type TreeRow,
} from '../../../core/assessment/navigator';
import { useAssessmentStore } from './assessment';

export type NextKind = 'unanswered' | 'blocking';

export const useNavigatorStore = defineStore('navigator', () => {
  const assessment = useAssessmentStore();

  const filter = ref<NavigatorFilter>({ ...EMPTY_FILTER });
  const collapsed = shallowRef<ReadonlySet<string>>(new Set());

  /** One flag per criterion (pack order): passes the filter. */
  const visible = computed(() => filterCriteria(assessment.criteria, assessment.states, assessment.searchIndex, filter.value, assessment.changedCriteria));
  const rows = computed<TreeRow[]>(() => flattenTree(assessment.tree, visible.value, collapsed.value));
  const matchCount = computed(() => visible.value.reduce((n, v) => n + v, 0));
  const filtered = computed(() => isFilterActive(filter.value));

  function setFilter(patch: Partial<NavigatorFilter>): void {
    filter.value = { ...filter.value, ...patch };
  }

  function clearFilter(): void {
    filter.value = { ...EMPTY_FILTER };
  }

  function toggle(key: string, expanded?: boolean): void {
    const next = new Set(collapsed.value);
    const open = expanded ?? next.has(key);
    if (open) next.delete(key);
    else next.add(key);
    collapsed.value = next;
  }

  /** Opens the groups that hold a criterion, so its row exists. */
  function reveal(index: number): void {
    const c = assessment.criteria[index];
    if (!c) return;
    const keys = [`d:${c.dimension}`, `c:${c.dimension}/${c.category}`];
    if (!keys.some((k) => collapsed.value.has(k))) return;
    const next = new Set(collapsed.value);
    for (const k of keys) next.delete(k);
    collapsed.value = next;
  }

  /**
   * The next criterion after `fromId` (in navigator order, among those the filter shows) that
   * waits for an answer, or blocks a target level; wraps around. Null when there is none.
   */
  function next(kind: NextKind, fromId: string | null): string | null {
    const states = assessment.states;
    const shown = visible.value;
    const from = fromId === null ? null : (assessment.criterionIndex.get(fromId) ?? null);
    const test = kind === 'unanswered' ? (i: number) => shown[i] === 1 && isUnanswered(states[i]!) : (i: number) => shown[i] === 1 && states[i]!.blocking && !states[i]!.derived;
    const i = nextMatching(assessment.order, from, test);
    return i === null ? null : assessment.criteria[i]!.id;
  }

  function reset(): void {
    filter.value = { ...EMPTY_FILTER };
    collapsed.value = new Set();
  }

  return { filter, collapsed, visible, rows, matchCount, filtered, setFilter, clearFilter, toggle, reveal, next, reset };
});
