import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import { crc32, readZip, writeZip } from './report-xlsx-zip';

const tmp = mkdtempSync(join(tmpdir(), 'tfa-zip-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const hasUnzip = spawnSync('unzip', ['-v']).status === 0;

function sheetJsWorkbook(compression: boolean): Uint8Array {
  const ws = XLSX.utils.aoa_to_sheet([['id', '名前'], ['A-1', '日本語のテキスト'.repeat(50)]]);
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, ws, 'Criteria');
  return new Uint8Array(XLSX.write(wb, { type: 'array', bookType: 'xlsx', compression }) as ArrayBuffer);
}

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
});

describe('readZip / writeZip', () => {
  it('reads what SheetJS writes, stored or deflated, to the same parts', () => {
    const stored = readZip(sheetJsWorkbook(false));
    const deflated = readZip(sheetJsWorkbook(true));
    expect(stored.map((e) => e.name)).toContain('xl/worksheets/sheet1.xml');
    expect(deflated.map((e) => [e.name, e.data.length])).toEqual(stored.map((e) => [e.name, e.data.length]));
  });

  it('writes a ZIP that SheetJS and unzip read back, byte for byte the same for the same input', () => {
    const entries = readZip(sheetJsWorkbook(false));
    const date = new Date('2025-06-10T09:00:00Z');
    const zip = writeZip(entries, { date });
    expect(writeZip(entries, { date })).toEqual(zip);
    expect(zip.length).toBeLessThan(sheetJsWorkbook(false).length);
    const bytes = (list: { name: string; data: Uint8Array }[]) => list.map((e) => [e.name, Buffer.from(e.data).toString('base64')]);
    expect(bytes(readZip(zip))).toEqual(bytes(entries));
    const wb = XLSX.read(zip, { type: 'array' });
    expect(XLSX.utils.sheet_to_json(wb.Sheets.Criteria!, { header: 1 })[1]).toEqual(['A-1', '日本語のテキスト'.repeat(50)]);
    if (hasUnzip) {
      const file = join(tmp, 'w.xlsx');
      writeFileSync(file, zip);
      const r = spawnSync('unzip', ['-t', file], { encoding: 'utf8' });
      expect(r.stdout).toContain('No errors detected');
      expect(spawnSync('unzip', ['-Z', '-T', file], { encoding: 'utf8' }).stdout).toContain('20250610.090000');
    }
  });

  it('refuses damaged input with a reason', () => {
    const zip = writeZip([{ name: 'a.txt', data: new TextEncoder().encode('hello hello hello hello') }], { date: new Date(0) });
    expect(() => readZip(zip.subarray(0, zip.length - 5))).toThrow(/no end of central directory/);
    const corrupt = zip.slice();
    corrupt[40] = (corrupt[40]! + 1) & 0xff; // inside the deflated data
    expect(() => readZip(corrupt)).toThrow(/not a ZIP this reader handles/);
    expect(() => readZip(new Uint8Array(100))).toThrow(/no end of central directory/);
    // An entry that says 5 bytes but inflates to more is caught by the size bound.
    const bomb = writeZip([{ name: 'b', data: new Uint8Array(10000) }], { date: new Date(0) });
    const view = new DataView(bomb.buffer, bomb.byteOffset);
    const cd = bomb.length - 22 - 46 - 1;
    view.setUint32(cd + 24, 5, true);
    expect(() => readZip(bomb)).toThrow();
    expect(deflateRawSync(new Uint8Array(10000)).length).toBeLessThan(10000);
  });
});
