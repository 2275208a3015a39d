/**
 * The fixed words of a report in both product languages: result and finding labels, column
 * and field names, small phrases. Section headings and longer texts (methodology,
 * declaration) come from the template, so a certification body can word them its own way;
 * these are the product's vocabulary and stay the same in every template.
 *
 * `Texts` is one interface that both languages implement, so a missing translation is a
 * type error rather than an English word in a Japanese report.
 */
import type { BlockReason, FindingClassId, FindingStatus, ResultStatus } from '../scoring/types';
import type { ClaimDifferenceKind } from '../assessment/claims';

export type Lang = 'ja' | 'en';
export const LANGS: readonly Lang[] = ['ja', 'en'];

export type Applicability = 'applicable' | 'not-applicable' | 'out-of-scope';
export type TargetState = 'met' | 'not-met' | 'no-target' | 'not-applicable';

export interface Texts {
  result: Record<ResultStatus, string>;
  applicability: Record<Applicability, string>;
  method: Record<'examine' | 'interview' | 'test', string>;
  findingClass: Record<FindingClassId, string>;
  findingStatus: Record<FindingStatus, string>;
  assessmentType: Record<'self-assessment' | 'third-party', string>;
  assessorRole: Record<'lead' | 'assessor' | 'technical-expert' | 'observer', string>;
  identifierScheme: Record<'jp-corporate-number' | 'lei', string>;
  blockReason: Record<BlockReason, string>;
  claimDifference: Record<ClaimDifferenceKind, string>;
  targetState: Record<TargetState, string>;
  dimensionKind: Record<'assurance' | 'baseline', string>;
  column: {
    id: string;
    title: string;
    dimension: string;
    category: string;
    levels: string;
    obligation: string;
    applicability: string;
    justification: string;
    result: string;
    howFulfilled: string;
    methods: string;
    evidence: string;
    samplingNotes: string;
    notes: string;
    findings: string;
    findingId: string;
    class: string;
    status: string;
    criteria: string;
    description: string;
    correctiveAction: string;
    owner: string;
    dueDate: string;
    name: string;
    mediaType: string;
    size: string;
    sha256: string;
    captured: string;
    capturedAt: string;
    capturedBy: string;
    claimed: string;
    assessed: string;
    difference: string;
    seq: string;
    at: string;
    actor: string;
    change: string;
    target: string;
    old: string;
    new: string;
    achieved: string;
    targetLevel: string;
    targetState: string;
    progress: string;
    blocking: string;
    item: string;
    value: string;
    count: string;
    role: string;
    email: string;
    person: string;
    affiliation: string;
    kind: string;
  };
  field: {
    organization: string;
    legalNameEn: string;
    identifiers: string;
    address: string;
    contacts: string;
    service: string;
    serviceDescription: string;
    serviceScope: string;
    roles: string;
    capabilities: string;
    sites: string;
    visitedOn: string;
    period: string;
    pack: string;
    packRef: string;
    packHash: string;
    packPublisher: string;
    packReleased: string;
    scoringPolicy: string;
    assessmentType: string;
    assessmentId: string;
    revision: string;
    reportDate: string;
    assessors: string;
    issuer: string;
    claimsSource: string;
    claimsReceived: string;
    claimsDocument: string;
    aggregate: string;
    resultCounts: string;
    openFindings: string;
    outOfScope: string;
    inScope: string;
    total: string;
    entries: string;
    firstEntry: string;
    lastEntry: string;
    actors: string;
    methodsUsed: string;
    signature: string;
    date: string;
    independence: string;
    signatures: string;
    report: string;
    generatedAt: string;
  };
  phrase: {
    none: string;
    notRecorded: string;
    allRoles: string;
    allLevels: string;
    /** `{ids}`: the constituent criteria. */
    derivedFrom: string;
    /** `{n}` */
    moreItems: string;
    /** `{roles}` */
    outOfScopeRoles: string;
    /** `{condition}` */
    outOfScopeCondition: string;
    conditionAnd: string;
    conditionOr: string;
    conditionNot: string;
    /** `{page}`, `{pages}` */
    pageOf: string;
    /** `{n}` entries of audit trail; `{file}` */
    auditInXlsx: string;
    noAudit: string;
    noFindings: string;
    noEvidence: string;
    noClaimDifferences: string;
    /** `{n}`: criteria where claim and result agree. */
    claimsAgree: string;
    noIndependenceStatement: string;
    selfAssessmentIndependence: string;
    /** `{ref}` */
    seeAnnex: string;
    annexEntry: string;
    aggregateVector: string;
    /** `{rank}` */
    aggregateMinimum: string;
    aggregateNone: string;
    minorPolicyBlock: string;
    minorPolicyAllow: string;
    /** `{n}` */
    truncated: string;
    recapturedAs: string;
    /** `{target}` */
    blocksTarget: string;
    targetNotSet: string;
    reportTitleSuffix: string;
    subject: string;
    /** Written in every XLSX cell that had to be shortened to Excel's limit. */
    cellTruncated: string;
    creator: string;
    dateLine: string;
    signatureLine: string;
    digitalSignatureNote: string;
  };
}

