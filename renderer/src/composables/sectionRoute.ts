// The assessor's views serve two places: an assessment (`/a/:handle/...`) and the read-only
// review of a submitted package (`/r/:handle/...`, routes marked `meta.review`). Links between
// sections name the route through this, so a click inside a review stays inside the review.
import { computed, type ComputedRef } from 'vue';
import { useRoute, type RouteLocationNormalizedLoaded } from 'vue-router';

/** The assessment sections a review shows (journal and migration belong to the assessor). */
export const REVIEW_SECTIONS = ['dashboard', 'criteria', 'findings', 'evidence'] as const;
export type ReviewSection = (typeof REVIEW_SECTIONS)[number];

/** The route name of a workspace section where `route` is (`criteria` or `review-criteria`). */
export function sectionRouteName(route: Pick<RouteLocationNormalizedLoaded, 'meta'>, section: string): string {
  return route.meta.review === true ? `review-${section}` : section;
}

/** Whether the current route is inside a review (call in setup). */
export function useInReview(): ComputedRef<boolean> {
  const route = useRoute();
  return computed(() => route.meta.review === true);
}

/** `(section) => route name` for the current route (call in setup). */
export function useSectionRoute(): (section: string) => string {
  const route = useRoute();
  return (section) => sectionRouteName(route, section);
}
