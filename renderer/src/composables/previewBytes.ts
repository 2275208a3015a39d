// Turns the bytes main sends for an evidence preview (base64 in an API answer) into what the
// page shows: raw bytes for pdf.js, a blob: URL for <img>, characters for a <pre>.

/** Decodes base64 into bytes (answers can be tens of MB, so no per-character string work). */
export function base64ToBytes(data: string): Uint8Array<ArrayBuffer> {
  const binary = atob(data);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/**
 * UTF-8 text for display. Main sends only files whose start is valid UTF-8; anything wrong
 * further in shows as U+FFFD rather than failing the whole preview.
 */
export function bytesToText(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: false, ignoreBOM: false }).decode(bytes);
}
