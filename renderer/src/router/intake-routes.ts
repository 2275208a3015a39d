// The certification body's screens: the intake list, the trust store, the comparison of two
// submissions, and the read-only review of one package. A review reuses the assessor's views
// (dashboard, criteria, findings, evidence) under `/r/:handle`, where `handle` is the review's
// id; `meta.review` makes their links stay inside the review (composables/sectionRoute.ts).
import type { RouteRecordRaw } from 'vue-router';
import CriteriaView from '../views/workspace/CriteriaView.vue';

export const intakeRoutes: RouteRecordRaw[] = [
  { path: '/intake', name: 'intake', component: () => import('../views/intake/IntakeView.vue') },
  { path: '/intake/compare/:base/:other', name: 'compare', component: () => import('../views/intake/CompareView.vue'), props: true },
  { path: '/trust', name: 'trust', component: () => import('../views/intake/TrustView.vue') },
  {
    path: '/r/:handle',
    component: () => import('../views/intake/ReviewLayout.vue'),
    props: true,
    meta: { review: true },
    children: [
      { path: '', name: 'review', redirect: (to) => ({ name: 'review-report', params: to.params }) },
      { path: 'report', name: 'review-report', component: () => import('../views/intake/ReviewReportView.vue') },
      { path: 'dashboard', name: 'review-dashboard', component: () => import('../views/workspace/DashboardView.vue') },
      { path: 'criteria/:criterion?', name: 'review-criteria', component: CriteriaView },
      { path: 'findings', name: 'review-findings', component: () => import('../views/workspace/FindingsView.vue') },
      { path: 'evidence', name: 'review-evidence', component: () => import('../views/workspace/EvidenceView.vue') },
    ],
  },
];
