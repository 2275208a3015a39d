// The audit trail screen's state: pages of `tfa:journal:list` (newest first) described by
// core (describeJournalEntry), the filter, and paging. Filters apply to the pages loaded;
// loading older pages extends what they search.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { JournalEntryView } from '../../../core/api/contract';
import { describeJournalEntry, matchesJournalFilter, type JournalLine } from '../../../core/assessment/journal-view';
import { useAssessmentStore } from './assessment';

/** Entries per request: a page renders at once, and the list stays windowed anyway. */
export const JOURNAL_PAGE_SIZE = 200;

export interface JournalFilterValue {
  criterion: string;
  actor: string;
  op: string;
}

export const useJournalStore = defineStore('journal', () => {
  const assessment = useAssessmentStore();

  const lines = shallowRef<JournalLine[]>([]);
  const total = ref(0);
  const nextBefore = ref<number | null>(null);
  const loading = ref(false);
  const loaded = ref(false);
  const failed = ref(false);
  const filter = ref<JournalFilterValue>({ criterion: '', actor: '', op: '' });
  /** The assessment the lines belong to. */
  let forHandle: string | null = null;

  const hasMore = computed(() => nextBefore.value !== null);
  const visible = computed(() => lines.value.filter((l) => matchesJournalFilter(l, filter.value)));
  const actors = computed(() => [...new Set(lines.value.map((l) => l.actor))].sort((a, b) => a.localeCompare(b)));
  const ops = computed(() => [...new Set(lines.value.map((l) => l.op))].sort());

  function take(entries: readonly JournalEntryView[], append: boolean): void {
    const described = entries.map(describeJournalEntry);
    if (!append) {
      lines.value = described;
      return;
    }
    const seen = new Set(lines.value.map((l) => l.seq));
    lines.value = [...lines.value, ...described.filter((l) => !seen.has(l.seq))];
  }

  /** Loads the newest page (again), replacing what was loaded. */
  async function load(): Promise<boolean> {
    forHandle = assessment.handle;
    loading.value = true;
    try {
      const page = await assessment.listJournal({ limit: JOURNAL_PAGE_SIZE });
      if (assessment.handle !== forHandle) return false;
      failed.value = page === null;
      if (!page) return false;
      take(page.entries, false);
      total.value = page.total;
      nextBefore.value = page.nextBefore;
      loaded.value = true;
      return true;
    } finally {
      loading.value = false;
    }
  }

  /** Loads the next older page. */
  async function loadMore(): Promise<boolean> {
    if (loading.value || nextBefore.value === null) return false;
    const handle = assessment.handle;
    loading.value = true;
    try {
      const page = await assessment.listJournal({ before: nextBefore.value, limit: JOURNAL_PAGE_SIZE });
      if (!page || assessment.handle !== handle) return false;
      take(page.entries, true);
      total.value = page.total;
      nextBefore.value = page.nextBefore;
      return true;
    } finally {
      loading.value = false;
    }
  }

  /**
   * Picks up entries written since the newest one loaded (the user edited something in
   * another section) without dropping the older pages already loaded.
   */
  async function refreshHead(): Promise<void> {
    if (!loaded.value || loading.value || assessment.handle !== forHandle) {
      await load();
      return;
    }
    const newest = lines.value[0]?.seq ?? -1;
    const page = await assessment.listJournal({ limit: JOURNAL_PAGE_SIZE });
    if (!page || assessment.handle !== forHandle) return;
    const fresh = page.entries.filter((e) => e.seq > newest);
    // More new entries than one page holds: start over rather than leave a gap.
    if (fresh.length === page.entries.length && page.nextBefore !== null && newest >= 0) {
      await load();
      return;
    }
    lines.value = [...fresh.map(describeJournalEntry), ...lines.value];
    total.value = page.total;
  }

  function setFilter(next: JournalFilterValue): void {
    filter.value = next;
  }

  // Another assessment: nothing loaded belongs to it.
  watch(
    () => assessment.handle,
    () => {
      lines.value = [];
      total.value = 0;
      nextBefore.value = null;
      loaded.value = false;
      filter.value = { criterion: '', actor: '', op: '' };
    },
  );

  return { lines, total, nextBefore, loading, loaded, failed, filter, hasMore, visible, actors, ops, load, loadMore, refreshHead, setFilter };
});
