import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import pdfmake from 'pdfmake';
import { afterAll, describe, expect, it } from 'vitest';
import { must, nssDbTrusting, pdfsig, run, tempDir } from '../../test/fixtures/signing/tools';
import { toPem } from '../signing/bytes';
import { verifyDetached } from '../signing/cms';
import { SigningError } from '../signing/errors';
import { createLocalIdentity } from '../signing/local-identity';
import { verifyPdfSignature } from '../signing/pdf';
import { signPdf } from './signing-pdf';

const NAME = '株式会社サンプル認証 審査部';
const FONT = resolve(__dirname, '../../node_modules/@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf');
const tmp = tempDir('tfa-pades-');
// pdfmake's own fontkit 2 (no type declarations), as the report exporter would pass it.
const fontkit: unknown = createRequire(import.meta.url)('fontkit');
afterAll(tmp.cleanup);

/** A two-page report made by pdfmake with an embedded Japanese font, as the exporter makes them. */
async function pdfmakeReport(): Promise<Uint8Array> {
  const pm = pdfmake as unknown as {
    setUrlAccessPolicy(f: () => boolean): void;
    setLocalAccessPolicy(f: (p: string) => boolean): void;
    setFonts(f: object): void;
    createPdf(d: object): { getBuffer(): Promise<Buffer> };
  };
  pm.setUrlAccessPolicy(() => false);
  pm.setLocalAccessPolicy((p) => p === FONT);
  pm.setFonts({ Noto: { normal: FONT, bold: FONT, italics: FONT, bolditalics: FONT } });
  const buf = await pm.createPdf({ defaultStyle: { font: 'Noto' }, content: ['審査報告書', { text: 'Page two', pageBreak: 'before' }] }).getBuffer();
  return new Uint8Array(buf);
}

async function pdfLibReport(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage().drawText('Assessment report', { x: 50, y: 700, font });
  return doc.save();
}

interface Signed {
  ca: string;
  nss: string;
  file: string;
  bytes: Uint8Array;
  caDer: Uint8Array;
}

async function signAndWrite(keyType: 'ecdsa-p256' | 'rsa-3072', pdf: Uint8Array, tag: string, options: Parameters<typeof signPdf>[2] = {}): Promise<Signed> {
  const local = await createLocalIdentity({ commonName: NAME, organization: '株式会社サンプル', country: 'JP', keyType, validityDays: 30 });
  const dir = join(tmp.dir, `${keyType}-${tag}`);
  must('mkdir', ['-p', dir]);
  const ca = join(dir, 'ca.pem');
  writeFileSync(ca, toPem('CERTIFICATE', local.caCertificate));
  const bytes = await signPdf(pdf, local.identity, { reason: '審査報告書の承認', location: 'Tokyo', contactInfo: 'audit@example.jp', ...options });
  const file = join(dir, 'signed.pdf');
  writeFileSync(file, bytes);
  must('mkdir', ['-p', join(dir, 'nss')]);
  return { ca, nss: nssDbTrusting(join(dir, 'nss'), ca), file, bytes, caDer: local.caCertificate };
}

