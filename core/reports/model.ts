/**
 * The report model: everything a report states, computed once in core as plain data in the
 * report's language, so the PDF and the XLSX renderers only lay it out and can never disagree
 * on a fact. Levels come from the scoring engine's result (never recomputed here), criteria
 * follow the pack's presentation order, and every text is the recorded text, untrimmed:
 * escaping, clipping and formula neutralization belong to the renderers.
 */
import { diffClaims } from '../assessment/claims';
import type { JournalEntry } from '../assessment/ops';
import { own, type Assessment, type EvidenceItem } from '../assessment/schema';
import { packRef, type Condition, type Criterion, type Pack } from '../criteria/schema';
import { FINDING_CLASSES, RESULT_STATUSES, type BlockReason, type FindingClassId, type ResultStatus, type ScoreResult } from '../scoring/types';
import type { PdfCriteriaColumn, PdfEvidenceColumn, PdfFindingColumn, ReportTemplate, SectionId, SheetCriteriaColumn, SheetEvidenceColumn, SheetFindingColumn, TemplateImage } from './template';
import { dateIn, fill, formatDateTime, joinList, shortHash, texts, type Applicability, type Lang, type TargetState, type Texts } from './text';

/** What a report is made of. */
export interface ReportInput {
  assessment: Assessment;
  /** The pack the assessment pins (same id, version and hash). */
  pack: Pack;
  /** `score(pack, toScoringInput(assessment))`: the levels the report states. */
  score: ScoreResult;
  /** The audit trail in journal order. Without it the audit section says it is not included. */
  journal?: readonly JournalEntry[];
  /**
   * Evidence metadata by SHA-256, when the caller holds fresher metadata than the document
   * (e.g. read from the workspace's `evidence/<sha256>.json`). Defaults to `assessment.evidence`.
   */
  evidence?: Readonly<Record<string, EvidenceItem>>;
}

export interface ReportOptions {
  lang: Lang;
  template: ReportTemplate;
  /** ISO date-time of the export; the report's date and the PDF's creation date. */
  generatedAt: string;
  /** IANA time zone for dates and times shown in the report. Default `UTC`. */
  timeZone?: string;
  /** File name of the workbook that accompanies the PDF, cited by the audit section. Default `report.xlsx`. */
  workbookName?: string;
}

/** Inputs that do not belong together (another pack, a score of another pack). */
export class ReportInputError extends Error {
  override readonly name = 'ReportInputError';
}

export interface Fact {
  label: string;
  value: string;
}

export interface SectionRef {
  id: SectionId;
  /** Heading text (empty for the cover). */
  heading: string;
  /** `1`, `2`… for numbered sections; null for the cover and the contents. */
  number: number | null;
}

export interface DimensionSummary {
  id: string;
  title: string;
  kind: 'assurance' | 'baseline';
  /** Level ids. */
  target: string | null;
  achieved: string | null;
  /** Level titles (`IAL2 Identity assurance level 2`). */
  targetTitle: string | null;
  achievedTitle: string | null;
  state: TargetState;
  stateLabel: string;
  /** `answered / applicable` criteria answered directly. */
  answered: number;
  applicable: number;
  /** What blocks the target level (empty when met or without a target), in pack order. */
  blocking: { criterion: string; reason: BlockReason; label: string }[];
}

export interface CountRow {
  key: ResultStatus | 'out-of-scope' | FindingClassId;
  label: string;
  count: number;
}

export interface EvidenceRef {
  sha256: string;
  short: string;
  /** Display name; `notRecorded` text when the metadata is missing. */
  name: string;
}

export interface CriterionRow {
  id: string;
  title: string;
  dimension: string;
  dimensionTitle: string;
  category: string;
  categoryTitle: string;
  /** Level ids, or the localized "all levels". */
  levels: string;
  obligation: 'SHALL' | 'SHOULD' | 'MAY';
  applicability: Applicability;
  applicabilityLabel: string;
  /** Why not applicable (the assessor's justification) or out of scope (derived from roles and condition). */
  justification: string;
  /** Effective result; `out-of-scope` when the criterion does not apply to the service. */
  result: ResultStatus | 'out-of-scope';
  resultLabel: string;
  met: boolean;
  /** Summative criterion whose result is derived from its constituents: the phrase saying so, else ''. */
  derivedFrom: string;
  methods: string[];
  evidence: EvidenceRef[];
  /** The assessor's notes: how the criterion is fulfilled. */
  notes: string;
  samplingNotes: string;
  findings: string[];
}

