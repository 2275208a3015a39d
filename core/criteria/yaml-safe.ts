/**
 * Parsing untrusted YAML (packs, OSCAL catalogs) without crashing or hanging, and mapping
 * value paths back to `line:col` for error messages.
 *
 * The order matters: size and text checks first, then a token-level pass (the `yaml` CST
 * parser is iterative) that measures nesting and rejects tags BEFORE any document tree is
 * built — the tree builder is recursive and a `- - - - …` line 10,000 levels deep exhausts
 * memory inside it. Only then the document is composed, keys are checked (no `__proto__`,
 * `constructor`, `prototype`, no collection keys), alias cycles are rejected, and it is
 * converted to plain data with a small alias budget (no "billion laughs").
 */
import {
  Composer,
  LineCounter,
  Parser,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type CST,
  type Document,
  type Node as YamlNode,
} from 'yaml';
import type { Problem } from './problems';
import { utf8DecodeStrict, utf8Length } from './utf8';

export interface YamlLimits {
  /** Bytes of UTF-8 text per file. */
  maxFileBytes: number;
  /** Collections nested inside each other. */
  maxDepth: number;
  /** Alias expansion budget (see the `yaml` package's maxAliasCount). */
  maxAliasCount: number;
}

export const DEFAULT_YAML_LIMITS: YamlLimits = { maxFileBytes: 5 * 1024 * 1024, maxDepth: 32, maxAliasCount: 100 };

/** Keys that would reach an object's prototype if the data were ever merged naively. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const CONTROL_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

export type Path = readonly (string | number)[];

/** A parsed YAML file: its plain value and a way to point at any path inside it. */
export interface ParsedYaml {
  file: string;
  /** Plain JSON-like data; strings normalized to Unicode NFC. */
  value: unknown;
  /**
   * Position of the node at `path`, or of its deepest existing ancestor (a missing key
   * points at the map that lacks it). `key: true` points at the key of the last segment.
   */
  locate(path: Path, opts?: { key?: boolean }): { line: number; col: number };
}

export interface ParseYamlResult {
  parsed?: ParsedYaml;
  problems: Problem[];
}

const MiB = (n: number): string => `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MiB`;

/** Size check shared by every reader of untrusted text. */
export function byteLength(input: string | Uint8Array): number {
  return typeof input === 'string' ? utf8Length(input) : input.length;
}

/**
 * Parses one YAML (or JSON) file defensively. Never throws; every failure is a located
 * problem. Returns `parsed` only when there are no problems.
 */