describe.each(['ecdsa-p256', 'rsa-3072'] as const)('signPdf (%s)', (keyType) => {
  const signed = (async () => {
    // Certificates valid from now; the claimed time must be inside them.
    const at = new Date(Math.floor(Date.now() / 1000) * 1000);
    return { ...(await signAndWrite(keyType, await pdfmakeReport(), 'pdfmake', { signingTime: at })), at };
  })();

  it('is reported valid and trusted by pdfsig against an NSS database trusting the CA', async () => {
    const s = await signed;
    const out = pdfsig(s.nss, s.file);
    expect(out).toContain('  - Signature Validation: Signature is Valid.\n');
    expect(out).toContain('  - Certificate Validation: Certificate is Trusted.\n');
    expect(out).toContain(`  - Signer Certificate Common Name: ${NAME}\n`);
    expect(out).toContain(`  - Signer full Distinguished Name: CN=${NAME},O=株式会社サンプル,C=JP\n`);
    expect(out).toContain('  - Signature Type: ETSI.CAdES.detached\n');
    expect(out).toContain('  - Signing Hash Algorithm: SHA-256\n');
    expect(out).toContain('  - Total document signed\n');
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const t = s.at;
    const p2 = (n: number) => String(n).padStart(2, '0');
    expect(out).toContain(`  - Signing Time: ${months[t.getUTCMonth()]} ${p2(t.getUTCDate())} ${t.getUTCFullYear()} ${p2(t.getUTCHours())}:${p2(t.getUTCMinutes())}:${p2(t.getUTCSeconds())}\n`);
  });

  it('is reported "Certificate issuer isn\'t Trusted." by pdfsig without the CA', async () => {
    const s = await signed;
    const empty = join(tmp.dir, `${keyType}-empty-nss`);
    must('mkdir', ['-p', empty]);
    const out = pdfsig(nssDbTrusting(empty, undefined), s.file);
    expect(out).toContain('  - Signature Validation: Signature is Valid.\n');
    expect(out).toContain("  - Certificate Validation: Certificate issuer isn't Trusted.\n");
    expect(out).not.toContain('Certificate is Trusted.');
  });

  it('passes qpdf --check', async () => {
    const s = await signed;
    const r = run('qpdf', ['--check', s.file]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('No syntax or stream encoding errors found');
    expect(r.status).toBe(0);
  });

  it('is verified by our own verifier, PAdES-shaped (no signingTime in the CMS, /M set)', async () => {
    const s = await signed;
    const v = await verifyPdfSignature(s.bytes, { trustAnchors: [s.caDer] });
    expect(v.reasons).toEqual([]);
    expect(v.valid).toBe(true);
    const [sig] = v.signatures;
    expect(sig).toMatchObject({ valid: true, intact: true, chainTrusted: true, coversWholeDocument: true, subFilter: 'ETSI.CAdES.detached', name: NAME, reason: '審査報告書の承認', location: 'Tokyo', contactInfo: 'audit@example.jp', warnings: [], reasons: [] });
    expect(sig!.pdfSigningTime).toEqual(s.at);
    expect(sig!.signingTime).toBeUndefined();
    expect(sig!.signedAttributes.sort()).toEqual(['contentType', 'messageDigest', 'signingCertificateV2']);
    // The byte ranges are exactly what pdfsig says it checked.
    const ranges = /Signed Ranges: \[(\d+) - (\d+)\], \[(\d+) - (\d+)\]/.exec(pdfsig(s.nss, s.file))!;
    const [b0, b1, b2, b3] = sig!.byteRange;
    expect(ranges.slice(1).map(Number)).toEqual([b0, b0 + b1, b2, b2 + b3]);
  });

  it('is invalid for pdfsig and for us after one byte inside the signed range flips', async () => {
    const s = await signed;
    const bad = s.bytes.slice();
    const at = Buffer.from(bad).indexOf('audit@example.jp');
    expect(at).toBeGreaterThan(0);
    bad[at] = 'X'.charCodeAt(0);
    const file = join(tmp.dir, `${keyType}-flipped.pdf`);
    writeFileSync(file, bad);
    const out = pdfsig(s.nss, file);
    expect(out).not.toContain('Signature is Valid.');
    expect(out).toContain('  - Signature Validation: Digest Mismatch.\n');
    const v = await verifyPdfSignature(bad, { trustAnchors: [s.caDer] });
    expect(v.valid).toBe(false);
    expect(v.signatures[0]!.reasons).toContain('the content does not match the signature (message digest differs): it was changed after signing');
  });

  it('is reported changed when bytes are appended after signing', async () => {
    const s = await signed;
    const extra = new TextEncoder().encode('\n1 0 obj\n(evil)\nendobj\n');
    const appended = new Uint8Array([...s.bytes, ...extra]);
    const v = await verifyPdfSignature(appended, { trustAnchors: [s.caDer] });
    expect(v.valid).toBe(false);
    expect(v.signatures[0]!.intact).toBe(true);
    expect(v.signatures[0]!.coversWholeDocument).toBe(false);
    expect(v.signatures[0]!.reasons).toEqual([`${extra.length} bytes were added after the signed part of the file: it was changed after signing`]);
  });
});

describe('signPdf visible signature block', () => {
  it('draws a Japanese block with an embedded font, and pdfsig still trusts it', async () => {
    const s = await signAndWrite('ecdsa-p256', await pdfLibReport(), 'visible', {
      visible: { font: { bytes: readFileSync(FONT), fontkit }, lines: [`署名者: ${NAME}`, '日時: 2026-01-15 18:30 JST'] },
    });
    const out = pdfsig(s.nss, s.file);
    expect(out).toContain('Signature is Valid.');
    expect(out).toContain('Certificate is Trusted.');
    expect(must('qpdf', ['--check', s.file]).stdout).toContain('No syntax or stream encoding errors found');
    expect(must('pdffonts', [s.file]).stdout).toMatch(/NotoSansJP-Regular\S*\s+CID TrueType\s+Identity-H\s+yes/);
    // The widget sits in the default box at the bottom right of the last page.
    const doc = await PDFDocument.load(s.bytes);
    const page = doc.getPages().at(-1)!;
    const { width } = page.getSize();
    expect(width).toBe(595.28); // A4
    expect(Buffer.from(s.bytes).toString('latin1')).toContain(`/Rect [ ${Math.round((width - 286) * 100) / 100} 36 ${Math.round((width - 36) * 100) / 100} 108 ]`);
  });

  it('draws ASCII with the built-in font and refuses text it cannot draw', async () => {
    const ascii = await signAndWrite('ecdsa-p256', await pdfLibReport(), 'visible-ascii', { visible: { lines: ['Signed by the assessor'] } });
    expect(pdfsig(ascii.nss, ascii.file)).toContain('Signature is Valid.');
    const local = await createLocalIdentity({ commonName: NAME, keyType: 'ecdsa-p256', validityDays: 5 });
    await expect(signPdf(await pdfLibReport(), local.identity, { visible: {} })).rejects.toThrow(
      new SigningError('bad-input', `the visible signature text "Digitally signed by ${NAME}" has characters the built-in font cannot draw; pass a font (visible.font) such as Noto Sans JP`),
    );
  });
});

describe('signPdf refusals', () => {
  it('refuses an already signed PDF, garbage and an expired certificate', async () => {
    const local = await createLocalIdentity({ commonName: 'a', keyType: 'ecdsa-p256', validityDays: 5 });
    const once = await signPdf(await pdfLibReport(), local.identity);
    await expect(signPdf(once, local.identity)).rejects.toThrow('the PDF is already signed; sign the unsigned report instead');
    await expect(signPdf(new TextEncoder().encode('not a pdf'), local.identity)).rejects.toThrow(/^the PDF could not be read/);
    const old = await createLocalIdentity({ commonName: 'old', keyType: 'ecdsa-p256', validityDays: 5, notBefore: new Date('2022-01-01T00:00:00Z') });
    await expect(signPdf(await pdfLibReport(), old.identity, { label: 'old.p12' })).rejects.toThrow(
      new SigningError('expired', 'old.p12: the certificate of CN=old expired on 2022-01-06T00:00:00Z (valid from 2022-01-01T00:00:00Z to 2022-01-06T00:00:00Z); renew the certificate or create a new identity'),
    );
  });
});

describe('verifyPdfSignature on other input', () => {
  it('says an unsigned PDF has no signature', async () => {
    expect(await verifyPdfSignature(await pdfLibReport(), { trustAnchors: [] })).toEqual({ valid: false, signatures: [], reasons: ['the PDF has no signature'] });
  });

  it('reports a ByteRange that does not frame a signature', async () => {
    const fake = new TextEncoder().encode('%PDF-1.7\n1 0 obj << /ByteRange [0 10 20 5] /Contents <00> >> endobj\n%%EOF');
    const v = await verifyPdfSignature(fake, { trustAnchors: [] });
    expect(v.valid).toBe(false);
    expect(v.signatures[0]!.reasons).toEqual(['the /ByteRange [0 10 20 5] does not frame a /Contents value in this file']);
  });

  it('agrees with openssl on the CMS pdfsig checked', async () => {
    const s = await signAndWrite('rsa-3072', await pdfLibReport(), 'openssl');
    const v = await verifyPdfSignature(s.bytes, { trustAnchors: [s.caDer] });
    const [b0, b1, b2, b3] = v.signatures[0]!.byteRange;
    const signedPart = Buffer.concat([Buffer.from(s.bytes.subarray(b0, b1)), Buffer.from(s.bytes.subarray(b2, b2 + b3))]);
    const hex = Buffer.from(s.bytes.subarray(b1 + 1, b2 - 1)).toString('latin1');
    const cms = Buffer.from(hex, 'hex');
    const dir = join(tmp.dir, 'openssl-check');
    must('mkdir', ['-p', dir]);
    writeFileSync(join(dir, 'content.bin'), signedPart);
    writeFileSync(join(dir, 'sig.der'), cms);
    // openssl reads the DER element and ignores the zero padding after it.
    const r = run('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(dir, 'sig.der'), '-content', join(dir, 'content.bin'), '-CAfile', s.ca, '-out', '/dev/null']);
    expect(r.stderr).toBe('CMS Verification successful\n');
    expect((await verifyDetached(new Uint8Array(signedPart), new Uint8Array(cms.subarray(0, cms.length)), { trustAnchors: [s.caDer] })).intact).toBe(true);
  });
});
