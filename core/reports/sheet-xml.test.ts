import { describe, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import { addReportStyles, patchSheetXml } from './sheet-xml';

/** The parts SheetJS itself writes for a small sheet (CFB is SheetJS's own zip reader). */
function sheetJsParts(): { styles: string; sheet: string } {
  const ws = XLSX.utils.aoa_to_sheet([
    [{ t: 's', v: 'id' }, { t: 's', v: 'text' }],
    [{ t: 's', v: 'A-1' }, { t: 'n', v: 3 }],
    [{ t: 's', v: 'A-2' }, { t: 's', v: 'x' }],
  ]);
  ws['!cols'] = [{ wch: 10 }, { wch: 20 }];
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, ws, 'Criteria');
  const bytes = XLSX.write(wb, { type: 'array', bookType: 'xlsx', compression: false }) as ArrayBuffer;
  const cfb = XLSX.CFB.read(new Uint8Array(bytes), { type: 'array' });
  const text = (name: string): string => {
    const i = cfb.FullPaths.findIndex((p: string) => p.endsWith(`/${name}`));
    return new TextDecoder().decode(cfb.FileIndex[i]!.content as Uint8Array);
  };
  return { styles: text('xl/styles.xml'), sheet: text('xl/worksheets/sheet1.xml') };
}

describe('addReportStyles', () => {
  it('appends a bold filled header format and a wrapped body format to SheetJS styles', () => {
    const { styles } = sheetJsParts();
    const { xml, styles: s } = addReportStyles(styles, '#1f3a5f');
    expect(s).toEqual({ header: 1, body: 2 });
    expect(xml).toContain('<fonts count="2">');
    expect(xml).toContain('<fills count="3">');
    expect(xml).toContain('<borders count="2">');
    expect(xml).toContain('<cellXfs count="3">');
    expect(xml).toContain('<fgColor rgb="FF1F3A5F"/>');
    expect(xml).toMatch(/<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0"[^>]*><alignment vertical="center" wrapText="1"\/><\/xf><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"\/><\/xf><\/cellXfs>/);
  });

  it('refuses styles it does not recognise', () => {
    expect(() => addReportStyles('<styleSheet/>', '#000000')).toThrow(/unexpected styles\.xml: no <fonts count/);
  });
});

describe('patchSheetXml', () => {
  it('freezes the header row and styles header and body cells of a SheetJS sheet', () => {
    const { sheet } = sheetJsParts();
    expect(sheet).toContain('<sheetView workbookViewId="0"/>');
    const xml = patchSheetXml(sheet, { freezeRows: 1, styles: { header: 1, body: 2 } });
    expect(xml).toContain('<sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView>');
    expect(xml.match(/<c s="1" r="[A-Z]+1"/g)).toHaveLength(2);
    expect(xml.match(/<c s="2" r="[A-Z]+[23]"/g)).toHaveLength(4);
    expect(xml).not.toMatch(/<c r=/);
    // Only attributes were added: the sheet's content is unchanged.
    expect(xml.replace(/ s="[12]"/g, '').replace(/<pane [^>]*\/><selection [^>]*\/><\/sheetView>/, '').replace('<sheetView workbookViewId="0">', '<sheetView workbookViewId="0"/>')).toBe(sheet);
    // A sheet with only a header row styles the header.
    const headerOnly = patchSheetXml('<worksheet><sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>', { freezeRows: 1, styles: { header: 1, body: 2 } });
    expect(headerOnly).toContain('<c s="1" r="A1" t="s">');
  });

  it('keeps an existing style, handles an open sheetView, and rejects XML it does not know', () => {
    const xml = patchSheetXml('<worksheet><sheetViews><sheetView tabSelected="1" workbookViewId="0"></sheetView></sheetViews><sheetData><row r="1"><c r="A1" s="7" t="s"><v>0</v></c><c r="B1"/></row><row r="10"><c r="AA10" t="n"><v>1</v></c></row></sheetData></worksheet>', {
      freezeRows: 1,
      styles: { header: 1, body: 2 },
    });
    expect(xml).toContain('<sheetView tabSelected="1" workbookViewId="0"><pane ySplit="1"');
    expect(xml).toContain('<c r="A1" s="7" t="s">');
    expect(xml).toContain('<c r="B1" s="1"/>');
    expect(xml).toContain('<c r="AA10" s="2" t="n">');
    expect(() => patchSheetXml('<worksheet><sheetData/></worksheet>', { freezeRows: 1, styles: { header: 1, body: 2 } })).toThrow(/no <sheetView>/);
    expect(() => patchSheetXml(xml, { freezeRows: 1, styles: { header: 1, body: 2 } })).toThrow(/already has a <pane>/);
  });
});
