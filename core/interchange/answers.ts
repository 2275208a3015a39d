/**
 * Answer sheets: a spreadsheet an assessor fills in (CSV or XLSX), one row per criterion:
 *   criterion_id, dimension, levels, title, status, justification, notes
 * Writing guards against formula injection (OWASP: a text cell starting with = + - @ tab CR
 * or NUL gets a leading `'`; XLSX cells are always string cells, never formulas). Reading
 * treats the file as hostile: bounded bytes, rows and ZIP expansion, formulas never
 * evaluated, every problem reported with the row number a spreadsheet shows.
 */
import * as XLSX from 'xlsx';
import type { Pack } from '../criteria/schema';
import { utf8DecodeStrict, utf8Encode } from '../criteria/utf8';
import { RESULT_STATUSES, type ResultStatus } from '../scoring/types';
import { DEFAULT_ZIP_LIMITS, zipPreflight } from './zip-preflight';

export const ANSWER_COLUMNS = ['criterion_id', 'dimension', 'levels', 'title', 'status', 'justification', 'notes'] as const;
export type AnswerColumn = (typeof ANSWER_COLUMNS)[number];

export interface AnswerTemplate {
  header: string[];
  rows: string[][];
}

/**
 * The rows of an empty answer sheet, in the pack's criterion order. Summative criteria
 * (`satisfiedBy`) are left out: their result follows from their constituents.
 */
export function answersTemplate(pack: Pack, lang: 'ja' | 'en'): AnswerTemplate {
  const levelsOf = new Map(pack.dimensions.map((d) => [d.id, d.levels.map((l) => l.id)]));
  const rows = pack.criteria
    .filter((c) => !c.satisfiedBy)
    .map((c) => [c.id, c.dimension, (c.levels === 'ALL' ? levelsOf.get(c.dimension) ?? [] : c.levels).join(';'), c.title[lang], '', '', '']);
  return { header: [...ANSWER_COLUMNS], rows };
}

const DANGEROUS_FIRST = /^[=+\-@\t\r\0]/;

/** OWASP CSV-injection guard: text that a spreadsheet would run as a formula gets a leading `'`. */
export function neutralizeCell(text: string): string {
  return DANGEROUS_FIRST.test(text) ? `'${text}` : text;
}

