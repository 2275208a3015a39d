/**
 * What changed between two submissions about one organization (last year's and this year's,
 * or the self-assessment and the assessor's): levels per dimension, results per criterion,
 * findings. The certification body reads this beside each submission's verification report;
 * the levels and results compared are the ones this app recomputed, never the submitter's.
 */
import type { ScoreResult } from '../scoring/types';
import type { Assessment, Finding } from './schema';

/** One side of a comparison: the document, its pack's criterion ids and its recomputed score. */
export interface Submission {
  document: Assessment;
  /** Criterion ids of the pack the document was assessed against, in pack order. */
  criteria: readonly string[];
  /** The score recomputed with that pack; null when the document could not be scored. */
  score: Pick<ScoreResult, 'dimensions' | 'criteria'> | null;
}

export interface Change<T> {
  before: T;
  after: T;
}

export interface LevelChange {
  dimension: string;
  achieved: Change<string | null>;
  target: Change<string | null>;
  changed: boolean;
}

export interface ResultChange {
  criterion: string;
  /** `added`/`removed`: the criterion exists in one pack only. */
  kind: 'changed' | 'added' | 'removed';
  /** The effective result; null when the criterion is out of the service's scope (or not in that pack). */
  status: Change<string | null>;
  /** Met by the scoring engine's rules; null out of scope, not in that pack, or unscored. */
  met: Change<boolean | null>;
}

export interface FindingChange {
  id: string;
  kind: 'opened' | 'closed' | 'changed' | 'removed';
  title: string;
  criterion: string | null;
  status: Change<string | null>;
  classification: Change<string | null>;
}

export interface ComparisonCore {
  sameOrganization: boolean;
  samePack: boolean;
  levels: LevelChange[];
  results: ResultChange[];
  unchangedResults: number;
  findings: FindingChange[];
}

/** Longest finding title shown: the first line of its description. */
export const FINDING_TITLE_MAX = 200;
const CLOSED = 'verified-closed';

/** A finding's title: the first non-empty line of its description, trimmed and bounded. */
export function findingTitle(f: Pick<Finding, 'description'>): string {
  const line = f.description.split(/\r\n|\r|\n/).find((l) => l.trim() !== '') ?? '';
  const t = line.trim().replace(/\s+/gu, ' ');
  return [...t].length > FINDING_TITLE_MAX ? `${[...t].slice(0, FINDING_TITLE_MAX - 1).join('')}…` : t;
}

function normalizeName(name: string): string {
  return name.normalize('NFKC').replace(/\s+/gu, ' ').trim().toLowerCase();
}

/**
 * Whether two documents are about the same organization: by 法人番号 when both carry one (a
 * renamed company keeps its number), else by legal name (NFKC, blanks and case ignored).
 */
export function sameOrganization(a: Assessment['organization'], b: Assessment['organization']): boolean {
  const number = (o: Assessment['organization']) => o.identifiers.find((i) => i.scheme === 'jp-corporate-number')?.value.trim();
  const na = number(a);
  const nb = number(b);
  if (na && nb) return na === nb;
  return normalizeName(a.legalName) === normalizeName(b.legalName);
}

interface ResultState {
  status: string | null;
  met: boolean | null;
}

function resultOf(s: Submission, criterion: string): ResultState {
  const scored = s.score?.criteria[criterion];
  if (scored) return scored.inScope ? { status: scored.effective, met: scored.met } : { status: null, met: null };
  // Unscored: the recorded answer is all there is; whether it is met is unknown.
  const record = Object.hasOwn(s.document.criteria, criterion) ? s.document.criteria[criterion] : undefined;
  return { status: record?.status ?? 'not-assessed', met: null };
}

function compareLevels(base: Submission, other: Submission): LevelChange[] {
  const dims = (s: Submission) => new Map((s.score?.dimensions ?? []).map((d) => [d.dimension, d]));
  const targets = (s: Submission, dimension: string) => (Object.hasOwn(s.document.targets, dimension) ? s.document.targets[dimension]! : null);
  const b = dims(base);
  const o = dims(other);
  const order = [...b.keys(), ...[...o.keys()].filter((k) => !b.has(k))];
  return order.map((dimension) => {
    const before = b.get(dimension);
    const after = o.get(dimension);
    const achieved = { before: before?.achieved ?? null, after: after?.achieved ?? null };
    const target = { before: before ? before.target : targets(base, dimension), after: after ? after.target : targets(other, dimension) };
    return { dimension, achieved, target, changed: achieved.before !== achieved.after || target.before !== target.after || !before || !after };
  });
}

