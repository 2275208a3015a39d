/**
 * Report templates: data a certification body can replace without touching code. A template
 * fixes the section order, the section headings and longer texts in Japanese and English, the
 * columns of the PDF tables and of the XLSX sheets, and the branding (the issuer's name,
 * logo and colours). The product's own vocabulary (result labels, column names) lives in
 * text.ts and is the same in every template.
 *
 * A template is untrusted input (a certification body may send one): it is parsed with the
 * same defensive YAML reader as packs, validated strictly, and every problem names the file,
 * the line and the field.
 */
import { z } from 'zod';
import { Id } from '../criteria/schema';
import { formatProblem, type Problem } from '../criteria/problems';
import { DEFAULT_YAML_LIMITS, parseYamlSafe, type ParsedYaml } from '../criteria/yaml-safe';
import { zodProblems } from '../criteria/zod-problems';

export const TEMPLATE_SCHEMA_ID = 'tf-assessor/report-template@1';
/** The file a template folder holds. */
export const TEMPLATE_FILE = 'template.yaml';

/** Sections a report can have; `cover` has no heading (the template's title is on it). */
export const SECTION_IDS = ['cover', 'contents', 'summary', 'scope', 'methodology', 'criteria', 'findings', 'evidence', 'claims', 'audit', 'signature'] as const;
export type SectionId = (typeof SECTION_IDS)[number];
export type HeadedSectionId = Exclude<SectionId, 'cover'>;

/** Columns of the PDF criteria table. `applicability` carries the justification. */
export const PDF_CRITERIA_COLUMNS = ['id', 'title', 'dimension', 'category', 'levels', 'obligation', 'applicability', 'result', 'methods', 'evidence', 'notes', 'samplingNotes', 'findings'] as const;
export const PDF_FINDING_COLUMNS = ['id', 'class', 'status', 'criteria', 'description', 'correctiveAction'] as const;
export const PDF_EVIDENCE_COLUMNS = ['name', 'mediaType', 'size', 'sha256', 'captured', 'criteria', 'description'] as const;
/** Columns of the XLSX Criteria sheet (a Statement of Conformity: criterion, result, how fulfilled, evidence). */
export const SHEET_CRITERIA_COLUMNS = ['id', 'title', 'dimension', 'category', 'levels', 'obligation', 'applicability', 'justification', 'result', 'howFulfilled', 'methods', 'evidence', 'samplingNotes', 'findings'] as const;
export const SHEET_FINDING_COLUMNS = ['id', 'class', 'status', 'criteria', 'description', 'correctiveAction', 'owner', 'dueDate'] as const;
export const SHEET_EVIDENCE_COLUMNS = ['name', 'mediaType', 'size', 'sha256', 'capturedAt', 'capturedBy', 'criteria', 'description'] as const;

export type PdfCriteriaColumn = (typeof PDF_CRITERIA_COLUMNS)[number];
export type PdfFindingColumn = (typeof PDF_FINDING_COLUMNS)[number];
export type PdfEvidenceColumn = (typeof PDF_EVIDENCE_COLUMNS)[number];
export type SheetCriteriaColumn = (typeof SHEET_CRITERIA_COLUMNS)[number];
export type SheetFindingColumn = (typeof SHEET_FINDING_COLUMNS)[number];
export type SheetEvidenceColumn = (typeof SHEET_EVIDENCE_COLUMNS)[number];

/** Largest template file and logo the loaders read. */
export const TEMPLATE_LIMITS = { maxFileBytes: 256 * 1024, maxLogoBytes: 1024 * 1024, maxLogoPixels: 4096 } as const;

const unique = <T>(items: readonly T[]): boolean => new Set(items).size === items.length;

const localized = (max: number) =>
  z.strictObject({
    ja: z.string().trim().min(1, 'Japanese text is missing').max(max, `must be at most ${max} characters`),
    en: z.string().trim().min(1, 'English text is missing').max(max, `must be at most ${max} characters`),
  });
const Heading = localized(200);
const LongText = localized(20000);
const Color = z.string().regex(/^#[0-9A-Fa-f]{6}$/, 'must be a colour such as "#1F3A5F"');
const columns = <T extends readonly [string, ...string[]]>(ids: T) =>
  z.array(z.enum(ids)).min(1).max(50).refine(unique, 'must not repeat a column');

const headingShape = Object.fromEntries(SECTION_IDS.filter((s) => s !== 'cover').map((s) => [s, Heading.optional()])) as Record<HeadedSectionId, z.ZodOptional<typeof Heading>>;

export const TemplateSpec = z
  .strictObject({
    schema: z.literal(TEMPLATE_SCHEMA_ID),
    id: Id,
    /** The report's title on the cover and in the document properties. */
    title: localized(300),
    branding: z.strictObject({
      /**
       * The issuer shown on the cover and in the page header (usually the certification
       * body). Without it, the lead assessor's organization is shown.
       */
      organization: localized(300).optional(),
      /** PNG or JPEG in the template folder (a plain file name, no folders). */
      logo: z
        .string()
        .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*\.(png|jpe?g)$/i, 'must be a PNG or JPEG file name in the template folder, such as logo.png')
        .optional(),
      colors: z.strictObject({ primary: Color, accent: Color }).optional(),
    }),
    layout: z
      .strictObject({
        pageSize: z.enum(['A4', 'LETTER']),
        /** Orientation of the pages holding the criteria and evidence tables. */
        tables: z.enum(['portrait', 'landscape']),
      })
      .optional(),
    /** Sections in the order they appear. `claims` appears only when the assessment holds claims. */
    sections: z.array(z.enum(SECTION_IDS)).min(1).max(50).refine(unique, 'must not repeat a section'),
    headings: z.strictObject(headingShape),
    texts: z
      .strictObject({
        /** Paragraphs of the methodology section (blank lines separate them). */
        methodology: LongText.optional(),
        /** The assessors' declaration above the signature lines. */
        declaration: LongText.optional(),
        /** A line at the foot of the cover (e.g. confidentiality). */
        coverNote: localized(1000).optional(),
      })
      .optional(),
    columns: z.strictObject({
      criteria: columns(PDF_CRITERIA_COLUMNS),
      findings: columns(PDF_FINDING_COLUMNS),
      evidence: columns(PDF_EVIDENCE_COLUMNS),
    }),
    sheets: z.strictObject({
      criteria: columns(SHEET_CRITERIA_COLUMNS),
      findings: columns(SHEET_FINDING_COLUMNS),
      evidence: columns(SHEET_EVIDENCE_COLUMNS),
    }),
  })
  .superRefine((t, ctx) => {
    for (const section of t.sections) {
      if (section !== 'cover' && !t.headings[section]) {
        ctx.addIssue({ code: 'custom', path: ['headings'], message: `has no heading for the section "${section}": add headings.${section} with ja and en (every listed section needs one)` });
      }
    }
    for (const [table, list] of [
      ['columns.criteria', t.columns.criteria],
      ['sheets.criteria', t.sheets.criteria],
    ] as const) {
      for (const required of ['id', 'result'] as const) {
        if (!(list as readonly string[]).includes(required)) {
          ctx.addIssue({ code: 'custom', path: table.split('.'), message: `must include the column "${required}": a criteria table without it cannot be read` });
        }
      }
    }
  });
