// Screens of the app. Memory history: a desktop app has no address bar to keep in sync, and
// in the browser preview the URL fragment carries the bridge's session token, which the
// router must never read, rewrite or push into history.
import { createMemoryHistory, createRouter, type Router, type RouteRecordRaw } from 'vue-router';
import StartView from '../views/StartView.vue';
// The screens an assessor spends the day in load with the app; the others on first visit.
import WorkspaceLayout from '../views/workspace/WorkspaceLayout.vue';
import CriteriaView from '../views/workspace/CriteriaView.vue';
import { intakeRoutes } from './intake-routes';

/** Names of the workspace's sections, in the order of its side navigation. */
export const WORKSPACE_SECTIONS = ['dashboard', 'criteria', 'findings', 'evidence', 'journal', 'migration', 'export'] as const;
export type WorkspaceSection = (typeof WORKSPACE_SECTIONS)[number];

export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'start', component: StartView },
  { path: '/new', name: 'wizard', component: () => import('../views/WizardView.vue') },
  { path: '/identities', name: 'identities', component: () => import('../views/IdentitiesView.vue') },
  {
    path: '/a/:handle',
    component: WorkspaceLayout,
    props: true,
    children: [
      { path: '', name: 'workspace', redirect: (to) => ({ name: 'criteria', params: to.params }) },
      { path: 'dashboard', name: 'dashboard', component: () => import('../views/workspace/DashboardView.vue') },
      // The criterion id is optional: the navigator alone, or the navigator with a criterion open.
      { path: 'criteria/:criterion?', name: 'criteria', component: CriteriaView },
      { path: 'findings', name: 'findings', component: () => import('../views/workspace/FindingsView.vue') },
      { path: 'evidence', name: 'evidence', component: () => import('../views/workspace/EvidenceView.vue') },
      { path: 'journal', name: 'journal', component: () => import('../views/workspace/JournalView.vue') },
      { path: 'migration', name: 'migration', component: () => import('../views/workspace/MigrationView.vue') },
      { path: 'export', name: 'export', component: () => import('../views/workspace/ExportView.vue') },
    ],
  },
  ...intakeRoutes,
  { path: '/:unknown(.*)*', redirect: { name: 'start' } },
];

export function createAppRouter(): Router {
  return createRouter({ history: createMemoryHistory(), routes });
}
