/**
 * Report export speed with the Japanese font: the PDF of a 500- and a 5,000-criteria
 * assessment (whole report: cover, summary, criteria table, findings, evidence index, claims,
 * audit summary, signatures), the XLSX of the 5,000-criteria one, and the overhead of the
 * report layer over calling pdfmake / SheetJS directly on the same table. The pack is the
 * real jp-idtf 2.0.0 (Japanese titles) repeated to size; every criterion is answered, with
 * evidence, findings, claims and the journal the edits wrote.
 *
 * Peak memory is the process's maximum resident set size after each step (it only grows,
 * and the steps run smallest first). "Direct" pdfmake is pdfmake as it comes, without the
 * inline joining of core/node/report-pdf-inlines.ts.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as XLSX from 'xlsx';
import type { Pack } from '../core/criteria/schema';
import { readPackDir } from '../core/node/packs';
import { renderPdfDocument, renderReportPdf } from '../core/node/report-pdf';
import { setInlineMerging } from '../core/node/report-pdf-inlines';
import { readDefaultTemplate } from '../core/node/report-template';
import { renderReportXlsx, reportSheets } from '../core/node/report-xlsx';
import { buildReportModel, type ReportInput, type ReportModel } from '../core/reports/model';
import { PDF_FONT } from '../core/reports/pdf-layout';
import type { ReportTemplate } from '../core/reports/template';
import { realisticAssessment, scalePack } from '../core/reports/test-fixtures';
import { collectGarbage, ms, row, type BenchSection, type Timing } from './harness';

const PDF_500_TARGET_MS = 1500;
const PDF_5000_TARGET_MS = 10_000;
const XLSX_5000_TARGET_MS = 500;
const OVERHEAD_TARGET = 1.3;

const mib = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
const peakRss = (): string => mib(process.resourceUsage().maxRSS * 1024);
const pageCount = (pdf: Uint8Array): number => (Buffer.from(pdf).toString('latin1').match(/\/Type \/Page\b(?!s)/g) ?? []).length;

function packDir(): string | null {
  for (const root of [path.resolve(__dirname, '..', 'criteria'), path.resolve(process.cwd(), 'criteria')]) {
    const dir = path.join(root, 'jp-idtf', '2.0.0');
    if (existsSync(path.join(dir, 'pack.yaml'))) return dir;
  }
  return null;
}

function inputFor(base: Pack, count: number): ReportInput {
  const pack = scalePack(base, count);
  const fx = realisticAssessment(pack);
  return { assessment: fx.assessment, pack, score: fx.score, journal: fx.journal };
}

const options = (template: ReportTemplate) => ({ lang: 'ja' as const, template, generatedAt: '2025-06-10T09:00:00Z', timeZone: 'Asia/Tokyo' });

/** The criteria table alone, as a pdfmake user would write it by hand: same strings, same widths and font. */
function bareCriteriaTable(model: ReportModel): Parameters<typeof renderPdfDocument>[0] {
  const t = model.t;
  const body = [
    [t.column.id, t.column.title, t.column.levels, t.column.applicability, t.column.result, t.column.methods, t.column.evidence, t.column.notes],
    ...model.criteria.map((r) => [
      r.id,
      r.title,
      r.levels,
      r.justification ? `${r.applicabilityLabel}\n${r.justification}` : r.applicabilityLabel,
      r.resultLabel,
      r.methods.join('\n'),
      r.evidence.map((e) => `${e.short}  ${e.name}`).join('\n'),
      [r.notes, r.samplingNotes, r.findings.join(', ')].filter(Boolean).join('\n'),
    ]),
  ];
  return {
    info: { title: 'bare table' },
    pageSize: 'A4',
    pageOrientation: 'landscape',
    defaultStyle: { font: PDF_FONT, fontSize: 7.5 },
    footer: (page: number, pages: number) => ({ text: `${page} / ${pages}`, alignment: 'right', margin: [48, 18] }),
    content: [{ table: { headerRows: 1, widths: [50, '*', 44, 84, 58, 50, 104, '*'], body } }],
  };
}

/** The same sheets written with SheetJS directly (no neutralization, styles, row heights or re-zipping). */
function bareWorkbook(model: ReportModel): Uint8Array {
  const wb = XLSX.utils.book_new();
  for (const s of reportSheets(model)) {
    const ws = XLSX.utils.aoa_to_sheet([s.header, ...s.rows]);
    ws['!cols'] = s.widths.map((wch) => ({ wch }));
    XLSX.utils.book_append_sheet(wb, ws, s.name);
  }
  return new Uint8Array(XLSX.write(wb, { type: 'array', bookType: 'xlsx', bookSST: true, compression: true }) as ArrayBuffer);
}

/**
 * `timeAsync` that also reports the process CPU time per run (median): on a machine shared
 * with other work the wall time swings, the CPU time much less.
 */
async function timeWithCpu(fn: () => Promise<unknown> | unknown, opts: { runs: number; warmup: number }): Promise<Timing & { cpu: number }> {
  for (let k = 0; k < opts.warmup; k++) await fn();
  collectGarbage();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let k = 0; k < opts.runs; k++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await fn();
    wall.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length / 2) - 1]!;
  const sorted = [...wall].sort((a, b) => a - b);
  return { runs: opts.runs, median: median(wall), p95: sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)]!, min: sorted[0]!, cpu: median(cpu) };
}

