/**
 * Lays out a report model as a pdfmake document definition (plain data plus the header and
 * footer functions). Pure: the Node adapter (core/node/report-pdf.ts) supplies the fonts and
 * runs pdfmake.
 *
 * Every text from the model passes `clean()`: control characters become spaces or line
 * breaks and lone surrogates a replacement character, so no recorded text can break the
 * layout. Long texts are clipped in table cells and printed whole in an annex, so tables stay
 * readable. Table rows may break across pages: pdfmake silently drops whatever of an
 * unbreakable row does not fit on one page, and a report must never lose a word.
 */
import type { CriterionRow, EvidenceRow, Fact, FindingRow, ReportModel, SectionRef } from './model';
import type { PdfCriteriaColumn, PdfEvidenceColumn, PdfFindingColumn } from './template';
import { fill, formatBytes } from './text';

/** The font family name the Node adapter registers. */
export const PDF_FONT = 'NotoSansJP';

/** A pdfmake content node (kept loose: pdfmake's own types are not part of the project). */
export type Node = string | { [key: string]: unknown } | Node[];
export interface PdfDocDefinition {
  info: Record<string, unknown>;
  content: Node[];
  [key: string]: unknown;
}

/** Longest text a table cell shows; longer texts are clipped and printed whole in the annex. */
export const CELL_CHARS = 900;
/** Evidence references listed in a criteria cell (the evidence index lists every link). */
export const CELL_EVIDENCE = 6;
/** Criteria ids listed in a cell of the evidence index. */
const CELL_IDS = 40;

const GREY = '#5F6B77';
const LINE = '#C9D1DA';
const ZEBRA = '#F6F8FA';
const GROUP_FILL = '#E9EEF4';
const RESULT_COLOR: Record<CriterionRow['result'], string> = {
  conformant: '#1E6B3A',
  'minor-nc': '#8A5300',
  'major-nc': '#B3261E',
  'not-applicable': '#4A5560',
  'not-assessed': '#6B4FA0',
  'out-of-scope': '#8A949E',
};

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// C0/C1 controls except \n and \t, DEL, and the line/paragraph separators.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/** Text safe to lay out: line breaks normalized, controls and lone surrogates replaced. */
export function clean(text: string): string {
  return text.replace(/\r\n?|[\u2028\u2029]/g, '\n').replace(/\t/g, ' ').replace(CONTROL, ' ').replace(LONE_SURROGATE, '\uFFFD');
}

interface Annex {
  entries: { ref: string; label: string; text: string }[];
}

/** Clips `text` for a cell; the whole text goes to the annex under a reference. */
function clip(text: string, label: string, annex: Annex, model: ReportModel): string {
  const c = clean(text);
  if (c.length <= CELL_CHARS) return c;
  const ref = `A-${annex.entries.length + 1}`;
  annex.entries.push({ ref, label, text: c });
  return `${c.slice(0, CELL_CHARS)}… ${fill(model.t.phrase.seeAnnex, { ref })}`;
}

