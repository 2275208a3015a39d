/**
 * Turns zod issues into located, readable problems. zod reports paths into the parsed
 * value; the YAML document maps each path back to `line:col`.
 */
import type { z } from 'zod';
import type { Problem } from './problems';
import type { ParsedYaml, Path } from './yaml-safe';

type Issue = z.core.$ZodIssue;

/** Reads `path` from plain data; undefined when any step is missing. */
export function getAt(value: unknown, path: Path): unknown {
  let v = value;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(v, seg)) return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

/** A short human label for a path: `criterion IAL2-2: levels[0]`, `dimensions[1].levels[0].rank`. */
export function pathLabel(path: Path, root: unknown): string {
  let prefix = '';
  let rest = path;
  if (path[0] === 'criteria' && typeof path[1] === 'number') {
    const id = getAt(root, ['criteria', path[1], 'id']);
    prefix = typeof id === 'string' && id ? `criterion ${id}` : `criteria[${path[1]}]`;
    rest = path.slice(2);
  } else if (path[0] === 'entries' && typeof path[1] === 'number') {
    prefix = `entries[${path[1]}]`;
    rest = path.slice(2);
  }
  let s = '';
  for (const seg of rest) s += typeof seg === 'number' ? `[${seg}]` : s ? `.${seg}` : seg;
  return prefix && s ? `${prefix}: ${s}` : prefix || s;
}

function describe(v: unknown): string {
  if (v === null) return 'null (an empty value)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return `"${v.length > 60 ? v.slice(0, 57) + '…' : v}"`;
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'boolean') return `the boolean ${v}`;
  return typeof v;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  array: 'a list',
  object: 'a map',
};

function missingMessage(key: string | number): string {
  if (key === 'ja') return 'Japanese text (ja) is missing: every text needs both ja and en';
  if (key === 'en') return 'English text (en) is missing: every text needs both ja and en';
  return `missing required field "${String(key)}"`;
}

function toPath(p: readonly PropertyKey[]): (string | number)[] {
  return p.map((s) => (typeof s === 'symbol' ? String(s) : s));
}

/** Converts zod issues for the value at `base` inside `parsed` into problems. */
export function zodProblems(parsed: ParsedYaml, issues: readonly Issue[], base: Path = []): Problem[] {
  const out: Problem[] = [];
  const emit = (path: Path, message: string, key = false, labelPath: Path = path): void => {
    const { line, col } = parsed.locate(path, { key });
    const label = pathLabel(labelPath, parsed.value);
    out.push({ file: parsed.file, line, col, message: label ? `${label}: ${message}` : message });
  };
  const visit = (issue: Issue, prefix: Path): void => {
    const path = [...prefix, ...toPath(issue.path)];
    const value = getAt(parsed.value, path);
    // A missing field shows up as a type, enum or union mismatch on `undefined`.
    if (value === undefined && path.length > 0 && (issue.code === 'invalid_type' || issue.code === 'invalid_value' || issue.code === 'invalid_union')) {
      const parent = path.slice(0, -1);
      const holder = getAt(parsed.value, parent);
      if (holder !== null && typeof holder === 'object' && !Array.isArray(holder)) {
        emit(path, missingMessage(path[path.length - 1]!), false, parent);
        return;
      }
    }
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const k of issue.keys) emit([...path, k], `unknown field "${k}"`, true);
        return;
      case 'invalid_union': {
        const branches = issue.errors;
        const typeMismatch = (b: readonly Issue[]): boolean =>
          b.every((i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value'));
        const candidates = branches.filter((b) => b.length > 0 && !typeMismatch(b));
        if (candidates.length) {
          const best = candidates.reduce((a, b) => (b.length < a.length ? b : a));
          for (const i of best) visit(i, path);
          return;
        }
        const alts = new Set<string>();
        for (const b of branches) {
          const first = b[0];
          if (!first) continue;
          if (first.code === 'invalid_value') first.values.forEach((v) => alts.add(JSON.stringify(v)));
          else if (first.code === 'invalid_type') alts.add(TYPE_NAMES[first.expected] ?? first.expected);
          else alts.add(first.message);
        }
        emit(path, `expected ${[...alts].join(' or ')}, got ${describe(value)}`);
        return;
      }
      case 'invalid_type': {
        const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
        const hint = issue.expected === 'string' && (typeof value === 'number' || typeof value === 'boolean') ? ': put the value in quotes' : '';
        emit(path, `expected ${expected}, got ${describe(value)}${hint}`);
        return;
      }
      case 'invalid_value':
        emit(path, `expected ${issue.values.map((v) => JSON.stringify(v)).join(', ')}; got ${describe(value)}`);
        return;
      case 'invalid_format':
        emit(path, `${describe(value)} ${issue.message.startsWith('Invalid') ? issue.message.replace(/^Invalid string: /, '') : issue.message}`);
        return;
      case 'too_small':
      case 'too_big': {
        const small = issue.code === 'too_small';
        const limit = small ? (issue as { minimum: number | bigint }).minimum : (issue as { maximum: number | bigint }).maximum;
        const custom = !/^Too (small|big)/.test(issue.message);
        if (custom) emit(path, issue.message);
        else if (issue.origin === 'array') emit(path, small ? `needs at least ${limit} item(s)` : `has more than ${limit} items`);
        else if (issue.origin === 'string') emit(path, small ? (Number(limit) <= 1 ? 'must not be empty' : `must be at least ${limit} characters`) : `is longer than ${limit} characters`);
        else emit(path, small ? `must be at least ${limit}, got ${describe(value)}` : `must be at most ${limit}, got ${describe(value)}`);
        return;
      }
      default:
        emit(path, issue.message);
    }
  };
  for (const issue of issues) visit(issue, base);
  return out;
}