const ja: Texts = {
  result: { conformant: '適合', 'minor-nc': '軽微な不適合', 'major-nc': '重大な不適合', 'not-applicable': '適用除外', 'not-assessed': '未評価' },
  applicability: { applicable: '適用', 'not-applicable': '適用除外', 'out-of-scope': '対象外' },
  method: { examine: '文書確認', interview: 'インタビュー', test: 'テスト' },
  findingClass: { 'major-nc': '重大な不適合', 'minor-nc': '軽微な不適合', observation: '観察事項', ofi: '改善の機会', 'good-practice': '優れた実践' },
  findingStatus: { open: '未対応', 'plan-accepted': '是正計画承認済み', 'verified-closed': '是正確認済み' },
  assessmentType: { 'self-assessment': '自己評価', 'third-party': '第三者評価' },
  assessorRole: { lead: '主任評価者', assessor: '評価者', 'technical-expert': '技術専門家', observer: 'オブザーバー' },
  identifierScheme: { 'jp-corporate-number': '法人番号', lei: 'LEI' },
  blockReason: {
    'not-assessed': '未評価',
    'major-nc': '重大な不適合',
    'minor-nc': '軽微な不適合',
    'minor-nc-without-accepted-plan': '承認済み是正計画のない軽微な不適合',
    'not-applicable-without-justification': '理由のない適用除外',
    'open-major-finding': '未対応の重大な不適合の指摘',
    'constituent-not-met': '構成基準が未充足',
  },
  claimDifference: {
    'not-assessed': '評価者未評価',
    overclaimed: '過大申告',
    underclaimed: '過小申告',
    applicability: '適用可否の相違',
    unclaimed: '申告なし',
  },
  targetState: { met: '達成', 'not-met': '未達', 'no-target': '目標なし', 'not-applicable': '対象外' },
  dimensionKind: { assurance: '保証レベル', baseline: 'ベースライン' },
  column: {
    id: '基準ID',
    title: '基準',
    dimension: '区分',
    category: 'カテゴリ',
    levels: 'レベル',
    obligation: '義務',
    applicability: '適用可否',
    justification: '適用除外・対象外の理由',
    result: '評価結果',
    howFulfilled: '充足の方法',
    methods: '評価方法',
    evidence: '証跡',
    samplingNotes: 'サンプリング',
    notes: '評価者所見',
    findings: '指摘',
    findingId: '指摘ID',
    class: '分類',
    status: '状態',
    criteria: '関連基準',
    description: '内容',
    correctiveAction: '是正処置',
    owner: '担当',
    dueDate: '期限',
    name: 'ファイル名',
    mediaType: '種類',
    size: 'サイズ',
    sha256: 'SHA-256',
    captured: '取得',
    capturedAt: '取得日時',
    capturedBy: '取得者',
    claimed: '申告',
    assessed: '評価',
    difference: '相違',
    seq: '番号',
    at: '日時',
    actor: '実施者',
    change: '操作',
    target: '対象',
    old: '変更前',
    new: '変更後',
    achieved: '達成レベル',
    targetLevel: '目標レベル',
    targetState: '目標',
    progress: '評価済み',
    blocking: '目標を妨げる基準',
    item: '項目',
    value: '内容',
    count: '件数',
    role: '役割',
    email: 'メール',
    person: '氏名',
    affiliation: '所属',
    kind: '種別',
  },
  field: {
    organization: '被評価組織',
    legalNameEn: '英文名称',
    identifiers: '識別番号',
    address: '所在地',
    contacts: '連絡先',
    service: '対象サービス',
    serviceDescription: 'サービスの概要',
    serviceScope: '評価範囲',
    roles: '役割',
    capabilities: '機能',
    sites: '訪問先',
    visitedOn: '訪問日',
    period: '評価期間',
    pack: '評価基準',
    packRef: '基準ID・版',
    packHash: '基準ハッシュ (SHA-256)',
    packPublisher: '発行者',
    packReleased: '公開日',
    scoringPolicy: '判定方針',
    assessmentType: '評価種別',
    assessmentId: '評価ID',
    revision: '改訂番号',
    reportDate: '報告書作成日',
    assessors: '評価者',
    issuer: '発行機関',
    claimsSource: '申告者',
    claimsReceived: '受領日',
    claimsDocument: '申告文書',
    aggregate: '総合判定',
    resultCounts: '評価結果の内訳',
    openFindings: '未完了の指摘',
    outOfScope: '対象外',
    inScope: '対象基準',
    total: '合計',
    entries: '記録件数',
    firstEntry: '最初の記録',
    lastEntry: '最後の記録',
    actors: '記録者',
    methodsUsed: '適用した評価方法',
    signature: '署名',
    date: '日付',
    independence: '独立性に関する表明',
    signatures: '署名',
    report: '報告書',
    generatedAt: '作成日時',
  },
  phrase: {
    none: '—',
    notRecorded: '記録なし',
    allRoles: 'すべての役割(限定なし)',
    allLevels: '全レベル',
    derivedFrom: '構成基準 {ids} から導出',
    moreItems: 'ほか {n} 件',
    outOfScopeRoles: '対象サービスの役割に該当しない(適用される役割: {roles})',
    outOfScopeCondition: '適用条件を満たさない(条件: {condition})',
    conditionAnd: 'かつ',
    conditionOr: 'または',
    conditionNot: '次に該当しない:',
    pageOf: '{page} / {pages} ページ',
    auditInXlsx: '変更履歴の全 {n} 件は、報告書の表計算ファイル({file})の「Audit trail」シートに収録している。',
    noAudit: '変更履歴はこの報告書に含まれていない。',
    noFindings: '指摘事項はない。',
    noEvidence: '証跡は登録されていない。',
    noClaimDifferences: '申告と評価結果に相違はない。',
    claimsAgree: '申告と評価結果が一致した基準: {n} 件',
    noIndependenceStatement: '独立性に関する表明は記録されていない。',
    selfAssessmentIndependence: '自己評価のため、独立性に関する表明は対象外である。',
    seeAnnex: '(全文は付録 {ref} を参照)',
    annexEntry: '付録',
    aggregateVector: '区分ごとに判定する(ベクトル方式)',
    aggregateMinimum: '保証レベル区分の最低ランク: {rank}',
    aggregateNone: '保証レベル区分のいずれかでレベルを達成していないため、総合レベルはない',
    minorPolicyBlock: '軽微な不適合はレベルの達成を妨げる',
    minorPolicyAllow: '軽微な不適合は、期限付きの是正計画が承認されていればレベルの達成を妨げない',
    truncated: '…(以下 {n} 文字省略)',
    recapturedAs: '再取得',
    blocksTarget: '{target} を妨げる基準',
    targetNotSet: '目標未設定',
    reportTitleSuffix: '評価報告書',
    subject: '{service} の {pack} に基づく評価',
    cellTruncated: '…(Excel のセル上限のため省略。全文は PDF 報告書及び assessment.json を参照)',
    creator: 'TF Assessor',
    dateLine: '日付',
    signatureLine: '署名',
    digitalSignatureNote: 'この報告書は電子署名により署名される。署名の検証には認証機関の信頼する証明書を用いる。',
  },
};