/** The pdfmake document for a report. */
export function pdfDocDefinition(model: ReportModel): PdfDocDefinition {
  const t = model.t;
  const annex: Annex = { entries: [] };
  const primary = model.layout.primary;
  const content: Node[] = [];
  const sectionNodes: Record<SectionRef['id'], (s: SectionRef) => Node[]> = {
    cover: () => cover(model),
    contents: (s) => [
      {
        toc: { title: { text: clean(s.heading), style: 'h1' }, numberStyle: { fontSize: 9 }, textStyle: { fontSize: 9 } },
        pageBreak: 'before',
        pageOrientation: 'portrait',
      },
    ],
    summary: (s) => [heading(s, model.layout.accent), ...summary(model)],
    scope: (s) => [heading(s, model.layout.accent), ...scope(model)],
    methodology: (s) => [heading(s, model.layout.accent), ...methodology(model)],
    criteria: (s) => [heading(s, model.layout.accent, model.layout.tables), criteriaTable(model, annex)],
    findings: (s) => [heading(s, model.layout.accent), ...findings(model, annex)],
    evidence: (s) => [heading(s, model.layout.accent, model.layout.tables), ...evidence(model, annex)],
    claims: (s) => [heading(s, model.layout.accent), ...claims(model, annex)],
    audit: (s) => [heading(s, model.layout.accent), ...auditSection(model)],
    signature: (s) => [heading(s, model.layout.accent), ...signature(model)],
  };
  for (const s of model.sections) content.push(...sectionNodes[s.id](s));
  if (annex.entries.length > 0) {
    content.push({ text: clean(t.phrase.annexEntry), style: 'h1', pageBreak: 'before', pageOrientation: 'portrait', tocItem: true });
    for (const e of annex.entries) {
      content.push({ text: `${e.ref}  ${clean(e.label)}`, style: 'h3' }, { text: e.text, margin: [0, 0, 0, 8] });
    }
  }
  if (content.length > 0 && typeof content[0] === 'object' && !Array.isArray(content[0])) delete (content[0] as Record<string, unknown>).pageBreak;

  const created = new Date(model.generatedAt);
  return {
    pageSize: model.layout.pageSize,
    pageOrientation: 'portrait',
    pageMargins: [48, 58, 48, 50],
    version: '1.7',
    compress: true,
    language: model.meta.language,
    displayTitle: true,
    info: {
      title: clean(model.meta.title),
      author: clean(model.meta.author),
      subject: clean(model.meta.subject),
      keywords: clean(model.meta.keywords),
      creator: model.meta.creator,
      creationDate: created,
      modDate: created,
    },
    header: (page: number, _pages: number, size: { width: number }) =>
      page === 1
        ? null
        : {
            margin: [48, 22, 48, 0],
            stack: [
              {
                columns: [
                  { text: clean(model.title), fontSize: 7, color: GREY },
                  { text: clean(`${model.cover.organization} / ${model.cover.service}`), fontSize: 7, color: GREY, alignment: 'right' },
                ],
              },
              { canvas: [{ type: 'line', x1: 0, y1: 4, x2: size.width - 96, y2: 4, lineWidth: 0.5, lineColor: LINE }] },
            ],
          },
    footer: (page: number, pages: number) => ({
      margin: [48, 18, 48, 0],
      columns: [
        { text: clean(`${model.pack.id}@${model.pack.version} · ${model.assessment.id} · ${t.field.revision} ${model.assessment.revision}`), fontSize: 7, color: GREY },
        { text: fill(t.phrase.pageOf, { page, pages }), fontSize: 7, color: GREY, alignment: 'right' },
      ],
    }),
    defaultStyle: { font: PDF_FONT, fontSize: 9, lineHeight: 1.15, color: '#1D232A' },
    styles: {
      h1: { fontSize: 14, bold: true, color: primary, margin: [0, 0, 0, 4] },
      h2: { fontSize: 10.5, bold: true, color: primary, margin: [0, 12, 0, 4] },
      h3: { fontSize: 9, bold: true, color: primary, margin: [0, 8, 0, 2] },
      th: { bold: true, color: '#FFFFFF', fontSize: 7.5 },
      label: { color: GREY, fontSize: 8 },
      small: { fontSize: 7.5 },
      muted: { color: GREY, fontSize: 7 },
    },
    images: model.layout.logo ? { logo: `data:image/${model.layout.logo.format};base64,${base64(model.layout.logo.bytes)}` } : {},
    content,
  };
}

// --- building blocks ---------------------------------------------------------------------

function heading(s: SectionRef, accent: string, orientation: 'portrait' | 'landscape' = 'portrait'): Node {
  const text = clean(s.number === null ? s.heading : `${s.number}  ${s.heading}`);
  return {
    stack: [
      { text, style: 'h1', tocItem: true },
      { canvas: [{ type: 'line', x1: 0, y1: 0, x2: 40, y2: 0, lineWidth: 2, lineColor: accent }], margin: [0, 0, 0, 10] },
    ],
    pageBreak: 'before',
    pageOrientation: orientation,
  };
}

