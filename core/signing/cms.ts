/**
 * Detached CMS signatures (RFC 5652) as CAdES baseline B-B and PAdES baseline B-B need
 * them, and their verification.
 *
 * Signed attributes: contentType, messageDigest, signingCertificateV2 (ESS, RFC 5035 —
 * binds the signer certificate, required by both baselines) and, for CAdES only,
 * signingTime. PAdES forbids signingTime in the CMS (ETSI EN 319 142-1 §5.3: the time is
 * the PDF's /M entry), so the PDF signer passes `signingTime: null`. Attributes are DER
 * sorted (a SET OF): OpenSSL and NSS re-encode them before checking the signature.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toArrayBuffer, toHex, equalBytes } from './bytes';
import { parseCertificate, signingCertificateProblems, isoSeconds, type CertificateInfo, type ParsedCertificate } from './certificate';
import { validateChain } from './chain';
import { explicit, octetString, oid, seq, setOf, sortDer, time, content as derContent, readTlv } from './der';
import { SigningError } from './errors';
import { ecdsaDerToRaw, importSigningKey, signBytes, type SigningIdentity } from './keys';
import { digestName, OID } from './oids';
import { webCrypto, type WebCryptoLike } from './webcrypto';

export interface SignDetachedOptions {
  /**
   * The claimed signing time. A Date (default: now) adds the signingTime attribute
   * (CAdES); `null` leaves it out (PAdES, where the PDF's /M entry carries the time).
   */
  signingTime?: Date | null;
  crypto?: WebCryptoLike;
  /** Names the identity in errors (e.g. the .p12 file). */
  label?: string;
}

const attribute = (type: string, value: Uint8Array): Uint8Array => seq(oid(type), setOf([value]));

/** ESS SigningCertificateV2 with one ESSCertIDv2 (SHA-256, the default, so no algorithm). */
async function signingCertificateV2(c: WebCryptoLike, cert: ParsedCertificate): Promise<Uint8Array> {
  const hash = new Uint8Array(await c.subtle.digest('SHA-256', cert.der));
  // IssuerSerial ::= SEQUENCE { issuer GeneralNames (directoryName [4]), serialNumber }
  const issuerSerial = seq(seq(explicit(4, cert.issuerDer)), cert.serialDer);
  return seq(seq(seq(octetString(hash), issuerSerial)));
}

/**
 * Signs `content` with a detached CMS SignedData (DER): SHA-256, RSA PKCS#1 v1.5 or ECDSA,
 * the full certificate chain included. Refuses (SigningError) when the certificate is
 * expired, not yet valid or not for signing at the signing time.
 */
export async function signDetached(content: Uint8Array, identity: SigningIdentity, options: SignDetachedOptions = {}): Promise<Uint8Array> {
  const c = webCrypto(options.crypto);
  const label = options.label ?? 'the signing identity';
  const chain = identity.chain.map((d, i) => parseCertificate(d, `certificate ${i + 1} of ${label}`));
  const leaf = chain[0];
  if (!leaf) throw new SigningError('no-certificate', `${label} has no certificate`);
  const signingTime = options.signingTime === undefined ? new Date() : options.signingTime;
  const problems = signingCertificateProblems(leaf.info, signingTime ?? new Date());
  if (problems[0]) throw new SigningError(problems[0].code, `${label}: ${problems[0].message}`);
  const { key, type } = await importSigningKey(c, identity.privateKey, false, `the private key of ${label}`);

  const digest = new Uint8Array(await c.subtle.digest('SHA-256', content));
  const attrs = [
    attribute(OID.contentType, oid(OID.data)),
    attribute(OID.messageDigest, octetString(digest)),
    attribute(OID.signingCertificateV2, await signingCertificateV2(c, leaf)),
  ];
  if (signingTime) attrs.push(attribute(OID.signingTime, time(signingTime)));
  const signedAttrs = new pkijs.SignedAndUnsignedAttributes({
    type: 0,
    attributes: sortDer(attrs).map((a) => pkijs.Attribute.fromBER(toArrayBuffer(a))),
  });
  // The signature covers the attributes encoded as a SET (tag 0x31), not as [0].
  const toSign = new Uint8Array(signedAttrs.toSchema().toBER(false));
  toSign[0] = 0x31;
  const signature = await signBytes(c, key, type, toSign);

  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: leaf.pkijs.issuer, serialNumber: leaf.pkijs.serialNumber }),
    digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 }),
    signedAttrs,
    // rsaEncryption is what OpenSSL writes and every verifier reads (RFC 3370 §3.2).
    signatureAlgorithm:
      type.type === 'rsa'
        ? new pkijs.AlgorithmIdentifier({ algorithmId: OID.rsaEncryption, algorithmParams: new asn1js.Null() })
        : new pkijs.AlgorithmIdentifier({ algorithmId: OID.ecdsaWithSha256 }),
    signature: new asn1js.OctetString({ valueHex: toArrayBuffer(signature) }),
  });
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 })],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    certificates: chain.map((p) => p.pkijs),
    signerInfos: [signerInfo],
  });
  const contentInfo = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
  return new Uint8Array(contentInfo.toSchema().toBER(false));
}