function compareResults(base: Submission, other: Submission): { results: ResultChange[]; unchanged: number } {
  const inBase = new Set(base.criteria);
  const inOther = new Set(other.criteria);
  const results: ResultChange[] = [];
  let unchanged = 0;
  for (const id of other.criteria) {
    const after = resultOf(other, id);
    if (!inBase.has(id)) {
      results.push({ criterion: id, kind: 'added', status: { before: null, after: after.status }, met: { before: null, after: after.met } });
      continue;
    }
    const before = resultOf(base, id);
    if (before.status === after.status && before.met === after.met) unchanged += 1;
    else results.push({ criterion: id, kind: 'changed', status: { before: before.status, after: after.status }, met: { before: before.met, after: after.met } });
  }
  for (const id of base.criteria) {
    if (inOther.has(id)) continue;
    const before = resultOf(base, id);
    results.push({ criterion: id, kind: 'removed', status: { before: before.status, after: null }, met: { before: before.met, after: null } });
  }
  return { results, unchanged };
}

/** The key findings are matched by when their ids differ: the criteria they name and their title. */
function contentKey(f: Finding): string {
  return JSON.stringify([[...f.criteria].sort(), normalizeName(findingTitle(f))]);
}

function compareFindings(base: readonly Finding[], other: readonly Finding[]): FindingChange[] {
  const pairs: { before: Finding | null; after: Finding | null }[] = [];
  const baseById = new Map(base.map((f) => [f.id, f]));
  const unmatchedOther: Finding[] = [];
  const matchedBase = new Set<Finding>();
  for (const f of other) {
    const b = baseById.get(f.id);
    if (b && !matchedBase.has(b)) {
      matchedBase.add(b);
      pairs.push({ before: b, after: f });
    } else unmatchedOther.push(f);
  }
  // Second pass: a finding renumbered between submissions still names the same criteria and says the same thing.
  const byContent = new Map<string, Finding[]>();
  for (const b of base) {
    if (matchedBase.has(b)) continue;
    const k = contentKey(b);
    byContent.set(k, [...(byContent.get(k) ?? []), b]);
  }
  for (const f of unmatchedOther) {
    const candidates = byContent.get(contentKey(f));
    const b = candidates?.shift();
    if (b) {
      matchedBase.add(b);
      pairs.push({ before: b, after: f });
    } else pairs.push({ before: null, after: f });
  }
  for (const b of base) if (!matchedBase.has(b)) pairs.push({ before: b, after: null });

  const out: FindingChange[] = [];
  for (const { before, after } of pairs) {
    const f = (after ?? before)!;
    const status = { before: before?.status ?? null, after: after?.status ?? null };
    const classification = { before: before?.class ?? null, after: after?.class ?? null };
    const head = { id: f.id, title: findingTitle(f), criterion: f.criteria[0] ?? null, status, classification };
    if (!before) out.push({ ...head, kind: 'opened' });
    else if (!after) out.push({ ...head, kind: 'removed' });
    else if (after.status === CLOSED && before.status !== CLOSED) out.push({ ...head, kind: 'closed' });
    else if (
      before.status !== after.status ||
      before.class !== after.class ||
      before.description !== after.description ||
      contentKey(before) !== contentKey(after) ||
      JSON.stringify(before.correctiveAction ?? null) !== JSON.stringify(after.correctiveAction ?? null)
    ) {
      out.push({ ...head, kind: 'changed' });
    }
  }
  return out;
}

/**
 * What changed from `base` to `other`: every dimension's achieved level and target (with
 * `changed`), the criteria whose result or scope changed (criteria of one pack only are
 * `added`/`removed`; the unchanged are counted), and the findings opened, closed, changed or
 * removed — matched by id, then by criteria and title. Pure; the same inputs give the same output.
 */
export function compareSubmissions(base: Submission, other: Submission): ComparisonCore {
  const { results, unchanged } = compareResults(base, other);
  const a = base.document.pack;
  const b = other.document.pack;
  return {
    sameOrganization: sameOrganization(base.document.organization, other.document.organization),
    samePack: a.id === b.id && a.version === b.version && a.hash === b.hash,
    levels: compareLevels(base, other),
    results,
    unchangedResults: unchanged,
    findings: compareFindings(base.document.findings, other.document.findings),
  };
}