/** A plain table layout: thin horizontal rules, no vertical ones, comfortable padding. */
function rules(headerFill: string | null, zebra = true): Record<string, unknown> {
  return {
    hLineWidth: (i: number, node: { table: { headerRows?: number; body: unknown[] } }) => (i === 0 || i === node.table.body.length ? 0.8 : i === (node.table.headerRows ?? 0) ? 0.8 : 0.4),
    vLineWidth: () => 0,
    hLineColor: (i: number, node: { table: { headerRows?: number } }) => (i === 0 || i === (node.table.headerRows ?? 0) ? '#8C99A6' : LINE),
    fillColor: (row: number, node: { table: { headerRows?: number } }) => {
      const header = node.table.headerRows ?? 0;
      if (row < header) return headerFill;
      return zebra && (row - header) % 2 === 1 ? ZEBRA : null;
    },
    paddingLeft: () => 4,
    paddingRight: () => 4,
    paddingTop: () => 3,
    paddingBottom: () => 3,
  };
}

function factsTable(facts: Fact[], labelWidth = 120): Node {
  return {
    table: { widths: [labelWidth, '*'], body: facts.map((f) => [{ text: clean(f.label), style: 'label' }, { text: clean(f.value) }]) },
    layout: { ...rules(null, false), hLineWidth: (i: number, node: { table: { body: unknown[] } }) => (i === 0 || i === node.table.body.length ? 0.8 : 0.4) },
  };
}

function th(text: string): Node {
  return { text: clean(text), style: 'th' };
}

function cover(model: ReportModel): Node[] {
  const out: Node[] = [];
  const top: Node[] = [];
  let logoHeight = 0;
  if (model.layout.logo) {
    const { width, height } = model.layout.logo;
    const scale = Math.min(160 / width, 48 / height);
    logoHeight = height * scale;
    top.push({ width: 'auto', image: 'logo', fit: [width * scale, logoHeight] });
  }
  // The issuer's name sits level with the middle of the logo.
  if (model.issuer) top.push({ width: '*', text: clean(model.issuer), bold: true, fontSize: 11, color: model.layout.primary, margin: [0, Math.max(0, (logoHeight - 16) / 2), 0, 0] });
  if (top.length) out.push({ columns: top, columnGap: 14 });
  out.push(
    { text: clean(model.title), fontSize: 22, bold: true, lineHeight: 1.1, color: model.layout.primary, margin: [0, top.length ? 90 : 130, 0, 10] },
    { canvas: [{ type: 'rect', x: 0, y: 0, w: 64, h: 3, color: model.layout.accent }], margin: [0, 0, 0, 26] },
    { text: clean(model.cover.organization), fontSize: 17, bold: true },
  );
  if (model.cover.organizationEn) out.push({ text: clean(model.cover.organizationEn), fontSize: 10.5, color: GREY, margin: [0, 2, 0, 0] });
  out.push({ text: clean(model.cover.service), fontSize: 12.5, margin: [0, 10, 0, 34] });
  out.push(factsTable(model.cover.facts, 132));
  if (model.cover.note) out.push({ text: clean(model.cover.note), style: 'muted', margin: [0, 40, 0, 0] });
  return out;
}

function stateColor(state: string): string {
  return state === 'met' ? RESULT_COLOR.conformant : state === 'not-met' ? RESULT_COLOR['major-nc'] : GREY;
}

