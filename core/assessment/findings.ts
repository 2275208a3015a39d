/**
 * Findings and their corrective actions as the assessor screens and the dashboard see them:
 * which are still open, which plans are overdue on a given day, how a list is ordered, and
 * whether an edited finding can be saved. Pure: "today" is always an argument, so the same
 * answer comes out in a test, on screen and in a report.
 */
import { FINDING_CLASSES, FINDING_STATUSES, type FindingClassId, type FindingStatus } from '../scoring/types';
import type { Finding } from './schema';

/** Most severe first: the order a reviewer reads findings in. */
export const FINDING_CLASS_ORDER: readonly FindingClassId[] = FINDING_CLASSES;
/** The life of a finding, in order. */
export const FINDING_STATUS_ORDER: readonly FindingStatus[] = FINDING_STATUSES;

/** Non-conformities need a corrective action; the other classes are advice. */
export function isNonconformity(findingClass: FindingClassId): boolean {
  return findingClass === 'major-nc' || findingClass === 'minor-nc';
}

/** A finding stays open until its correction has been verified. */
export function isOpenFinding(finding: Pick<Finding, 'status'>): boolean {
  return finding.status !== 'verified-closed';
}

/** The calendar day (YYYY-MM-DD) of `now` in the machine's time zone: the day the user lives in. */
export function localIsoDate(now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

/**
 * True when the finding is still open and its corrective action was due before `today`
 * (YYYY-MM-DD). A plan due today is not overdue yet; a finding without a due date never is.
 */
export function isOverdue(finding: Pick<Finding, 'status' | 'correctiveAction'>, today: string): boolean {
  const due = finding.correctiveAction?.dueDate;
  return due !== undefined && isOpenFinding(finding) && due < today;
}

/** Whole days from `due` to `today` (both YYYY-MM-DD); positive when `due` is in the past. */
export function daysOverdue(due: string, today: string): number {
  return Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${due}T00:00:00Z`)) / 86_400_000);
}

export interface OverdueAction {
  finding: Finding;
  dueDate: string;
  days: number;
}

export interface FindingsOverview {
  total: number;
  /** Findings not verified closed. */
  open: number;
  /** Open findings per class (every class present, 0 when none). */
  openByClass: Record<FindingClassId, number>;
  /** Open findings whose plan is past due, the longest overdue first. */
  overdue: OverdueAction[];
}

/** What the dashboard says about findings on `today` (YYYY-MM-DD). */
export function findingsOverview(findings: readonly Finding[], today: string): FindingsOverview {
  const openByClass = Object.fromEntries(FINDING_CLASSES.map((c) => [c, 0])) as Record<FindingClassId, number>;
  const overdue: OverdueAction[] = [];
  let open = 0;
  for (const f of findings) {
    if (!isOpenFinding(f)) continue;
    open += 1;
    openByClass[f.class] += 1;
    if (isOverdue(f, today)) {
      const dueDate = f.correctiveAction!.dueDate!;
      overdue.push({ finding: f, dueDate, days: daysOverdue(dueDate, today) });
    }
  }
  overdue.sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : compareIds(a.finding.id, b.finding.id)));
  return { total: findings.length, open, openByClass, overdue };
}

export type FindingSortKey = 'id' | 'class' | 'status' | 'dueDate';

/** `F-2` before `F-10`. */
function compareIds(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

const rankOf = <T>(order: readonly T[]) => (x: T) => order.indexOf(x);
const classRank = rankOf(FINDING_CLASS_ORDER);
const statusRank = rankOf(FINDING_STATUS_ORDER);

/**
 * Orders findings for a list: by class (most severe first), status (open first), due date
 * (earliest first; none last) or id. Ties fall back to the id, so the order is total.
 * `descending` reverses the key, not the tie-break. Returns a new array.
 */
export function sortFindings(findings: readonly Finding[], key: FindingSortKey, descending = false): Finding[] {
  const dir = descending ? -1 : 1;
  const keyed = (f: Finding): number | string => {
    switch (key) {
      case 'class':
        return classRank(f.class);
      case 'status':
        return statusRank(f.status);
      case 'dueDate':
        return f.correctiveAction?.dueDate ?? '';
      default:
        return '';
    }
  };
  return [...findings].sort((a, b) => {
    if (key === 'dueDate') {
      const da = a.correctiveAction?.dueDate;
      const db = b.correctiveAction?.dueDate;
      // Findings without a date stay at the end whichever way the list is ordered.
      if (da === undefined || db === undefined) {
        if (da !== db) return da === undefined ? 1 : -1;
      } else if (da !== db) return (da < db ? -1 : 1) * dir;
      return compareIds(a.id, b.id);
    }
    if (key === 'id') return compareIds(a.id, b.id) * dir;
    const ka = keyed(a);
    const kb = keyed(b);
    if (ka !== kb) return (ka < kb ? -1 : 1) * dir;
    return compareIds(a.id, b.id);
  });
}

/** A finding as an editor holds it: every text as typed, empty meaning "not given". */
export interface FindingDraft {
  class: FindingClassId;
  criteria: string[];
  description: string;
  plan: string;
  owner: string;
  dueDate: string;
  status: FindingStatus;
}

export type FindingDraftField = 'class' | 'criteria' | 'description' | 'plan' | 'owner' | 'dueDate' | 'status';

export type FindingDraftIssueCode =
  /** The description is empty. */
  | 'description-required'
  | 'description-too-long'
  /** An owner or due date was given without saying what the plan is. */
  | 'plan-required'
  | 'plan-too-long'
  | 'owner-too-long'
  /** Not a real calendar date in YYYY-MM-DD form. */
  | 'due-date-invalid'
  /** A criterion id the pinned pack does not have. */
  | 'criterion-unknown'
  | 'criterion-repeated'
  /** "Plan accepted" or "verified closed" for a non-conformity that has no plan. */
  | 'status-needs-plan'
  /** Warning: an open major non-conformity blocks every level its criteria decide. */
  | 'major-blocks-level'
  /** Warning: the pack lets a minor non-conformity pass only once its plan is accepted with a due date. */
  | 'minor-needs-accepted-plan'
  /** Warning: the pack never lets a minor non-conformity pass, plan or not. */
  | 'minor-blocks-level'
  /** Warning: the due date has already passed and the finding is not closed. */
  | 'due-date-past';

export interface FindingDraftIssue {
  field: FindingDraftField;
  code: FindingDraftIssueCode;
  /** Errors stop a save; warnings only explain the consequence. */
  severity: 'error' | 'warning';
  /** The offending criterion id, for criterion issues. */
  criterion?: string;
}

const LIMIT = { description: 20000, plan: 20000, owner: 200 } as const;

/** A real calendar date written YYYY-MM-DD (2025-02-30 is not). */
export function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/**
 * Checks a finding before it is saved: what the document format refuses (errors) and what
 * the scoring rules will make of it (warnings). `knownCriteria`, when given, is the pinned
 * pack's criterion ids; `today` (YYYY-MM-DD) enables the past-due warning.
 */
export function checkFindingDraft(draft: FindingDraft, options: { knownCriteria?: ReadonlySet<string>; today?: string; minorNonconformity?: 'block' | 'allow-with-accepted-plan' } = {}): FindingDraftIssue[] {
  const issues: FindingDraftIssue[] = [];
  const error = (field: FindingDraftField, code: FindingDraftIssueCode, criterion?: string) =>
    issues.push({ field, code, severity: 'error', ...(criterion !== undefined && { criterion }) });
  const warn = (field: FindingDraftField, code: FindingDraftIssueCode) => issues.push({ field, code, severity: 'warning' });

  const description = draft.description.trim();
  const plan = draft.plan.trim();
  const owner = draft.owner.trim();
  const due = draft.dueDate.trim();
  if (description === '') error('description', 'description-required');
  else if (draft.description.length > LIMIT.description) error('description', 'description-too-long');

  const seen = new Set<string>();
  for (const id of draft.criteria) {
    if (seen.has(id)) error('criteria', 'criterion-repeated', id);
    else if (options.knownCriteria && !options.knownCriteria.has(id)) error('criteria', 'criterion-unknown', id);
    seen.add(id);
  }

  if (plan === '' && (owner !== '' || due !== '')) error('plan', 'plan-required');
  if (draft.plan.length > LIMIT.plan) error('plan', 'plan-too-long');
  if (draft.owner.length > LIMIT.owner) error('owner', 'owner-too-long');
  if (due !== '' && !isIsoDate(due)) error('dueDate', 'due-date-invalid');

  const nc = isNonconformity(draft.class);
  if (nc && plan === '' && draft.status !== 'open') error('status', 'status-needs-plan');

  // The scoring rule (core/scoring/score.ts): an open major NC blocks; a minor NC passes
  // only under "allow-with-accepted-plan", with the plan accepted (or verified) and dated.
  if (draft.class === 'major-nc' && draft.status !== 'verified-closed') warn('class', 'major-blocks-level');
  if (draft.class === 'minor-nc') {
    if (options.minorNonconformity === 'block') warn('class', 'minor-blocks-level');
    else if (draft.status === 'open' || due === '') warn('status', 'minor-needs-accepted-plan');
  }
  if (draft.status !== 'verified-closed') {
    if (options.today !== undefined && due !== '' && isIsoDate(due) && due < options.today) warn('dueDate', 'due-date-past');
  }
  return issues;
}

/** The editor's starting point for an existing finding, or a new one. */
export function findingToDraft(finding?: Finding): FindingDraft {
  return {
    class: finding?.class ?? 'minor-nc',
    criteria: [...(finding?.criteria ?? [])],
    description: finding?.description ?? '',
    plan: finding?.correctiveAction?.plan ?? '',
    owner: finding?.correctiveAction?.owner ?? '',
    dueDate: finding?.correctiveAction?.dueDate ?? '',
    status: finding?.status ?? 'open',
  };
}

/** The finding a valid draft stands for (without its id): empty texts are left out. */
export function draftToFinding(draft: FindingDraft): Omit<Finding, 'id'> {
  const plan = draft.plan.trim();
  const owner = draft.owner.trim();
  const dueDate = draft.dueDate.trim();
  return {
    class: draft.class,
    criteria: [...draft.criteria],
    description: draft.description.trim(),
    ...(plan !== '' && { correctiveAction: { plan, ...(owner !== '' && { owner }), ...(dueDate !== '' && { dueDate }) } }),
    status: draft.status,
  };
}
