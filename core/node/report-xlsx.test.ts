import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import { applyChange } from '../assessment/ops';
import { toScoringInput } from '../assessment/scoring-input';
import type { Pack } from '../criteria/schema';
import { buildReportModel, type ReportModel } from '../reports/model';
import type { ReportTemplate } from '../reports/template';
import { HOSTILE_TEXTS, realisticAssessment, type ReportFixture } from '../reports/test-fixtures';
import { score } from '../scoring/score';
import { loadDefaultTemplate, loadJpIdtf, REPO } from './report-test-support';
import { EXCEL_CELL_CHARS, renderReportXlsx, rowHeight, SHEETS } from './report-xlsx';

const OUT = join(REPO, 'test-output', 'reports');
let pack: Pack;
let template: ReportTemplate;
let fx: ReportFixture;
let model: ReportModel;
let xlsx: Uint8Array;
let parts: Map<string, string>;

/** The workbook's parts, opened with SheetJS's own ZIP reader (independent of ours). */
function openParts(bytes: Uint8Array): Map<string, string> {
  const cfb = XLSX.CFB.read(bytes.slice(), { type: 'array' });
  const out = new Map<string, string>();
  cfb.FullPaths.forEach((p: string, i: number) => {
    const entry = cfb.FileIndex[i]!;
    if (entry.type === 2) out.set(p.replace(/^[^/]*\//, ''), new TextDecoder().decode(entry.content as Uint8Array));
  });
  return out;
}

/** Shared strings as a spreadsheet reads them (XML entities and `_xHHHH_` escapes decoded). */
function sharedStrings(xml: string): string[] {
  return [...xml.matchAll(/<si>(.*?)<\/si>/gs)].map((m) =>
    [...m[1]!.matchAll(/<t[^>]*>(.*?)<\/t>/gs)]
      .map((t) => t[1]!)
      .join('')
      .replace(/_x([0-9A-Fa-f]{4})_/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
      .replace(/&amp;/g, '&'),
  );
}

beforeAll(async () => {
  pack = await loadJpIdtf();
  template = await loadDefaultTemplate();
  fx = realisticAssessment(pack);
  model = buildReportModel({ assessment: fx.assessment, pack, score: fx.score, journal: fx.journal }, { lang: 'ja', template, generatedAt: '2025-06-10T09:00:00Z', timeZone: 'Asia/Tokyo' });
  xlsx = renderReportXlsx(model);
  parts = openParts(xlsx);
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'report-ja.xlsx'), xlsx);
});

const sheetXml = (n: number): string => parts.get(`xl/worksheets/sheet${n}.xml`)!;

describe('renderReportXlsx', () => {
  it('has the sheets Summary, Criteria, Findings, Evidence, Audit trail and Claims, with document properties', () => {
    const names = [...parts.get('xl/workbook.xml')!.matchAll(/<sheet name="([^"]+)"/g)].map((m) => m[1]);
    expect(names).toEqual(['Summary', 'Criteria', 'Findings', 'Evidence', 'Audit trail', 'Claims']);
    const core = parts.get('docProps/core.xml')!;
    expect(core).toContain('<dcterms:created xsi:type="dcterms:W3CDTF">2025-06-10T09:00:00Z</dcterms:created>');
    expect(core).toContain('<dc:title>トラストフレームワーク適合性評価報告書 — 株式会社サンプル認証 / サンプルID 連携基盤</dc:title>');
    expect(core).toContain(`sha256:${pack.hash}`);
  });

  it('writes hostile user text as text with a leading apostrophe, never as a formula', () => {
    for (const [name, xml] of parts) if (name.startsWith('xl/worksheets/')) {
      expect(xml).not.toMatch(/<f[ >]/);
      expect(xml).not.toMatch(/t="(str|e)"/);
    }
    const strings = sharedStrings(parts.get('xl/sharedStrings.xml')!);
    for (const h of HOSTILE_TEXTS) {
      expect(strings, h).toContain(`'${h}`);
      expect(strings, h).not.toContain(h);
    }
    // No text anywhere in the workbook starts the way a formula does.
    expect(strings.filter((s) => /^[=+\-@\t\r\0]/.test(s))).toEqual([]);
    // The audit trail quotes the same values inside JSON: they do not start a cell, so they stay as they are.
    expect(strings.some((s) => s.startsWith('{') && s.includes('=HYPERLINK('))).toBe(true);
  });

  it('freezes the header row, filters and sizes the columns of every table sheet', () => {
    const cols = (xml: string) => [...xml.matchAll(/<col min="(\d+)" max="\d+" width="([\d.]+)" customWidth="1"\/>/g)].length;
    for (let n = 1; n <= 6; n++) {
      expect(sheetXml(n)).toContain('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>');
      expect(sheetXml(n)).toMatch(/<row r="1" ht="\d+" customHeight="1"><c s="1" r="A1" t="s">/);
      expect(sheetXml(n)).toMatch(/<row r="2" ht="\d+" customHeight="1"><c s="2" r="A2"( t="s")?>/);
    }
    expect(sheetXml(2)).toContain(`<autoFilter ref="A1:M${pack.criteria.length + 1}"/>`);
    expect(cols(sheetXml(2))).toBe(template.spec.sheets.criteria.length);
    expect(sheetXml(3)).toContain(`<autoFilter ref="A1:H${fx.assessment.findings.length + 1}"/>`);
    expect(sheetXml(4)).toContain(`<autoFilter ref="A1:H${Object.keys(fx.assessment.evidence).length + 1}"/>`);
    expect(sheetXml(5)).toContain(`<autoFilter ref="A1:G${fx.journal.length + 1}"/>`);
    expect(sheetXml(1)).not.toContain('<autoFilter');
    expect(parts.get('xl/workbook.xml')).toContain('<definedName name="_xlnm._FilterDatabase" localSheetId="1">Criteria!$A$1:$M$111</definedName>');
    expect(parts.get('xl/styles.xml')).toMatch(/<font><b\/>/);
  });

  it('reads like a Statement of Conformity: criterion, result, how fulfilled, evidence with SHA-256', () => {
    const wb = XLSX.read(xlsx.slice(), { type: 'array' });
    const rows = XLSX.utils.sheet_to_json<string[]>(wb.Sheets[SHEETS.criteria]!, { header: 1, defval: '' });
    const header = rows[0]!;
    expect(header.slice(0, 4)).toEqual(['基準ID', '基準', '区分', 'レベル']);
    expect(header).toEqual(expect.arrayContaining(['評価結果', '充足の方法', '証跡']));
    expect(rows).toHaveLength(pack.criteria.length + 1);
    const col = (label: string) => header.indexOf(label);
    const answered = pack.criteria.find((c) => !c.satisfiedBy && fx.score.criteria[c.id]!.inScope && fx.assessment.criteria[c.id]?.status === 'conformant')!;
    const row = rows.find((r) => r[0] === answered.id)!;
    expect(row[col('評価結果')]).toBe('適合');
    expect(row[col('充足の方法')]).toBe(fx.assessment.criteria[answered.id]!.notes);
    for (const h of fx.assessment.criteria[answered.id]!.evidence!) expect(row[col('証跡')]).toContain(`(SHA-256 ${h})`);
    const evidence = XLSX.utils.sheet_to_json<unknown[]>(wb.Sheets[SHEETS.evidence]!, { header: 1 });
    expect(evidence.slice(1).map((r) => r[3]).sort()).toEqual(Object.keys(fx.assessment.evidence).sort());
    expect(typeof evidence[1]![2]).toBe('number'); // size in bytes is a number cell
  });

  it('is deterministic and passes unzip -t', () => {
    // Compared as bytes: SheetJS's readers attach read-position properties to arrays they parse.
    expect(Buffer.from(renderReportXlsx(model)).equals(Buffer.from(xlsx))).toBe(true);
    if (spawnSync('unzip', ['-v']).status === 0) {
      expect(spawnSync('unzip', ['-t', join(OUT, 'report-ja.xlsx')], { encoding: 'utf8' }).stdout).toContain('No errors detected');
    }
  });

  it('shortens text longer than an Excel cell holds, and says so', () => {
    const id = pack.criteria.find((c) => !c.satisfiedBy)!.id;
    const long = `=${'長'.repeat(40000)}`;
    const { assessment } = applyChange(fx.assessment, { op: 'answer.set', criterion: id, set: { notes: long } }, { at: '2025-06-05T00:00:00Z', actor: 'test' });
    const m = buildReportModel({ assessment, pack, score: score(pack, toScoringInput(assessment)) }, { lang: 'en', template, generatedAt: '2025-06-10T09:00:00Z' });
    const wb = XLSX.read(renderReportXlsx(m), { type: 'array' });
    const rows = XLSX.utils.sheet_to_json<string[]>(wb.Sheets[SHEETS.criteria]!, { header: 1, defval: '' });
    const cell = rows.find((r) => r[0] === id)!.find((v) => v.startsWith("'=長"))!;
    expect(cell.length).toBeLessThanOrEqual(EXCEL_CELL_CHARS);
    expect(cell).toMatch(/shortened to the Excel cell limit; the full text is in the PDF report and assessment\.json\)$/);
  });

  it('sizes rows for wrapped text, counting Japanese characters double', () => {
    expect(rowHeight(['short'], [20])).toBe(20);
    expect(rowHeight(['a'.repeat(40)], [21])).toBe(35);
    expect(rowHeight(['日本語'.repeat(10)], [21])).toBe(51);
    expect(rowHeight(['x\ny\nz'], [40])).toBe(51);
    expect(rowHeight(['x'.repeat(100000)], [10])).toBe(409);
  });

  // LibreOffice is an optional check (it is large): run it where it is installed.
  const soffice = ['/usr/bin/soffice', '/usr/lib/libreoffice/program/soffice'].find((p) => existsSync(p));
  const uno = soffice !== undefined && spawnSync('/usr/bin/python3', ['-c', 'import uno'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!uno)('opens in LibreOffice with frozen header rows, bold headers and hostile text as plain text cells', () => {
    const work = mkdtempSync(join(tmpdir(), 'tfa-lo-'));
    const script = join(work, 'lo-check.py');
    writeFileSync(
      script,
      [
        'import sys, time, subprocess, uno, json',
        'from com.sun.star.beans import PropertyValue',
        "pipe = 'tfa%d' % __import__('os').getpid()",
        "proc = subprocess.Popen([sys.argv[2], '--headless', '--norestore', '--nologo', '-env:UserInstallation=file://' + sys.argv[3], '--accept=pipe,name=%s;urp;' % pipe], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)",
        'try:',
        '    local = uno.getComponentContext()',
        "    resolver = local.ServiceManager.createInstanceWithContext('com.sun.star.bridge.UnoUrlResolver', local)",
        '    ctx = None',
        '    for i in range(120):',
        '        try:',
        "            ctx = resolver.resolve('uno:pipe,name=%s;urp;StarOffice.ComponentContext' % pipe); break",
        '        except Exception:',
        '            time.sleep(0.25)',
        "    desktop = ctx.ServiceManager.createInstanceWithContext('com.sun.star.frame.Desktop', ctx)",
        "    hidden = PropertyValue(); hidden.Name = 'Hidden'; hidden.Value = True",
        "    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(sys.argv[1]), '_blank', 0, (hidden,))",
        '    ctrl = doc.getCurrentController()',
        '    out = {}',
        '    for name in doc.getSheets().getElementNames():',
        '        sh = doc.getSheets().getByName(name)',
        '        ctrl.setActiveSheet(sh)',
        "        out[name] = {'frozen': ctrl.hasFrozenPanes(), 'bold': sh.getCellByPosition(0, 0).CharWeight}",
        "    crit = doc.getSheets().getByName('Criteria')",
        '    cells = []',
        '    for r in range(1, crit.getRows().getCount()):',
        '        if crit.getCellByPosition(0, r).getString() == "": break',
        '        for c in range(0, 13):',
        '            cell = crit.getCellByPosition(c, r)',
        "            if cell.getString()[:1] == \"'\": cells.append([cell.getType().value, cell.getString()])",
        "    out['hostile'] = cells",
        '    print(json.dumps(out), flush=True)',
        '    doc.close(True)',
        'finally:',
        '    proc.terminate()',
        '    proc.wait(30)',
        // pyuno can crash while tearing down its bridge; the result is already printed.
        '    __import__("os")._exit(0)',
      ].join('\n'),
    );
    // The LibreOffice profile is kept between runs: creating one takes seconds.
    const r = spawnSync('/usr/bin/python3', [script, join(OUT, 'report-ja.xlsx'), soffice!, join(tmpdir(), 'tfa-lo-profile')], { encoding: 'utf8', timeout: 90_000 });
    rmSync(work, { recursive: true, force: true });
    expect(r.stdout, `${r.stderr}${r.error?.message ?? ''}`).toMatch(/^\{/);
    const result = JSON.parse(r.stdout) as Record<string, { frozen: boolean; bold: number }> & { hostile: [string, string][] };
    for (const name of Object.values(SHEETS)) expect(result[name], name).toMatchObject({ frozen: true, bold: 150 });
    expect(result.hostile.map(([type]) => type)).toEqual(result.hostile.map(() => 'TEXT'));
    expect(result.hostile.map(([, s]) => s)).toEqual(expect.arrayContaining(["'+1+1", "'-1", "'@SUM(A1:A9)", "'\tTAB先頭"]));
  }, 120_000);
});