function summary(model: ReportModel): Node[] {
  const t = model.t;
  const s = model.summary;
  const dims: Node = {
    table: {
      headerRows: 1,
      widths: ['*', 70, 70, 70, 78, 50],
      body: [
        [th(t.column.dimension), th(t.column.kind), th(t.column.targetLevel), th(t.column.achieved), th(t.column.targetState), th(t.column.progress)],
        ...s.dimensions.map((d) => [
          { text: [{ text: clean(d.id), bold: true }, `  ${clean(d.title)}`] },
          { text: clean(t.dimensionKind[d.kind]), style: 'small' },
          clean(d.target ?? t.phrase.targetNotSet),
          { text: clean(d.achieved ?? t.phrase.none), bold: true },
          { text: clean(d.stateLabel), bold: true, color: stateColor(d.state) },
          { text: `${d.answered} / ${d.applicable}`, alignment: 'right' },
        ]),
      ],
    },
    layout: rules(model.layout.primary),
  };
  const out: Node[] = [dims, { text: [{ text: `${clean(t.field.aggregate)}: `, bold: true }, clean(s.aggregate)], margin: [0, 6, 0, 0] }];

  const blocked = s.dimensions.filter((d) => d.blocking.length > 0);
  for (const d of blocked) {
    const shown = d.blocking.slice(0, 12).map((b) => (model.lang === 'ja' ? `${b.criterion}（${b.label}）` : `${b.criterion} (${b.label})`));
    const more = d.blocking.length > 12 ? `  ${fill(t.phrase.moreItems, { n: d.blocking.length - 12 })}` : '';
    out.push({ text: [{ text: `${clean(fill(t.phrase.blocksTarget, { target: d.target ?? '' }))}: `, bold: true }, clean(shown.join(model.lang === 'ja' ? '、' : ', ') + more)], style: 'small', margin: [0, 4, 0, 0] });
  }

  const count = (label: string, n: number, color?: string): Node[] => [{ text: clean(label), ...(color ? { color } : {}) }, { text: String(n), alignment: 'right' }];
  const results: Node = {
    table: {
      headerRows: 1,
      widths: ['*', 40],
      body: [
        [th(t.field.resultCounts), th(t.column.count)],
        ...s.counts.map((c) => count(c.label, c.count, RESULT_COLOR[c.key as CriterionRow['result']])),
        [{ text: clean(t.field.total), bold: true }, { text: String(s.total), alignment: 'right', bold: true }],
      ],
    },
    layout: rules(model.layout.primary, false),
  };
  const open: Node = {
    table: {
      headerRows: 1,
      widths: ['*', 40],
      body: [
        [th(t.field.openFindings), th(t.column.count)],
        ...(s.openFindings.length ? s.openFindings.map((c) => count(c.label, c.count)) : [[{ text: t.phrase.none }, { text: '0', alignment: 'right' }]]),
      ],
    },
    layout: rules(model.layout.primary, false),
  };
  out.push({ columns: [results, open], columnGap: 24, margin: [0, 16, 0, 0] });
  return out;
}

function scope(model: ReportModel): Node[] {
  const t = model.t;
  const out: Node[] = [factsTable(model.scope.facts)];
  out.push({ text: clean(t.field.roles), style: 'h2' }, factsTable(model.scope.roles));
  out.push({ text: clean(t.field.capabilities), style: 'h2' }, model.scope.capabilities.length ? factsTable(model.scope.capabilities, 220) : { text: t.phrase.none });
  out.push({ text: clean(t.field.sites), style: 'h2' }, model.scope.sites.length ? { ul: model.scope.sites.map(clean) } : { text: t.phrase.none });
  return out;
}

function methodology(model: ReportModel): Node[] {
  return [...model.methodology.paragraphs.map((p) => ({ text: clean(p), margin: [0, 0, 0, 6] })), { text: '', margin: [0, 4] }, factsTable(model.methodology.facts)];
}

const CRITERIA_WIDTHS: Record<PdfCriteriaColumn, number | string> = {
  id: 50,
  title: '*',
  dimension: 52,
  category: 62,
  levels: 44,
  obligation: 40,
  applicability: 84,
  result: 58,
  methods: 50,
  evidence: 104,
  notes: '*',
  samplingNotes: 86,
  findings: 36,
};