export type TemplateSpec = z.infer<typeof TemplateSpec>;

export interface TemplateImage {
  format: 'png' | 'jpeg';
  bytes: Uint8Array;
  width: number;
  height: number;
}

/** A validated template with its logo loaded: what the report model is built with. */
export interface ReportTemplate {
  /** The template file, as named in messages. */
  source: string;
  spec: TemplateSpec;
  logo?: TemplateImage;
}

/** An unusable template. `message` is one line naming the file, line and field; `problems` holds them all. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  constructor(readonly problems: readonly Problem[]) {
    const first = problems[0];
    super(
      first
        ? `${formatProblem(first)}${problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : ''}`
        : 'invalid report template',
    );
  }
}

export type ParseTemplateResult =
  | { ok: true; spec: TemplateSpec; /** Position of a field in the file, for problems found later (e.g. with the logo). */ locate: ParsedYaml['locate'] }
  | { ok: false; problems: Problem[] };

/**
 * Parses and validates a template file (YAML or JSON). Never throws; `file` is the name used
 * in problems (`templates/acme/template.yaml:12:5: headings.summary: English text (en) is missing…`).
 */
export function parseTemplate(file: string, input: string | Uint8Array): ParseTemplateResult {
  const { parsed, problems } = parseYamlSafe(file, input, { ...DEFAULT_YAML_LIMITS, maxFileBytes: TEMPLATE_LIMITS.maxFileBytes });
  if (!parsed) return { ok: false, problems };
  const r = TemplateSpec.safeParse(parsed.value);
  if (!r.success) return { ok: false, problems: zodProblems(parsed, r.error.issues) };
  return { ok: true, spec: r.data, locate: parsed.locate };
}

/**
 * Checks that `bytes` are a PNG or JPEG whose size fits a report, and reads its pixel size.
 * Returns a message saying what is wrong otherwise.
 */
export function inspectImage(bytes: Uint8Array): TemplateImage | string {
  if (bytes.length > TEMPLATE_LIMITS.maxLogoBytes) return `the logo is ${(bytes.length / 1024).toFixed(0)} KiB; the limit is ${TEMPLATE_LIMITS.maxLogoBytes / 1024} KiB`;
  const u32 = (o: number): number => ((bytes[o]! << 24) | (bytes[o + 1]! << 16) | (bytes[o + 2]! << 8) | bytes[o + 3]!) >>> 0;
  const u16 = (o: number): number => (bytes[o]! << 8) | bytes[o + 1]!;
  const fits = (w: number, h: number): boolean => w > 0 && h > 0 && w <= TEMPLATE_LIMITS.maxLogoPixels && h <= TEMPLATE_LIMITS.maxLogoPixels;
  const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 33 && PNG.every((b, i) => bytes[i] === b)) {
    if (String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return 'the logo is not a valid PNG (no IHDR chunk)';
    const width = u32(16);
    const height = u32(20);
    if (!fits(width, height)) return `the logo is ${width}×${height} pixels; use at most ${TEMPLATE_LIMITS.maxLogoPixels}×${TEMPLATE_LIMITS.maxLogoPixels}`;
    // Interlaced PNGs are refused by pdfkit; say so here rather than fail while rendering.
    if (bytes[28] !== 0) return 'the logo is an interlaced PNG: save it without interlacing';
    return { format: 'png', bytes, width, height };
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    let o = 2;
    while (o + 9 < bytes.length) {
      if (bytes[o] !== 0xff) return 'the logo is not a valid JPEG (bad marker)';
      const marker = bytes[o + 1]!;
      if (marker === 0xff) {
        o++;
        continue;
      }
      const len = u16(o + 2);
      // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        const height = u16(o + 5);
        const width = u16(o + 7);
        if (!fits(width, height)) return `the logo is ${width}×${height} pixels; use at most ${TEMPLATE_LIMITS.maxLogoPixels}×${TEMPLATE_LIMITS.maxLogoPixels}`;
        return { format: 'jpeg', bytes, width, height };
      }
      if (len < 2) return 'the logo is not a valid JPEG (bad segment length)';
      o += 2 + len;
    }
    return 'the logo is not a valid JPEG (no frame header)';
  }
  return 'the logo is neither PNG nor JPEG';
}