export interface FindingRow {
  id: string;
  class: FindingClassId;
  classLabel: string;
  status: 'open' | 'plan-accepted' | 'verified-closed';
  statusLabel: string;
  criteria: string[];
  description: string;
  plan: string;
  owner: string;
  dueDate: string;
}

export interface EvidenceRow {
  sha256: string;
  name: string;
  mediaType: string;
  size: number | null;
  capturedAt: string;
  capturedBy: string;
  /** Later captures of the same bytes, one line each. */
  recaptures: string[];
  description: string;
  criteria: string[];
}

export interface ClaimRow {
  criterion: string;
  title: string;
  claimed: string;
  assessed: string;
  difference: string;
}

export interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  op: string;
  target: string;
  old: string;
  new: string;
}

export interface ReportModel {
  lang: Lang;
  generatedAt: string;
  timeZone: string;
  /** Labels of the product's vocabulary in `lang`, for the renderers. */
  t: Texts;
  meta: { title: string; subject: string; author: string; keywords: string; creator: string; language: string };
  title: string;
  issuer: string;
  layout: { pageSize: 'A4' | 'LETTER'; tables: 'portrait' | 'landscape'; primary: string; accent: string; logo: TemplateImage | null };
  sections: SectionRef[];
  columns: { criteria: PdfCriteriaColumn[]; findings: PdfFindingColumn[]; evidence: PdfEvidenceColumn[] };
  sheets: { criteria: SheetCriteriaColumn[]; findings: SheetFindingColumn[]; evidence: SheetEvidenceColumn[] };
  cover: {
    organization: string;
    organizationEn: string;
    service: string;
    facts: Fact[];
    note: string;
  };
  summary: {
    dimensions: DimensionSummary[];
    aggregate: string;
    counts: CountRow[];
    inScope: number;
    total: number;
    openFindings: CountRow[];
    openFindingIds: string[];
  };
  scope: { facts: Fact[]; roles: Fact[]; capabilities: Fact[]; sites: string[] };
  methodology: { paragraphs: string[]; facts: Fact[] };
  criteria: CriterionRow[];
  findings: FindingRow[];
  evidence: EvidenceRow[];
  claims: { facts: Fact[]; rows: ClaimRow[]; agree: number } | null;
  audit: { facts: Fact[]; rows: AuditRow[]; note: string } | null;
  signature: {
    assessors: { name: string; organization: string; role: string; email: string }[];
    signers: { name: string; organization: string; role: string }[];
    independence: string;
    /** Shown when there is no independence statement: a warning for a third-party assessment. */
    independenceMissing: { text: string; warn: boolean } | null;
    declaration: string;
    date: string;
  };
  /** The pinned pack, for document properties and the XLSX summary. */
  pack: { id: string; version: string; hash: string; title: string };
  assessment: { id: string; revision: number; type: string };
}

const DEFAULT_COLORS = { primary: '#1F3A5F', accent: '#3A6EA5' };
const AUDIT_VALUE_CHARS = 2000;

/**
 * Builds the report model. Pure and deterministic: the same inputs give a deeply equal model.
 * @throws ReportInputError when the pack, the score and the assessment do not belong together.
 */
