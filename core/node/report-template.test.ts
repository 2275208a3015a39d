import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pack } from '../criteria/schema';
import { buildReportModel } from '../reports/model';
import { TemplateError } from '../reports/template';
import { realisticAssessment } from '../reports/test-fixtures';
import { renderReportPdf } from './report-pdf';
import { builtinTemplatesDir, readDefaultTemplate, readTemplate, reportFontsDir } from './report-template';
import { DEFAULT_TEMPLATE_DIR, loadJpIdtf, REPO } from './report-test-support';
import { crc32 } from './report-xlsx-zip';

const tmp = mkdtempSync(join(tmpdir(), 'tfa-template-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let pack: Pack;
beforeAll(async () => {
  pack = await loadJpIdtf();
});

/** A real, tiny PNG (solid colour, 8-bit RGB). */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => [0x1f, 0x3a, 0x5f]).flat())]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

function copyDefault(name: string, edit?: (yaml: string) => string): string {
  const dir = join(tmp, name);
  cpSync(DEFAULT_TEMPLATE_DIR, dir, { recursive: true });
  if (edit) writeFileSync(join(dir, 'template.yaml'), edit(readFileSync(join(dir, 'template.yaml'), 'utf8')));
  return dir;
}

async function error(path: string): Promise<TemplateError> {
  try {
    await readTemplate(path);
  } catch (err) {
    if (err instanceof TemplateError) return err;
    throw err;
  }
  throw new Error('the template was accepted');
}

describe('readTemplate', () => {
  it('finds the built-in templates and fonts from the sources', async () => {
    expect(builtinTemplatesDir({})).toBe(join(REPO, 'templates'));
    expect(reportFontsDir({})).toBe(join(REPO, 'templates', 'fonts'));
    const t = await readDefaultTemplate({});
    expect(t.spec.id).toBe('default');
    expect(t.source).toBe(join(REPO, 'templates/default/template.yaml'));
    expect(builtinTemplatesDir({ TFA_TEMPLATES_DIR: tmp })).not.toBe(tmp); // no default/template.yaml there
  });

  it('names the template file, the line and the field of a bad section or a missing translation', async () => {
    const unknown = copyDefault('unknown-section', (y) => y.replace('  - findings\n', '  - finding\n'));
    expect((await error(unknown)).message).toMatch(new RegExp(`^${join(unknown, 'template.yaml')}:\\d+:5: sections\\[6\\]: expected "cover", .*; got "finding"$`));
    const missing = copyDefault('missing-en', (y) => y.replace('evidence: { ja: 証跡一覧, en: Evidence index }', 'evidence: { ja: 証跡一覧 }'));
    expect((await error(missing)).message).toMatch(new RegExp(`^${join(missing, 'template.yaml')}:\\d+:\\d+: headings\\.evidence: English text \\(en\\) is missing: every text needs both ja and en$`));
    // The template file itself may be named.
    expect((await error(join(missing, 'template.yaml'))).problems[0]!.file).toBe(join(missing, 'template.yaml'));
  });

  it('says what a template folder must hold', async () => {
    const empty = join(tmp, 'empty');
    mkdirSync(empty);
    expect((await error(empty)).message).toBe(`${join(empty, 'template.yaml')}:1:1: no template.yaml here: a template folder holds template.yaml (see templates/default)`);
    expect((await error(join(tmp, 'nope'))).message).toMatch(/nope:1:1: the template folder does not exist/);
  });

  it('loads a logo from the template folder and refuses one that leaves it or is not an image', async () => {
    const branded = copyDefault('branded', (y) => y.replace('  # logo: logo.png', '  logo: logo.png').replace('  # organization: { ja: 〇〇認証機構, en: Example Certification Body }', '  organization: { ja: 株式会社エグザンプル認証機構, en: Example Certification Body Inc. }'));
    writeFileSync(join(branded, 'logo.png'), png(120, 40));
    const t = await readTemplate(branded);
    expect(t.logo).toMatchObject({ format: 'png', width: 120, height: 40 });

    const outside = copyDefault('outside', (y) => y.replace('  # logo: logo.png', '  logo: logo.png'));
    writeFileSync(join(tmp, 'secret.png'), png(2, 2));
    symlinkSync(join(tmp, 'secret.png'), join(outside, 'logo.png'));
    expect((await error(outside)).message).toMatch(/template\.yaml:\d+:9: branding\.logo: cannot read logo\.png: it resolves outside the template folder \(symbolic link\?\)$/);

    const fake = copyDefault('fake', (y) => y.replace('  # logo: logo.png', '  logo: logo.png'));
    writeFileSync(join(fake, 'logo.png'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    expect((await error(fake)).message).toMatch(/branding\.logo: the logo is neither PNG nor JPEG$/);

    const path = copyDefault('path', (y) => y.replace('  # logo: logo.png', '  logo: ../secret.png'));
    expect((await error(path)).message).toMatch(/branding\.logo: "\.\.\/secret\.png" must be a PNG or JPEG file name in the template folder/);

    // The branded template renders: issuer on the cover, logo embedded as an image.
    const fx = realisticAssessment(pack, { claims: false });
    const model = buildReportModel({ assessment: fx.assessment, pack, score: fx.score }, { lang: 'en', template: t, generatedAt: '2025-06-10T09:00:00Z' });
    expect(model.issuer).toBe('Example Certification Body Inc.');
    const out = join(REPO, 'test-output', 'reports');
    mkdirSync(out, { recursive: true });
    const file = join(out, 'report-en-branded.pdf');
    writeFileSync(file, await renderReportPdf(model));
    const images = spawnSync('pdfimages', ['-list', file], { encoding: 'utf8' }).stdout.trim().split('\n').slice(2);
    expect(images).toHaveLength(1);
    expect(images[0]).toMatch(/^\s*1\s+\d+\s+image\s+120\s+40\s+rgb/);
    expect(spawnSync('pdftotext', ['-l', '1', file, '-'], { encoding: 'utf8' }).stdout).toContain('Example Certification Body Inc.');
    spawnSync('pdftoppm', ['-r', '80', '-png', '-singlefile', '-f', '1', '-l', '1', file, join(out, 'report-en-branded-cover')]);
  });
});