export interface VerifyDetachedOptions {
  /** The verifier's trusted CA certificates (DER). */
  trustAnchors: Uint8Array[];
  /**
   * When certificates must be valid. Default: the signingTime attribute if present (the
   * signer's claim), else now. Pass `new Date()` to insist on validity now.
   */
  at?: Date;
  crypto?: WebCryptoLike;
}

export interface DetachedVerification {
  /** Intact, trusted and without any other problem. */
  valid: boolean;
  /** The content digest and the signature both check out: the content is what was signed. */
  intact: boolean;
  /** The signer's certificate chains to a trust anchor, every link valid at `checkedAt`. */
  chainTrusted: boolean;
  signerSubject?: string;
  /** SHA-256 of the signer certificate, lowercase hex. */
  signerFingerprint?: string;
  signer?: CertificateInfo;
  /** Signer first, trust anchor last when trusted. */
  chain: CertificateInfo[];
  /** The signingTime attribute (claimed by the signer; no timestamp authority). */
  signingTime?: Date;
  /** The time certificate validity was checked at. */
  checkedAt: Date;
  /** Names of the signed attributes present (contentType, messageDigest, signingTime, …). */
  signedAttributes: string[];
  /** Every problem found, one user-facing line each; empty when valid. */
  reasons: string[];
}

const ATTRIBUTE_NAMES: Record<string, string> = {
  [OID.contentType]: 'contentType',
  [OID.messageDigest]: 'messageDigest',
  [OID.signingTime]: 'signingTime',
  [OID.signingCertificate]: 'signingCertificate',
  [OID.signingCertificateV2]: 'signingCertificateV2',
};

function certificateDers(signedDataSchema: asn1js.AsnType): Uint8Array[] {
  const fields = (signedDataSchema as asn1js.Sequence).valueBlock.value;
  const set = fields.find((f) => f.idBlock.tagClass === 3 && f.idBlock.tagNumber === 0) as asn1js.Constructed | undefined;
  if (!set) return [];
  return set.valueBlock.value.filter((v) => v.idBlock.tagClass === 1 && v.idBlock.tagNumber === 16).map((v) => new Uint8Array(v.valueBeforeDecodeView));
}

function findSigner(si: pkijs.SignerInfo, certs: ParsedCertificate[]): ParsedCertificate | undefined {
  if (si.sid instanceof pkijs.IssuerAndSerialNumber) {
    const issuer = new Uint8Array(si.sid.issuer.valueBeforeDecode);
    const serial = si.sid.serialNumber.valueBlock.valueHexView;
    return certs.find((p) => equalBytes(p.issuerDer, issuer) && equalBytes(derContent(p.serialDer, readTlv(p.serialDer)), serial));
  }
  const ski = toHex(new Uint8Array((si.sid as asn1js.Primitive).valueBlock.valueHexView));
  return certs.find((p) => p.info.subjectKeyId === ski);
}

