/**
 * What SheetJS Community Edition drops when it writes XLSX, put back into its output: a
 * frozen header row (`<pane state="frozen">`), a bold filled header and wrapped, top-aligned
 * body cells (cell styles). Column widths and autofilters SheetJS CE does write itself.
 *
 * These functions edit the exact XML SheetJS 0.20 writes, by string, and refuse anything
 * else with an error rather than guess: a SheetJS upgrade that changes its output fails the
 * tests instead of producing a workbook Excel would have to repair.
 */

export interface SheetStyles {
  /** Cell format index (`s` attribute) of header cells. */
  header: number;
  /** Cell format index of body cells. */
  body: number;
}

/** `#1F3A5F` → `FF1F3A5F` (ARGB). */
function argb(hex: string): string {
  return `FF${hex.replace('#', '').toUpperCase()}`;
}

function appendToList(xml: string, tag: string, item: string): { xml: string; index: number } {
  const re = new RegExp(`<${tag} count="(\\d+)"(?:\\s[^>]*)?>`);
  const m = re.exec(xml);
  const close = `</${tag}>`;
  const end = m ? xml.indexOf(close, m.index) : -1;
  if (!m || end < 0) throw new Error(`unexpected styles.xml: no <${tag} count="…"> list`);
  const index = Number(m[1]);
  const open = m[0].replace(/count="\d+"/, `count="${index + 1}"`);
  return { xml: xml.slice(0, m.index) + open + xml.slice(m.index + m[0].length, end) + item + xml.slice(end), index };
}

/**
 * Adds the header and body cell formats to a workbook's `xl/styles.xml` and returns their
 * indexes. Header: bold white text on the report's primary colour, thin bottom border,
 * wrapped, vertically centred. Body: wrapped, top-aligned.
 */
export function addReportStyles(stylesXml: string, primary: string): { xml: string; styles: SheetStyles } {
  let xml = stylesXml;
  const font = appendToList(xml, 'fonts', '<font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="Calibri"/><family val="2"/></font>');
  xml = font.xml;
  const fill = appendToList(xml, 'fills', `<fill><patternFill patternType="solid"><fgColor rgb="${argb(primary)}"/><bgColor indexed="64"/></patternFill></fill>`);
  xml = fill.xml;
  const border = appendToList(xml, 'borders', '<border><left/><right/><top/><bottom style="thin"><color rgb="FF8C99A6"/></bottom><diagonal/></border>');
  xml = border.xml;
  const header = appendToList(
    xml,
    'cellXfs',
    `<xf numFmtId="0" fontId="${font.index}" fillId="${fill.index}" borderId="${border.index}" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>`,
  );
  xml = header.xml;
  const body = appendToList(xml, 'cellXfs', '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>');
  return { xml: body.xml, styles: { header: header.index, body: body.index } };
}

const SHEET_VIEW = /<sheetView\b([^>]*?)(\/?)>/;
const CELL = /<c r="([A-Z]+)(\d+)"(?=[\s>/])([^>]*?)(\/?)>/g;

/**
 * Freezes the first `rows` rows of a worksheet (they stay in view while scrolling) and gives
 * header cells (rows 1…`rows`) and body cells their formats.
 */
export function patchSheetXml(sheetXml: string, options: { freezeRows: number; styles: SheetStyles }): string {
  const { freezeRows, styles } = options;
  const view = SHEET_VIEW.exec(sheetXml);
  if (!view) throw new Error('unexpected worksheet XML: no <sheetView>');
  if (/<pane\b/.test(sheetXml)) throw new Error('unexpected worksheet XML: it already has a <pane>');
  const topLeft = `A${freezeRows + 1}`;
  const pane = `<pane ySplit="${freezeRows}" topLeftCell="${topLeft}" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="${topLeft}" sqref="${topLeft}"/>`;
  // A self-closing <sheetView/> opens to hold the pane; an open one gets the pane first.
  const opened = view[2] === '/' ? `<sheetView${view[1]}>${pane}</sheetView>` : `<sheetView${view[1]}>${pane}`;
  const xml = sheetXml.slice(0, view.index) + opened + sheetXml.slice(view.index + view[0].length);
  if (STYLED_CELL.test(xml)) {
    // Some cells carry a format already: go cell by cell and leave those alone.
    return xml.replace(CELL, (whole, col: string, row: string, attrs: string, selfClose: string) => {
      if (/\ss="/.test(attrs)) return whole;
      const s = Number(row) <= freezeRows ? styles.header : styles.body;
      return `<c r="${col}${row}" s="${s}"${attrs}${selfClose}>`;
    });
  }
  // No cell has a format (SheetJS output for plain cells): attribute order does not matter in
  // XML, so the format goes in front of `r` with a split and join, far faster than a regex
  // over tens of thousands of cells.
  const bodyStart = xml.indexOf(`<row r="${freezeRows + 1}"`);
  const head = bodyStart < 0 ? xml : xml.slice(0, bodyStart);
  const body = bodyStart < 0 ? '' : xml.slice(bodyStart);
  return head.split('<c r="').join(`<c s="${styles.header}" r="`) + body.split('<c r="').join(`<c s="${styles.body}" r="`);
}

const STYLED_CELL = /<c r="[A-Z]+\d+"[^>]*?\ss="/;
