// The assessment screens build message keys at run time from core's vocabularies (change
// operations, block reasons, finding issues, migration reasons…): every one needs a message
// in both languages, or the screen would show a raw key.
import { describe, expect, it } from 'vitest';
import { BASE_OPS, type ChangeOp } from '../../../core/assessment/ops';
import type { FindingDraftIssueCode } from '../../../core/assessment/findings';
import type { MappingKind } from '../../../core/criteria/schema';
import type { ReassessmentReason, RetiredAnswer } from '../../../core/migration/migrate';
import { FINDING_CLASSES, FINDING_STATUSES, RESULT_STATUSES, type BlockReason } from '../../../core/scoring/types';
import type { VerifyState } from '../stores/evidenceLibrary';
import { createAppI18n } from '.';

/** The keys of a record that must name every member of a union (checked by the compiler). */
const all = <K extends string>(record: Record<K, true>): K[] => Object.keys(record) as K[];

const CHANGE_OPS = all<ChangeOp>({
  'profile.set': true,
  'answer.set': true,
  'evidence.add': true,
  'evidence.update': true,
  'evidence.link': true,
  'evidence.unlink': true,
  'finding.create': true,
  'finding.update': true,
  'finding.delete': true,
  'claims.import': true,
  'claim.set': true,
  'claims.clear': true,
  'pack.migrate': true,
});
const BLOCK_REASONS = all<BlockReason>({
  'not-assessed': true,
  'major-nc': true,
  'minor-nc': true,
  'minor-nc-without-accepted-plan': true,
  'not-applicable-without-justification': true,
  'open-major-finding': true,
  'constituent-not-met': true,
});
const ISSUES = all<FindingDraftIssueCode>({
  'description-required': true,
  'description-too-long': true,
  'plan-required': true,
  'plan-too-long': true,
  'owner-too-long': true,
  'due-date-invalid': true,
  'criterion-unknown': true,
  'criterion-repeated': true,
  'status-needs-plan': true,
  'major-blocks-level': true,
  'minor-needs-accepted-plan': true,
  'minor-blocks-level': true,
  'due-date-past': true,
});
const REASSESS = all<ReassessmentReason>({ revised: true, renamed: true, split: true, 'merged-disagreement': true, new: true, unmapped: true });
const KINDS = all<MappingKind | 'unmapped'>({ same: true, revised: true, renamed: true, split: true, merged: true, removed: true, new: true, unmapped: true });
const RETIRED = all<RetiredAnswer['reason']>({ removed: true, unmapped: true, 'unknown-criterion': true });
const VERIFY = all<VerifyState>({ idle: true, running: true, ok: true, altered: true, missing: true, error: true });

const needed = [
  ...[...CHANGE_OPS, ...BASE_OPS].map((op) => `journal.op.${op.replace(/\./g, '-')}`),
  ...BLOCK_REASONS.map((r) => `dashboard.reason.${r}`),
  ...ISSUES.map((c) => `findings.validation.${c}`),
  ...REASSESS.map((r) => `migration.reason.${r}`),
  ...KINDS.map((k) => `migration.kind.${k}`),
  ...RETIRED.map((r) => `migration.retiredReason.${r}`),
  ...VERIFY.map((s) => `evidenceLibrary.result.${s}`),
  ...(['ok', 'altered', 'missing', 'error'] as const).map((s) => `evidenceLibrary.resultNotice.${s}`),
  ...(['met', 'not-met', 'no-target', 'not-applicable'] as const).map((s) => `dashboard.state.${s}`),
  ...(['assurance', 'baseline'] as const).map((k) => `dashboard.kind.${k}`),
  ...FINDING_CLASSES.map((c) => `findingClass.${c}`),
  ...FINDING_STATUSES.map((s) => `findingStatus.${s}`),
  ...RESULT_STATUSES.map((s) => `status.${s}`),
  ...(['status', 'justification', 'notes', 'class', 'criteria', 'description', 'correctiveAction-plan', 'correctiveAction-owner', 'correctiveAction-dueDate', 'evidence', 'claims', 'formatVersion'] as const).map((f) => `journal.field.${f}`),
];

describe('messages the assessment screens build at run time', () => {
  it.each(['ja', 'en'] as const)('exist in %s', (lang) => {
    const { te } = createAppI18n(lang).global;
    expect(needed.filter((key) => !te(key, lang))).toEqual([]);
  });

  it('keep Japanese and English apart (no message left untranslated)', () => {
    const ja = createAppI18n('ja').global;
    const en = createAppI18n('en').global;
    const same = needed.filter((key) => ja.t(key) === en.t(key) && !/^[A-Z0-9 ]+$/.test(en.t(key)));
    expect(same).toEqual([]);
  });
});