export function buildReportModel(input: ReportInput, options: ReportOptions): ReportModel {
  const { assessment: a, pack, score } = input;
  const { lang, template } = options;
  const tz = options.timeZone ?? 'UTC';
  const t = texts(lang);
  const spec = template.spec;
  const ref = packRef(pack);
  checkInputs(input, ref);
  const L = (l: { ja: string; en: string }): string => l[lang];
  const evidenceMeta = input.evidence ?? a.evidence;

  const dimensions = new Map(pack.dimensions.map((d) => [d.id, d]));
  const categories = new Map(pack.categories.map((c) => [c.id, c]));
  const levelTitle = (dimension: string, level: string | null): string | null => {
    if (level === null) return null;
    const l = dimensions.get(dimension)?.levels.find((x) => x.id === level);
    return l ? (L(l.title) === level ? level : `${level} ${L(l.title)}`) : level;
  };

  // --- criteria -------------------------------------------------------------------------
  const findingsOf = new Map<string, string[]>();
  for (const f of a.findings) for (const c of f.criteria) (findingsOf.get(c) ?? findingsOf.set(c, []).get(c)!).push(f.id);
  const roleTitle = new Map(pack.roles.map((r) => [r.id, L(r.title)]));
  const capabilityTitle = new Map((pack.capabilities ?? []).map((c) => [c.id, L(c.title)]));
  const serviceRoles = new Set(a.roles);
  const criteria: CriterionRow[] = pack.criteria.map((c) => {
    const sc = own(score.criteria, c.id);
    if (!sc) throw new ReportInputError(`The score has no result for criterion ${c.id} of ${ref}: score the assessment against this pack before building the report`);
    const record = own(a.criteria, c.id);
    let applicability: Applicability = 'applicable';
    let justification = '';
    if (!sc.inScope) {
      applicability = 'out-of-scope';
      justification = outOfScopeReason(c, serviceRoles, t, lang, roleTitle, capabilityTitle);
    } else if (sc.effective === 'not-applicable') {
      applicability = 'not-applicable';
      justification = record?.justification ?? '';
    }
    const result: CriterionRow['result'] = sc.inScope ? sc.effective : 'out-of-scope';
    const derived = c.satisfiedBy?.filter((id) => own(score.criteria, id)?.inScope) ?? [];
    const dim = dimensions.get(c.dimension);
    const cat = categories.get(c.category);
    return {
      id: c.id,
      title: L(c.title),
      dimension: c.dimension,
      dimensionTitle: dim ? L(dim.title) : c.dimension,
      category: c.category,
      categoryTitle: cat ? L(cat.title) : c.category,
      levels: c.levels === 'ALL' ? t.phrase.allLevels : c.levels.join(', '),
      obligation: c.obligation,
      applicability,
      applicabilityLabel: t.applicability[applicability],
      justification,
      result,
      resultLabel: result === 'out-of-scope' ? t.applicability['out-of-scope'] : t.result[result],
      met: sc.met,
      derivedFrom: sc.inScope && derived.length > 0 ? fill(t.phrase.derivedFrom, { ids: joinList(derived, lang) }) : '',
      methods: (record?.methods ?? []).map((m) => t.method[m]),
      evidence: (record?.evidence ?? []).map((sha256) => ({ sha256, short: shortHash(sha256), name: own(evidenceMeta, sha256)?.name ?? t.phrase.notRecorded })),
      notes: record?.notes ?? '',
      samplingNotes: record?.samplingNotes ?? '',
      findings: findingsOf.get(c.id) ?? [],
    };
  });
  const order = new Map(pack.criteria.map((c, i) => [c.id, i]));
  const byPackOrder = (ids: Iterable<string>): string[] => [...ids].sort((x, y) => (order.get(x) ?? Infinity) - (order.get(y) ?? Infinity) || (x < y ? -1 : x > y ? 1 : 0));

  // --- findings -------------------------------------------------------------------------
  // Class labels are the product's (not the pack's titles): a report names a major
  // non-conformity the same way in the results and in the findings.
  const findings: FindingRow[] = a.findings.map((f) => ({
    id: f.id,
    class: f.class,
    classLabel: t.findingClass[f.class],
    status: f.status,
    statusLabel: t.findingStatus[f.status],
    criteria: byPackOrder(f.criteria),
    description: f.description,
    plan: f.correctiveAction?.plan ?? '',
    owner: f.correctiveAction?.owner ?? '',
    dueDate: f.correctiveAction?.dueDate ?? '',
  }));

  // --- evidence -------------------------------------------------------------------------
  const linked = new Map<string, string[]>();
  for (const row of criteria) for (const e of row.evidence) (linked.get(e.sha256) ?? linked.set(e.sha256, []).get(e.sha256)!).push(row.id);
  const hashes = new Set([...Object.keys(evidenceMeta), ...linked.keys()]);
  const evidence: EvidenceRow[] = [...hashes]
    .map((sha256): EvidenceRow => {
      const item = own(evidenceMeta, sha256);
      return {
        sha256,
        name: item?.name ?? t.phrase.notRecorded,
        mediaType: item?.mediaType ?? '',
        size: item?.size ?? null,
        capturedAt: item ? formatDateTime(item.capturedAt, tz) : '',
        capturedBy: item?.capturedBy ?? '',
        recaptures: (item?.recaptures ?? []).map((r) => `${t.phrase.recapturedAs}: ${r.name} — ${formatDateTime(r.capturedAt, tz)} — ${r.capturedBy}`),
        description: item?.description ?? '',
        criteria: linked.get(sha256) ?? [],
      };
    })
    // Capture order, then name, then hash: stable whatever order the record holds them in.
    .sort((x, y) => {
      const ax = own(evidenceMeta, x.sha256)?.capturedAt ?? '';
      const ay = own(evidenceMeta, y.sha256)?.capturedAt ?? '';
      return cmp(toEpoch(ax), toEpoch(ay)) || cmp(x.name, y.name) || cmp(x.sha256, y.sha256);
    });

  // --- summary --------------------------------------------------------------------------
  const dimSummaries: DimensionSummary[] = score.dimensions.map((d) => {
    const def = dimensions.get(d.dimension);
    const state: TargetState = d.notApplicable ? 'not-applicable' : d.target === null ? 'no-target' : d.targetMet ? 'met' : 'not-met';
    const targetLevel = d.target === null ? undefined : d.levels.find((l) => l.level === d.target);
    const blocking = state === 'not-met' && targetLevel ? targetLevel.blocking.map((b) => ({ criterion: b.criterion, reason: b.reason, label: t.blockReason[b.reason] })) : [];
    return {
      id: d.dimension,
      title: def ? L(def.title) : d.dimension,
      kind: d.kind,
      target: d.target,
      achieved: d.achieved,
      targetTitle: levelTitle(d.dimension, d.target),
      achievedTitle: levelTitle(d.dimension, d.achieved),
      state,
      stateLabel: t.targetState[state],
      answered: d.progress.answered,
      applicable: d.progress.applicable,
      blocking,
    };
  });
  const counts: CountRow[] = [...RESULT_STATUSES, 'out-of-scope' as const].map((key) => ({
    key,
    label: key === 'out-of-scope' ? t.applicability['out-of-scope'] : t.result[key],
    count: criteria.filter((r) => r.result === key).length,
  }));
  const open = a.findings.filter((f) => f.status !== 'verified-closed');
  const openFindings: CountRow[] = FINDING_CLASSES.map((key) => ({ key, label: t.findingClass[key], count: open.filter((f) => f.class === key).length })).filter((r) => r.count > 0);
  let aggregate = t.phrase.aggregateVector;
  if (score.aggregate.kind === 'minimum') aggregate = score.aggregate.rank === null ? t.phrase.aggregateNone : fill(t.phrase.aggregateMinimum, { rank: score.aggregate.rank });

  // --- facts ----------------------------------------------------------------------------
  const none = t.phrase.none;
  const period = a.dates.start || a.dates.end ? `${a.dates.start ?? '…'} – ${a.dates.end ?? '…'}` : t.phrase.notRecorded;
  const paren = (s: string): string => (lang === 'ja' ? `（${s}）` : ` (${s})`);
  const assessorLine = (x: Assessment['assessors'][number]): string => `${x.name}${x.organization ? paren(x.organization) : ''} — ${t.assessorRole[x.role]}`;
  const issuer = spec.branding.organization ? L(spec.branding.organization) : (a.assessors.find((x) => x.role === 'lead') ?? a.assessors[0])?.organization || '';
  const reportDate = dateIn(options.generatedAt, tz);
  const packTitle = L(pack.title);
  const coverFacts: Fact[] = [
    { label: t.field.organization, value: [a.organization.legalName, a.organization.legalNameEn].filter(Boolean).join(' / ') },
    { label: t.field.service, value: a.service.name },
    { label: t.field.pack, value: packTitle },
    { label: t.field.packRef, value: ref },
    { label: t.field.packHash, value: pack.hash },
    { label: t.field.assessmentType, value: t.assessmentType[a.type] },
    { label: t.field.period, value: period },
    { label: t.field.assessors, value: a.assessors.length ? a.assessors.map(assessorLine).join('\n') : t.phrase.notRecorded },
    ...(issuer ? [{ label: t.field.issuer, value: issuer }] : []),
    { label: t.field.reportDate, value: reportDate },
    { label: t.field.assessmentId, value: `${a.id}${paren(`${t.field.revision} ${a.revision}`)}` },
  ];
  const org = a.organization;
  const identifiers = org.identifiers.map((i) => `${i.scheme === 'other' ? (i.label ?? '') : t.identifierScheme[i.scheme]}: ${i.value}`);
  const scopeFacts: Fact[] = [
    { label: t.field.organization, value: org.legalName },
    ...(org.legalNameEn ? [{ label: t.field.legalNameEn, value: org.legalNameEn }] : []),
    { label: t.field.identifiers, value: identifiers.length ? identifiers.join('\n') : none },
    { label: t.field.address, value: org.address ? [org.address.postalCode ? `${lang === 'ja' ? '〒' : ''}${org.address.postalCode}` : '', org.address.text, org.address.country].filter(Boolean).join('\n') : none },
    { label: t.field.contacts, value: org.contacts.length ? org.contacts.map((c) => [c.name, c.title, c.email, c.phone].filter(Boolean).join(', ')).join('\n') : none },
    { label: t.field.service, value: a.service.name },
    { label: t.field.serviceDescription, value: a.service.description || none },
    { label: t.field.serviceScope, value: a.service.scope || none },
    { label: t.field.period, value: period },
    { label: t.field.assessmentType, value: t.assessmentType[a.type] },
    { label: t.field.pack, value: `${packTitle}\n${ref}\n${pack.hash}` },
    { label: t.field.packPublisher, value: `${pack.publisher}${paren(`${t.field.packReleased} ${pack.released}`)}` },
  ];
  const roles: Fact[] = a.roles.length
    ? a.roles.map((id) => {
        const r = pack.roles.find((x) => x.id === id);
        return { label: r ? L(r.title) : id, value: r?.description ? `${id} — ${L(r.description)}` : id };
      })
    : [{ label: t.phrase.allRoles, value: pack.roles.map((r) => r.id).join(', ') }];
  const capabilities: Fact[] = a.capabilities.map((id) => {
    const c = (pack.capabilities ?? []).find((x) => x.id === id);
    return { label: c ? L(c.title) : id, value: id };
  });
  const sites = a.sites.map((s) => [s.name, s.address, s.visitedOn?.length ? `${t.field.visitedOn} ${s.visitedOn.join(', ')}` : ''].filter(Boolean).join(' — '));

  // --- methodology ----------------------------------------------------------------------
  const methodCounts = (['examine', 'interview', 'test'] as const).map((m) => ({
    m,
    n: pack.criteria.filter((c) => own(score.criteria, c.id)?.inScope && own(a.criteria, c.id)?.methods?.includes(m)).length,
  }));
  const methodologyFacts: Fact[] = [
    { label: t.field.methodsUsed, value: methodCounts.map(({ m, n }) => `${t.method[m]}: ${n}`).join(lang === 'ja' ? '、' : ', ') },
    {
      label: t.field.scoringPolicy,
      value: `${aggregate}\n${pack.scoring.minorNonconformity === 'block' ? t.phrase.minorPolicyBlock : t.phrase.minorPolicyAllow}`,
    },
  ];

  // --- claims ---------------------------------------------------------------------------
  let claims: ReportModel['claims'] = null;
  if (a.claims) {
    const differences = diffClaims(a, pack.criteria.map((c) => c.id));
    const titles = new Map(criteria.map((r) => [r.id, r.title]));
    const label = (s: ResultStatus): string => t.result[s];
    const claimed = Object.keys(a.claims);
    const differing = new Set(differences.map((d) => d.criterion));
    const src = a.claimsSource;
    claims = {
      facts: [
        { label: t.field.claimsSource, value: src?.organization ?? t.phrase.notRecorded },
        ...(src?.receivedOn ? [{ label: t.field.claimsReceived, value: src.receivedOn }] : []),
        ...(src?.document ? [{ label: t.field.claimsDocument, value: src.document }] : []),
      ],
      rows: differences.map((d) => ({
        criterion: d.criterion,
        title: titles.get(d.criterion) ?? '',
        claimed: label(d.claimed),
        assessed: label(d.assessed),
        difference: t.claimDifference[d.kind],
      })),
      agree: claimed.filter((id) => !differing.has(id)).length,
    };
  }

  // --- audit trail ----------------------------------------------------------------------
  let audit: ReportModel['audit'] = null;
  if (input.journal) {
    const rows = input.journal.map((e) => auditRow(e, tz, evidenceMeta));
    const actors = new Map<string, number>();
    for (const e of input.journal) actors.set(e.actor, (actors.get(e.actor) ?? 0) + 1);
    audit = {
      facts: [
        { label: t.field.entries, value: String(rows.length) },
        ...(rows.length ? [{ label: t.field.firstEntry, value: rows[0]!.at }, { label: t.field.lastEntry, value: rows[rows.length - 1]!.at }] : []),
        { label: t.field.actors, value: [...actors].map(([name, n]) => `${name} (${n})`).join('\n') || none },
      ],
      rows,
      note: fill(t.phrase.auditInXlsx, { n: rows.length, file: options.workbookName ?? 'report.xlsx' }),
    };
  }

  // --- sections -------------------------------------------------------------------------
  let n = 0;
  const sections: SectionRef[] = spec.sections
    .filter((s) => s !== 'claims' || claims !== null)
    .map((id) => {
      const h = id === 'cover' ? undefined : spec.headings[id];
      return { id, heading: h ? L(h) : '', number: id === 'cover' || id === 'contents' ? null : ++n };
    });

  const signers = a.assessors.filter((x) => x.role !== 'observer');
  const authors = signers.map((x) => x.name);
  return {
    lang,
    generatedAt: options.generatedAt,
    timeZone: tz,
    t,
    meta: {
      title: `${L(spec.title)} — ${a.organization.legalName} / ${a.service.name}`,
      subject: fill(t.phrase.subject, { service: a.service.name, pack: `${packTitle} (${ref})` }),
      author: [...authors, issuer].filter(Boolean).join(', ') || t.phrase.creator,
      keywords: [ref, `sha256:${pack.hash}`, a.id].join(', '),
      creator: t.phrase.creator,
      language: lang === 'ja' ? 'ja-JP' : 'en-US',
    },
    title: L(spec.title),
    issuer,
    layout: {
      pageSize: spec.layout?.pageSize ?? 'A4',
      tables: spec.layout?.tables ?? 'landscape',
      primary: spec.branding.colors?.primary ?? DEFAULT_COLORS.primary,
      accent: spec.branding.colors?.accent ?? DEFAULT_COLORS.accent,
      logo: template.logo ?? null,
    },
    sections,
    columns: { criteria: [...spec.columns.criteria], findings: [...spec.columns.findings], evidence: [...spec.columns.evidence] },
    sheets: { criteria: [...spec.sheets.criteria], findings: [...spec.sheets.findings], evidence: [...spec.sheets.evidence] },
    cover: {
      organization: a.organization.legalName,
      organizationEn: a.organization.legalNameEn ?? '',
      service: a.service.name,
      facts: coverFacts,
      note: spec.texts?.coverNote ? L(spec.texts.coverNote) : '',
    },
    summary: {
      dimensions: dimSummaries,
      aggregate,
      counts,
      inScope: criteria.filter((r) => r.result !== 'out-of-scope').length,
      total: criteria.length,
      openFindings,
      openFindingIds: open.map((f) => f.id),
    },
    scope: { facts: scopeFacts, roles, capabilities, sites },
    methodology: { paragraphs: spec.texts?.methodology ? paragraphs(L(spec.texts.methodology)) : [], facts: methodologyFacts },
    criteria,
    findings,
    evidence,
    claims,
    audit,
    signature: {
      assessors: a.assessors.map((x) => ({ name: x.name, organization: x.organization, role: t.assessorRole[x.role], email: x.email ?? '' })),
      signers: signers.map((x) => ({ name: x.name, organization: x.organization, role: t.assessorRole[x.role] })),
      independence: a.independenceStatement?.trim() ? a.independenceStatement : '',
      independenceMissing: a.independenceStatement?.trim()
        ? null
        : a.type === 'self-assessment'
          ? { text: t.phrase.selfAssessmentIndependence, warn: false }
          : { text: t.phrase.noIndependenceStatement, warn: true },
      declaration: spec.texts?.declaration ? L(spec.texts.declaration) : '',
      date: reportDate,
    },
    pack: { id: pack.id, version: pack.version, hash: pack.hash, title: packTitle },
    assessment: { id: a.id, revision: a.revision, type: t.assessmentType[a.type] },
  };
}

