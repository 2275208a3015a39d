/**
 * Certificate path validation against a verifier's own trust anchors: issuer by name and
 * signature, CA flag and keyCertSign on every issuer, validity at the time checked. No
 * revocation checking (local CAs publish no CRLs or OCSP); the verification report says so.
 */
import { equalBytes } from './bytes';
import { isoSeconds, type ParsedCertificate } from './certificate';
import { pkijsEngine, type WebCryptoLike } from './webcrypto';

export interface ChainResult {
  trusted: boolean;
  /** Signer first; ends at the trust anchor when trusted. */
  path: ParsedCertificate[];
  problems: string[];
}

const MAX_DEPTH = 8;

function isAnchor(cert: ParsedCertificate, anchors: ParsedCertificate[]): boolean {
  // The same certificate, or the same CA name and key (a re-issued root with the same key).
  return anchors.some((a) => equalBytes(a.der, cert.der) || (equalBytes(a.subjectDer, cert.subjectDer) && equalBytes(a.spkiDer, cert.spkiDer)));
}

async function signedBy(c: WebCryptoLike, cert: ParsedCertificate, issuer: ParsedCertificate): Promise<boolean> {
  try {
    return await cert.pkijs.verify(issuer.pkijs, pkijsEngine(c));
  } catch {
    return false;
  }
}

function validityProblem(cert: ParsedCertificate, at: Date, role: string): string | undefined {
  const { notBefore, notAfter, subject } = cert.info;
  if (at < notBefore) return `the ${role} certificate ${subject} is not valid until ${isoSeconds(notBefore)} (checked at ${isoSeconds(at)})`;
  if (at > notAfter) return `the ${role} certificate ${subject} expired on ${isoSeconds(notAfter)} (checked at ${isoSeconds(at)})`;
  return undefined;
}

/**
 * Builds and checks the path from `signer` to one of `anchors`, taking intermediates from
 * `pool` (the certificates the signature carries). Anchors are trusted as given; all
 * other certificates only through a verified signature of an anchor.
 */
export async function validateChain(c: WebCryptoLike, signer: ParsedCertificate, pool: ParsedCertificate[], anchors: ParsedCertificate[], at: Date): Promise<ChainResult> {
  const path = [signer];
  const problems: string[] = [];
  let current = signer;
  let trusted = false;
  for (let depth = 0; depth <= MAX_DEPTH; depth++) {
    const role = depth === 0 ? 'signing' : 'CA';
    const vp = validityProblem(current, at, role);
    if (vp) problems.push(vp);
    if (isAnchor(current, anchors)) {
      trusted = true;
      break;
    }
    const candidates = [...anchors, ...pool].filter((p) => !path.includes(p) && equalBytes(p.subjectDer, current.issuerDer));
    let issuer: ParsedCertificate | undefined;
    for (const cand of candidates) {
      if (await signedBy(c, current, cand)) {
        issuer = cand;
        break;
      }
    }
    if (!issuer) {
      if (current.info.selfIssued) {
        const namesake = candidates.length ? ' (the trust store has a different certificate with that name)' : '';
        problems.push(`the chain ends at ${current.info.subject}, which is not in the trust store${namesake}`);
      } else if (candidates.length) problems.push(`the signature on ${current.info.subject} does not verify with the key of its issuer ${current.info.issuer}`);
      else problems.push(`the issuer of ${current.info.subject} (${current.info.issuer}) is neither in the signature nor in the trust store`);
      break;
    }
    if (!issuer.info.isCA) problems.push(`${issuer.info.subject} issued ${current.info.subject} but is not a CA (basicConstraints)`);
    else if (issuer.info.keyUsage && !issuer.info.keyUsage.includes('keyCertSign')) problems.push(`${issuer.info.subject} issued ${current.info.subject} but may not sign certificates (keyUsage)`);
    path.push(issuer);
    current = issuer;
  }
  if (!trusted && problems.length === 0) problems.push(`the chain of ${signer.info.subject} is longer than ${MAX_DEPTH} certificates`);
  return { trusted: trusted && problems.length === 0, path, problems };
}
