import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PDF_FONT } from '../reports/pdf-layout';
import { renderPdfDocument } from './report-pdf';
import { installInlineMerging, mergeInlines, setInlineMerging, type Inline } from './report-pdf-inlines';
import { FONTS_DIR } from './report-test-support';

const tmp = mkdtempSync(join(tmpdir(), 'tfa-inlines-'));
afterAll(() => {
  setInlineMerging(true);
  rmSync(tmp, { recursive: true, force: true });
});

const font = {};
const inline = (text: string, x: number, width: number, extra: Partial<Inline> = {}): Inline => ({ text, x, width, font, fontSize: 9, color: 'black', opacity: 1, ...extra });

describe('mergeInlines', () => {
  it('joins neighbours that look the same into one text run', () => {
    const merged = mergeInlines([inline('評', 0, 9), inline('価', 9, 9), inline('結果', 18, 18)]);
    expect(merged).toEqual([inline('評価結果', 0, 36)]);
  });

  it('keeps apart what differs in look, links, decorations, or position', () => {
    const bold = {};
    const parts = [
      inline('a', 0, 5),
      inline('b', 5, 5, { color: 'red' }), // colour
      inline('c', 10, 5, { color: 'red', link: 'https://example.com' }), // link
      inline('d', 15, 5, { color: 'red' }), // next to a link
      inline('e', 20, 5, { color: 'red', fontSize: 10 }), // size
      inline('f', 26, 5, { color: 'red', fontSize: 10 }), // a gap (justified text)
      inline('g', 31, 5, { color: 'red', fontSize: 10, decoration: 'underline' }), // decoration
      inline('h', 36, 5, { color: 'red', fontSize: 10, font: bold }), // another face
      inline('i', 41, 5, { color: 'red', fontSize: 10, font: bold }),
    ];
    expect(mergeInlines(parts).map((p) => p.text)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'hi']);
    const single = [inline('x', 0, 5)];
    expect(mergeInlines(single)).toBe(single);
  });
});

describe('installInlineMerging', () => {
  it('is in place with this pdfmake, and changes the bytes written but not the text', async () => {
    expect(installInlineMerging()).toBe(true);
    expect(installInlineMerging()).toBe(true); // idempotent
    const doc = () => ({
      info: { title: 'inline test' },
      defaultStyle: { font: PDF_FONT, fontSize: 9 },
      content: [
        '本評価は、評価基準に定める各基準について、文書確認、インタビュー及びテストの方法により、対象サービスの適合性を判定したものである。'.repeat(8),
        { text: ['Mixed ', { text: '太字', bold: true }, ' and ', { text: 'colour', color: '#B3261E' }, ' text.'] },
        { table: { headerRows: 1, body: [['基準ID', '評価結果'], ['IAL-01', '適合'], ['IAL-02', '軽微な不適合']] } },
      ],
    });
    setInlineMerging(false);
    const plain = await renderPdfDocument(doc(), { fontsDir: FONTS_DIR });
    setInlineMerging(true);
    const merged = await renderPdfDocument(doc(), { fontsDir: FONTS_DIR });
    expect(merged.length).toBeLessThan(plain.length);
    const text = (bytes: Uint8Array, name: string): string => {
      const file = join(tmp, name);
      writeFileSync(file, bytes);
      expect(spawnSync('qpdf', ['--check', file]).status).toBe(0);
      return spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).stdout;
    };
    const t = text(merged, 'merged.pdf');
    expect(t).toBe(text(plain, 'plain.pdf'));
    expect(t).toContain('Mixed 太字 and colour text.');
    expect(t).toMatch(/IAL-02\s+軽微な不適合/);
  });
});