function checkInputs(input: ReportInput, ref: string): void {
  const { assessment: a, pack, score } = input;
  if (a.pack.id !== pack.id || a.pack.version !== pack.version) {
    throw new ReportInputError(`The assessment pins ${a.pack.id}@${a.pack.version} but the report was given ${ref}: load the pack the assessment pins`);
  }
  if (a.pack.hash !== pack.hash) {
    throw new ReportInputError(`The assessment pins ${ref} with hash ${a.pack.hash.slice(0, 12)}… but the pack given has hash ${pack.hash.slice(0, 12)}…: the installed copy of ${ref} differs from the one assessed`);
  }
  if (score.pack !== ref || score.packHash !== pack.hash) {
    throw new ReportInputError(`The score was computed against ${score.pack} (${score.packHash.slice(0, 12)}…), not ${ref} (${pack.hash.slice(0, 12)}…): score the assessment against its pack`);
  }
}

function outOfScopeReason(c: Criterion, serviceRoles: Set<string>, t: Texts, lang: Lang, roleTitle: Map<string, string>, capabilityTitle: Map<string, string>): string {
  if (c.roles && serviceRoles.size > 0 && !c.roles.some((r) => serviceRoles.has(r))) {
    return fill(t.phrase.outOfScopeRoles, { roles: joinList(c.roles.map((r) => roleTitle.get(r) ?? r), lang) });
  }
  if (c.condition !== undefined) return fill(t.phrase.outOfScopeCondition, { condition: describeCondition(c.condition, t, capabilityTitle, true) });
  return '';
}

