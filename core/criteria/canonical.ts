/**
 * Canonical form and identity of a loaded pack.
 *
 * canonical JSON = the loaded pack (schema defaults applied, `hash` left out) serialized
 * with object keys sorted by UTF-16 code units, no whitespace, strings in Unicode NFC,
 * arrays in their order (criteria order is presentation order and part of the content).
 * packHash = SHA-256 of the canonical JSON's UTF-8 bytes, lowercase hex.
 *
 * Because it is computed from the loaded data, the hash does not depend on YAML
 * formatting, comments, key order, quoting styles, or how criteria are split into files.
 */
import type { Pack } from './schema';
import { sha256Hex } from './sha256';
import { utf8Encode } from './utf8';

/** Serializes JSON-like data canonically (see the module comment). Throws on non-JSON values. */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  write(value, parts, 0);
  return parts.join('');
}

function write(v: unknown, out: string[], depth: number): void {
  if (depth > 512) throw new Error('canonicalJson: value nested too deeply');
  if (v === null) out.push('null');
  else if (typeof v === 'string') out.push(JSON.stringify(v.normalize('NFC')));
  else if (typeof v === 'boolean') out.push(v ? 'true' : 'false');
  else if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error('canonicalJson: non-finite number');
    out.push(JSON.stringify(v));
  } else if (Array.isArray(v)) {
    out.push('[');
    v.forEach((x, i) => {
      if (i) out.push(',');
      write(x === undefined ? null : x, out, depth + 1);
    });
    out.push(']');
  } else if (typeof v === 'object') {
    const entries = Object.keys(v as object)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => [k.normalize('NFC'), (v as Record<string, unknown>)[k]] as const)
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    out.push('{');
    entries.forEach(([k, x], i) => {
      if (i) out.push(',');
      out.push(JSON.stringify(k), ':');
      write(x, out, depth + 1);
    });
    out.push('}');
  } else throw new Error(`canonicalJson: cannot serialize a ${typeof v}`);
}

/** The canonical JSON of a pack: everything but its `hash`. */
export function canonicalPackJson(pack: Omit<Pack, 'hash'> | Pack): string {
  const { hash: _hash, ...content } = pack as Pack;
  return canonicalJson(content);
}

/** SHA-256 (hex) of the pack's canonical JSON; equals `pack.hash` for a loaded pack. */
export function packHash(pack: Omit<Pack, 'hash'> | Pack): string {
  return sha256Hex(utf8Encode(canonicalPackJson(pack)));
}

/** `id@version#hash`: what an assessment pins. */
export function packIdentity(pack: { id: string; version: string; hash: string }): string {
  return `${pack.id}@${pack.version}#${pack.hash}`;
}

export interface PackRefParts {
  id: string;
  version: string;
  hash?: string;
}

/** Parses `id@version` or `id@version#hash`; returns null when it is neither. */
export function parsePackRef(ref: string): PackRefParts | null {
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)@([^@#\s]+)(?:#([0-9a-f]{64}))?$/.exec(ref);
  if (!m) return null;
  return m[3] ? { id: m[1]!, version: m[2]!, hash: m[3] } : { id: m[1]!, version: m[2]! };
}