function signatureAlgorithm(sigOid: string, digestOid: string): { kind: 'rsa' | 'ecdsa'; hash: string } | undefined {
  const byOid: Record<string, { kind: 'rsa' | 'ecdsa'; hash?: string }> = {
    [OID.rsaEncryption]: { kind: 'rsa' },
    [OID.sha256WithRSA]: { kind: 'rsa', hash: 'SHA-256' },
    [OID.sha384WithRSA]: { kind: 'rsa', hash: 'SHA-384' },
    [OID.sha512WithRSA]: { kind: 'rsa', hash: 'SHA-512' },
    [OID.ecPublicKey]: { kind: 'ecdsa' },
    [OID.ecdsaWithSha256]: { kind: 'ecdsa', hash: 'SHA-256' },
    [OID.ecdsaWithSha384]: { kind: 'ecdsa', hash: 'SHA-384' },
    [OID.ecdsaWithSha512]: { kind: 'ecdsa', hash: 'SHA-512' },
  };
  const a = byOid[sigOid];
  const hash = a?.hash ?? digestName(digestOid);
  return a && hash ? { kind: a.kind, hash } : undefined;
}

async function verifySignature(c: WebCryptoLike, signer: ParsedCertificate, alg: { kind: 'rsa' | 'ecdsa'; hash: string }, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  try {
    if (alg.kind === 'rsa') {
      if (signer.info.publicKey.type !== 'rsa') return false;
      const key = await c.subtle.importKey('spki', signer.spkiDer, { name: 'RSASSA-PKCS1-v1_5', hash: alg.hash }, false, ['verify']);
      return await c.subtle.verify({ name: 'RSASSA-PKCS1-v1_5' }, key, signature, data);
    }
    const pk = signer.info.publicKey;
    if (pk.type !== 'ec') return false;
    const size = { 'P-256': 32, 'P-384': 48, 'P-521': 66 }[pk.curve];
    if (!size) return false;
    const key = await c.subtle.importKey('spki', signer.spkiDer, { name: 'ECDSA', namedCurve: pk.curve }, false, ['verify']);
    return await c.subtle.verify({ name: 'ECDSA', hash: alg.hash }, key, ecdsaDerToRaw(signature, size), data);
  } catch {
    return false;
  }
}

