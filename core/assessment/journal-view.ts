/**
 * The audit trail as a reader follows it: for each journal entry, what it is about (a
 * criterion, a finding, a piece of evidence, a profile field) and which fields went from
 * which value to which. Used by the audit-trail screen and its filters.
 */

/** A journal entry as the API hands it out (`tfa:journal:list`). */
export interface JournalEntryLike {
  seq: number;
  at: string;
  actor: string;
  op: string;
  change: Record<string, unknown>;
  old: unknown;
  new: unknown;
}

export type JournalSubject =
  | { kind: 'criterion'; criterion: string }
  | { kind: 'evidence'; hash: string; criterion?: string }
  | { kind: 'finding'; finding: string }
  | { kind: 'profile'; field: string }
  | { kind: 'claims' }
  | { kind: 'assessment' };

export interface JournalFieldChange {
  /** The field inside the changed value (`status`, `correctiveAction.dueDate`); '' for the value as a whole. */
  field: string;
  /** undefined: the field was not there. */
  old: unknown;
  new: unknown;
}

export interface JournalLine {
  seq: number;
  at: string;
  actor: string;
  op: string;
  subject: JournalSubject;
  /** Every criterion the entry touches (the finding's criteria before and after, a link's criterion…). */
  criteria: string[];
  changes: JournalFieldChange[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Field-by-field differences between an old and a new value. Objects are compared one
 * level down, and nested objects (a corrective action) one more, so a reader sees
 * `correctiveAction.dueDate: 2026-03-31 → 2026-06-30` rather than two blobs of JSON.
 * Lists and scalars are compared whole. Unchanged fields are left out.
 */
export function diffValues(oldValue: unknown, newValue: unknown, prefix = '', depth = 0): JournalFieldChange[] {
  const o = oldValue ?? undefined;
  const n = newValue ?? undefined;
  if (depth < 2 && (isRecord(o) || isRecord(n)) && (o === undefined || isRecord(o)) && (n === undefined || isRecord(n))) {
    const keys = [...new Set([...Object.keys(o ?? {}), ...Object.keys(n ?? {})])];
    return keys.flatMap((k) => diffValues(o?.[k], n?.[k], prefix ? `${prefix}.${k}` : k, depth + 1));
  }
  return same(o, n) ? [] : [{ field: prefix, old: o, new: n }];
}

/** What one journal entry is about and what it changed. */
export function describeJournalEntry(entry: JournalEntryLike): JournalLine {
  const c = entry.change;
  const base = { seq: entry.seq, at: entry.at, actor: entry.actor, op: entry.op };
  switch (entry.op) {
    case 'answer.set':
    case 'claim.set': {
      const criterion = str(c.criterion) ?? '';
      return { ...base, subject: { kind: 'criterion', criterion }, criteria: criterion ? [criterion] : [], changes: diffValues(entry.old, entry.new) };
    }
    case 'evidence.link':
    case 'evidence.unlink': {
      const criterion = str(c.criterion) ?? '';
      const hash = str(c.hash) ?? '';
      // The value is the criterion's list of links: say which link came or went, not the list.
      const change = entry.op === 'evidence.link' ? { field: 'evidence', old: undefined, new: hash } : { field: 'evidence', old: hash, new: undefined };
      return { ...base, subject: { kind: 'evidence', hash, criterion }, criteria: criterion ? [criterion] : [], changes: [change] };
    }
    case 'evidence.add':
    case 'evidence.update': {
      const linked = strings(c.criteria);
      return { ...base, subject: { kind: 'evidence', hash: str(c.hash) ?? '' }, criteria: linked, changes: diffValues(entry.old, entry.new) };
    }
    case 'finding.create':
    case 'finding.update':
    case 'finding.delete': {
      const finding = str(c.id) ?? (isRecord(c.finding) ? str(c.finding.id) : undefined) ?? '';
      const before = isRecord(entry.old) ? strings(entry.old.criteria) : [];
      const after = isRecord(entry.new) ? strings(entry.new.criteria) : isRecord(c.finding) ? strings(c.finding.criteria) : [];
      const newValue = entry.op === 'finding.create' && entry.new == null ? c.finding : entry.new;
      return { ...base, subject: { kind: 'finding', finding }, criteria: [...new Set([...before, ...after])], changes: diffValues(entry.old, newValue) };
    }
    case 'profile.set': {
      const field = str(c.field) ?? '';
      return { ...base, subject: { kind: 'profile', field }, criteria: [], changes: diffValues(entry.old, entry.new, '', 2) };
    }
    case 'claims.import':
    case 'claims.clear': {
      const claimsOf = (v: unknown): Record<string, unknown> | undefined => (isRecord(v) && isRecord(v.claims) ? v.claims : undefined);
      const before = claimsOf(entry.old);
      const after = claimsOf(entry.new);
      const claims = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
      // Hundreds of claims do not fit a line: the reader gets the counts.
      const changes = [{ field: 'claims', old: before && Object.keys(before).length, new: after && Object.keys(after).length }];
      return { ...base, subject: { kind: 'claims' }, criteria: claims, changes };
    }
    default: {
      // assessment.create, format.migrate, journal.resume: whole-document entries.
      const changes = entry.op === 'format.migrate' ? [{ field: 'formatVersion', old: c.from, new: c.to }] : [];
      return { ...base, subject: { kind: 'assessment' }, criteria: [], changes };
    }
  }
}

export interface JournalFilter {
  /** Exact criterion id. */
  criterion?: string;
  actor?: string;
  /** Operation (`answer.set`…). */
  op?: string;
}

/** True when the line matches every filter that is set (empty filters match everything). */
export function matchesJournalFilter(line: JournalLine, filter: JournalFilter): boolean {
  if (filter.actor && line.actor !== filter.actor) return false;
  if (filter.op && line.op !== filter.op) return false;
  if (filter.criterion && !line.criteria.includes(filter.criterion)) return false;
  return true;
}