function criteriaTable(model: ReportModel, annex: Annex): Node {
  const t = model.t;
  const cols = model.columns.criteria;
  const has = (c: PdfCriteriaColumn): boolean => cols.includes(c);
  const header = cols.map((c) => th(c === 'id' ? t.column.id : c === 'notes' ? t.column.notes : t.column[c]));
  const body: Node[][] = [header];
  let dimension: string | null = null;
  for (const r of model.criteria) {
    if (!has('dimension') && r.dimension !== dimension) {
      dimension = r.dimension;
      body.push([{ text: clean(`${r.dimension}  ${r.dimensionTitle}`), bold: true, color: model.layout.primary, fillColor: GROUP_FILL, colSpan: cols.length }, ...cols.slice(1).map(() => '')]);
    }
    const muted = r.result === 'out-of-scope';
    body.push(cols.map((c) => criterionCell(c, r, model, annex, has, muted)));
  }
  return {
    table: { headerRows: 1, widths: cols.map((c) => CRITERIA_WIDTHS[c]), body },
    layout: rules(model.layout.primary, false),
    fontSize: 7.5,
    lineHeight: 1.05,
  };
}

function criterionCell(c: PdfCriteriaColumn, r: CriterionRow, model: ReportModel, annex: Annex, has: (c: PdfCriteriaColumn) => boolean, muted: boolean): Node {
  const t = model.t;
  const color = muted ? { color: '#7A848E' } : {};
  switch (c) {
    case 'id':
      return { text: r.id, bold: true, ...color };
    case 'title': {
      const parts: Node[] = [{ text: clean(r.title), ...color }];
      if (!has('obligation') && r.obligation !== 'SHALL') parts.push({ text: `  ${r.obligation}`, bold: true, color: GREY });
      if (r.derivedFrom) parts.push({ text: `\n${clean(r.derivedFrom)}`, color: GREY });
      return { text: parts };
    }
    case 'dimension':
      return { text: r.dimension, ...color };
    case 'category':
      return { text: clean(r.categoryTitle), ...color };
    case 'levels':
      return { text: clean(r.levels), ...color };
    case 'obligation':
      return { text: r.obligation, ...color };
    case 'applicability':
      return r.justification
        ? { text: [{ text: clean(r.applicabilityLabel), bold: true }, { text: `\n${clip(r.justification, `${r.id} ${t.column.justification}`, annex, model)}`, color: GREY }], ...color }
        : { text: clean(r.applicabilityLabel), ...color };
    case 'result':
      return { text: clean(r.resultLabel), bold: true, color: RESULT_COLOR[r.result] };
    case 'methods':
      return { text: clean(r.methods.join('\n')), ...color };
    case 'evidence': {
      if (r.evidence.length === 0) return { text: '', ...color };
      const lines = r.evidence.slice(0, CELL_EVIDENCE).map((e) => `${e.short}  ${clean(e.name)}`);
      if (r.evidence.length > CELL_EVIDENCE) lines.push(fill(t.phrase.moreItems, { n: r.evidence.length - CELL_EVIDENCE }));
      return { text: lines.join('\n'), ...color };
    }
    case 'notes': {
      const parts: string[] = [];
      if (r.notes) parts.push(clip(r.notes, `${r.id} ${t.column.notes}`, annex, model));
      if (!has('samplingNotes') && r.samplingNotes) parts.push(`${t.column.samplingNotes}: ${clip(r.samplingNotes, `${r.id} ${t.column.samplingNotes}`, annex, model)}`);
      if (!has('findings') && r.findings.length) parts.push(`${t.column.findings}: ${r.findings.join(', ')}`);
      return { text: parts.join('\n'), ...color };
    }
    case 'samplingNotes':
      return { text: r.samplingNotes ? clip(r.samplingNotes, `${r.id} ${t.column.samplingNotes}`, annex, model) : '', ...color };
    case 'findings':
      return { text: r.findings.join('\n'), ...color };
  }
}