export function parseYamlSafe(file: string, input: string | Uint8Array, limits: YamlLimits = DEFAULT_YAML_LIMITS): ParseYamlResult {
  const at = (line: number, col: number, message: string): Problem => ({ file, line, col, message });
  const size = byteLength(input);
  if (size > limits.maxFileBytes) {
    return { problems: [at(1, 1, `file is ${MiB(size)}; the limit is ${MiB(limits.maxFileBytes)} per file — split it into smaller files`)] };
  }
  let text: string;
  if (typeof input === 'string') text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  else {
    const decoded = utf8DecodeStrict(input);
    if (decoded === null) return { problems: [at(1, 1, 'not UTF-8 text (is this a binary file?): save it as UTF-8 YAML')] };
    text = decoded;
  }
  const lc = new LineCounter();
  const ctl = CONTROL_CHAR.exec(text);
  if (ctl) {
    // Locate without a full LineCounter pass: count newlines up to the offending character.
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < ctl.index; i++) if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
    const code = ctl[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return { problems: [at(line, ctl.index - lineStart + 1, `control character U+${code} is not allowed (is this a binary file?)`)] };
  }

  const problems: Problem[] = [];
  const pos = (offset: number): { line: number; col: number } => {
    const p = lc.linePos(Math.max(0, offset));
    return { line: p.line, col: p.col };
  };
  const problemAt = (offset: number, message: string): Problem => {
    const p = pos(offset);
    return at(p.line, p.col, message);
  };

  let tokens: CST.Token[];
  try {
    tokens = [...new Parser(lc.addNewLine).parse(text)];
  } catch (err) {
    return { problems: [at(1, 1, `cannot parse YAML: ${err instanceof Error ? err.message : String(err)}`)] };
  }
  const scan = scanTokens(tokens, limits.maxDepth);
  if (scan.tooDeep !== undefined) {
    return { problems: [problemAt(scan.tooDeep, `nesting deeper than ${limits.maxDepth} levels is not allowed`)] };
  }
  for (const t of scan.tags.slice(0, 20)) {
    problems.push(problemAt(t.offset, `YAML tags such as ${t.source} are not allowed: write plain values`));
  }
  if (scan.documents > 1) problems.push(problemAt(scan.secondDocument, 'a file holds one YAML document: remove the "---" separator and what follows, or move it to its own file'));
  if (problems.length) return { problems };

  let doc: Document.Parsed | undefined;
  try {
    const composer = new Composer({
      version: '1.2',
      schema: 'core',
      merge: false,
      uniqueKeys: true,
      strict: true,
      prettyErrors: false,
      logLevel: 'silent',
      intAsBigInt: false,
    });
    for (const d of composer.compose(tokens, true, text.length)) {
      doc ??= d;
    }
  } catch (err) {
    return { problems: [at(1, 1, `cannot parse YAML: ${err instanceof Error ? err.message : String(err)}`)] };
  }
  if (!doc) return { problems: [at(1, 1, 'empty file')] };
  for (const e of [...doc.errors, ...doc.warnings]) problems.push(problemAt(e.pos[0], cleanYamlMessage(e.message)));
  if (problems.length) return { problems };

  checkNodes(doc, (offset, message) => problems.push(problemAt(offset, message)), limits.maxAliasCount);
  if (problems.length) return { problems };

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/alias/i.test(message)) {
      return { problems: [at(1, 1, `too many alias (*name) expansions (limit ${limits.maxAliasCount}): anchors and aliases may only be used sparingly`)] };
    }
    return { problems: [at(1, 1, `cannot read YAML: ${message}`)] };
  }
  const value = toPlain(raw, 0);
  if (value === TOO_DEEP) return { problems: [at(1, 1, `nesting deeper than ${limits.maxDepth} levels (through aliases) is not allowed`)] };

  const parsedDoc = doc;
  return {
    problems: [],
    parsed: {
      file,
      value,
      locate(path, opts) {
        return pos(locateOffset(parsedDoc, path, opts?.key ?? false));
      },
    },
  };
}

function cleanYamlMessage(message: string): string {
  // Without prettyErrors the messages carry no position; keep the first line only.
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?$/, '');
}

interface TokenScan {
  tooDeep?: number;
  tags: { offset: number; source: string }[];
  documents: number;
  secondDocument: number;
}

/** Iterative walk over the CST: depth, tags, document count. No recursion: input is hostile. */
function scanTokens(tokens: CST.Token[], maxDepth: number): TokenScan {
  const out: TokenScan = { tags: [], documents: 0, secondDocument: 0 };
  const stack: [CST.Token, number][] = [];
  for (const t of tokens) {
    if (t.type === 'document') {
      out.documents++;
      if (out.documents === 2) out.secondDocument = t.offset;
    }
    stack.push([t, 0]);
  }
  while (stack.length) {
    const [t, depth] = stack.pop()!;
    let d = depth;
    if (t.type === 'block-map' || t.type === 'block-seq' || t.type === 'flow-collection') {
      d = depth + 1;
      if (d > maxDepth) {
        out.tooDeep = t.offset;
        return out;
      }
    }
    switch (t.type) {
      case 'tag':
        out.tags.push({ offset: t.offset, source: t.source });
        break;
      case 'document':
        for (const s of t.start) stack.push([s, d]);
        if (t.value) stack.push([t.value, d]);
        break;
      case 'block-scalar':
        for (const p of t.props) stack.push([p, d]);
        break;
      case 'block-map':
      case 'block-seq':
      case 'flow-collection':
        for (const it of t.items) {
          for (const s of it.start) stack.push([s, d]);
          if (it.key) stack.push([it.key, d]);
          if (it.sep) for (const s of it.sep) stack.push([s, d]);
          if (it.value) stack.push([it.value, d]);
        }
        break;
      default:
        break;
    }
  }
  return out;
}