function csvField(text: string): string {
  const t = neutralizeCell(text);
  return /[",\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}

/** RFC 4180 CSV, CRLF line ends, UTF-8 with a byte-order mark (so Excel reads Japanese correctly). */
export function answersCsv(t: AnswerTemplate): Uint8Array {
  const text = [t.header, ...t.rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
  const body = utf8Encode(text);
  const out = new Uint8Array(body.length + 3);
  out.set([0xef, 0xbb, 0xbf]);
  out.set(body, 3);
  return out;
}

const STATUS_HELP: [ResultStatus, string, string][] = [
  ['conformant', '適合', 'Conformant'],
  ['minor-nc', '軽微な不適合', 'Minor non-conformity'],
  ['major-nc', '重大な不適合', 'Major non-conformity'],
  ['not-applicable', '適用外（理由を justification に記入）', 'Not applicable (give the reason under justification)'],
  ['not-assessed', '未評価（空欄と同じ）', 'Not assessed (same as empty)'],
];

/** XLSX workbook: sheet "answers" (every cell a string cell) and a "statuses" help sheet. */
export function answersXlsx(t: AnswerTemplate, lang: 'ja' | 'en' = 'en'): Uint8Array {
  const cells = (rows: string[][]): XLSX.CellObject[][] => rows.map((r) => r.map((v) => ({ t: 's', v: neutralizeCell(v) })));
  const ws = XLSX.utils.aoa_to_sheet(cells([t.header, ...t.rows]));
  ws['!cols'] = [{ wch: 16 }, { wch: 10 }, { wch: 16 }, { wch: 60 }, { wch: 16 }, { wch: 40 }, { wch: 40 }];
  const help = XLSX.utils.aoa_to_sheet(cells([['status', lang === 'ja' ? '意味' : 'meaning'], ...STATUS_HELP.map(([s, ja, en]) => [s, lang === 'ja' ? ja : en])]));
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, ws, 'answers');
  XLSX.utils.book_append_sheet(wb, help, 'statuses');
  const out = XLSX.write(wb, { type: 'array', bookType: 'xlsx', bookSST: true, compression: true }) as ArrayBuffer;
  return new Uint8Array(out);
}

export interface SheetAnswer {
  status: ResultStatus;
  justification?: string;
  notes?: string;
}

export interface SheetProblem {
  /** 1-based row as the spreadsheet shows it (the header is row 1); 0 for the whole file. */
  row: number;
  /** Column name (`status`), or '' for the whole row or file. */
  column: string;
  message: string;
}

export interface AnswerSheetLimits {
  maxBytes: number;
  maxRows: number;
  maxProblems: number;
}

/** Where an answer came from: its row, and whether its status cell was left empty (read as not-assessed). */
export interface SheetRowInfo {
  row: number;
  statusBlank: boolean;
}

export interface ParsedAnswerSheet {
  answers: Record<string, SheetAnswer>;
  problems: SheetProblem[];
  /** Per answered criterion id (the keys of `answers`). */
  rows: Record<string, SheetRowInfo>;
}

export const DEFAULT_SHEET_LIMITS: AnswerSheetLimits = { maxBytes: 20 * 1024 * 1024, maxRows: 100_000, maxProblems: 1000 };

/**
 * Reads a filled answer sheet (CSV or XLSX, sniffed from the bytes) against a pack. Rows
 * with problems are left out of `answers`; all problems are listed.
 */
export function parseAnswerSheet(
  bytes: Uint8Array,
  opts: { pack: Pack; limits?: Partial<AnswerSheetLimits> },
): ParsedAnswerSheet {
  const limits = { ...DEFAULT_SHEET_LIMITS, ...opts.limits };
  const problems: SheetProblem[] = [];
  const answers: Record<string, SheetAnswer> = {};
  const rows: Record<string, SheetRowInfo> = {};
  const fileProblem = (message: string): ParsedAnswerSheet => ({ answers, problems: [{ row: 0, column: '', message }], rows });
  if (bytes.length > limits.maxBytes) return fileProblem(`the file is ${(bytes.length / 1048576).toFixed(1)} MiB; the limit is ${limits.maxBytes / 1048576} MiB`);

  let table: { row: number; cells: string[] }[];
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    const r = readXlsx(bytes, limits.maxRows);
    if (typeof r === 'string') return fileProblem(r);
    table = r;
  } else if (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) {
    return fileProblem('legacy .xls workbooks are not read: save the sheet as .xlsx or as CSV UTF-8');
  } else {
    const text = utf8DecodeStrict(bytes);
    if (text === null) return fileProblem('the CSV is not UTF-8: save it as "CSV UTF-8" (or as .xlsx)');
    if (text.includes('\0')) return fileProblem('the file contains NUL characters: it is not a CSV text file');
    const r = parseCsv(text, limits.maxRows);
    if (typeof r === 'string') return fileProblem(r);
    table = r;
  }

  const headerRow = table.find((r) => r.cells.some((c) => c.trim() !== ''));
  if (!headerRow) return fileProblem('the sheet is empty: expected a header row with criterion_id and status');
  const norm = (h: string): string => h.replace(/^\uFEFF/, '').trim().toLowerCase().replace(/[\s-]+/g, '_');
  const col = new Map<string, number>();
  headerRow.cells.forEach((h, i) => {
    const n = norm(h);
    if ((ANSWER_COLUMNS as readonly string[]).includes(n) && !col.has(n)) col.set(n, i);
  });
  const missing = (['criterion_id', 'status'] as const).filter((c) => !col.has(c));
  if (missing.length) {
    return { answers, problems: [{ row: headerRow.row, column: '', message: `the header has no ${missing.join(' and ')} column (expected: ${ANSWER_COLUMNS.join(', ')})` }], rows };
  }
  const letter = (i: number): string => XLSX.utils.encode_col(i);
  const byId = new Map(opts.pack.criteria.map((c) => [c.id, c]));
  const firstRow = new Map<string, number>();
  const report = (row: number, column: AnswerColumn | '', message: string): void => {
    if (problems.length < limits.maxProblems) problems.push({ row, column, message });
    else if (problems.length === limits.maxProblems) problems.push({ row: 0, column: '', message: `more than ${limits.maxProblems} problems; stopped listing` });
  };
  const cell = (r: { cells: string[] }, name: AnswerColumn): string => {
    const i = col.get(name);
    return i === undefined ? '' : unneutralize(r.cells[i] ?? '').trim();
  };
  for (const r of table) {
    if (r.row <= headerRow.row || r.cells.every((c) => c.trim() === '')) continue;
    const id = cell(r, 'criterion_id');
    const ref = (name: AnswerColumn): string => `${letter(col.get(name) ?? 0)}${r.row}`;
    if (!id) {
      report(r.row, 'criterion_id', `${ref('criterion_id')}: criterion_id is empty`);
      continue;
    }
    const criterion = byId.get(id);
    if (!criterion) {
      report(r.row, 'criterion_id', `${ref('criterion_id')}: unknown criterion id "${id}" in ${opts.pack.id}@${opts.pack.version}`);
      continue;
    }
    const first = firstRow.get(id);
    if (first !== undefined) {
      report(r.row, 'criterion_id', `${ref('criterion_id')}: ${id} is answered twice (first on row ${first})`);
      continue;
    }
    firstRow.set(id, r.row);
    const rawStatus = cell(r, 'status');
    const status = rawStatus === '' ? 'not-assessed' : rawStatus.toLowerCase().replace(/[\s_]+/g, '-');
    if (!(RESULT_STATUSES as readonly string[]).includes(status)) {
      report(r.row, 'status', `${ref('status')}: unknown status "${rawStatus}"; use one of ${RESULT_STATUSES.join(', ')} (or leave it empty)`);
      continue;
    }
    if (criterion.satisfiedBy && rawStatus !== '' && status !== 'not-assessed') {
      report(r.row, 'status', `${ref('status')}: ${id} is satisfied by ${criterion.satisfiedBy.join(', ')} and is not answered directly; leave its status empty`);
      continue;
    }
    const justification = cell(r, 'justification');
    const notes = cell(r, 'notes');
    if (status === 'not-applicable' && !justification) {
      report(r.row, 'justification', `${col.has('justification') ? ref('justification') : `row ${r.row}`}: ${id} is not-applicable without a justification; say why it does not apply`);
      continue;
    }
    answers[id] = { status: status as ResultStatus, ...(justification ? { justification } : {}), ...(notes ? { notes } : {}) };
    rows[id] = { row: r.row, statusBlank: rawStatus === '' };
  }
  return { answers, problems, rows };
}

/** Undoes `neutralizeCell`: a `'` we put before a formula-like character. */
function unneutralize(text: string): string {
  return text.length > 1 && text[0] === "'" && DANGEROUS_FIRST.test(text.slice(1)) ? text.slice(1) : text;
}

/** RFC 4180 parser (also `;` or tab separated, sniffed from the header line). Returns an error string past the row limit. */
export function parseCsv(text: string, maxRows: number): { row: number; cells: string[] }[] | string {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const firstLine = s.slice(0, s.search(/\r|\n|$/));
  const sep = firstLine.includes(',') ? ',' : firstLine.includes(';') ? ';' : firstLine.includes('\t') ? '\t' : ',';
  const rows: { row: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endRow = (): boolean => {
    cells.push(field);
    field = '';
    rows.push({ row: rows.length + 1, cells });
    cells = [];
    return rows.length <= maxRows + 1;
  };
  while (i < s.length) {
    const ch = s[i]!;
    if (quoted) {
      if (ch === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
      i++;
    } else if (ch === sep) {
      cells.push(field);
      field = '';
      i++;
    } else if (ch === '\r' || ch === '\n') {
      i += ch === '\r' && s[i + 1] === '\n' ? 2 : 1;
      if (!endRow()) return `more than ${maxRows} rows; the limit protects against oversized sheets`;
    } else {
      field += ch;
      i++;
    }
  }
  if (quoted) return `row ${rows.length + 1}: a quoted field is not closed`;
  if (field !== '' || cells.length) endRow();
  if (rows.length > maxRows + 1) return `more than ${maxRows} rows; the limit protects against oversized sheets`;
  return rows;
}

function readXlsx(bytes: Uint8Array, maxRows: number): { row: number; cells: string[] }[] | string {
  const pre = zipPreflight(bytes, DEFAULT_ZIP_LIMITS);
  if (pre) return `not a readable .xlsx: ${pre}`;
  let wb: XLSX.WorkBook;
  try {
    wb = XLSX.read(bytes, {
      type: 'array',
      dense: true,
      cellFormula: false,
      cellHTML: false,
      cellNF: false,
      cellStyles: false,
      cellDates: false,
      bookVBA: false,
      sheetRows: maxRows + 2,
      WTF: false,
    });
  } catch (e) {
    return `not a readable .xlsx: ${e instanceof Error ? e.message : String(e)}`;
  }
  const name = wb.SheetNames.find((n) => n.toLowerCase() === 'answers') ?? wb.SheetNames[0];
  const ws = name === undefined ? undefined : wb.Sheets[name];
  if (!ws) return 'the workbook has no sheet';
  const range = ws['!ref'] ? XLSX.utils.decode_range(ws['!ref']) : undefined;
  if (range && range.e.r + 1 > maxRows + 1) return `more than ${maxRows} rows; the limit protects against oversized sheets`;
  const data = (ws as unknown as { '!data'?: (XLSX.CellObject | undefined)[][] })['!data'] ?? [];
  const out: { row: number; cells: string[] }[] = [];
  data.forEach((r, ri) => {
    if (!r) return;
    // Cached values only: formulas are never evaluated (cellFormula: false drops them).
    const cells = Array.from({ length: Math.min(r.length, 64) }, (_, ci) => {
      const c = r[ci];
      if (!c || c.v === undefined || c.v === null) return '';
      if (c.t === 's') return String(c.v);
      return c.w ?? String(c.v);
    });
    out.push({ row: ri + 1, cells });
  });
  return out;
}