const FINDING_WIDTHS: Record<PdfFindingColumn, number | string> = { id: 38, class: 64, status: 58, criteria: 58, description: '*', correctiveAction: '*' };

function findings(model: ReportModel, annex: Annex): Node[] {
  const t = model.t;
  if (model.findings.length === 0) return [{ text: clean(t.phrase.noFindings) }];
  const cols = model.columns.findings;
  const cell = (c: PdfFindingColumn, f: FindingRow): Node => {
    switch (c) {
      case 'id':
        return { text: f.id, bold: true };
      case 'class':
        return f.class === 'major-nc' || f.class === 'minor-nc' ? { text: clean(f.classLabel), bold: f.class === 'major-nc', color: RESULT_COLOR[f.class] } : clean(f.classLabel);
      case 'status':
        return clean(f.statusLabel);
      case 'criteria':
        return clean(f.criteria.join('\n'));
      case 'description':
        return clip(f.description, `${f.id} ${t.column.description}`, annex, model);
      case 'correctiveAction': {
        if (!f.plan) return t.phrase.none;
        const lines: Node[] = [clip(f.plan, `${f.id} ${t.column.correctiveAction}`, annex, model)];
        const meta = [f.owner && `${t.column.owner}: ${f.owner}`, f.dueDate && `${t.column.dueDate}: ${f.dueDate}`].filter(Boolean).join(' / ');
        if (meta) lines.push({ text: `\n${clean(meta)}`, color: GREY });
        return { text: lines };
      }
    }
  };
  return [
    {
      table: {
        headerRows: 1,
        widths: cols.map((c) => FINDING_WIDTHS[c]),
        body: [cols.map((c) => th(c === 'id' ? t.column.findingId : t.column[c])), ...model.findings.map((f) => cols.map((c) => cell(c, f)))],
      },
      layout: rules(model.layout.primary),
      fontSize: 8,
    },
  ];
}

const EVIDENCE_WIDTHS: Record<PdfEvidenceColumn, number | string> = { name: '*', mediaType: 92, size: 46, sha256: 128, captured: 120, criteria: 110, description: '*' };

function evidence(model: ReportModel, annex: Annex): Node[] {
  const t = model.t;
  if (model.evidence.length === 0) return [{ text: clean(t.phrase.noEvidence) }];
  const cols = model.columns.evidence;
  const cell = (c: PdfEvidenceColumn, e: EvidenceRow): Node => {
    switch (c) {
      case 'name':
        return { text: clean(e.name), bold: true };
      case 'mediaType':
        return clean(e.mediaType);
      case 'size':
        return { text: e.size === null ? '' : formatBytes(e.size, model.lang), alignment: 'right' };
      case 'sha256':
        // Two halves on two lines: the digest stays whole and readable in a narrow column.
        return { text: `${e.sha256.slice(0, 32)}\n${e.sha256.slice(32)}`, fontSize: 6.5 };
      case 'captured':
        return { text: clean([e.capturedAt, e.capturedBy, ...e.recaptures].filter(Boolean).join('\n')) };
      case 'criteria': {
        const ids = e.criteria.slice(0, CELL_IDS).join(', ');
        return e.criteria.length > CELL_IDS ? `${ids} ${fill(t.phrase.moreItems, { n: e.criteria.length - CELL_IDS })}` : ids;
      }
      case 'description':
        return e.description ? clip(e.description, `${e.name} ${t.column.description}`, annex, model) : '';
    }
  };
  const header = cols.map((c) => th(c === 'name' ? t.column.name : c === 'captured' ? `${t.column.capturedAt} / ${t.column.capturedBy}` : t.column[c]));
  return [
    {
      table: { headerRows: 1, widths: cols.map((c) => EVIDENCE_WIDTHS[c]), body: [header, ...model.evidence.map((e) => cols.map((c) => cell(c, e)))] },
      layout: rules(model.layout.primary),
      fontSize: 7.5,
      lineHeight: 1.05,
    },
  ];
}

