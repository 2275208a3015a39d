// The certification body's intake: the packages it imported (each a read-only review kept by
// main), importing more (uploads in the preview, the native dialog on the desktop), verifying
// again, removing, and comparing two submissions. Verification and comparison happen in main
// and core; this store only calls them and keeps what they answered.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { ApiError, ApiResult, EvidenceSource } from '../../../core/api/contract';
import type { ReviewSummary, SubmissionComparison } from '../../../core/api/contract-intake';
import { api } from '../api';
import { canUploadFiles } from '../api/upload';
import { uploadPackageFile } from '../api/uploadPackage';

export type LoadState = 'idle' | 'loading' | 'ready' | 'error';

/** One package being imported: sent to main, then verified there. */
export interface ImportJob {
  id: number;
  name: string;
  /** null when unknown (a file main refused before reading it). */
  size: number | null;
  state: 'waiting' | 'uploading' | 'verifying' | 'done' | 'failed';
  result: ReviewSummary | null;
  error: ApiError | null;
  /** Not sent: the file is not a `.tfpkg` package (a PDF dropped by mistake, say). */
  notPackage: boolean;
}

export type IntakeAction = 'load' | 'import' | 'remove' | 'reverify' | 'compare';
export interface IntakeProblem {
  action: IntakeAction;
  error: ApiError;
}

/** A file to import, as the preview has it (a File) or as the desktop dialog returned it (a source). */
type Pending = { name: string; size: number; file: File } | { name: string; size: number; picked: EvidenceSource } | { name: string; size: null; refused: string };

/**
 * Packages are `.tfpkg` files. Checked before sending so that a file dropped by mistake is not
 * kept as an invalid review; main verifies what the file really is.
 */
export function looksLikePackage(name: string): boolean {
  return /\.tfpkg$/i.test(name);
}

