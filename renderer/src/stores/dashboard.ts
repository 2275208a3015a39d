// What the dashboard shows, read off the assessment store: the score's dimensions with their
// pack titles, the target gaps (core's targetGaps) and the findings overview (core's
// findingsOverview for today). Nothing is scored or judged here.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { findingsOverview, localIsoDate, type FindingsOverview } from '../../../core/assessment/findings';
import { targetGaps, type TargetGap } from '../../../core/scoring/target-gaps';
import type { DimensionOutcome } from '../../../core/scoring/types';
import { useAssessmentStore } from './assessment';

type Text = { ja: string; en: string };

export interface DashboardDimension {
  outcome: DimensionOutcome;
  title: Text;
  /** Level id → title, from the pack. */
  levelTitles: ReadonlyMap<string, Text>;
}

export const useDashboardStore = defineStore('dashboard', () => {
  const assessment = useAssessmentStore();
  const today = ref(localIsoDate(new Date()));

  const dimensions = computed<DashboardDimension[]>(() => {
    const score = assessment.score;
    const pack = assessment.pack;
    if (!score || !pack) return [];
    const packDims = new Map(pack.dimensions.map((d) => [d.id, d]));
    return score.dimensions.map((outcome) => {
      const d = packDims.get(outcome.dimension);
      return {
        outcome,
        title: d?.title ?? { ja: outcome.dimension, en: outcome.dimension },
        levelTitles: new Map((d?.levels ?? []).map((l) => [l.id, l.title])),
      };
    });
  });

  const gaps = computed<TargetGap[]>(() => (assessment.score ? targetGaps(assessment.score.dimensions) : []));
  const hasTargets = computed(() => (assessment.score?.dimensions ?? []).some((d) => d.target !== null));
  const findings = computed<FindingsOverview>(() => findingsOverview(assessment.document?.findings ?? [], today.value));

  function refreshToday(now = new Date()): void {
    today.value = localIsoDate(now);
  }

  return { today, dimensions, gaps, hasTargets, findings, refreshToday };
});
