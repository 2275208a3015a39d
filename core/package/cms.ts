/**
 * The package's signature is core/signing's detached CMS (CAdES B-B) over the exact bytes of
 * manifest.json: these two adapters plug it into the writer and the verifier, and translate
 * what the CMS verifier found into the package report's terms.
 */
import { isoSeconds, signDetached, verifyDetached, type SigningIdentity } from '../signing';
import type { SignatureCheck, SignManifest, VerifyManifestSignature } from './signature';

/**
 * Signs manifests with `identity` (certificate chain + private key). The signing time is now
 * unless given; the whole chain goes into the signature so a verifier needs only its trust
 * anchors.
 */
export function cmsManifestSigner(identity: SigningIdentity, options: { signingTime?: Date; label?: string } = {}): SignManifest {
  return (manifestBytes) => signDetached(manifestBytes, identity, { ...(options.signingTime && { signingTime: options.signingTime }), ...(options.label && { label: options.label }) });
}

/**
 * Verifies manifest signatures against the certification body's trust anchors (DER CA
 * certificates). Valid only when the manifest is intact, the signer chains to an anchor with
 * every certificate valid at the signing time (or `at`), and nothing else is wrong.
 */
export function cmsManifestVerifier(options: { trustAnchors: Uint8Array[]; at?: Date }): VerifyManifestSignature {
  return async (manifestBytes, signature): Promise<SignatureCheck> => {
    const v = await verifyDetached(manifestBytes, signature, { trustAnchors: options.trustAnchors, ...(options.at && { at: options.at }) });
    const signedAt = v.signingTime ? isoSeconds(v.signingTime) : undefined;
    const signer = v.signerSubject ? { subject: v.signerSubject, ...(v.signer && { issuer: v.signer.issuer }), ...(v.signerFingerprint && { fingerprintSha256: v.signerFingerprint }) } : undefined;
    const details = {
      intact: v.intact,
      chainTrusted: v.chainTrusted,
      chain: v.chain.map((c) => c.subject),
      checkedAt: isoSeconds(v.checkedAt),
      signedAttributes: v.signedAttributes,
      ...(v.reasons.length > 0 && { problems: v.reasons }),
    };
    const reason = v.valid
      ? `signed by ${v.signerSubject}${signedAt ? ` at ${signedAt}` : ''}, certificate chain trusted (no revocation check)`
      : `the signature is not accepted: ${v.reasons.join('; ') || 'the verifier found it invalid'}`;
    return { valid: v.valid, reason, ...(signer && { signer }), ...(signedAt && { signedAt }), details };
  };
}
