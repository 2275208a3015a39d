/**
 * Entry names inside a submission package. A package travels from an applicant to a
 * certification body and may be extracted there on Windows, macOS or Linux, so a name must be
 * safe on all three: a relative POSIX path that cannot climb out of its folder, name a device,
 * hide characters, or land on the same file as another entry on a case-insensitive or
 * normalising file system. The same rules bind the writer (which refuses such names) and the
 * verifier (which rejects packages holding them).
 */
import { utf8DecodeStrict, utf8Encode, utf8Length } from '../criteria/utf8';

/** Longest path segment in UTF-8 bytes (NAME_MAX on Linux and macOS, 255 UTF-16 units on NTFS). */
export const MAX_SEGMENT_BYTES = 255;
/** Longest whole path in UTF-8 bytes. */
export const MAX_PATH_BYTES = 1024;

export type NameProblemCode =
  | 'empty'
  | 'invalid-utf8'
  | 'control-character'
  | 'format-character'
  | 'unc-path'
  | 'absolute-path'
  | 'drive-letter'
  | 'backslash'
  | 'windows-character'
  | 'empty-segment'
  | 'dot-segment'
  | 'trailing-dot-or-space'
  | 'reserved-name'
  | 'segment-too-long'
  | 'path-too-long'
  | 'duplicate'
  | 'case-collision'
  | 'normalization-collision'
  | 'file-folder-collision';

export interface NameProblem {
  code: NameProblemCode;
  /** The offending name, made printable (see `printableName`). */
  name: string;
  /** One line: what is wrong and why it matters. */
  message: string;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// C0, DEL and C1 controls, and the line/paragraph separators: they break lines in reports and
// terminals, and NUL truncates names in C APIs ("a.pdf\0.exe").
const CONTROL = /[\p{Cc}\u2028\u2029]/u;
// Bidi overrides, zero-width characters, BOM: a name would display as something it is not.
const FORMAT = /\p{Cf}/u;
// Characters Windows cannot store in a name; ':' would also open an NTFS alternate data stream.
const WINDOWS_FORBIDDEN = /[<>:"|?*]/;
// Device names Windows reserves with or without an extension, also with trailing spaces.
const WINDOWS_RESERVED = /^(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³]|CONIN\$|CONOUT\$)\s*(\..*)?$/i;

/**
 * Makes an untrusted name safe to print in a report or a terminal: control, format and lone
 * surrogate characters become `\u{…}` escapes (an escape sequence in a name must not recolour
 * or rewrite the verifier's own output), and very long names are shortened in the middle.
 */
export function printableName(name: string): string {
  const escaped = name.replace(/[\p{Cc}\p{Cf}\u2028\u2029\uD800-\uDFFF]/gu, (c) => `\\u{${c.codePointAt(0)!.toString(16).toUpperCase()}}`);
  return escaped.length > 200 ? `${escaped.slice(0, 120)}…${escaped.slice(-60)}` : escaped;
}

/**
 * Decodes an entry name stored as UTF-8. Returns null when the bytes are not exactly the UTF-8
 * form of some string (invalid sequences, overlong forms, a byte-order mark), so two different
 * byte strings never decode to the same name.
 */
export function decodeEntryName(bytes: Uint8Array): string | null {
  const text = utf8DecodeStrict(bytes);
  if (text === null) return null;
  const back = utf8Encode(text);
  if (back.length !== bytes.length) return null;
  for (let i = 0; i < back.length; i++) if (back[i] !== bytes[i]) return null;
  return text;
}

function problem(code: NameProblemCode, name: string, why: string): NameProblem {
  const shown = printableName(name);
  return { code, name: shown, message: `"${shown}": ${why}` };
}

/**
 * Checks one entry name against the package naming rules. `options.directory` accepts one
 * trailing `/` (how ZIP marks folder entries). Returns the first problem found, or null.
 */
export function checkEntryName(name: string, options: { directory?: boolean } = {}): NameProblem | null {
  const path = options.directory && name.endsWith('/') ? name.slice(0, -1) : name;
  if (path === '') return problem('empty', name, 'an empty name cannot be extracted');
  if (LONE_SURROGATE.test(path)) return problem('invalid-utf8', name, 'the name is not valid Unicode');
  if (CONTROL.test(path)) return problem('control-character', name, 'the name holds a control character (NUL, escape, line break…) that can truncate or disguise it');
  if (FORMAT.test(path)) return problem('format-character', name, 'the name holds an invisible formatting character (bidi override, zero-width, BOM) that can disguise it');
  if (path.startsWith('\\\\') || path.startsWith('//')) return problem('unc-path', name, 'a UNC path (\\\\server\\share) would reach another machine when extracted on Windows');
  if (path.startsWith('/')) return problem('absolute-path', name, 'an absolute path would be extracted outside the target folder');
  if (/^[A-Za-z]:/.test(path)) return problem('drive-letter', name, 'a drive letter (C:) would be extracted outside the target folder on Windows');
  if (path.includes('\\')) return problem('backslash', name, 'a backslash is a folder separator on Windows: use "/" between folders');
  if (WINDOWS_FORBIDDEN.test(path)) return problem('windows-character', name, 'the name holds a character Windows cannot store (< > : " | ? *)');
  if (utf8Length(path) > MAX_PATH_BYTES) return problem('path-too-long', name, `the path is longer than ${MAX_PATH_BYTES} bytes`);
  for (const segment of path.split('/')) {
    if (segment === '') return problem('empty-segment', name, 'the path has an empty folder name ("//" or a trailing "/")');
    if (segment === '.' || segment === '..') return problem('dot-segment', name, `a "${segment}" segment can climb out of the folder the package is extracted to`);
    if (/[. ]$/.test(segment)) return problem('trailing-dot-or-space', name, `"${printableName(segment)}" ends with a dot or a space, which Windows drops (two names could become one)`);
    if (WINDOWS_RESERVED.test(segment)) return problem('reserved-name', name, `"${printableName(segment)}" is a device name Windows reserves (CON, NUL, COM1…)`);
    if (utf8Length(segment) > MAX_SEGMENT_BYTES) return problem('segment-too-long', name, `a folder or file name is longer than ${MAX_SEGMENT_BYTES} bytes`);
  }
  return null;
}

/**
 * The name two entries share when a case-insensitive, normalising file system (Windows, macOS)
 * would store them as one file: Unicode NFC, then case-folded. It errs towards "same": a false
 * collision refuses a package, a missed one lets one file silently replace another. Folding
 * goes lower → upper → lower so that every case variant lands on one key (ẞ, ß and SS all
 * become "ss"; one round trip leaves ẞ as ß).
 */
export function collisionKey(name: string): string {
  return name.normalize('NFC').toLowerCase().toUpperCase().toLowerCase().normalize('NFC');
}

/**
 * Remembers the names of a package's files and reports the first name that would land on the
 * same path as an earlier one: an exact duplicate, a name differing only in case or in Unicode
 * normalisation, or a file whose path another entry uses as a folder (`a` and `a/b`).
 */
export class NameRegistry {
  private readonly files = new Map<string, string>();
  private readonly folders = new Map<string, string>();

