import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import * as XLSX from 'xlsx';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPack, type PackFile } from '../criteria/load';
import type { Pack } from '../criteria/schema';
import { answersCsv, answersTemplate, answersXlsx, parseAnswerSheet, parseCsv } from './answers';
import { inflatedSize, zipPreflight } from './zip-preflight';

const DIR = join(__dirname, '../../test/fixtures/packs/demo/2.0.0');
function files(): PackFile[] {
  const out: PackFile[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.push({ path: relative(DIR, p), text: readFileSync(p, 'utf8') });
    }
  };
  walk(DIR);
  return out;
}
let pack: Pack;
let hostilePack: Pack;
beforeAll(async () => {
  const r = await loadPack(files(), { previous: () => undefined });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  pack = r.pack;
  // Titles that a spreadsheet would run as formulas.
  const h = await loadPack(
    files().map((f) =>
      f.path === 'criteria/org.yaml'
        ? { ...f, text: String(f.text).replace('en: Risk identification }', 'en: "=HYPERLINK(\\"http://x\\",\\"y\\")" }').replace('en: Assurance level decision }', 'en: "-2+3, \\"quoted\\"\\nline" }').replace('en: Periodic review }', 'en: "@SUM(A1)" }') }
        : f,
    ),
    { previous: () => undefined },
  );
  if (!h.ok) throw new Error(JSON.stringify(h.problems));
  hostilePack = h.pack;
});

const csv = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));

describe('answersTemplate', () => {
  it('has exactly the contract columns, pack order, ALL expanded, summative criteria left out', () => {
    const t = answersTemplate(pack, 'en');
    expect(t.header).toEqual(['criterion_id', 'dimension', 'levels', 'title', 'status', 'justification', 'notes']);
    expect(t.rows).toEqual([
      ['ORG-1a', 'ORG', 'ORG-MET', 'Risk identification', '', '', ''],
      ['ORG-1b', 'ORG', 'ORG-MET', 'Assurance level decision', '', '', ''],
      ['ORG-2', 'ORG', 'ORG-MET', 'Periodic review', '', '', ''],
      ['IAL-1', 'IAL', 'IAL2;IAL3', 'Evidence authenticity check', '', '', ''],
      ['IAL-LIVE', 'IAL', 'IAL2;IAL3', 'Liveness in remote proofing', '', '', ''],
      ['IAL-4', 'IAL', 'IAL3', 'Attended proofing staff', '', '', ''],
    ]);
    expect(answersTemplate(pack, 'ja').rows[0]![3]).toBe('リスクの特定');
  });
});

