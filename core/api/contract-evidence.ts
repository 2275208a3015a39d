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

/**
 * Why there is no preview: `missing` (the stored file is gone), `modified` (its content no
 * longer hashes to its SHA-256: what would be shown is not the evidence), `too-large` (over
 * `limit`), `too-many-pixels` (an image declaring more than `PREVIEW_MAX_PIXELS`: decoding it
 * could exhaust memory), `unsupported` (not a format the app shows; SVG included, as it can
 * carry script), `empty` (zero bytes), `unreadable` (the file could not be read).
 */
export const EvidencePreviewReason = z.enum(['missing', 'modified', 'too-large', 'too-many-pixels', 'unsupported', 'empty', 'unreadable']);
export type EvidencePreviewReason = z.infer<typeof EvidencePreviewReason>;

/** The bytes of one evidence file for an in-app preview. */
export const EvidencePreview = z.strictObject({
  hash: Sha256Hex,
  /** What the bytes are (also when there is no preview, so the message can say "PDF, too large"). */
  kind: EvidencePreviewKind,
  /** Media type sniffed from the content, e.g. `image/png`, `application/pdf`; null when unknown. */
  mediaType: z.string().nullable(),
  /** Size of the stored file in bytes (0 when missing). */
  size: z.number().int().min(0),
  /**
   * Base64 of the file — for text, of its first `TEXT_PREVIEW_BYTES` bytes, cut at a character
   * boundary — or null whenever `reason` is set. Bytes are sent only after they were re-hashed
   * and matched `hash`.
   */
  data: z.string().nullable(),
  /** True when `data` holds only the beginning of a text file. */
  truncated: z.boolean(),
  /** An image's size as its header declares it, when it could be read. */
  pixels: z.strictObject({ width: z.number().int().min(0), height: z.number().int().min(0) }).nullable().optional(),
  /** The largest file previewed (bytes). */
  limit: z.number().int(),
  /** Why there is no preview; null when `data` holds the file. */
  reason: EvidencePreviewReason.nullable(),
});
export type EvidencePreview = z.infer<typeof EvidencePreview>;

/** Largest evidence file shown in the app: its bytes travel base64-encoded in one answer. */
export const PREVIEW_LIMIT_BYTES = 25 * 1024 * 1024;
/** Largest image shown, in pixels (width × height): 64 Mpx is 256 MB once decoded. */
export const PREVIEW_MAX_PIXELS = 64 * 1024 * 1024;
/** How much of a text file a preview carries. */
export const TEXT_PREVIEW_BYTES = 256 * 1024;

export const evidenceChannels = {
  /**
   * One evidence file of an open assessment for an in-app preview: its kind is sniffed from
   * the bytes, the bytes are re-hashed against the name they are stored under (a modified
   * file gets no preview, only the reason), and files over the limit are not sent.
   */
  'tfa:evidence:preview': { args: z.strictObject({ handle: Handle, hash: Sha256Hex }), result: EvidencePreview },
} as const;