  /** Registers a file name; returns the collision it causes, or null. The name is kept either way. */
  add(name: string): NameProblem | null {
    const key = collisionKey(name);
    const found = this.collisionWith(name, key);
    if (!this.files.has(key)) this.files.set(key, name);
    const segments = name.split('/');
    let prefix = '';
    for (let i = 0; i < segments.length - 1; i++) {
      prefix = i === 0 ? segments[0]! : `${prefix}/${segments[i]}`;
      const folderKey = collisionKey(prefix);
      if (!this.folders.has(folderKey)) this.folders.set(folderKey, name);
    }
    return found;
  }

  private collisionWith(name: string, key: string): NameProblem | null {
    const same = this.files.get(key);
    if (same !== undefined) {
      if (same === name) return problem('duplicate', name, 'the package holds two entries with this name');
      if (same.normalize('NFC') === name.normalize('NFC')) {
        return problem('normalization-collision', name, `differs from "${printableName(same)}" only in Unicode normalisation (NFC/NFD): macOS and Windows store both as one file`);
      }
      return problem('case-collision', name, `differs from "${printableName(same)}" only in letter case: Windows and macOS store both as one file`);
    }
    const asFolder = this.folders.get(key);
    if (asFolder !== undefined) return problem('file-folder-collision', name, `is a file, but "${printableName(asFolder)}" uses the same path as a folder`);
    const segments = name.split('/');
    let prefix = '';
    for (let i = 0; i < segments.length - 1; i++) {
      prefix = i === 0 ? segments[0]! : `${prefix}/${segments[i]}`;
      const file = this.files.get(collisionKey(prefix));
      if (file !== undefined) return problem('file-folder-collision', name, `uses "${printableName(file)}" as a folder, but the package holds a file by that name`);
    }
    return null;
  }
}
