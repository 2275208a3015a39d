// The review open in the review workspace: main's verification report and what the package
// holds. The assessment itself goes to the assessment store in read-only mode
// (`openReview`), so the assessor's views show it exactly as they show an assessment.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { ApiError } from '../../../core/api/contract';
import type { IntakeCheckView, ReviewView } from '../../../core/api/contract-intake';
import { api } from '../api';
import { useAssessmentStore } from './assessment';
import { useNotificationsStore } from './notifications';

export type LoadState = 'idle' | 'loading' | 'ready' | 'error';

/** One dimension's claimed and recomputed levels side by side (both from main). */
export interface LevelComparisonRow {
  dimension: string;
  claimed: { achieved: string | null; target: string | null; targetMet: boolean | null; notApplicable: boolean } | null;
  recomputed: { achieved: string | null; target: string | null; targetMet: boolean | null; notApplicable: boolean } | null;
  /** Main's two answers differ for this dimension (a plain comparison of values, no scoring). */
  differs: boolean;
}

export const useReviewStore = defineStore('review', () => {
  const reviewId = ref<string | null>(null);
  const current = shallowRef<ReviewView | null>(null);
  const loadState = ref<LoadState>('idle');
  const loadError = shallowRef<ApiError | null>(null);
  /** Why the last "verify again" failed (the report shown is the previous one). */
  const reverifyError = shallowRef<ApiError | null>(null);

  const report = computed(() => current.value?.report ?? null);
  const summary = computed(() => current.value?.summary ?? null);
  /** The assessment can be shown (it may still be untrusted: see `trusted`). */
  const hasAssessment = computed(() => current.value?.document != null && current.value.pack != null);
  /** Every check passed: only then are the contents trusted. */
  const trusted = computed(() => current.value?.report.ok === true);
  const failedChecks = computed<IntakeCheckView[]>(() => current.value?.report.checks.filter((c) => c.status === 'failed') ?? []);

  const levelRows = computed<LevelComparisonRow[]>(() => {
    const r = report.value;
    if (!r) return [];
    const claimed = new Map((r.claimedLevels ?? []).map((l) => [l.dimension, l]));
    const recomputed = new Map((r.recomputedLevels ?? []).map((l) => [l.dimension, l]));
    const dims = [...new Set([...claimed.keys(), ...recomputed.keys()])];
    return dims.map((dimension) => {
      const c = claimed.get(dimension) ?? null;
      const n = recomputed.get(dimension) ?? null;
      const strip = (l: typeof c) => (l ? { achieved: l.achieved, target: l.target, targetMet: l.targetMet, notApplicable: l.notApplicable } : null);
      const a = strip(c);
      const b = strip(n);
      return { dimension, claimed: a, recomputed: b, differs: r.claimedLevels !== null && r.recomputedLevels !== null && JSON.stringify(a) !== JSON.stringify(b) };
    });
  });

  /** Opens a review (a no-op when it is the open one); true when its report could be read. */
  async function open(review: string): Promise<boolean> {
    const assessment = useAssessmentStore();
    if (reviewId.value === review && loadState.value === 'ready' && assessment.handle === review) return true;
    reviewId.value = review;
    current.value = null;
    loadError.value = null;
    reverifyError.value = null;
    loadState.value = 'loading';
    const r = await api.reviewsGet({ review });
    if (reviewId.value !== review) return false;
    if (!r.ok) {
      loadError.value = r.error;
      loadState.value = 'error';
      return false;
    }
    current.value = r.value;
    await assessment.openReview(r.value);
    loadState.value = 'ready';
    return true;
  }

  function close(): void {
    const assessment = useAssessmentStore();
    if (assessment.readOnly) void assessment.close();
    reviewId.value = null;
    current.value = null;
    loadError.value = null;
    loadState.value = 'idle';
  }

  /**
   * Verifies the open review again (e.g. after a CA was added) and shows the new report in
   * place, announcing the verdict. Failures stay on screen with main's reason.
   */
  async function reverify(): Promise<boolean> {
    const review = reviewId.value;
    if (!review) return false;
    const notifications = useNotificationsStore();
    reverifyError.value = null;
    const r = await api.reviewsReverify({ review });
    // The summary says pass or fail; the report and what is trusted come with the full view.
    const v = r.ok ? await api.reviewsGet({ review }) : r;
    if (reviewId.value !== review) return false;
    if (!v.ok) {
      reverifyError.value = v.error;
      return false;
    }
    current.value = v.value;
    await useAssessmentStore().openReview(v.value);
    const failed = v.value.report.checks.filter((c) => c.status === 'failed').length;
    notifications.announce(v.value.report.ok ? 'review.report.reverifiedValid' : 'review.report.reverifiedInvalid', { n: String(failed) });
    return true;
  }

  return { reviewId, current, loadState, loadError, reverifyError, report, summary, hasAssessment, trusted, failedChecks, levelRows, open, close, reverify };
});