function claims(model: ReportModel, annex: Annex): Node[] {
  const t = model.t;
  const c = model.claims;
  if (!c) return [];
  const out: Node[] = [factsTable(c.facts), { text: clean(fill(t.phrase.claimsAgree, { n: c.agree })), margin: [0, 8, 0, 8] }];
  if (c.rows.length === 0) return [...out, { text: clean(t.phrase.noClaimDifferences) }];
  out.push({
    table: {
      headerRows: 1,
      widths: [58, '*', 80, 80, 80],
      body: [
        [th(t.column.id), th(t.column.title), th(t.column.claimed), th(t.column.assessed), th(t.column.difference)],
        ...c.rows.map((r) => [{ text: r.criterion, bold: true }, clip(r.title, r.criterion, annex, model), clean(r.claimed), clean(r.assessed), { text: clean(r.difference), bold: true }]),
      ],
    },
    layout: rules(model.layout.primary),
    fontSize: 8,
  });
  return out;
}

function auditSection(model: ReportModel): Node[] {
  const a = model.audit;
  if (!a) return [{ text: clean(model.t.phrase.noAudit) }];
  return [factsTable(a.facts), { text: clean(a.note), margin: [0, 8, 0, 0] }];
}

function signature(model: ReportModel): Node[] {
  const t = model.t;
  const s = model.signature;
  const out: Node[] = [{ text: clean(t.field.assessors), style: 'h2', margin: [0, 0, 0, 4] }];
  out.push({
    table: {
      headerRows: 1,
      widths: ['*', '*', 100, '*'],
      body: [
        [th(t.column.person), th(t.column.affiliation), th(t.column.role), th(t.column.email)],
        ...s.assessors.map((x) => [{ text: clean(x.name), bold: true }, clean(x.organization), clean(x.role), clean(x.email)]),
      ],
    },
    layout: rules(model.layout.primary),
  });
  out.push({ text: clean(t.field.independence), style: 'h2' });
  if (s.independence) out.push({ text: clean(s.independence) });
  else if (s.independenceMissing) out.push(s.independenceMissing.warn ? { text: clean(s.independenceMissing.text), color: RESULT_COLOR['major-nc'], bold: true } : { text: clean(s.independenceMissing.text) });
  out.push({ text: clean(t.field.signatures), style: 'h2' });
  if (s.declaration) out.push({ text: clean(s.declaration) });
  for (const signer of s.signers) {
    out.push({
      unbreakable: true,
      margin: [0, 22, 0, 0],
      stack: [
        { text: [{ text: clean(signer.name), bold: true }, { text: `  ${clean(signer.role)}${signer.organization ? ` — ${clean(signer.organization)}` : ''}`, color: GREY }] },
        {
          columns: [
            { width: 260, stack: [{ canvas: [{ type: 'line', x1: 0, y1: 28, x2: 240, y2: 28, lineWidth: 0.6, lineColor: '#4A5560' }] }, { text: clean(t.phrase.signatureLine), style: 'muted' }] },
            { width: 160, stack: [{ canvas: [{ type: 'line', x1: 0, y1: 28, x2: 140, y2: 28, lineWidth: 0.6, lineColor: '#4A5560' }] }, { text: clean(t.phrase.dateLine), style: 'muted' }] },
          ],
        },
      ],
    });
  }
  out.push({ text: clean(t.phrase.digitalSignatureNote), style: 'muted', margin: [0, 24, 0, 0] });
  out.push({ text: `${clean(t.field.reportDate)}: ${s.date}`, style: 'muted' });
  return out;
}

function base64(bytes: Uint8Array): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += chars[n >> 18]! + chars[(n >> 12) & 63]! + chars[(n >> 6) & 63]! + chars[n & 63]!;
  }
  if (i < bytes.length) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8);
    out += chars[n >> 18]! + chars[(n >> 12) & 63]! + (i + 1 < bytes.length ? chars[(n >> 6) & 63]! : '=') + '=';
  }
  return out;
}
