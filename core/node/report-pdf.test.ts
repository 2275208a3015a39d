import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyChange } from '../assessment/ops';
import { toScoringInput } from '../assessment/scoring-input';
import type { Pack } from '../criteria/schema';
import { buildReportModel, type ReportModel } from '../reports/model';
import { CELL_CHARS, PDF_FONT } from '../reports/pdf-layout';
import type { ReportTemplate } from '../reports/template';
import { realisticAssessment, type ReportFixture } from '../reports/test-fixtures';
import { score } from '../scoring/score';
import { renderPdfDocument, renderReportPdf } from './report-pdf';
import { FONTS_DIR, loadDefaultTemplate, loadJpIdtf, REPO } from './report-test-support';

const OUT = join(REPO, 'test-output', 'reports');
const tmp = mkdtempSync(join(tmpdir(), 'tfa-pdf-'));
let pack: Pack;
let template: ReportTemplate;
let fx: ReportFixture;
const models: Record<'ja' | 'en', ReportModel> = {} as never;
const files: Record<'ja' | 'en', string> = { ja: join(OUT, 'report-ja.pdf'), en: join(OUT, 'report-en.pdf') };
const pdfBytes: Record<'ja' | 'en', Uint8Array> = {} as never;

function run(cmd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return r;
}
/** Text of each page (pdftotext separates pages with form feeds). */
function pages(file: string, layout = true): string[] {
  return run('pdftotext', [...(layout ? ['-layout'] : []), file, '-']).stdout.split('\f').slice(0, -1);
}

const heading = (m: ReportModel, id: string): RegExp => {
  const s = m.sections.find((x) => x.id === id)!;
  return new RegExp(`^${s.number}\\s+${s.heading}\\s*$`, 'm');
};
const criteriaHeader = (m: ReportModel): RegExp => new RegExp(`^\\s*${m.t.column.id}\\s+${m.t.column.title}\\s+${m.t.column.levels}`, 'm');
const criteriaPages = (text: string[], m: ReportModel): string[] => text.filter((p) => criteriaHeader(m).test(p));

