import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../criteria/problems';
import { inspectImage, parseTemplate, SECTION_IDS, TemplateError } from './template';

const FILE = 'templates/acme/template.yaml';
const DEFAULT = readFileSync(resolve(__dirname, '../../templates/default/template.yaml'), 'utf8');

function problems(yaml: string): string[] {
  const r = parseTemplate(FILE, yaml);
  return r.ok ? [] : r.problems.map((p) => formatProblem(p));
}

describe('parseTemplate', () => {
  it('accepts the default template, with every section headed in both languages', () => {
    const r = parseTemplate('default/template.yaml', DEFAULT);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.spec.sections).toEqual([...SECTION_IDS]);
    for (const s of SECTION_IDS.filter((x) => x !== 'cover')) {
      expect(r.spec.headings[s]?.ja).toBeTruthy();
      expect(r.spec.headings[s]?.en).toBeTruthy();
    }
  });

  it('names the file, line and field of an unknown section', () => {
    const yaml = DEFAULT.replace('  - methodology\n', '  - methodologie\n');
    const line = yaml.split('\n').findIndex((l) => l === '  - methodologie') + 1;
    expect(problems(yaml)).toEqual([`${FILE}:${line}:5: sections[4]: expected "cover", "contents", "summary", "scope", "methodology", "criteria", "findings", "evidence", "claims", "audit", "signature"; got "methodologie"`]);
  });

  it('names the heading whose translation is missing', () => {
    const yaml = DEFAULT.replace('  summary: { ja: 評価結果の要約, en: Executive summary }', '  summary: { ja: 評価結果の要約 }');
    const line = yaml.split('\n').findIndex((l) => l.startsWith('  summary: { ja: 評価結果の要約 }')) + 1;
    expect(problems(yaml)).toEqual([`${FILE}:${line}:12: headings.summary: English text (en) is missing: every text needs both ja and en`]);
    const blank = DEFAULT.replace('en: Executive summary', 'en: "  "');
    expect(problems(blank)).toEqual([expect.stringMatching(/^templates\/acme\/template\.yaml:\d+:\d+: headings\.summary\.en: English text is missing$/)]);
  });

  it('requires a heading for every listed section and refuses unknown fields and columns', () => {
    const noHeading = DEFAULT.replace(/ {2}audit: \{ ja: 変更履歴, en: Audit trail \}\n/, '');
    expect(problems(noHeading)).toEqual([expect.stringMatching(/:\d+:\d+: headings: has no heading for the section "audit": add headings\.audit with ja and en/)]);
    expect(problems(DEFAULT.replace('  claims: {', '  claimz: {'))).toEqual([
      expect.stringMatching(/headings\.claimz: unknown field "claimz"$/),
      expect.stringMatching(/headings: has no heading for the section "claims"/),
    ]);
    expect(problems(DEFAULT.replace('criteria: [id, title, levels,', 'criteria: [id, title, level,'))).toEqual([expect.stringMatching(/columns\.criteria\[2\]: expected "id", .*; got "level"$/)]);
    expect(problems(DEFAULT.replace('  - evidence\n', '  - evidence\n  - evidence\n'))).toEqual([expect.stringMatching(/sections: must not repeat a section$/)]);
    expect(problems(DEFAULT.replace('criteria: [id, title, levels, applicability, result,', 'criteria: [id, title, levels, applicability,'))).toEqual([
      expect.stringMatching(/columns\.criteria: must include the column "result"/),
    ]);
    expect(problems(DEFAULT.replace('schema: tf-assessor/report-template@1', 'schema: tf-assessor/report-template@2'))[0]).toMatch(/:5:9: schema: expected "tf-assessor\/report-template@1"; got "tf-assessor\/report-template@2"$/);
    expect(problems(DEFAULT.replace('primary: "#1F3A5F"', 'primary: navy'))[0]).toMatch(/branding\.colors\.primary: "navy" must be a colour such as "#1F3A5F"$/);
    expect(problems(DEFAULT + '\n  # logo\nbranding2: 1\n')[0]).toMatch(/unknown field "branding2"$/);
  });

  it('reports hostile files as problems, never as a crash', () => {
    expect(problems('')[0]).toMatch(/^templates\/acme\/template\.yaml:1:1: /);
    expect(problems('a: &x [*x]\n').length).toBeGreaterThan(0);
    expect(problems('- '.repeat(100) + 'x\n')[0]).toMatch(/nesting deeper than/);
    expect(problems('x'.repeat(300 * 1024))[0]).toMatch(/the limit is 256 KiB per file|limit/);
    expect(problems('!!js/function "return 1"\n').length).toBeGreaterThan(0);
  });

  it('TemplateError says the first problem on one line and counts the rest', () => {
    const r = parseTemplate(FILE, DEFAULT.replace('en: Executive summary', 'fr: Résumé').replace('en: Contents', 'fr: Sommaire'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const err = new TemplateError(r.problems);
    expect(err.message).toMatch(/^templates\/acme\/template\.yaml:\d+:\d+: headings\.\w+.*\(and \d+ more problems?\)$/);
    expect(err.message).not.toContain('\n');
  });
});

describe('inspectImage', () => {
  const png = (w: number, h: number, interlace = 0): Uint8Array => {
    const b = new Uint8Array(40);
    b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    new DataView(b.buffer).setUint32(16, w);
    new DataView(b.buffer).setUint32(20, h);
    b[24] = 8;
    b[25] = 6;
    b[28] = interlace;
    return b;
  };
  it('reads the size of PNG and JPEG logos and refuses anything else', () => {
    expect(inspectImage(png(300, 80))).toMatchObject({ format: 'png', width: 300, height: 80 });
    expect(inspectImage(png(300, 80, 1))).toMatch(/interlaced/);
    expect(inspectImage(png(100000, 80))).toMatch(/100000×80 pixels/);
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 11, 8, 0, 60, 0, 200, 3, 0, 0, 0, 0, 0]);
    expect(inspectImage(jpeg)).toMatchObject({ format: 'jpeg', width: 200, height: 60 });
    expect(inspectImage(new TextEncoder().encode('<svg/>'))).toBe('the logo is neither PNG nor JPEG');
    expect(inspectImage(new Uint8Array(2 * 1024 * 1024))).toMatch(/limit is 1024 KiB/);
    expect(inspectImage(new Uint8Array([0xff, 0xd8, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]))).toMatch(/not a valid JPEG/);
  });
});

describe('default template folder', () => {
  it('ships the fonts and their licence next to it', () => {
    const fonts = join(__dirname, '../../templates/fonts');
    for (const f of ['NotoSansJP_400Regular.ttf', 'NotoSansJP_700Bold.ttf']) {
      const head = readFileSync(join(fonts, f)).subarray(0, 4);
      expect([...head]).toEqual([0, 1, 0, 0]); // TrueType outlines (pdfkit cannot use WOFF)
    }
    expect(readFileSync(join(fonts, 'OFL.txt'), 'utf8')).toContain('SIL OPEN FONT LICENSE Version 1.1');
  });
});