describe('CSV', () => {
  it('writes RFC 4180 UTF-8 with BOM and CRLF, neutralizing formula-like cells, and reads it back unchanged', () => {
    const bytes = answersCsv(answersTemplate(hostilePack, 'en'));
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = Buffer.from(bytes.slice(3)).toString('utf8');
    expect(text.split('\r\n').slice(0, 4)).toEqual([
      'criterion_id,dimension,levels,title,status,justification,notes',
      `ORG-1a,ORG,ORG-MET,"'=HYPERLINK(""http://x"",""y"")",,,`,
      `ORG-1b,ORG,ORG-MET,"'-2+3, ""quoted""\nline",,,`,
      `ORG-2,ORG,ORG-MET,'@SUM(A1),,,`,
    ]);
    expect(text).toContain(`ORG-2,ORG,ORG-MET,'@SUM(A1),,,\r\n`);
    const back = parseCsv(text, 100);
    expect(Array.isArray(back) && back[2]).toEqual({ row: 3, cells: ['ORG-1b', 'ORG', 'ORG-MET', `'-2+3, "quoted"\nline`, '', '', ''] });
    const parsed = parseAnswerSheet(bytes, { pack: hostilePack });
    expect(parsed.problems).toEqual([]);
    expect(Object.keys(parsed.answers)).toEqual(['ORG-1a', 'ORG-1b', 'ORG-2', 'IAL-1', 'IAL-LIVE', 'IAL-4']);
    expect(parsed.answers['ORG-1a']).toEqual({ status: 'not-assessed' });
  });

  it('reports every bad row with the row number a spreadsheet shows, and accepts the rest', () => {
    const sheet = [
      'Notes,STATUS,Criterion_ID,Justification', // other order, other case
      'first note,Conformant,ORG-1a,',
      '"two\nlines",minor_nc,ORG-1b,', // one record over two text lines = one spreadsheet row
      ',done,ORG-2,',
      ',,NOPE-1,',
      ',not-applicable,IAL-1,',
      ',conformant,ORG-1a,',
      ',conformant,IAL-3,',
      ",not applicable,IAL-4,'=we do not do IAL3",
      ',,,',
      'orphan note,conformant,,',
      ',,IAL-LIVE,',
    ].join('\r\n');
    const r = parseAnswerSheet(csv(sheet), { pack });
    expect(r.problems).toEqual([
      { row: 4, column: 'status', message: 'B4: unknown status "done"; use one of conformant, minor-nc, major-nc, not-applicable, not-assessed (or leave it empty)' },
      { row: 5, column: 'criterion_id', message: 'C5: unknown criterion id "NOPE-1" in demo@2.0.0' },
      { row: 6, column: 'justification', message: 'D6: IAL-1 is not-applicable without a justification; say why it does not apply' },
      { row: 7, column: 'criterion_id', message: 'C7: ORG-1a is answered twice (first on row 2)' },
      { row: 8, column: 'status', message: 'B8: IAL-3 is satisfied by IAL-1, IAL-LIVE and is not answered directly; leave its status empty' },
      { row: 11, column: 'criterion_id', message: 'C11: criterion_id is empty' },
    ]);
    expect(r.answers).toEqual({
      'ORG-1a': { status: 'conformant', notes: 'first note' },
      'ORG-1b': { status: 'minor-nc', notes: 'two\nlines' },
      'IAL-4': { status: 'not-applicable', justification: '=we do not do IAL3' },
      'IAL-LIVE': { status: 'not-assessed' },
    });
  });

  it('rejects a missing header column, non-UTF-8 text, binary garbage, too many rows and too many bytes', () => {
    expect(parseAnswerSheet(csv('id,status\r\nORG-2,conformant\r\n'), { pack }).problems).toEqual([
      { row: 1, column: '', message: 'the header has no criterion_id column (expected: criterion_id, dimension, levels, title, status, justification, notes)' },
    ]);
    expect(parseAnswerSheet(Uint8Array.from([0x83, 0x65, 0x83, 0x58, 0x83, 0x67]), { pack }).problems[0]!.message).toBe('the CSV is not UTF-8: save it as "CSV UTF-8" (or as .xlsx)');
    expect(parseAnswerSheet(Uint8Array.from([0x61, 0, 0x62]), { pack }).problems[0]!.message).toBe('the file contains NUL characters: it is not a CSV text file');
    const many = 'criterion_id,status\r\n' + 'ORG-2,conformant\r\n'.repeat(11);
    expect(parseAnswerSheet(csv(many), { pack, limits: { maxRows: 10 } }).problems[0]!.message).toBe('more than 10 rows; the limit protects against oversized sheets');
    expect(parseAnswerSheet(csv(many), { pack, limits: { maxBytes: 100 } }).problems[0]!.message).toMatch(/^the file is 0\.0 MiB; the limit is/);
  });
});

function zipEntry(bytes: Uint8Array, name: string): string {
  const cfb = XLSX.CFB.read(Buffer.from(bytes), { type: 'buffer' });
  const i = cfb.FullPaths.findIndex((p: string) => p.endsWith(`/${name}`));
  const f = cfb.FileIndex[i];
  if (!f) throw new Error(`no ${name}`);
  return Buffer.from(f.content as Uint8Array).toString('utf8');
}