const en: Texts = {
  result: { conformant: 'Conformant', 'minor-nc': 'Minor non-conformity', 'major-nc': 'Major non-conformity', 'not-applicable': 'Not applicable', 'not-assessed': 'Not assessed' },
  applicability: { applicable: 'Applicable', 'not-applicable': 'Not applicable', 'out-of-scope': 'Out of scope' },
  method: { examine: 'Examine', interview: 'Interview', test: 'Test' },
  findingClass: { 'major-nc': 'Major non-conformity', 'minor-nc': 'Minor non-conformity', observation: 'Observation', ofi: 'Opportunity for improvement', 'good-practice': 'Good practice' },
  findingStatus: { open: 'Open', 'plan-accepted': 'Plan accepted', 'verified-closed': 'Verified closed' },
  assessmentType: { 'self-assessment': 'Self-assessment', 'third-party': 'Third-party assessment' },
  assessorRole: { lead: 'Lead assessor', assessor: 'Assessor', 'technical-expert': 'Technical expert', observer: 'Observer' },
  identifierScheme: { 'jp-corporate-number': 'Corporate number (Japan)', lei: 'LEI' },
  blockReason: {
    'not-assessed': 'not assessed',
    'major-nc': 'major non-conformity',
    'minor-nc': 'minor non-conformity',
    'minor-nc-without-accepted-plan': 'minor non-conformity without an accepted plan',
    'not-applicable-without-justification': 'not applicable without justification',
    'open-major-finding': 'open major finding',
    'constituent-not-met': 'constituent criteria not met',
  },
  claimDifference: {
    'not-assessed': 'Not yet assessed',
    overclaimed: 'Overclaimed',
    underclaimed: 'Underclaimed',
    applicability: 'Applicability differs',
    unclaimed: 'No claim',
  },
  targetState: { met: 'Met', 'not-met': 'Not met', 'no-target': 'No target', 'not-applicable': 'Not applicable' },
  dimensionKind: { assurance: 'Assurance levels', baseline: 'Baseline' },
  column: {
    id: 'Criterion',
    title: 'Title',
    dimension: 'Dimension',
    category: 'Category',
    levels: 'Levels',
    obligation: 'Obligation',
    applicability: 'Applicability',
    justification: 'Justification (not applicable / out of scope)',
    result: 'Result',
    howFulfilled: 'How fulfilled',
    methods: 'Method',
    evidence: 'Evidence',
    samplingNotes: 'Sampling',
    notes: 'Assessor notes',
    findings: 'Findings',
    findingId: 'Finding',
    class: 'Class',
    status: 'Status',
    criteria: 'Criteria',
    description: 'Description',
    correctiveAction: 'Corrective action',
    owner: 'Owner',
    dueDate: 'Due date',
    name: 'Name',
    mediaType: 'Type',
    size: 'Size',
    sha256: 'SHA-256',
    captured: 'Captured',
    capturedAt: 'Captured at',
    capturedBy: 'Captured by',
    claimed: 'Claimed',
    assessed: 'Assessed',
    difference: 'Difference',
    seq: 'No.',
    at: 'Time',
    actor: 'Actor',
    change: 'Change',
    target: 'Target',
    old: 'Before',
    new: 'After',
    achieved: 'Achieved',
    targetLevel: 'Target',
    targetState: 'Target met',
    progress: 'Assessed',
    blocking: 'Criteria blocking the target',
    item: 'Item',
    value: 'Value',
    count: 'Count',
    role: 'Role',
    email: 'E-mail',
    person: 'Name',
    affiliation: 'Organization',
    kind: 'Kind',
  },
  field: {
    organization: 'Organization',
    legalNameEn: 'Name in English',
    identifiers: 'Identifiers',
    address: 'Address',
    contacts: 'Contacts',
    service: 'Service',
    serviceDescription: 'Service description',
    serviceScope: 'Scope of the assessment',
    roles: 'Roles',
    capabilities: 'Capabilities',
    sites: 'Sites visited',
    visitedOn: 'visited on',
    period: 'Assessment period',
    pack: 'Criteria',
    packRef: 'Criteria id and version',
    packHash: 'Criteria hash (SHA-256)',
    packPublisher: 'Publisher',
    packReleased: 'Released',
    scoringPolicy: 'Scoring policy',
    assessmentType: 'Assessment type',
    assessmentId: 'Assessment id',
    revision: 'Revision',
    reportDate: 'Report date',
    assessors: 'Assessors',
    issuer: 'Issued by',
    claimsSource: 'Claims made by',
    claimsReceived: 'Received on',
    claimsDocument: 'Claims document',
    aggregate: 'Overall result',
    resultCounts: 'Results',
    openFindings: 'Findings not yet closed',
    outOfScope: 'Out of scope',
    inScope: 'Criteria in scope',
    total: 'Total',
    entries: 'Entries',
    firstEntry: 'First entry',
    lastEntry: 'Last entry',
    actors: 'Recorded by',
    methodsUsed: 'Assessment methods applied',
    signature: 'Signature',
    date: 'Date',
    independence: 'Statement of independence',
    signatures: 'Signatures',
    report: 'Report',
    generatedAt: 'Generated at',
  },
  phrase: {
    none: '—',
    notRecorded: 'not recorded',
    allRoles: 'every role (no restriction)',
    allLevels: 'All levels',
    derivedFrom: 'derived from {ids}',
    moreItems: 'and {n} more',
    outOfScopeRoles: 'the service does not play the roles it applies to ({roles})',
    outOfScopeCondition: 'its condition does not hold for the service ({condition})',
    conditionAnd: 'and',
    conditionOr: 'or',
    conditionNot: 'not',
    pageOf: 'Page {page} of {pages}',
    auditInXlsx: 'All {n} entries of the audit trail are in the "Audit trail" sheet of the report workbook ({file}).',
    noAudit: 'The audit trail is not included in this report.',
    noFindings: 'No findings were raised.',
    noEvidence: 'No evidence was recorded.',
    noClaimDifferences: 'The claims and the assessed results agree.',
    claimsAgree: 'Criteria where the claim and the assessed result agree: {n}',
    noIndependenceStatement: 'No statement of independence was recorded.',
    selfAssessmentIndependence: 'A self-assessment: no statement of independence applies.',
    seeAnnex: '(full text in annex {ref})',
    annexEntry: 'Annex',
    aggregateVector: 'each dimension is judged on its own (vector)',
    aggregateMinimum: 'lowest rank across assurance dimensions: {rank}',
    aggregateNone: 'no overall level: an assurance dimension achieves no level',
    minorPolicyBlock: 'a minor non-conformity blocks the level',
    minorPolicyAllow: 'a minor non-conformity does not block the level once a corrective-action plan with a due date is accepted',
    truncated: '… ({n} more characters)',
    recapturedAs: 'recaptured',
    blocksTarget: 'blocking {target}',
    targetNotSet: 'no target set',
    reportTitleSuffix: 'Assessment report',
    subject: 'Assessment of {service} against {pack}',
    cellTruncated: '… (shortened to the Excel cell limit; the full text is in the PDF report and assessment.json)',
    creator: 'TF Assessor',
    dateLine: 'Date',
    signatureLine: 'Signature',
    digitalSignatureNote: 'This report is signed digitally; verify the signature against a certificate the certification body trusts.',
  },
};

