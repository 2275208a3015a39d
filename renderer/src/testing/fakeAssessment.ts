// An open assessment for renderer tests of the assessment screens: a small two-dimension
// pack (as tfa:packs:get returns it) and a window.api that behaves like main for one
// assessment — edits go through core's applyChange, scores through core's score(), the
// journal records every change — so stores and views run against real behaviour.
import type { AssessmentView, JournalEntryView, PackDetail, PackSummary, ResultOf } from '../../../core/api/contract';
import { packFromDetail } from '../../../core/api/pack-detail';
import { diffClaims } from '../../../core/assessment/claims';
import { newAssessment } from '../../../core/assessment/create';
import { applyChange, nextFindingId } from '../../../core/assessment/ops';
import type { Assessment } from '../../../core/assessment/schema';
import { toScoringInput } from '../../../core/assessment/scoring-input';
import type { MappingEntry } from '../../../core/criteria/schema';
import { planPackMigration } from '../../../core/migration/apply';
import { score } from '../../../core/scoring/score';
import { ok, type MockApi } from './mockApi';

export const HANDLE = 'asmt-h1';
export const PACK_HASH = 'a'.repeat(64);
export const PACK2_HASH = 'b'.repeat(64);
export const ACTOR = '佐藤 花子';

const text = (ja: string, en: string) => ({ ja, en });

interface CriterionSpec {
  id: string;
  dimension: 'IAL' | 'AAL';
  levels: string[];
  title: [string, string];
}

const CRITERIA: CriterionSpec[] = [
  { id: 'IAL-01', dimension: 'IAL', levels: ['IAL1', 'IAL2'], title: ['身元確認の手順', 'Identity proofing procedure'] },
  { id: 'IAL-02', dimension: 'IAL', levels: ['IAL2'], title: ['本人確認書類の検証', 'Evidence validation'] },
  { id: 'IAL-03', dimension: 'IAL', levels: ['IAL2'], title: ['知識ベース確認の禁止', 'No knowledge-based verification'] },
  { id: 'AAL-01', dimension: 'AAL', levels: ['AAL1', 'AAL2'], title: ['パスワードの規則', 'Password rules'] },
  { id: 'AAL-02', dimension: 'AAL', levels: ['AAL1', 'AAL2'], title: ['認証試行回数の制限', 'Limiting failed attempts'] },
  { id: 'AAL-03', dimension: 'AAL', levels: ['AAL2'], title: ['多要素認証', 'Multi-factor authentication'] },
];

function criterionView(c: CriterionSpec): PackDetail['criteria'][number] {
  return {
    id: c.id,
    dimension: c.dimension,
    category: `${c.dimension}-cat`,
    levels: c.levels,
    obligation: 'SHALL',
    methods: ['examine'],
    evidence: [],
    title: text(...c.title),
    statement: text(`${c.title[0]}を定めていること。`, `${c.title[1]} is defined.`),
    guidance: text('', ''),
    references: [{ source: 'DS-511', clause: '3.1' }],
  };
}

function packDetail(version: string, hash: string, criteria: CriterionSpec[], changes?: PackDetail['changes']): PackDetail {
  return {
    id: 'demo',
    version,
    hash,
    title: text('デモ基準', 'Demo criteria'),
    origin: 'builtin',
    criteriaCount: criteria.length,
    description: text('テスト用', 'For tests'),
    publisher: 'TF Assessor team',
    released: '2025-01-01',
    sources: [{ id: 'DS-511', title: text('DS-511', 'DS-511') }],
    dimensions: [
      { id: 'IAL', kind: 'assurance', title: text('身元確認保証レベル', 'Identity assurance level'), levels: [{ id: 'IAL1', rank: 1, title: text('レベル1', 'Level 1') }, { id: 'IAL2', rank: 2, title: text('レベル2', 'Level 2') }] },
      { id: 'AAL', kind: 'assurance', title: text('当人認証保証レベル', 'Authentication assurance level'), levels: [{ id: 'AAL1', rank: 1, title: text('レベル1', 'Level 1') }, { id: 'AAL2', rank: 2, title: text('レベル2', 'Level 2') }] },
    ],
    roles: [{ id: 'IdP', title: text('IdP', 'IdP') }],
    capabilities: [],
    categories: [
      { id: 'IAL-cat', dimension: 'IAL', title: text('身元確認', 'Proofing') },
      { id: 'AAL-cat', dimension: 'AAL', title: text('当人認証', 'Authentication') },
    ],
    evidenceTypes: [],
    findingClasses: [],
    scoring: { aggregate: 'vector', minorNonconformity: 'allow-with-accepted-plan' },
    criteria: criteria.map(criterionView),
    ...(changes && { changes }),
  };
}

