/**
 * Builds the in-app preview of one evidence file from a stream of its bytes, wherever the
 * bytes come from (a workspace's blob, or a file inside a submitted package). The rules hold
 * for every source: the kind comes from the bytes (core/assessment/media-sniff.ts), the bytes
 * are re-hashed while they are read and sent only if they hash to the evidence's SHA-256, and
 * files over the limit are never read past their first bytes.
 */
import { createHash } from 'node:crypto';
import { PREVIEW_LIMIT_BYTES, PREVIEW_MAX_PIXELS, TEXT_PREVIEW_BYTES, type EvidencePreview, type EvidencePreviewReason } from '../api/contract-evidence';
import { SNIFF_BYTES, imageSize, sniffMedia, utf8PrefixLength, type SniffResult } from '../assessment/media-sniff';

/** An evidence file opened for reading: its size when opened and its bytes. */
export interface PreviewSource {
  size: number;
  /** Read once; leaving the iteration early must release the file (Node streams do). */
  chunks: AsyncIterable<Uint8Array>;
}

export interface PreviewOptions {
  /** Largest file whose bytes are sent (default `PREVIEW_LIMIT_BYTES`). */
  limit?: number;
  /** How much of a text file is sent (default `TEXT_PREVIEW_BYTES`). */
  textBytes?: number;
  /** Largest image sent, in pixels (default `PREVIEW_MAX_PIXELS`). */
  maxPixels?: number;
}

function noPreview(hash: string, size: number, limit: number, reason: EvidencePreviewReason, sniffed: SniffResult = { kind: 'none', mediaType: null }): EvidencePreview {
  return { hash, kind: sniffed.kind, mediaType: sniffed.mediaType, size, data: null, truncated: false, limit, reason };
}

/** The first `count` bytes of a list of chunks, copied into one array. */
function head(chunks: readonly Uint8Array[], count: number): Uint8Array {
  const out = new Uint8Array(count);
  let o = 0;
  for (const c of chunks) {
    if (o >= count) break;
    const part = c.subarray(0, count - o);
    out.set(part, o);
    o += part.length;
  }
  return out;
}

/**
 * The preview of one evidence file.
 *
 * @param hash the evidence's SHA-256 (lowercase hex): the name its bytes must match
 * @param source the opened file, or null when it is missing
 * @returns never rejects for the file's content; a read failure is `reason: 'unreadable'`
 */
export async function buildEvidencePreview(hash: string, source: PreviewSource | null, options: PreviewOptions = {}): Promise<EvidencePreview> {
  const limit = options.limit ?? PREVIEW_LIMIT_BYTES;
  const textBytes = options.textBytes ?? TEXT_PREVIEW_BYTES;
  if (!source) return noPreview(hash, 0, limit, 'missing');
  const { size } = source;
  const tooLarge = size > limit;
  const sha = createHash('sha256');
  const kept: Uint8Array[] = [];
  let read = 0;
  try {
    for await (const chunk of source.chunks) {
      read += chunk.length;
      // Over the limit only the first bytes are read, to name the kind in the message.
      if (tooLarge) {
        kept.push(chunk);
        if (read >= SNIFF_BYTES) break;
        continue;
      }
      // A file that grew since it was opened is no longer the evidence: stop reading it.
      if (read > size) return noPreview(hash, size, limit, 'modified');
      sha.update(chunk);
      // Copied: a stream may reuse its buffer for the next chunk.
      kept.push(Uint8Array.prototype.slice.call(chunk));
    }
  } catch {
    return noPreview(hash, size, limit, 'unreadable');
  }
  const sniffed = sniffMedia(head(kept, Math.min(read, SNIFF_BYTES)), { complete: read <= SNIFF_BYTES && !tooLarge });
  if (tooLarge) return noPreview(hash, size, limit, 'too-large', sniffed);
  if (read !== size || sha.digest('hex') !== hash) return noPreview(hash, size, limit, 'modified', sniffed);
  if (size === 0) return noPreview(hash, size, limit, 'empty');
  if (sniffed.kind === 'none') return noPreview(hash, size, limit, 'unsupported', sniffed);
  const bytes = Buffer.concat(kept, read);
  if (sniffed.kind === 'image') {
    const pixels = imageSize(bytes);
    if (pixels && pixels.width * pixels.height > (options.maxPixels ?? PREVIEW_MAX_PIXELS)) return { ...noPreview(hash, size, limit, 'too-many-pixels', sniffed), pixels };
    if (pixels) return { hash, kind: 'image', mediaType: sniffed.mediaType, size, data: bytes.toString('base64'), truncated: false, pixels, limit, reason: null };
  }
  const send = sniffed.kind === 'text' ? bytes.subarray(0, utf8PrefixLength(bytes, textBytes)) : bytes;
  return { hash, kind: sniffed.kind, mediaType: sniffed.mediaType, size, data: send.toString('base64'), truncated: send.length < bytes.length, limit, reason: null };
}