describe('XLSX', () => {
  it('writes only string cells (no formulas) and keeps the neutralizing quote', () => {
    const bytes = answersXlsx(answersTemplate(hostilePack, 'en'));
    const sheet = zipEntry(bytes, 'xl/worksheets/sheet1.xml');
    expect(sheet).not.toMatch(/<f[ >]/);
    const cells = sheet.match(/<c [^>]*>/g) ?? [];
    expect(cells.length).toBeGreaterThan(20);
    for (const c of cells) expect(c).toMatch(/t="s"/);
    const strings = zipEntry(bytes, 'xl/sharedStrings.xml');
    expect(strings).toContain('<t>&apos;=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)</t>');
    expect(strings).toContain('<t>&apos;@SUM(A1)</t>');
    const back = parseAnswerSheet(bytes, { pack: hostilePack });
    expect(back.problems).toEqual([]);
    expect(Object.keys(back.answers)).toHaveLength(6);
  });

  it('reads a filled workbook from its "answers" sheet without evaluating formulas', () => {
    const ws = XLSX.utils.aoa_to_sheet([
      ['criterion_id', 'status', 'justification'],
      ['ORG-2', 'conformant', ''],
      ['IAL-4', 'Not-Applicable', 'no attended proofing'],
    ]);
    // A formula without a cached value must stay empty, not be computed.
    ws['B4'] = { t: 's', f: 'CONCATENATE("confor","mant")' } as XLSX.CellObject;
    ws['A4'] = { t: 's', v: 'ORG-1a' };
    ws['!ref'] = 'A1:C4';
    const wb = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([['ignore me']]), 'cover');
    XLSX.utils.book_append_sheet(wb, ws, 'Answers');
    const bytes = new Uint8Array(XLSX.write(wb, { type: 'array', bookType: 'xlsx' }) as ArrayBuffer);
    const r = parseAnswerSheet(bytes, { pack });
    expect(r.problems).toEqual([]);
    expect(r.answers).toEqual({
      'ORG-2': { status: 'conformant' },
      'IAL-4': { status: 'not-applicable', justification: 'no attended proofing' },
      'ORG-1a': { status: 'not-assessed' },
    });
  });

  it('rejects a zip bomb whose headers lie about its size, and damaged archives', () => {
    // One entry that inflates to 130 MiB while declaring 100 bytes.
    const data = deflateRawSync(Buffer.alloc(130 * 1024 * 1024));
    const name = Buffer.from('xl/worksheets/sheet1.xml');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(100, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(100, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(0, 42);
    const cdOffset = local.length + name.length + data.length;
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(0x06054b50, 0);
    eocd.writeUInt16LE(1, 8);
    eocd.writeUInt16LE(1, 10);
    eocd.writeUInt32LE(central.length + name.length, 12);
    eocd.writeUInt32LE(cdOffset, 16);
    const bomb = new Uint8Array(Buffer.concat([local, name, data, central, name, eocd]));
    const t0 = Date.now();
    expect(parseAnswerSheet(bomb, { pack }).problems).toEqual([{ row: 0, column: '', message: 'not a readable .xlsx: the archive inflates to more than 128 MiB (a "zip bomb"?)' }]);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(parseAnswerSheet(bomb.slice(0, 2000), { pack }).problems[0]!.message).toMatch(/^not a readable \.xlsx: (not a ZIP archive|damaged)/);
  });

  it('counts inflated sizes exactly like zlib (property test)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 50 })), { maxLength: 20 }), fc.integer({ min: 0, max: 9 }), (chunks, level) => {
        const raw = Buffer.concat(chunks.flatMap(([b, n]) => Array.from({ length: n }, () => Buffer.from(b))));
        const z = deflateRawSync(raw, { level });
        expect(inflatedSize(z, 0, Infinity)).toBe(raw.length);
        if (raw.length > 0) expect(inflatedSize(z, 0, raw.length - 1)).toBe(-1);
      }),
      { numRuns: 200 },
    );
    expect(zipPreflight(answersXlsx(answersTemplate(pack, 'en')))).toBeNull();
  });
});