export const PACK: PackDetail = packDetail('1.0.0', PACK_HASH, CRITERIA);

/** 2.0.0: AAL-02 renamed to AAL-04, IAL-03 removed, AAL-05 new. */
export const PACK2_ENTRIES: MappingEntry[] = [
  { kind: 'same', from: ['IAL-01'], to: ['IAL-01'] },
  { kind: 'revised', from: ['IAL-02'], to: ['IAL-02'], note: text('書類の種類を追加', 'More document types') },
  { kind: 'removed', from: ['IAL-03'], to: [] },
  { kind: 'same', from: ['AAL-01'], to: ['AAL-01'] },
  { kind: 'renamed', from: ['AAL-02'], to: ['AAL-04'] },
  { kind: 'same', from: ['AAL-03'], to: ['AAL-03'] },
  { kind: 'new', from: [], to: ['AAL-05'] },
];
const CRITERIA2: CriterionSpec[] = [
  ...CRITERIA.filter((c) => c.id !== 'IAL-03' && c.id !== 'AAL-02'),
  { id: 'AAL-04', dimension: 'AAL', levels: ['AAL1', 'AAL2'], title: ['認証試行回数の制限（改）', 'Limiting failed attempts (renamed)'] },
  { id: 'AAL-05', dimension: 'AAL', levels: ['AAL2'], title: ['フィッシング耐性', 'Phishing resistance'] },
];
/** As tfa:packs:get returns 2.0.0: the mapping summarized, with its entries. */
export const PACK2: PackDetail = packDetail('2.0.0', PACK2_HASH, CRITERIA2, {
  from: 'demo@1.0.0',
  counts: { same: 3, revised: 1, removed: 1, renamed: 1, new: 1 },
  criteria: { 'IAL-02': 'revised', 'AAL-04': 'renamed', 'AAL-05': 'new' },
  entries: PACK2_ENTRIES,
});

export const summary = (d: PackDetail): PackSummary => ({ id: d.id, version: d.version, hash: d.hash, title: d.title, origin: d.origin, criteriaCount: d.criteriaCount, dimensions: d.dimensions.map((x) => x.id) });

export interface FakeMain {
  doc(): Assessment;
  journal: JournalEntryView[];
  /** Per evidence hash: what tfa:evidence:verify answers (default ok). */
  verify: Map<string, { ok: boolean; missing: boolean } | 'fail'>;
}

/**
 * Makes `api` answer like main with one open assessment (handle HANDLE) on PACK: IAL-01
 * conformant, IAL-03 major-nc, AAL-01/02 conformant; an open major finding on IAL-03, and a
 * minor one on AAL-02 whose plan was due 2025-03-31; two evidence files, one unlinked.
 */