export const useIntakeStore = defineStore('intake', () => {
  const reviews = shallowRef<ReviewSummary[]>([]);
  const loadState = ref<LoadState>('idle');
  const problem = shallowRef<IntakeProblem | null>(null);
  const jobs = ref<ImportJob[]>([]);
  /** Reviews with an action running (re-verify, remove), so their buttons wait. */
  const busy = ref<ReadonlySet<string>>(new Set());
  /** Up to two reviews chosen for comparison, in the order chosen (the first is the base). */
  const selected = ref<string[]>([]);
  const comparison = shallowRef<SubmissionComparison | null>(null);
  const compareState = ref<LoadState>('idle');
  /** Criterion and dimension titles from the two submissions' packs (the newer one wins). */
  const compareTitles = shallowRef<ReadonlyMap<string, { ja: string; en: string }>>(new Map());

  const importing = computed(() => jobs.value.some((j) => j.state === 'waiting' || j.state === 'uploading' || j.state === 'verifying'));
  const importProgress = computed(() => ({ done: jobs.value.filter((j) => j.state === 'done' || j.state === 'failed').length, total: jobs.value.length }));
  const canCompare = computed(() => selected.value.length === 2);

  function summary(review: string): ReviewSummary | undefined {
    return reviews.value.find((r) => r.review === review);
  }

  function fail(action: IntakeAction, error: ApiError): void {
    problem.value = { action, error };
  }

  function setBusy(review: string, on: boolean): void {
    const next = new Set(busy.value);
    if (on) next.add(review);
    else next.delete(review);
    busy.value = next;
  }

  /** Puts a summary main returned in the list (replacing the older one of that review). */
  function upsert(s: ReviewSummary): void {
    const rest = reviews.value.filter((r) => r.review !== s.review);
    reviews.value = [s, ...rest].sort((a, b) => b.importedAt.localeCompare(a.importedAt));
  }

  async function load(): Promise<void> {
    loadState.value = 'loading';
    const r = await api.reviewsList();
    if (!r.ok) {
      loadState.value = 'error';
      fail('load', r.error);
      return;
    }
    reviews.value = r.value;
    selected.value = selected.value.filter((id) => r.value.some((s) => s.review === id));
    loadState.value = 'ready';
    if (problem.value?.action === 'load') problem.value = null;
  }

  let nextJobId = 1;

  function patchJob(id: number, set: Partial<ImportJob>): void {
    jobs.value = jobs.value.map((j) => (j.id === id ? { ...j, ...set } : j));
  }

  /** Imports one after another (main verifies each fully; the list shows each as it lands). */
  async function run(pending: Pending[]): Promise<ReviewSummary[]> {
    // A new batch replaces the finished jobs of the last one.
    if (!importing.value) jobs.value = [];
    const batch = pending.map((p): ImportJob => {
      const notPackage = !looksLikePackage(p.name);
      return { id: nextJobId++, name: p.name, size: p.size, state: notPackage ? 'failed' : 'waiting', result: null, error: null, notPackage };
    });
    jobs.value = [...jobs.value, ...batch];
    const imported: ReviewSummary[] = [];
    for (const [i, p] of pending.entries()) {
      const job = batch[i]!;
      if (job.notPackage) continue;
      let source: string;
      if ('refused' in p) {
        patchJob(job.id, { state: 'failed', error: { code: 'invalid-input', message: p.refused } });
        continue;
      }
      if ('file' in p) {
        patchJob(job.id, { state: 'uploading' });
        const up: ApiResult<EvidenceSource> = await uploadPackageFile(p.file);
        if (!up.ok) {
          patchJob(job.id, { state: 'failed', error: up.error });
          continue;
        }
        source = up.value.source;
      } else {
        source = p.picked.source;
      }
      patchJob(job.id, { state: 'verifying' });
      const r = await api.reviewsImport({ source });
      if (!r.ok) {
        patchJob(job.id, { state: 'failed', error: r.error });
        continue;
      }
      patchJob(job.id, { state: 'done', result: r.value });
      upsert(r.value);
      imported.push(r.value);
    }
    return imported;
  }

  /** Preview: imports files chosen in the page or dropped on it. */
  async function importFiles(files: readonly File[]): Promise<ReviewSummary[]> {
    if (files.length === 0) return [];
    return run(files.map((file) => ({ name: file.name, size: file.size, file })));
  }

  /** Desktop: the native dialog, then every chosen package. */
  async function importPicked(): Promise<ReviewSummary[]> {
    const r = await api.dialogsPickPackages();
    if (!r.ok) {
      fail('import', r.error);
      return [];
    }
    if (r.value.length === 0) return [];
    // A file main could not take (e.g. not a regular file) fails alone; the others are imported.
    return run(r.value.map((picked): Pending => ('refused' in picked ? { name: picked.name, size: null, refused: picked.refused } : { name: picked.name, size: picked.size, picked })));
  }

  function clearJobs(): void {
    if (!importing.value) jobs.value = [];
  }

  async function reverify(review: string): Promise<ReviewSummary | null> {
    setBusy(review, true);
    try {
      const r = await api.reviewsReverify({ review });
      if (!r.ok) {
        fail('reverify', r.error);
        return null;
      }
      upsert(r.value);
      if (problem.value?.action === 'reverify') problem.value = null;
      return r.value;
    } finally {
      setBusy(review, false);
    }
  }

  async function remove(review: string): Promise<boolean> {
    setBusy(review, true);
    try {
      const r = await api.reviewsRemove({ review });
      if (!r.ok) {
        fail('remove', r.error);
        return false;
      }
      reviews.value = r.value;
      selected.value = selected.value.filter((id) => id !== review);
      if (problem.value?.action === 'remove') problem.value = null;
      return true;
    } finally {
      setBusy(review, false);
    }
  }

  /** Chooses a review for comparison; a third choice replaces the older of the two. */
  function toggleSelected(review: string, on: boolean): void {
    const rest = selected.value.filter((id) => id !== review);
    selected.value = on ? [...rest, review].slice(-2) : rest;
  }

  /** Titles of criteria and dimensions, read from the reviews' packs (a missing pack only loses titles). */
  async function packTitles(ids: string[]): Promise<ReadonlyMap<string, { ja: string; en: string }>> {
    const titles = new Map<string, { ja: string; en: string }>();
    const views = await Promise.all(ids.map((review) => api.reviewsGet({ review })));
    for (const v of views) {
      const pack = v.ok ? v.value.pack : null;
      if (!pack) continue;
      for (const d of pack.dimensions) if (!titles.has(d.id)) titles.set(d.id, d.title);
      for (const c of pack.criteria) if (!titles.has(c.id)) titles.set(c.id, c.title);
    }
    return titles;
  }

  /** What changed from `base` to `other`, computed by main. */
  async function compare(base: string, other: string): Promise<SubmissionComparison | null> {
    compareState.value = 'loading';
    comparison.value = null;
    const r = await api.reviewsCompare({ base, other });
    if (!r.ok) {
      compareState.value = 'error';
      fail('compare', r.error);
      return null;
    }
    comparison.value = r.value;
    compareTitles.value = await packTitles([other, base]);
    compareState.value = 'ready';
    if (problem.value?.action === 'compare') problem.value = null;
    return r.value;
  }

  function dismissProblem(): void {
    problem.value = null;
  }

  return {
    reviews,
    loadState,
    problem,
    jobs,
    busy,
    selected,
    comparison,
    compareState,
    compareTitles,
    importing,
    importProgress,
    canCompare,
    canUploadFiles,
    summary,
    load,
    importFiles,
    importPicked,
    clearJobs,
    reverify,
    remove,
    toggleSelected,
    compare,
    dismissProblem,
  };
});