beforeAll(async () => {
  pack = await loadJpIdtf();
  template = await loadDefaultTemplate();
  fx = realisticAssessment(pack);
  mkdirSync(OUT, { recursive: true });
  for (const lang of ['ja', 'en'] as const) {
    models[lang] = buildReportModel({ assessment: fx.assessment, pack, score: fx.score, journal: fx.journal }, { lang, template, generatedAt: '2025-06-10T09:00:00Z', timeZone: 'Asia/Tokyo' });
    pdfBytes[lang] = await renderReportPdf(models[lang]);
    writeFileSync(files[lang], pdfBytes[lang]);
  }
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.each(['ja', 'en'] as const)('renderReportPdf (%s)', (lang) => {
  it('passes qpdf --check', () => {
    const r = run('qpdf', ['--check', files[lang]]);
    expect(r.stdout).toContain('No syntax or stream encoding errors found');
    expect(r.status).toBe(0);
  });

  it('embeds Noto Sans JP as subset fonts and nothing else', () => {
    const rows = run('pdffonts', [files[lang]]).stdout.trim().split('\n').slice(2);
    expect(rows).toHaveLength(2);
    for (const face of ['NotoSansJP-Regular', 'NotoSansJP-Bold']) {
      const row = rows.find((r) => r.includes(`+${face}`))!;
      expect(row, face).toMatch(/^[A-Z]{6}\+NotoSansJP-\w+\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/);
    }
  });

  it('carries the document properties', () => {
    const info = run('pdfinfo', [files[lang]]).stdout;
    expect(info).toMatch(/^Title:\s+.*株式会社サンプル認証 \/ サンプルID 連携基盤$/m);
    expect(info).toMatch(/^Author:\s+佐藤 花子, John Smith, 株式会社エグザンプル監査$/m);
    expect(info).toMatch(/^Subject:\s+.*jp-idtf@2\.0\.0/m);
    expect(info).toMatch(/^CreationDate:\s+Tue Jun 10 09:00:00 2025 UTC$/m);
    expect(info).toMatch(new RegExp(`^Keywords:.*sha256:${pack.hash}`, 'm'));
    expect(info).toMatch(/^Page size:\s+595\.28 x 841\.89 pts \(A4\)$/m);
  });

  it('states the organization, the pack id, version and hash, every criterion and the achieved levels as extractable text', () => {
    const text = pages(files[lang]);
    const all = text.join('\n');
    expect(all).toContain('株式会社サンプル認証');
    expect(all).toContain('jp-idtf@2.0.0');
    expect(all).toContain(pack.hash);
    const m = models[lang];
    // Every criterion has its own row in the criteria table (a row pdfmake could not place would be missing here).
    const table = criteriaPages(text, m).join('\n');
    for (const c of pack.criteria) expect(table, c.id).toMatch(new RegExp(`^\\s*${c.id.replace(/\./g, '\\.')}\\s`, 'm'));
    const summary = text.find((p) => p.includes(m.sections.find((s) => s.id === 'summary')!.heading) && p.includes(m.t.column.achieved))!;
    for (const d of m.summary.dimensions) {
      const row = new RegExp(`^\\s*${d.id}\\s.*\\s${d.target ?? m.t.phrase.targetNotSet}\\s+${d.achieved ?? '—'}\\s+${d.stateLabel}\\s`, 'm');
      expect(summary, d.id).toMatch(row);
    }
    expect(m.summary.dimensions.filter((d) => d.achieved !== null).length).toBeGreaterThan(0);
  });

  it('numbers every page and repeats the table header on every page of the criteria table', () => {
    const text = pages(files[lang]);
    const m = models[lang];
    text.forEach((p, i) => {
      const number = lang === 'ja' ? `${i + 1} / ${text.length} ページ` : `Page ${i + 1} of ${text.length}`;
      expect(p, `page ${i + 1}`).toContain(number);
    });
    // The criteria section runs from its heading to the next section's (the last page naming each: the contents page names them too); every page of it starts with the header row.
    const start = text.findLastIndex((p) => heading(m, 'criteria').test(p));
    const end = text.findLastIndex((p) => heading(m, 'findings').test(p));
    expect(end - start).toBeGreaterThan(5);
    for (const p of text.slice(start, end)) expect(p).toMatch(criteriaHeader(m));
    expect(criteriaPages(text, m)).toHaveLength(end - start);
  });

  it('renders the cover and a criteria table page to PNG for review', () => {
    const text = pages(files[lang]);
    const tablePage = text.findIndex((p) => p.includes(models[lang].sections.find((s) => s.id === 'criteria')!.heading) && /^\s*ORG-01\s/m.test(p)) + 1;
    expect(tablePage).toBeGreaterThan(1);
    for (const [page, name] of [
      [1, 'cover'],
      [tablePage, 'criteria'],
    ] as const) {
      const prefix = join(OUT, `report-${lang}-${name}`);
      const r = run('pdftoppm', ['-r', '80', '-png', '-singlefile', '-f', String(page), '-l', String(page), files[lang], prefix]);
      expect(r.status, r.stderr).toBe(0);
      const png = readFileSync(`${prefix}.png`);
      expect([...png.subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
      expect(png.length).toBeGreaterThan(20_000);
    }
  });
});

describe('renderReportPdf', () => {
  it('gives the same bytes for the same model', async () => {
    expect(Buffer.from(await renderReportPdf(models.ja)).equals(Buffer.from(pdfBytes.ja))).toBe(true);
  });

  it('clips long texts in table cells, prints them whole in an annex, and survives control characters', async () => {
    const id = pack.criteria.find((c) => !c.satisfiedBy && fx.score.criteria[c.id]!.inScope)!.id;
    const long = `${'長い所見の本文です。'.repeat(150)}終わり\u0000\u0007\uD800\u202E`;
    expect(long.length).toBeGreaterThan(CELL_CHARS);
    const { assessment } = applyChange(fx.assessment, { op: 'answer.set', criterion: id, set: { notes: long } }, { at: '2025-06-05T00:00:00Z', actor: 'test' });
    const m = buildReportModel({ assessment, pack, score: score(pack, toScoringInput(assessment)) }, { lang: 'ja', template, generatedAt: '2025-06-10T09:00:00Z' });
    const file = join(tmp, 'long.pdf');
    writeFileSync(file, await renderReportPdf(m));
    expect(run('qpdf', ['--check', file]).status).toBe(0);
    expect(criteriaPages(pages(file), m).join('\n')).toMatch(new RegExp(`^\\s*${id}\\s`, 'm'));
    const text = pages(file, false);
    const annex = text.findLastIndex((p) => /^付録\s*$/m.test(p));
    expect(annex).toBeGreaterThan(2);
    expect(text.slice(0, annex).join('').replace(/\s+/g, '')).toContain('(全文は付録A-1を参照)');
    expect(text.slice(annex).join('').replace(/\s+/g, '')).toContain(`A-1${id}評価者所見`);
    expect(text.slice(annex).join('')).toContain('終わり');
  });

  it('reads no file but the report fonts and fetches no URL', async () => {
    const base = { info: {}, defaultStyle: { font: PDF_FONT } };
    await expect(renderPdfDocument({ ...base, content: [{ image: join(REPO, 'package.json') }] }, { fontsDir: FONTS_DIR })).rejects.toThrow(/Access to local file denied/);
    await expect(renderPdfDocument({ ...base, images: { x: 'https://example.invalid/x.png' }, content: [{ image: 'x' }] }, { fontsDir: FONTS_DIR })).rejects.toThrow(/Access to URL denied/);
    // A fonts folder reached through a symlink still only opens the two fonts.
    const link = join(tmp, 'fonts-link');
    symlinkSync(FONTS_DIR, link);
    const ok = await renderPdfDocument({ ...base, content: ['日本語 text'] }, { fontsDir: link });
    expect(Buffer.from(ok).subarray(0, 5).toString()).toBe('%PDF-');
    await expect(renderPdfDocument({ ...base, content: [{ image: join(link, 'OFL.txt') }] }, { fontsDir: link })).rejects.toThrow(/Access to local file denied/);
  });

  it('says clearly when the fonts are missing', async () => {
    const empty = join(tmp, 'no-fonts');
    mkdirSync(empty);
    await expect(renderReportPdf(models.en, { fontsDir: empty })).rejects.toThrow(/^The report font .*NotoSansJP_400Regular\.ttf is missing: reinstall TF Assessor/);
    await expect(renderReportPdf(models.en, { fontsDir: join(tmp, 'nowhere') })).rejects.toThrow(/fonts folder .* does not exist/);
  });
});