export function installFakeMain(api: MockApi, options: { packs?: PackDetail[] } = {}): FakeMain {
  const packs = options.packs ?? [PACK, PACK2];
  let doc = newAssessment(
    {
      organization: { legalName: '株式会社サンプル認証' },
      service: { name: 'Sample ID' },
      pack: { id: PACK.id, version: PACK.version, hash: PACK.hash },
      type: 'third-party',
      roles: ['IdP'],
      targets: { IAL: 'IAL2', AAL: 'AAL2' },
    },
    { id: 'asmt-0001-test', now: '2026-02-01T09:00:00Z' },
  );
  const journal: JournalEntryView[] = [{ seq: 0, at: doc.createdAt, actor: ACTOR, op: 'assessment.create', change: { op: 'assessment.create' }, old: null, new: null }];
  const verify: FakeMain['verify'] = new Map();
  let minute = 0;
  // The pinned pack: PACK until tfa:migration:apply moves the assessment on.
  let current = PACK;

  function apply(change: Record<string, unknown>): void {
    minute += 1;
    const at = `2026-02-02T10:${String(minute).padStart(2, '0')}:00Z`;
    const r = applyChange(doc, change, { at, actor: ACTOR }, { pack: packFromDetail(current) });
    doc = r.assessment;
    journal.push({ seq: r.entry.seq, at, actor: ACTOR, op: change.op as string, change: r.entry.change as unknown as Record<string, unknown>, old: r.entry.old, new: r.entry.new });
  }

  function view(): AssessmentView {
    return {
      handle: HANDLE,
      document: doc,
      pack: summary(current),
      score: score(packFromDetail(current), toScoringInput(doc)),
      scoreProblem: null,
      claimDifferences: diffClaims(doc),
      status: { state: 'saved', pending: 0, revision: doc.revision, error: null },
      recovery: [],
    };
  }

  const H1 = '1'.repeat(64);
  const H2 = '2'.repeat(64);
  apply({ op: 'answer.set', criterion: 'IAL-01', set: { status: 'conformant' } });
  apply({ op: 'answer.set', criterion: 'IAL-03', set: { status: 'major-nc', notes: '秘密の質問' } });
  apply({ op: 'answer.set', criterion: 'AAL-01', set: { status: 'conformant' } });
  apply({ op: 'answer.set', criterion: 'AAL-02', set: { status: 'conformant' } });
  apply({ op: 'finding.create', finding: { id: 'F-001', class: 'major-nc', criteria: ['IAL-03'], description: '秘密の質問による本人確認が残っている。', status: 'open' } });
  apply({
    op: 'finding.create',
    finding: { id: 'F-002', class: 'minor-nc', criteria: ['AAL-02'], description: 'ロックアウト閾値が未設定。', correctiveAction: { plan: '10回でロック', owner: '運用部', dueDate: '2025-03-31' }, status: 'plan-accepted' },
  });
  apply({ op: 'evidence.add', hash: H1, item: { name: '認証ポリシー.pdf', capturedAt: '2026-02-02T10:00:00Z', capturedBy: ACTOR, mediaType: 'application/pdf', size: 2048 }, criteria: ['AAL-01', 'AAL-02'] });
  apply({ op: 'evidence.add', hash: H2, item: { name: 'interview.txt', capturedAt: '2026-02-03T10:00:00Z', capturedBy: ACTOR, mediaType: 'text/plain', size: 12 } });

  api.assessmentsOpen.mockImplementation(async () => ok(view()));
  api.assessmentGet.mockImplementation(async () => ok(view()));
  api.assessmentStatus.mockImplementation(async () => ok(view().status));
  api.packsList.mockImplementation(async () => ok(packs.map(summary)));
  api.packsGet.mockImplementation(async (choice) => {
    const found = packs.find((p) => p.id === choice.id && p.version === choice.version);
    return found ? ok(found) : { ok: false, error: { code: 'not-found', message: `pack ${choice.id}@${choice.version} is not installed` } };
  });
  api.answersSet.mockImplementation(async ({ criterion, set }) => {
    apply({ op: 'answer.set', criterion, set });
    return ok(view());
  });
  api.findingsCreate.mockImplementation(async ({ finding }) => {
    const id = finding.id ?? nextFindingId(doc);
    apply({ op: 'finding.create', finding: { ...finding, id, status: finding.status ?? 'open' } });
    return ok({ ...view(), id });
  });
  api.findingsUpdate.mockImplementation(async ({ id, set }) => {
    apply({ op: 'finding.update', id, set });
    return ok(view());
  });
  api.findingsDelete.mockImplementation(async ({ id }) => {
    apply({ op: 'finding.delete', id });
    return ok(view());
  });
  api.evidenceVerify.mockImplementation(async ({ hash }) => {
    const r = verify.get(hash) ?? { ok: true, missing: false };
    if (r === 'fail') return { ok: false, error: { code: 'io', message: `evidence/${hash.slice(0, 12)}… could not be read` } };
    return ok({ hash, ...r });
  });
  api.journalList.mockImplementation(async ({ before, limit }) => {
    const newestFirst = [...journal].reverse().filter((e) => before === undefined || e.seq < before);
    const entries = newestFirst.slice(0, limit ?? 100);
    const last = entries[entries.length - 1];
    const page: ResultOf<'tfa:journal:list'> = { entries, total: journal.length, nextBefore: last && last.seq > 0 && entries.length < newestFirst.length ? last.seq : null };
    return ok(page);
  });

  api.assessmentsClose.mockImplementation(async () => ok(null));
  api.migrationApply.mockImplementation(async ({ to, expectRevision }) => {
    if (expectRevision !== doc.revision) return { ok: false, error: { code: 'conflict', message: `The assessment changed (revision ${doc.revision}, expected ${expectRevision}): preview it again.` } };
    const target = packs.find((p) => p.id === to.id && p.version === to.version);
    if (!target?.changes) return { ok: false, error: { code: 'invalid-input', message: `pack ${to.id}@${to.version} has no mapping` } };
    const change = planPackMigration(doc, current, { id: target.id, version: target.version, hash: target.hash, criteria: target.criteria, mapping: { from: target.changes.from, entries: target.changes.entries } });
    apply(change as unknown as Record<string, unknown>);
    current = target;
    return ok({ ...view(), report: change.report });
  });

  return { doc: () => doc, journal, verify };
}
