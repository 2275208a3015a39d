/**
 * The seam between the package format and the signing code. A package is signed by a detached
 * CMS signature over the exact bytes of manifest.json; producing and checking that signature
 * (keys, certificate chains, trust anchors) belongs to core/signing. The writer and the
 * verifier take these two functions, so either side can be supplied by whoever holds the keys
 * or the trust store.
 */

/** Signs the exact manifest bytes; resolves to the DER of a detached CMS SignedData. */
export type SignManifest = (manifestBytes: Uint8Array) => Promise<Uint8Array>;

/** What checking the manifest signature found. */
export interface SignatureCheck {
  /** True only when the signature is intact over these bytes and its signer chains to a trusted anchor. */
  valid: boolean;
  /** One line for people: who signed, or why the signature is not accepted. */
  reason: string;
  /** The signer, when the signature could be read (RFC 4514 subject, most specific first). */
  signer?: { subject: string; issuer?: string; fingerprintSha256?: string };
  /** The signing time the signature claims (ISO 8601), when present. */
  signedAt?: string;
  /** Anything else the verifier wants in the report (chain, algorithms, warnings). */
  details?: Record<string, unknown>;
}

/** Checks a detached signature over the exact manifest bytes against the verifier's trust anchors. */
export type VerifyManifestSignature = (manifestBytes: Uint8Array, signature: Uint8Array) => Promise<SignatureCheck>;