/** Keys must be plain scalars and never prototype-related names; aliases must not loop. */
function checkNodes(doc: Document.Parsed, report: (offset: number, message: string) => void, maxAliases: number): void {
  const ancestors: unknown[] = [];
  // The yaml package resolves every alias by walking the whole document (in toJS as well), so
  // a file's alias count is bounded here, before any expansion: quadratic work on a hostile
  // pack with tens of thousands of aliases would otherwise take minutes.
  let aliases = 0;
  // Anchors as met in document order: an alias names the last anchor of that name before it,
  // which is exactly what this single walk has seen last. (`Alias.resolve(doc)` walks the whole
  // document for every alias: quadratic, and a hostile pack could make that take minutes.)
  const anchors = new Map<string, unknown>();
  const register = (node: unknown): void => {
    const anchor = (node as { anchor?: unknown } | null)?.anchor;
    if (typeof anchor === 'string' && anchor) anchors.set(anchor, node);
  };
  const visitNode = (node: unknown): void => {
    if (isAlias(node)) {
      if (++aliases > maxAliases) {
        if (aliases === maxAliases + 1) report(node.range?.[0] ?? 0, `too many aliases (*name): at most ${maxAliases} in a file; write the values out instead`);
        return;
      }
      const target = anchors.get(node.source);
      if (target && ancestors.includes(target)) report(node.range?.[0] ?? 0, `alias *${node.source} refers to a node that contains it (a cycle)`);
      return;
    }
    register(node);
    if (isScalar(node)) {
      if (typeof node.value === 'string' && CONTROL_CHAR.test(node.value)) {
        report(node.range?.[0] ?? 0, 'control characters (e.g. "\\u0000") are not allowed in text');
      }
      if (typeof node.value === 'number' && !Number.isFinite(node.value)) report(node.range?.[0] ?? 0, 'infinite or NaN numbers are not allowed');
      return;
    }
    if (isMap(node)) {
      ancestors.push(node);
      for (const pair of node.items) {
        const key = pair.key as unknown;
        register(key);
        if (!isScalar(key)) {
          const offset = (key as { range?: [number] } | null)?.range?.[0] ?? node.range?.[0] ?? 0;
          report(offset, 'keys must be plain text, not lists, maps or aliases');
        } else if (typeof key.value === 'string' && FORBIDDEN_KEYS.has(key.value)) {
          report(key.range?.[0] ?? 0, `the key "${key.value}" is not allowed (it could tamper with object prototypes)`);
        } else if (key.value === null || typeof key.value === 'object') {
          report(key.range?.[0] ?? 0, 'keys must be plain text');
        }
        visitNode(pair.value);
      }
      ancestors.pop();
      return;
    }
    if (isSeq(node)) {
      ancestors.push(node);
      for (const item of node.items) visitNode(item);
      ancestors.pop();
    }
  };
  visitNode(doc.contents);
}

const TOO_DEEP = Symbol('too deep');

/** Copies toJS output into plain data with NFC strings; bounded depth (aliases can nest). */
function toPlain(v: unknown, depth: number): unknown {
  if (depth > 256) return TOO_DEEP;
  if (typeof v === 'string') return v.normalize('NFC');
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      const c = toPlain(x, depth + 1);
      if (c === TOO_DEEP) return TOO_DEEP;
      out.push(c);
    }
    return out;
  }
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const c = toPlain(x, depth + 1);
      if (c === TOO_DEEP) return TOO_DEEP;
      // Forbidden keys were rejected before; define anyway so no setter can ever run.
      Object.defineProperty(out, k.normalize('NFC'), { value: c, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return v;
}

function locateOffset(doc: Document.Parsed, path: Path, key: boolean): number {
  let node: unknown = doc.contents;
  let offset = (node as YamlNode | null)?.range?.[0] ?? 0;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return offset;
      if (key && i === path.length - 1) return (pair.key as YamlNode).range?.[0] ?? offset;
      node = pair.value;
      // An empty value (`key:`) has no node: point at the key.
      offset = (node as YamlNode | null)?.range?.[0] ?? (pair.key as YamlNode).range?.[0] ?? offset;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) return offset;
      node = item;
      offset = (node as YamlNode | null)?.range?.[0] ?? offset;
    } else return offset;
  }
  return offset;
}
