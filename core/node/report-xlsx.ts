/**
 * XLSX reports, written with SheetJS: sheets Summary, Criteria (read like a Statement of
 * Conformity: criterion, result, how it is fulfilled, evidence), Findings, Evidence, Audit
 * trail, and Claims when the assessment holds the applicant's claims.
 *
 * Every text cell is a string cell (never a formula) and every text starting with
 * = + - @, tab, CR or NUL gets a leading `'` (`neutralizeCell`), so a spreadsheet never runs
 * what the assessed organization typed. Texts longer than Excel's cell limit are shortened
 * with a note. SheetJS CE writes column widths and autofilters; the frozen header row and
 * the header and wrap styles are added afterwards in the workbook's XML (reports/sheet-xml.ts).
 */
import * as XLSX from 'xlsx';
import { neutralizeCell } from '../interchange/answers';
import type { CriterionRow, EvidenceRow, FindingRow, ReportModel } from '../reports/model';
import { addReportStyles, patchSheetXml } from '../reports/sheet-xml';
import type { SheetCriteriaColumn, SheetEvidenceColumn, SheetFindingColumn } from '../reports/template';
import { readZip, writeZip } from './report-xlsx-zip';

/** Sheet names are fixed (not translated) so scripts at the certification body can find them. */
export const SHEETS = { summary: 'Summary', criteria: 'Criteria', findings: 'Findings', evidence: 'Evidence', audit: 'Audit trail', claims: 'Claims' } as const;

/** Excel refuses cells longer than this. */
export const EXCEL_CELL_CHARS = 32767;

export type Cell = string | number;
export interface Sheet {
  name: string;
  header: string[];
  widths: number[];
  rows: Cell[][];
  /** Table sheets get an autofilter over the header row. */
  filter: boolean;
}

/** A text cell as written: shortened to Excel's limit, then neutralized against formula injection. */
export function xlsxText(text: string, truncatedNote: string): string {
  let s = text;
  if (s.length > EXCEL_CELL_CHARS - 1) {
    // Cut on a code point boundary, leaving room for the note and a possible `'`.
    let cut = EXCEL_CELL_CHARS - 1 - truncatedNote.length;
    if (/[\uDC00-\uDFFF]/.test(s[cut] ?? '')) cut--;
    s = s.slice(0, cut) + truncatedNote;
  }
  return neutralizeCell(s);
}

const CRITERIA_WIDTH: Record<SheetCriteriaColumn, number> = {
  id: 14,
  title: 44,
  dimension: 11,
  category: 24,
  levels: 14,
  obligation: 10,
  applicability: 12,
  justification: 36,
  result: 16,
  howFulfilled: 60,
  methods: 16,
  evidence: 56,
  samplingNotes: 32,
  findings: 12,
};
const FINDING_WIDTH: Record<SheetFindingColumn, number> = { id: 9, class: 20, status: 16, criteria: 16, description: 60, correctiveAction: 60, owner: 18, dueDate: 12 };
const EVIDENCE_WIDTH: Record<SheetEvidenceColumn, number> = { name: 36, mediaType: 24, size: 12, sha256: 66, capturedAt: 24, capturedBy: 18, criteria: 40, description: 44 };

function criterionValue(c: SheetCriteriaColumn, r: CriterionRow): Cell {
  switch (c) {
    case 'id':
      return r.id;
    case 'title':
      return r.derivedFrom ? `${r.title}\n(${r.derivedFrom})` : r.title;
    case 'dimension':
      return r.dimension;
    case 'category':
      return r.categoryTitle;
    case 'levels':
      return r.levels;
    case 'obligation':
      return r.obligation;
    case 'applicability':
      return r.applicabilityLabel;
    case 'justification':
      return r.justification;
    case 'result':
      return r.resultLabel;
    case 'howFulfilled':
      return r.notes;
    case 'methods':
      return r.methods.join(', ');
    case 'evidence':
      return r.evidence.map((e) => `${e.name} (SHA-256 ${e.sha256})`).join('\n');
    case 'samplingNotes':
      return r.samplingNotes;
    case 'findings':
      return r.findings.join(', ');
  }
}

function findingValue(c: SheetFindingColumn, f: FindingRow): Cell {
  switch (c) {
    case 'id':
      return f.id;
    case 'class':
      return f.classLabel;
    case 'status':
      return f.statusLabel;
    case 'criteria':
      return f.criteria.join(', ');
    case 'description':
      return f.description;
    case 'correctiveAction':
      return f.plan;
    case 'owner':
      return f.owner;
    case 'dueDate':
      return f.dueDate;
  }
}

