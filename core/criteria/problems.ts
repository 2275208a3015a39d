/** A located problem in a pack (or any YAML input): printed as `file:line:col: message`. */
export interface Problem {
  /** Path of the file as the caller named it (pack-relative for the loader). */
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  col: number;
  message: string;
}

/** `file:line:col: message` — the format editors and CI annotate. */
export function formatProblem(p: Problem, file: string = p.file): string {
  return `${file}:${p.line}:${p.col}: ${p.message}`;
}

/** Orders problems by the given file order, then by position; stable for equal positions. */
export function sortProblems(problems: Problem[], fileOrder: readonly string[] = []): Problem[] {
  const rank = (f: string): number => {
    const i = fileOrder.indexOf(f);
    return i < 0 ? fileOrder.length : i;
  };
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => rank(a.p.file) - rank(b.p.file) || (a.p.file < b.p.file ? -1 : a.p.file > b.p.file ? 1 : 0) || a.p.line - b.p.line || a.p.col - b.p.col || a.i - b.i)
    .map((x) => x.p);
}