const TEXTS: Record<Lang, Texts> = { ja, en };

/** The product's report vocabulary in `lang`. */
export function texts(lang: Lang): Texts {
  return TEXTS[lang];
}

/** Replaces `{name}` placeholders. Values are inserted as they are (never re-expanded). */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, key: string) => (Object.hasOwn(values, key) ? String(values[key]) : m));
}

/** `a, b, c` / `a、b、c`. */
export function joinList(items: readonly string[], lang: Lang): string {
  return items.join(lang === 'ja' ? '、' : ', ');
}

/** `512 bytes`, `1.2 MiB`: binary units, the exact count stays in the evidence index's SHA-256 row and the XLSX. */
export function formatBytes(n: number, lang: Lang): string {
  const grouped = n.toLocaleString('en-US');
  const unit = lang === 'ja' ? 'バイト' : n === 1 ? 'byte' : 'bytes';
  if (n < 1024) return `${grouped} ${unit}`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

/** Short form of a SHA-256 for tables: the first 12 hex digits (48 bits). */
export function shortHash(sha256: string): string {
  return sha256.slice(0, 12);
}

// Building an Intl.DateTimeFormat costs far more than using one: one per zone, reused.
const formats = new Map<string, Intl.DateTimeFormat>();
function dateTimeFormat(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'longOffset' });
    formats.set(timeZone, f);
  }
  return f;
}

/**
 * `2025-06-04T09:30:00Z` → `2025-06-04 18:30 (UTC+09:00)` in the given IANA time zone;
 * `UTC` prints `2025-06-04 09:30 UTC`. Deterministic: no dependence on the machine's zone.
 */
export function formatDateTime(iso: string, timeZone = 'UTC'): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const parts = dateTimeFormat(timeZone).formatToParts(d);
  const get = (t: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === t)?.value ?? '';
  const offset = get('timeZoneName').replace('GMT', 'UTC');
  const zone = offset === 'UTC' ? 'UTC' : `(${offset})`;
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')} ${zone}`;
}

/** The calendar date of an ISO date-time in the given time zone (`YYYY-MM-DD`). */
export function dateIn(iso: string, timeZone = 'UTC'): string {
  return formatDateTime(iso, timeZone).slice(0, 10);
}