function evidenceValue(c: SheetEvidenceColumn, e: EvidenceRow): Cell {
  switch (c) {
    case 'name':
      return e.name;
    case 'mediaType':
      return e.mediaType;
    case 'size':
      return e.size ?? '';
    case 'sha256':
      return e.sha256;
    case 'capturedAt':
      return e.capturedAt;
    case 'capturedBy':
      return [e.capturedBy, ...e.recaptures].filter(Boolean).join('\n');
    case 'criteria':
      return e.criteria.join(', ');
    case 'description':
      return e.description;
  }
}

/** The sheets of a report as rows of plain values, before formula neutralization. */
export function reportSheets(model: ReportModel): Sheet[] {
  const t = model.t;
  const s = model.summary;
  const summaryRows: Cell[][] = [
    [t.field.report, model.title],
    ...model.cover.facts.map((f) => [f.label, f.value]),
    [t.field.generatedAt, model.generatedAt],
    ...s.dimensions.map((d) => [
      `${d.id} ${d.title}`,
      [
        `${t.column.achieved}: ${d.achieved ?? t.phrase.none}`,
        `${t.column.targetLevel}: ${d.target ?? t.phrase.targetNotSet}`,
        `${t.column.targetState}: ${d.stateLabel}`,
        `${t.column.progress}: ${d.answered}/${d.applicable}`,
      ].join(' / '),
    ]),
    [t.field.aggregate, s.aggregate],
    ...s.dimensions.filter((d) => d.blocking.length > 0).map((d) => [`${t.column.blocking} — ${d.target ?? ''}`, d.blocking.map((b) => `${b.criterion} (${b.label})`).join('\n')]),
    ...s.counts.map((c) => [`${t.field.resultCounts} — ${c.label}`, c.count]),
    [`${t.field.resultCounts} — ${t.field.total}`, s.total],
    ...s.openFindings.map((c) => [`${t.field.openFindings} — ${c.label}`, c.count]),
  ];

  const out: Sheet[] = [
    { name: SHEETS.summary, header: [t.column.item, t.column.value], widths: [44, 100], rows: summaryRows, filter: false },
    {
      name: SHEETS.criteria,
      header: model.sheets.criteria.map((c) => (c === 'id' ? t.column.id : t.column[c])),
      widths: model.sheets.criteria.map((c) => CRITERIA_WIDTH[c]),
      rows: model.criteria.map((r) => model.sheets.criteria.map((c) => criterionValue(c, r))),
      filter: true,
    },
    {
      name: SHEETS.findings,
      header: model.sheets.findings.map((c) => (c === 'id' ? t.column.findingId : t.column[c])),
      widths: model.sheets.findings.map((c) => FINDING_WIDTH[c]),
      rows: model.findings.map((f) => model.sheets.findings.map((c) => findingValue(c, f))),
      filter: true,
    },
    {
      name: SHEETS.evidence,
      header: model.sheets.evidence.map((c) => (c === 'size' ? `${t.column.size} (bytes)` : t.column[c])),
      widths: model.sheets.evidence.map((c) => EVIDENCE_WIDTH[c]),
      rows: model.evidence.map((e) => model.sheets.evidence.map((c) => evidenceValue(c, e))),
      filter: true,
    },
    {
      name: SHEETS.audit,
      header: [t.column.seq, t.column.at, t.column.actor, t.column.change, t.column.target, t.column.old, t.column.new],
      widths: [8, 24, 18, 16, 30, 60, 60],
      rows: model.audit ? model.audit.rows.map((r) => [r.seq, r.at, r.actor, r.op, r.target, r.old, r.new]) : [['', '', '', '', t.phrase.noAudit, '', '']],
      filter: model.audit !== null,
    },
  ];
  if (model.claims) {
    out.push({
      name: SHEETS.claims,
      header: [t.column.id, t.column.title, t.column.claimed, t.column.assessed, t.column.difference],
      widths: [14, 50, 20, 20, 20],
      rows: model.claims.rows.map((r) => [r.criterion, r.title, r.claimed, r.assessed, r.difference]),
      filter: true,
    });
  }
  return out;
}

/** Display width of a line in Excel column units: East Asian wide characters count two. */
function displayWidth(line: string): number {
  let w = 0;
  for (const ch of line) {
    const c = ch.codePointAt(0)!;
    w += c >= 0x1100 && (c <= 0x115f || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6) || c >= 0x20000) ? 2 : 1;
  }
  return w;
}