function ratioLine(label: string, ours: Timing & { cpu: number }, bare: Timing & { cpu: number }): string {
  const ratio = ours.median / bare.median;
  return `  ${label.padEnd(44)} ours ${ms(ours.median).padStart(9)}   direct ${ms(bare.median).padStart(9)}   ratio ${ratio.toFixed(2)} (CPU ${(ours.cpu / bare.cpu).toFixed(2)}; target ≤ ${OVERHEAD_TARGET}: ${(ratio / OVERHEAD_TARGET).toFixed(2)}× target)`;
}

export const reportsBench: BenchSection = {
  name: 'reports',
  async run(print) {
    print('reports — PDF (pdfmake, Noto Sans JP subset) and XLSX (SheetJS) of jp-idtf 2.0.0 scaled up, language ja');
    const dir = packDir();
    if (!dir) {
      print('  skipped: criteria/jp-idtf/2.0.0 not found');
      return;
    }
    const loaded = await readPackDir(dir);
    if (!loaded.ok) {
      print(`  skipped: jp-idtf 2.0.0 does not load (${loaded.problems[0]?.message ?? ''})`);
      return;
    }
    const template = await readDefaultTemplate();
    // The same template with the criteria table as its only section, for the overhead figures.
    const tableOnly: ReportTemplate = { ...template, spec: { ...template.spec, sections: ['criteria'] } };
    print(`  peak RSS before: ${peakRss()}`);

    // --- PDF, 500 criteria -------------------------------------------------------------
    const in500 = inputFor(loaded.pack, 500);
    let pdf: Uint8Array = new Uint8Array();
    const pdf500 = await timeWithCpu(async () => (pdf = await renderReportPdf(buildReportModel(in500, options(template)))), { runs: 5, warmup: 1 });
    print(row('PDF, 500 criteria (model + render)', pdf500, PDF_500_TARGET_MS));
    print(`    CPU ${ms(pdf500.cpu)} per run; ${pageCount(pdf)} pages, ${mib(pdf.length)}, ${Object.keys(in500.assessment.evidence).length} evidence items, ${in500.journal!.length} journal entries; peak RSS ${peakRss()}`);

    const model500 = buildReportModel(in500, options(template));
    const modelTime = await timeWithCpu(() => buildReportModel(in500, options(template)), { runs: 20, warmup: 3 });
    print(row('  of which buildReportModel()', modelTime));

    // --- overhead over pdfmake directly, same table -------------------------------------
    const tableModel = buildReportModel(in500, options(tableOnly));
    let bareBytes: Uint8Array = new Uint8Array();
    let oursBytes: Uint8Array = new Uint8Array();
    // "Directly" means pdfmake as it comes: without the inline joining our renderer adds.
    setInlineMerging(false);
    const bare = await timeWithCpu(async () => (bareBytes = await renderPdfDocument(bareCriteriaTable(model500))), { runs: 5, warmup: 1 });
    setInlineMerging(true);
    const ours = await timeWithCpu(async () => (oursBytes = await renderReportPdf(buildReportModel(in500, options(tableOnly)))), { runs: 5, warmup: 1 });
    print(ratioLine('PDF criteria table, 500 rows', ours, bare));
    print(`    pages: ours ${pageCount(oursBytes)} (${tableModel.criteria.length} rows + dimension rows, styled), direct ${pageCount(bareBytes)}; bytes: ours ${mib(oursBytes.length)}, direct ${mib(bareBytes.length)}`);
    collectGarbage();

    // --- PDF, 5,000 criteria -----------------------------------------------------------
    const in5000 = inputFor(loaded.pack, 5000);
    const pdf5000 = await timeWithCpu(async () => (pdf = await renderReportPdf(buildReportModel(in5000, options(template)))), { runs: 3, warmup: 0 });
    print(row('PDF, 5,000 criteria (model + render)', pdf5000, PDF_5000_TARGET_MS));
    print(`    CPU ${ms(pdf5000.cpu)} per run; ${pageCount(pdf)} pages, ${mib(pdf.length)}, ${Object.keys(in5000.assessment.evidence).length} evidence items, ${in5000.journal!.length} journal entries; peak RSS ${peakRss()}`);
    pdf = new Uint8Array();
    collectGarbage();

    // --- XLSX, 5,000 criteria ----------------------------------------------------------
    const model5000 = buildReportModel(in5000, options(template));
    const noJournal = buildReportModel({ ...in5000, journal: undefined }, options(template));
    let xlsx: Uint8Array = new Uint8Array();
    const x5000 = await timeWithCpu(() => (xlsx = renderReportXlsx(noJournal)), { runs: 7, warmup: 2 });
    print(row('XLSX, 5,000 criteria rows (no audit trail)', x5000, XLSX_5000_TARGET_MS));
    print(`    CPU ${ms(x5000.cpu)} per run; ${mib(xlsx.length)}; sheets ${reportSheets(noJournal).map((s) => `${s.name} ${s.rows.length}`).join(', ')}`);
    const xFull = await timeWithCpu(() => (xlsx = renderReportXlsx(model5000)), { runs: 3, warmup: 1 });
    print(row(`XLSX, 5,000 rows + ${in5000.journal!.length} audit rows`, xFull));
    print(`    ${mib(xlsx.length)}; peak RSS ${peakRss()}`);

    const xBare = await timeWithCpu(() => bareWorkbook(noJournal), { runs: 7, warmup: 2 });
    print(ratioLine('XLSX, same sheets, 5,000 criteria rows', x5000, xBare));
  },
};