/** Checks an ESS signingCertificate(V2) attribute value against the signer certificate. */
async function essMatches(c: WebCryptoLike, value: asn1js.AsnType, v2: boolean, signer: ParsedCertificate): Promise<boolean> {
  try {
    const certs = (value as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence;
    const first = certs.valueBlock.value[0] as asn1js.Sequence;
    const parts = first.valueBlock.value;
    let hashName = v2 ? 'SHA-256' : 'SHA-1';
    let i = 0;
    if (v2 && parts[0] instanceof asn1js.Sequence) {
      const algOid = (parts[0].valueBlock.value[0] as asn1js.ObjectIdentifier).valueBlock.toString();
      const n = digestName(algOid);
      if (!n) return false;
      hashName = n;
      i = 1;
    }
    const expected = new Uint8Array((parts[i] as asn1js.OctetString).valueBlock.valueHexView);
    const actual = new Uint8Array(await c.subtle.digest(hashName, signer.der));
    return equalBytes(expected, actual);
  } catch {
    return false;
  }
}

/**
 * Verifies a detached CMS signature over `content`: message digest, signature, the
 * signer's chain to `trustAnchors`, validity at the signing time and key usage. Never
 * throws on bad input: everything wrong is a line in `reasons`.
 */
export async function verifyDetached(content: Uint8Array, cmsDer: Uint8Array, options: VerifyDetachedOptions): Promise<DetachedVerification> {
  const c = webCrypto(options.crypto);
  const reasons: string[] = [];
  const result: DetachedVerification = { valid: false, intact: false, chainTrusted: false, chain: [], checkedAt: options.at ?? new Date(), signedAttributes: [], reasons };

  let signedData: pkijs.SignedData;
  let certs: ParsedCertificate[];
  try {
    const ci = pkijs.ContentInfo.fromBER(toArrayBuffer(cmsDer));
    if (ci.contentType !== OID.signedData) throw new Error(`content type is ${ci.contentType}, not signedData`);
    signedData = new pkijs.SignedData({ schema: ci.content });
    certs = certificateDers(ci.content).map((d, i) => parseCertificate(d, `certificate ${i + 1} in the signature`));
  } catch (e) {
    reasons.push(`not a CMS signature (${e instanceof SigningError ? e.message : e instanceof Error ? e.message : String(e)})`);
    return result;
  }
  if (signedData.signerInfos.length !== 1) {
    reasons.push(`the signature has ${signedData.signerInfos.length} signers; exactly one is expected`);
    return result;
  }
  if (signedData.encapContentInfo.eContent) reasons.push('the signature embeds its content; a detached signature is expected');
  const si = signedData.signerInfos[0]!;
  const signer = findSigner(si, certs);
  if (!signer) {
    reasons.push('the signer certificate is not included in the signature');
    return result;
  }
  result.signer = signer.info;
  result.signerSubject = signer.info.subject;
  result.signerFingerprint = signer.info.sha256;

  const digestOid = si.digestAlgorithm.algorithmId;
  const hashName = digestName(digestOid);
  const alg = signatureAlgorithm(si.signatureAlgorithm.algorithmId, digestOid);
  let intact = true;
  if (!hashName || hashName === 'SHA-1' || !alg) {
    reasons.push(`unsupported or too weak algorithm (digest ${digestOid}, signature ${si.signatureAlgorithm.algorithmId})`);
    intact = false;
  } else {
    const digest = new Uint8Array(await c.subtle.digest(hashName, content));
    const signature = new Uint8Array(si.signature.valueBlock.valueHexView);
    let signedBytes = content;
    if (si.signedAttrs) {
      const attrs = si.signedAttrs.attributes;
      result.signedAttributes = attrs.map((a) => ATTRIBUTE_NAMES[a.type] ?? a.type);
      const get = (type: string) => attrs.filter((a) => a.type === type);
      const md = get(OID.messageDigest);
      const mdValue = md.length === 1 && md[0]!.values.length === 1 ? md[0]!.values[0] : undefined;
      if (!(mdValue instanceof asn1js.OctetString)) {
        reasons.push('the signature has no single messageDigest attribute');
        intact = false;
      } else if (!equalBytes(new Uint8Array(mdValue.valueBlock.valueHexView), digest)) {
        reasons.push('the content does not match the signature (message digest differs): it was changed after signing');
        intact = false;
      }
      const ct = get(OID.contentType);
      const ctValue = ct.length === 1 ? ct[0]!.values[0] : undefined;
      if (!(ctValue instanceof asn1js.ObjectIdentifier) || ctValue.valueBlock.toString() !== signedData.encapContentInfo.eContentType) {
        reasons.push('the contentType attribute is missing or does not match the content type');
      }
      const st = get(OID.signingTime)[0]?.values[0];
      if (st instanceof asn1js.UTCTime || st instanceof asn1js.GeneralizedTime) result.signingTime = st.toDate();
      for (const [type, v2] of [
        [OID.signingCertificateV2, true],
        [OID.signingCertificate, false],
      ] as const) {
        const ess = get(type)[0]?.values[0];
        if (ess && !(await essMatches(c, ess, v2, signer))) reasons.push(`the ${v2 ? 'signingCertificateV2' : 'signingCertificate'} attribute does not match the signer certificate`);
      }
      signedBytes = new Uint8Array(si.signedAttrs.encodedValue);
    }
    if (!(await verifySignature(c, signer, alg, signature, signedBytes))) {
      reasons.push(`the signature does not verify with the key of ${signer.info.subject}${si.signedAttrs ? '' : ': the content was changed after signing'}`);
      intact = false;
    }
  }
  result.intact = intact;

  result.checkedAt = options.at ?? result.signingTime ?? new Date();
  const anchors = options.trustAnchors.map((d, i) => parseCertificate(d, `trust anchor ${i + 1}`));
  const chain = await validateChain(c, signer, certs, anchors, result.checkedAt);
  result.chain = chain.path.map((p) => p.info);
  result.chainTrusted = chain.trusted;
  reasons.push(...chain.problems);
  for (const p of signingCertificateProblems(signer.info, result.checkedAt)) {
    if (p.code === 'key-usage') reasons.push(p.message);
  }
  if (result.signingTime && (result.signingTime < signer.info.notBefore || result.signingTime > signer.info.notAfter)) {
    const line = `the signing time ${isoSeconds(result.signingTime)} is outside the validity of the signer certificate (${isoSeconds(signer.info.notBefore)} to ${isoSeconds(signer.info.notAfter)})`;
    if (!reasons.some((r) => r.includes('expired on') || r.includes('not valid until'))) reasons.push(line);
  }
  result.valid = result.intact && result.chainTrusted && reasons.length === 0;
  return result;
}