const LINE_PT = 15.5;
const MAX_ROW_PT = 409;

/**
 * Row height for wrapped text. Spreadsheets keep a row one line high unless told otherwise
 * (LibreOffice does not re-measure on import), so the height is estimated from the text and
 * the column widths.
 */
export function rowHeight(values: readonly string[], widths: readonly number[]): number {
  let lines = 1;
  values.forEach((v, i) => {
    const width = Math.max(1, (widths[i] ?? 10) - 1);
    // Fits on one line even if every character were wide: no need to measure.
    if (v.length * 2 <= width && !/[\r\n]/.test(v)) return;
    let n = 0;
    for (const line of v.split(/\r\n|\r|\n/)) n += Math.max(1, Math.ceil(displayWidth(line) / width));
    lines = Math.max(lines, n);
  });
  return Math.min(MAX_ROW_PT, Math.round(lines * LINE_PT + 4));
}

function worksheet(sheet: Sheet, note: string): XLSX.WorkSheet {
  // Cells are set directly (not through aoa_to_sheet): every value's type is known here, and
  // this is the hot loop of a 5,000-row export. Empty texts are left out, as a spreadsheet would.
  const ws: XLSX.WorkSheet = {};
  const letters = sheet.header.map((_, c) => XLSX.utils.encode_col(c));
  const heights: XLSX.RowInfo[] = [];
  const put = (cells: readonly Cell[], r: number): void => {
    const shown: string[] = [];
    for (let c = 0; c < cells.length; c++) {
      const v = cells[c]!;
      if (typeof v === 'number') {
        ws[`${letters[c]}${r + 1}`] = { t: 'n', v };
        shown.push(String(v));
      } else {
        const text = xlsxText(v, note);
        if (text !== '') ws[`${letters[c]}${r + 1}`] = { t: 's', v: text };
        shown.push(text);
      }
    }
    heights.push({ hpt: rowHeight(shown, sheet.widths) });
  };
  put(sheet.header, 0);
  sheet.rows.forEach((cells, i) => put(cells, i + 1));
  const last = { r: Math.max(sheet.rows.length, 1), c: sheet.header.length - 1 };
  ws['!ref'] = XLSX.utils.encode_range({ s: { r: 0, c: 0 }, e: { r: sheet.rows.length, c: last.c } });
  ws['!cols'] = sheet.widths.map((wch) => ({ wch }));
  ws['!rows'] = heights;
  if (sheet.filter) ws['!autofilter'] = { ref: XLSX.utils.encode_range({ s: { r: 0, c: 0 }, e: last }) };
  return ws;
}

/**
 * The XLSX workbook of a report. Deterministic: the same model gives the same bytes (the
 * document's dates and the ZIP's timestamps are the model's `generatedAt`).
 */
export function renderReportXlsx(model: ReportModel): Uint8Array {
  const note = model.t.phrase.cellTruncated;
  const wb = XLSX.utils.book_new();
  const list = reportSheets(model);
  for (const s of list) XLSX.utils.book_append_sheet(wb, worksheet(s, note), s.name);
  const created = new Date(model.generatedAt);
  wb.Props = {
    Title: model.meta.title,
    Subject: model.meta.subject,
    Author: model.meta.author,
    Keywords: model.meta.keywords,
    Company: model.issuer,
    CreatedDate: created,
    ModifiedDate: created,
    LastAuthor: model.meta.creator,
  };
  // Uncompressed: the parts are patched and then deflated once by node:zlib.
  const raw = XLSX.write(wb, { type: 'buffer', bookType: 'xlsx', bookSST: true, compression: false }) as Buffer;
  const entries = readZip(raw);
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  const stylesEntry = entries.find((e) => e.name === 'xl/styles.xml');
  if (!stylesEntry) throw new Error('SheetJS wrote no xl/styles.xml');
  const { xml: stylesXml, styles } = addReportStyles(decoder.decode(stylesEntry.data), model.layout.primary);
  stylesEntry.data = encoder.encode(stylesXml);
  for (const e of entries) {
    if (/^xl\/worksheets\/sheet\d+\.xml$/.test(e.name)) e.data = encoder.encode(patchSheetXml(decoder.decode(e.data), { freezeRows: 1, styles }));
  }
  // Level 1: a third of the time of the default level for a fifth more bytes (0.6 vs 0.5 MiB at 5,000 rows).
  return writeZip(entries, { date: created, level: 1 });
}