/** A condition in words: `A and (B or not C)`, capabilities by their titles. */
export function describeCondition(c: Condition, t: Texts, titles: ReadonlyMap<string, string>, top = false): string {
  if (typeof c === 'string') return titles.get(c) ?? c;
  const wrap = (s: string): string => (top ? s : `(${s})`);
  if ('all' in c) return wrap(c.all.map((x) => describeCondition(x, t, titles)).join(` ${t.phrase.conditionAnd} `));
  if ('any' in c) return wrap(c.any.map((x) => describeCondition(x, t, titles)).join(` ${t.phrase.conditionOr} `));
  return `${t.phrase.conditionNot} ${describeCondition(c.not, t, titles)}`;
}

function paragraphs(text: string): string[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s*\n\s*/g, ' ').trim())
    .filter(Boolean);
}

function cmp<T extends string | number>(x: T, y: T): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

function toEpoch(iso: string): number {
  const v = Date.parse(iso);
  return Number.isNaN(v) ? Number.MAX_SAFE_INTEGER : v;
}

function compact(value: unknown): string {
  if (value === null || value === undefined) return '';
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return s.length > AUDIT_VALUE_CHARS ? `${s.slice(0, AUDIT_VALUE_CHARS)}…` : s;
}

/** One audit-trail line: the change in words a reviewer can follow, values as compact JSON. */
function auditRow(e: JournalEntry, tz: string, evidence: Readonly<Record<string, EvidenceItem>>): AuditRow {
  const c = e.change as { op: string } & Record<string, unknown>;
  const base = { seq: e.seq, at: formatDateTime(e.at, tz), actor: e.actor, op: c.op };
  const short = (h: unknown): string => (typeof h === 'string' ? `${own(evidence, h)?.name ?? ''} ${shortHash(h)}`.trim() : '');
  switch (c.op) {
    case 'assessment.create':
    case 'journal.resume':
      return { ...base, target: '', old: '', new: typeof c.reason === 'string' ? c.reason : '' };
    case 'format.migrate':
      return { ...base, target: '', old: String(c.from ?? ''), new: String(c.to ?? '') };
    case 'profile.set':
      return { ...base, target: String(c.field), old: compact(e.old), new: compact(e.new) };
    case 'answer.set':
    case 'claim.set':
      return { ...base, target: String(c.criterion), old: compact(e.old), new: compact(e.new) };
    case 'evidence.add':
    case 'evidence.update':
      return { ...base, target: short(c.hash), old: compact(e.old), new: compact(e.new) };
    case 'evidence.link':
    case 'evidence.unlink':
      return { ...base, target: `${String(c.criterion)} ← ${short(c.hash)}`, old: '', new: '' };
    case 'finding.create':
      return { ...base, target: String((c.finding as { id?: unknown } | undefined)?.id ?? ''), old: '', new: compact(c.finding) };
    case 'finding.update':
    case 'finding.delete':
      return { ...base, target: String(c.id), old: compact(e.old), new: compact(e.new) };
    case 'claims.import': {
      const n = c.claims && typeof c.claims === 'object' ? Object.keys(c.claims).length : 0;
      return { ...base, target: String((c.source as { organization?: unknown } | undefined)?.organization ?? ''), old: '', new: `claims: ${n}` };
    }
    default:
      return { ...base, target: '', old: compact(e.old), new: compact(e.new) };
  }
}
