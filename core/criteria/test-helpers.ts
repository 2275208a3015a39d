/**
 * Helpers shared by the criteria and interchange tests (not shipped code paths): the
 * fixture pack as in-memory files, and text positions for expected `line:col`.
 */
import type { PackFile } from './load';

/** 1-based `line:col` of the `nth` (0-based) occurrence of `needle` in `text`. */
export function posOf(text: string, needle: string, nth = 0): string {
  let idx = -1;
  for (let i = 0; i <= nth; i++) {
    idx = text.indexOf(needle, idx + 1);
    if (idx < 0) throw new Error(`"${needle}" (#${nth}) not found`);
  }
  const before = text.slice(0, idx);
  const line = before.split('\n').length;
  const col = idx - before.lastIndexOf('\n');
  return `${line}:${col}`;
}

/** Replaces exactly one occurrence of `from` in the file at `path`; throws when absent. */
export function edit(files: PackFile[], path: string, from: string | RegExp, to: string): PackFile[] {
  return files.map((f) => {
    if (f.path !== path) return f;
    const text = String(f.text);
    const next = text.replace(from, to);
    if (next === text) throw new Error(`edit: ${String(from)} not found in ${path}`);
    return { path: f.path, text: next };
  });
}

/** Text of a file in a PackFile list. */
export function textOf(files: PackFile[], path: string): string {
  const f = files.find((x) => x.path === path);
  if (!f) throw new Error(`no ${path}`);
  return String(f.text);
}
