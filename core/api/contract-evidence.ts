/**
 * Channels for reading evidence back: the in-app preview of images and PDFs. Spread into
 * `contract` in contract.ts.
 */
import { z } from 'zod';
import { Sha256Hex } from '../assessment/schema';
import { Handle } from './contract-core';
// Import schemas from './contract-core' (never from './contract': that would be a cycle).

/** What an evidence file can be shown as, decided from its bytes (never its name). */
export const EvidencePreviewKind = z.enum(['image', 'pdf', 'text', 'none']);

/** The bytes of one evidence file for an in-app preview. */
export const EvidencePreview = z.strictObject({
  hash: Sha256Hex,
  kind: EvidencePreviewKind,
  /** Media type sniffed from the content, e.g. `image/png`, `application/pdf`; null when unknown. */
  mediaType: z.string().nullable(),
  size: z.number().int().min(0),
  /** Base64 of the file; null when `kind` is `none` or the file is larger than `limit`. */
  data: z.string().nullable(),
  /** The largest file previewed (bytes). */
  limit: z.number().int(),
  /** Why there is no preview, when there is none (too large, unknown type, missing, modified). */
  reason: z.string().nullable(),
});
export type EvidencePreview = z.infer<typeof EvidencePreview>;

export const evidenceChannels = {
  /**
   * One evidence file of an open assessment for an in-app preview: its kind is sniffed from
   * the bytes, the bytes are re-hashed against the name they are stored under (a modified
   * file gets no preview, only the reason), and files over the limit are not sent.
   */
  'tfa:evidence:preview': { args: z.strictObject({ handle: Handle, hash: Sha256Hex }), result: EvidencePreview },
} as const;
