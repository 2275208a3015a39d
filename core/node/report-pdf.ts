/**
 * PDF reports: the report model laid out by core/reports/pdf-layout.ts and rendered with
 * pdfmake 0.3 (pdfkit), embedding Noto Sans JP as subset TrueType fonts so Japanese text is
 * both shown and extractable.
 *
 * pdfmake can fetch URLs and read local files named in a document. Reports hold untrusted
 * text, so both are locked down: no URL is ever fetched, and the only local files pdfmake may
 * open are the two font files in the fonts folder (checked on the real path, so a symlink
 * cannot lead elsewhere). The logo reaches pdfmake as bytes, never as a path.
 */
import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import pdfmake from 'pdfmake';
import type { ReportModel } from '../reports/model';
import { PDF_FONT, pdfDocDefinition, type PdfDocDefinition } from '../reports/pdf-layout';
import { installInlineMerging } from './report-pdf-inlines';
import { reportFontsDir } from './report-template';

export const FONT_FILES = { normal: 'NotoSansJP_400Regular.ttf', bold: 'NotoSansJP_700Bold.ttf' } as const;

export interface PdfRenderOptions {
  /** Folder holding the Noto Sans JP TTFs; default: the built-in templates/fonts. */
  fontsDir?: string;
}

/** Fails with one clear line when the fonts are missing; returns the folder's real path. */
function checkFonts(fontsDir: string): string {
  let real: string;
  try {
    real = realpathSync(fontsDir);
  } catch {
    throw new Error(`The report fonts folder ${fontsDir} does not exist: reinstall TF Assessor (templates/fonts holds ${FONT_FILES.normal} and ${FONT_FILES.bold})`);
  }
  for (const f of Object.values(FONT_FILES)) {
    let ok = false;
    try {
      ok = statSync(join(real, f)).isFile();
    } catch {
      ok = false;
    }
    if (!ok) throw new Error(`The report font ${join(fontsDir, f)} is missing: reinstall TF Assessor or copy the Noto Sans JP TTF files into ${fontsDir}`);
  }
  return real;
}

/** pdfmake's local file policy: only the report fonts, by real path. */
export function fontAccessPolicy(fontsDirReal: string): (path: string) => boolean {
  const allowed = new Set<string>(Object.values(FONT_FILES));
  return (path: string) => {
    try {
      const real = realpathSync(path);
      return dirname(real) === fontsDirReal && allowed.has(basename(real));
    } catch {
      return false;
    }
  };
}

/**
 * Renders a pdfmake document with the report fonts and the access policies. Exposed for the
 * benchmark, which renders a bare table the same way to measure the report layer's overhead.
 */
export async function renderPdfDocument(doc: PdfDocDefinition, options: PdfRenderOptions = {}): Promise<Uint8Array> {
  const fontsDir = options.fontsDir ?? reportFontsDir();
  const real = checkFonts(fontsDir);
  const regular = join(real, FONT_FILES.normal);
  const bold = join(real, FONT_FILES.bold);
  // pdfmake holds one shared instance. Everything it reads from it is taken synchronously
  // inside createPdf, so setting it right before each call is safe with concurrent exports;
  // the font table is a fresh object because pdfmake rewrites it while resolving fonts.
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy(fontAccessPolicy(real));
  // No italic faces exist: italic text falls back to the upright ones instead of failing.
  pdfmake.setFonts({ [PDF_FONT]: { normal: regular, bold, italics: regular, bolditalics: bold } });
  installInlineMerging();
  const buffer = await pdfmake.createPdf(doc).getBuffer();
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/**
 * The PDF of a report: cover, contents, the sections of the template in its order, page
 * header and numbered footer, document properties (title, author, subject, keywords,
 * creation date = the model's `generatedAt`). Deterministic: the same model gives the same
 * bytes.
 */
export async function renderReportPdf(model: ReportModel, options: PdfRenderOptions = {}): Promise<Uint8Array> {
  return renderPdfDocument(pdfDocDefinition(model), options);
}
