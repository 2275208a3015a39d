/**
 * PAdES baseline B-B signatures on PDF reports: a signature field placeholder added with
 * @signpdf/placeholder-pdf-lib (SubFilter ETSI.CAdES.detached, /M = signing time, optional
 * visible block on the last page), filled by @signpdf/signpdf with our own CMS signer
 * (core/signing/cms.ts, without the signingTime attribute as PAdES requires).
 *
 * Lives in core/node because @signpdf works on Node Buffers.
 */
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { SignPdf } from '@signpdf/signpdf';
import { Signer, SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRef, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import * as ops from 'pdf-lib';
import { checkSigningCertificate, isoSeconds, parseCertificate } from '../signing/certificate';
import { signDetached } from '../signing/cms';
import { SigningError } from '../signing/errors';
import type { SigningIdentity } from '../signing/keys';
import { pdfLiteralBody } from '../signing/pdf';
import type { WebCryptoLike } from '../signing/webcrypto';

type Fontkit = Parameters<PDFDocument['registerFontkit']>[0];

export interface VisibleSignatureOptions {
  /** [x1, y1, x2, y2] in points; default a 250×72 box 36 pt above the bottom-right corner. */
  rect?: [number, number, number, number];
  /** Lines of text; default: signer, date (UTC), reason. */
  lines?: string[];
  /**
   * A TrueType font for text Helvetica cannot show (Japanese): the font file and a fontkit
   * module (pdfmake's fontkit 2 works; see `fontkitForPdfLib`). Without it such text is
   * refused rather than drawn as garbage.
   */
  font?: { bytes: Uint8Array; fontkit: unknown };
}

export interface PdfSignOptions {
  /** /M: the claimed signing time (default now). */
  signingTime?: Date;
  reason?: string;
  location?: string;
  contactInfo?: string;
  /** /Name; default the signer certificate's common name. */
  name?: string;
  /** Draw a visible signature block on the last page. */
  visible?: VisibleSignatureOptions;
  /** Room reserved for the CMS, in bytes (default 16384: chains of several RSA-4096 certificates fit). */
  maxSignatureBytes?: number;
  /** Names the identity in errors. */
  label?: string;
  crypto?: WebCryptoLike;
}

/** Our CMS signer in the shape @signpdf expects. */
class CadesSigner extends Signer {
  constructor(
    private readonly identity: SigningIdentity,
    private readonly options: { crypto?: WebCryptoLike; label?: string },
  ) {
    super();
  }

  override async sign(pdfBuffer: Buffer): Promise<Buffer> {
    // PAdES B-B: no signingTime attribute in the CMS; the time is the dictionary's /M.
    const cms = await signDetached(new Uint8Array(pdfBuffer), this.identity, { signingTime: null, crypto: this.options.crypto, label: this.options.label });
    return Buffer.from(cms);
  }
}

/**
 * Adapts fontkit 2 (the one pdfmake ships) to the fontkit 1 API pdf-lib 1.17 calls: its
 * font subsets have `encode()` where pdf-lib wants `encodeStream()`.
 */
export function fontkitForPdfLib(fontkit: unknown): Fontkit {
  const fk = fontkit as { create(data: Uint8Array): unknown };
  return {
    create(data: Uint8Array) {
      const font = fk.create(data) as { createSubset(): { encode?(): Uint8Array; encodeStream?: unknown } };
      const createSubset = font.createSubset.bind(font);
      font.createSubset = () => {
        const subset = createSubset();
        if (!subset.encodeStream && subset.encode) {
          const encode = subset.encode.bind(subset);
          subset.encodeStream = () => {
            const handlers: Record<string, (x?: unknown) => void> = {};
            const stream = {
              on(event: string, fn: (x?: unknown) => void) {
                handlers[event] = fn;
                if (event === 'end')
                  queueMicrotask(() => {
                    try {
                      handlers.data?.(encode());
                      handlers.end?.();
                    } catch (e) {
                      handlers.error?.(e);
                    }
                  });
                return stream;
              },
            };
            return stream;
          };
        }
        return subset;
      };
      return font;
    },
  } as unknown as Fontkit;
}

function canDraw(font: PDFFont, text: string): boolean {
  try {
    font.encodeText(text);
    return true;
  } catch {
    return false;
  }
}

/** Replaces the empty appearance of the signature widget with a bordered text block. */
async function drawAppearance(doc: PDFDocument, page: PDFPage, rect: [number, number, number, number], lines: string[], fontOption: VisibleSignatureOptions['font']): Promise<void> {
  let font: PDFFont;
  if (fontOption) {
    doc.registerFontkit(fontkitForPdfLib(fontOption.fontkit));
    font = await doc.embedFont(fontOption.bytes, { subset: true });
  } else {
    font = await doc.embedFont(StandardFonts.Helvetica);
  }
  for (const line of lines) {
    if (!canDraw(font, line)) {
      throw new SigningError('bad-input', `the visible signature text "${line}" has characters the built-in font cannot draw; pass a font (visible.font) such as Noto Sans JP`);
    }
  }
  const width = rect[2] - rect[0];
  const height = rect[3] - rect[1];
  const size = Math.max(5, Math.min(10, (height - 8) / Math.max(1, lines.length) / 1.25));
  const operators = [
    ops.pushGraphicsState(),
    ops.setLineWidth(0.75),
    ops.setStrokingRgbColor(0.2, 0.2, 0.2),
    ops.rectangle(0.5, 0.5, width - 1, height - 1),
    ops.stroke(),
    ops.beginText(),
    ops.setFontAndSize('F1', size),
    ops.setFillingRgbColor(0, 0, 0),
    ...lines.flatMap((line, i) => [ops.setTextMatrix(1, 0, 0, 1, 6, height - 6 - size * (1.25 * i + 1)), ops.showText(font.encodeText(fitLine(font, line, size, width - 12)))]),
    ops.endText(),
    ops.popGraphicsState(),
  ];
  const annots = page.node.lookup(PDFName.of('Annots'), PDFArray);
  const widgetRef = annots.get(annots.size() - 1);
  if (!(widgetRef instanceof PDFRef)) throw new Error('signature widget not found');
  const widget = doc.context.lookup(widgetRef, PDFDict);
  const ap = doc.context.formXObject(operators, {
    BBox: [0, 0, width, height],
    Resources: { Font: { F1: font.ref } },
  });
  widget.set(PDFName.of('AP'), doc.context.obj({ N: doc.context.register(ap) }));
}

/** Shortens a line that does not fit the box, marking the cut with "...". */
function fitLine(font: PDFFont, line: string, size: number, width: number): string {
  if (font.widthOfTextAtSize(line, size) <= width) return line;
  const chars = [...line];
  while (chars.length > 1 && font.widthOfTextAtSize(`${chars.join('')}...`, size) > width) chars.pop();
  return `${chars.join('')}...`;
}

/**
 * Signs a PDF with a PAdES baseline B-B signature (ETSI.CAdES.detached, /M = signing
 * time, CMS with signingCertificateV2 and no signingTime). The PDF is rewritten once by
 * pdf-lib to add the field, so a PDF that is already signed is refused.
 */
export async function signPdf(pdf: Uint8Array, identity: SigningIdentity, options: PdfSignOptions = {}): Promise<Uint8Array> {
  const label = options.label ?? 'the signing identity';
  const signingTime = new Date(Math.floor((options.signingTime ?? new Date()).getTime() / 1000) * 1000);
  const leaf = parseCertificate(identity.chain[0] ?? new Uint8Array(0), `the certificate of ${label}`);
  checkSigningCertificate(leaf.info, signingTime, label);
  if (Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).includes('/ByteRange')) {
    throw new SigningError('bad-input', 'the PDF is already signed; sign the unsigned report instead');
  }
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(pdf, { updateMetadata: false });
  } catch (e) {
    throw new SigningError('bad-input', `the PDF could not be read (${e instanceof Error ? e.message : String(e)})`);
  }
  const pages = doc.getPages();
  const page = pages[pages.length - 1];
  if (!page) throw new SigningError('bad-input', 'the PDF has no pages');
  const signer = leaf.info.commonName ?? leaf.info.subject;
  let rect: [number, number, number, number] = [0, 0, 0, 0];
  if (options.visible) {
    const { width } = page.getSize();
    rect = options.visible.rect ?? [width - 36 - 250, 36, width - 36, 36 + 72];
  }
  const maxBytes = options.maxSignatureBytes ?? 16_384;
  pdflibAddPlaceholder({
    pdfDoc: doc,
    pdfPage: page,
    reason: pdfLiteralBody(options.reason ?? ''),
    location: pdfLiteralBody(options.location ?? ''),
    contactInfo: pdfLiteralBody(options.contactInfo ?? ''),
    name: pdfLiteralBody(options.name ?? signer),
    signingTime,
    signatureLength: maxBytes * 2,
    subFilter: SUBFILTER_ETSI_CADES_DETACHED,
    widgetRect: rect,
    appName: 'TF Assessor',
  });
  if (options.visible) {
    const lines = options.visible.lines ?? [`Digitally signed by ${signer}`, `Date: ${isoSeconds(signingTime)}`, ...(options.reason ? [`Reason: ${options.reason}`] : [])];
    await drawAppearance(doc, page, rect, lines, options.visible.font);
  }
  const prepared = await doc.save({ useObjectStreams: false });
  const signed = await new SignPdf().sign(Buffer.from(prepared), new CadesSigner(identity, { crypto: options.crypto, label }));
  return new Uint8Array(signed.buffer, signed.byteOffset, signed.byteLength);
}
