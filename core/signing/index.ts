/**
 * Signing and verification, pure (WebCrypto + PKI.js): local identities, PKCS#12, detached
 * CMS (CAdES B-B) and PDF (PAdES B-B) verification. Node adapters (files, PDF signing,
 * the identity store) are in core/node/signing-*.ts and core/node/identity-store.ts.
 */
export { formatFingerprint, fromPem, toPem } from './bytes';
export {
  checkSigningCertificate,
  describeCertificate,
  isoSeconds,
  signingCertificateProblems,
  type CertificateInfo,
  type KeyUsageName,
  type PublicKeyDescription,
} from './certificate';
export { signDetached, verifyDetached, type DetachedVerification, type SignDetachedOptions, type VerifyDetachedOptions } from './cms';
export { SigningError, type SigningErrorCode } from './errors';
export type { SigningIdentity } from './keys';
export { createLocalIdentity, type LocalIdentity, type LocalIdentityOptions, type LocalKeyType } from './local-identity';
export { formatName, type NameParts } from './names';
export { verifyPdfSignature, type PdfSignatureVerification, type PdfVerification } from './pdf';
export { exportPkcs12, importPkcs12, type ImportedIdentity, type LegacyCipher, type Pkcs12ExportOptions, type Pkcs12ImportOptions } from './pkcs12';
export type { WebCryptoLike } from './webcrypto';
