/**
 * `tf-assessor score`: the level each dimension reaches and what blocks the rest, from an
 * assessment folder or from a pack and an answer sheet.
 */
import { readFile, stat } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatProblem } from '../../core/criteria/problems';
import type { Pack } from '../../core/criteria/schema';
import { packRef } from '../../core/criteria/schema';
import { DEFAULT_SHEET_LIMITS, parseAnswerSheet } from '../../core/interchange/answers';
import { defaultPackRoots, resolvePack } from '../../core/node/packs';
import { ScoringInputError, score } from '../../core/scoring/score';
import type { Answer, Blocker, BlockReason, ScoreResult, ScoringInput } from '../../core/scoring/types';
import { CliError, type CliCommand, type CliContext } from '../context';
import { toScoringInput } from '../../core/assessment/scoring-input';
import { openAssessmentDir } from './assessment-dir';

export interface ScoreArgs {
  assessmentDir?: string;
  pack?: string;
  answers?: string;
  roles: string[];
  capabilities: string[];
  targets: [string, string][];
  lang: 'ja' | 'en';
  json: boolean;
}

const USAGE =
  'score <assessment-dir> | score --pack <id@version|dir> --answers <file.csv|xlsx> [--role R]... [--capability C]... [--target DIM=LEVEL]... [--json] [--lang en|ja]';

/** Parses the command's arguments; usage errors exit 2. */
export function parseScoreArgs(argv: readonly string[]): ScoreArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        pack: { type: 'string' },
        answers: { type: 'string' },
        role: { type: 'string', multiple: true },
        capability: { type: 'string', multiple: true },
        target: { type: 'string', multiple: true },
        lang: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
  } catch (e) {
    throw new CliError(`${e instanceof Error ? e.message : String(e)}; usage: tf-assessor ${USAGE}`, 2);
  }
  const { values, positionals } = parsed;
  const lang = values.lang ?? 'en';
  if (lang !== 'en' && lang !== 'ja') throw new CliError(`--lang must be en or ja, not "${lang}"`, 2);
  const targets = (values.target ?? []).map((t): [string, string] => {
    const m = /^([^=\s]+)=([^=\s]+)$/.exec(t);
    if (!m) throw new CliError(`--target ${t}: write it as DIMENSION=LEVEL, e.g. --target IAL=IAL2`, 2);
    return [m[1]!, m[2]!];
  });
  const out: ScoreArgs = { roles: values.role ?? [], capabilities: values.capability ?? [], targets, lang, json: values.json ?? false };
  if (positionals.length > 1) throw new CliError(`expected one assessment folder, got ${positionals.length} arguments; usage: tf-assessor ${USAGE}`, 2);
  if (positionals.length === 1) {
    if (values.pack !== undefined || values.answers !== undefined) throw new CliError('give either an assessment folder or --pack with --answers, not both', 2);
    out.assessmentDir = positionals[0]!;
    return out;
  }
  if (!values.pack || !values.answers) throw new CliError(`${values.pack ? '--answers' : '--pack'} is required; usage: tf-assessor ${USAGE}`, 2);
  out.pack = values.pack;
  out.answers = values.answers;
  return out;
}

/** Checks roles, capabilities and targets against the pack, so a typo is an error, not an empty scope. */
export function profileFor(pack: Pack, args: ScoreArgs): Pick<ScoringInput, 'roles' | 'capabilities' | 'targets'> {
  const known = (what: string, flag: string, given: string[], declared: { id: string }[]) => {
    for (const g of given) {
      if (!declared.some((d) => d.id === g)) {
        const list = declared.map((d) => d.id).join(', ');
        throw new CliError(`${flag} ${g}: pack ${packRef(pack)} has no such ${what}; ${list ? `use one of ${list}` : `it declares no ${what}`}`, 2);
      }
    }
  };
  known('role', '--role', args.roles, pack.roles);
  known('capability', '--capability', args.capabilities, pack.capabilities);
  const targets: Record<string, string> = {};
  for (const [dim, level] of args.targets) {
    const d = pack.dimensions.find((x) => x.id === dim);
    if (!d) throw new CliError(`--target ${dim}=${level}: pack ${packRef(pack)} has no dimension ${dim}; use one of ${pack.dimensions.map((x) => x.id).join(', ')}`, 2);
    if (!d.levels.some((l) => l.id === level)) throw new CliError(`--target ${dim}=${level}: ${dim} has no level ${level}; use one of ${d.levels.map((l) => l.id).join(', ')}`, 2);
    targets[dim] = level;
  }
  return { roles: [...new Set(args.roles)], capabilities: [...new Set(args.capabilities)], targets };
}

/** The `--json` document: stable keys for scripts and certification bodies. */
export function scoreJson(result: ScoreResult): unknown {
  return {
    pack: result.pack,
    packHash: result.packHash,
    levels: result.levels,
    aggregate: result.aggregate,
    targets: Object.fromEntries(result.dimensions.filter((d) => d.target !== null).map((d) => [d.dimension, { target: d.target, met: d.targetMet }])),
    blocking: result.blocking,
  };
}

const REASON_TEXT: Record<BlockReason, (b: Blocker) => string> = {
  'not-assessed': () => 'not assessed yet',
  'major-nc': () => 'major non-conformity',
  'minor-nc': () => 'minor non-conformity (this pack accepts none)',
  'minor-nc-without-accepted-plan': (b) =>
    `minor non-conformity without an accepted corrective-action plan with a due date${b.findings?.length ? ` (finding ${b.findings.join(', ')})` : ''}`,
  'not-applicable-without-justification': () => 'marked not applicable without a justification',
  'open-major-finding': (b) => `open major finding ${b.findings?.join(', ') ?? ''}`.trim(),
  'constituent-not-met': (b) => `depends on ${b.constituents?.join(', ') ?? 'its constituents'}, not all met`,
};

/** A blocker in plain words. */
export function reasonText(b: Blocker): string {
  return REASON_TEXT[b.reason](b);
}

const MAX_LISTED = 25;

/** Human output: a table of dimension → achieved / target, then what blocks each unmet target (or the next level up). */
export function scoreText(pack: Pack, result: ScoreResult, profile: Pick<ScoringInput, 'roles' | 'capabilities'>, lang: 'ja' | 'en' = 'en'): string {
  const lines: string[] = [];
  lines.push(`Pack ${result.pack}  ${pack.title[lang]}`);
  lines.push(`Service: roles ${profile.roles.length ? profile.roles.join(', ') : 'all'}; capabilities ${profile.capabilities.length ? profile.capabilities.join(', ') : 'none'}`);
  lines.push('');
  const rows: string[][] = [['Dimension', 'Achieved', 'Target', 'Answered']];
  for (const d of result.dimensions) {
    rows.push([
      d.dimension,
      d.notApplicable ? 'not applicable' : (d.achieved ?? 'none'),
      d.target === null ? '—' : `${d.target} ${d.targetMet === null ? '(not applicable)' : d.targetMet ? '(met)' : '(NOT met)'}`,
      `${d.progress.answered}/${d.progress.applicable}`,
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) lines.push(r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
  if (result.aggregate.kind === 'minimum') {
    const rank = result.aggregate.rank;
    lines.push('', `Overall (lowest across assurance dimensions): ${rank === null ? 'none' : `rank ${rank}`}`);
  }

  const titles = new Map(pack.criteria.map((c) => [c.id, c.title[lang]]));
  for (const d of result.dimensions) {
    if (d.notApplicable) continue;
    const achievedRank = d.achieved === null ? -Infinity : d.levels.find((l) => l.level === d.achieved)!.rank;
    let focus: (typeof d.levels)[number] | undefined;
    let why: string;
    if (d.target !== null && d.targetMet === false) {
      focus = d.levels.find((l) => l.level === d.target);
      why = 'target';
    } else {
      focus = [...d.levels].filter((l) => l.rank > achievedRank && l.applicable > 0).sort((a, b) => a.rank - b.rank)[0];
      why = 'next level';
    }
    if (!focus) continue;
    lines.push('');
    if (focus.blocking.length === 0) {
      lines.push(`${focus.level} (${why}): no SHALL criterion applies to this service at this level, so it cannot be achieved`);
      continue;
    }
    lines.push(`${focus.level} (${why}) is blocked by ${focus.blocking.length} ${focus.blocking.length === 1 ? 'criterion' : 'criteria'}:`);
    const idWidth = Math.min(24, Math.max(...focus.blocking.slice(0, MAX_LISTED).map((b) => b.criterion.length)));
    for (const b of focus.blocking.slice(0, MAX_LISTED)) {
      const title = titles.get(b.criterion) ?? '';
      lines.push(`  ${b.criterion.padEnd(idWidth)}  ${reasonText(b)}${title ? ` — ${title.length > 70 ? `${title.slice(0, 69)}…` : title}` : ''}`);
    }
    if (focus.blocking.length > MAX_LISTED) lines.push(`  … and ${focus.blocking.length - MAX_LISTED} more (--json lists all)`);
    const advisory = focus.advisory.unmet.length;
    if (advisory > 0) lines.push(`  (${advisory} SHOULD/MAY ${advisory === 1 ? 'criterion' : 'criteria'} at this level not met: reported, not blocking)`);
  }
  return lines.join('\n') + '\n';
}

/**
 * `score <assessment-dir>`: the workspace opened read-only (no lock: scoring while the app
 * has it open is fine), its pinned pack resolved by id, version and hash (a changed or missing
 * installed pack is refused), and the scoring input built from the document's results,
 * findings, roles, capabilities and targets.
 */
async function inputFromAssessmentDir(dir: string, ctx: CliContext): Promise<{ pack: Pack; input: ScoringInput }> {
  const { ws, pack } = await openAssessmentDir(dir, ctx, { readOnly: true });
  try {
    return { pack, input: toScoringInput(ws.assessment) };
  } finally {
    await ws.close();
  }
}

async function resolvePackArg(ref: string, ctx: CliContext): Promise<Pack> {
  let resolved;
  try {
    resolved = await resolvePack(ref, { roots: defaultPackRoots(ctx.env), cwd: ctx.cwd });
  } catch (e) {
    throw new CliError(e instanceof Error ? e.message : String(e));
  }
  if (!resolved.result.ok) {
    const problems = resolved.result.problems;
    const first = problems[0]!;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    throw new CliError(`${ref} is not a valid pack: ${formatProblem(first, relative(ctx.cwd, first.file) || first.file)}${more}; run tf-assessor pack validate`);
  }
  return resolved.result.pack;
}

/** Reads the answer sheet; any problem in it is a failure, since a skipped row would change the levels. */
async function readAnswerSheet(file: string, pack: Pack, ctx: CliContext): Promise<Record<string, Answer>> {
  const abs = resolve(ctx.cwd, file);
  let size: number;
  try {
    const st = await stat(abs);
    if (!st.isFile()) throw new CliError(`${file} is not a file: give the answer sheet (.csv or .xlsx)`);
    size = st.size;
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : e instanceof Error ? e.message : String(e)}`);
  }
  // Checked before reading so a huge file is refused without loading it.
  if (size > DEFAULT_SHEET_LIMITS.maxBytes) {
    throw new CliError(`${file} is ${(size / 1048576).toFixed(1)} MiB; answer sheets are limited to ${DEFAULT_SHEET_LIMITS.maxBytes / 1048576} MiB`);
  }
  const bytes = new Uint8Array(await readFile(abs));
  const { answers, problems } = parseAnswerSheet(bytes, { pack });
  if (problems.length > 0) {
    const p = problems[0]!;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problems)` : '';
    throw new CliError(`${file}${p.row > 0 ? `: row ${p.row}` : ''}: ${p.message}${more}`);
  }
  const out: Record<string, Answer> = {};
  for (const [id, a] of Object.entries(answers)) out[id] = a.justification === undefined ? { status: a.status } : { status: a.status, justification: a.justification };
  return out;
}

async function inputFromFiles(args: ScoreArgs, ctx: CliContext): Promise<{ pack: Pack; input: ScoringInput }> {
  const pack = await resolvePackArg(args.pack!, ctx);
  const profile = profileFor(pack, args);
  const answers = await readAnswerSheet(args.answers!, pack, ctx);
  return { pack, input: { ...profile, answers } };
}

export const scoreCommand: CliCommand = {
  name: 'score',
  usage: USAGE,
  summary: 'achieved level per dimension and what blocks each target',
  async run(ctx) {
    const args = parseScoreArgs(ctx.argv);
    const { pack, input } = args.assessmentDir !== undefined ? await inputFromAssessmentDir(args.assessmentDir, ctx) : await inputFromFiles(args, ctx);
    let result: ScoreResult;
    try {
      result = score(pack, input);
    } catch (err) {
      if (err instanceof ScoringInputError) throw new CliError(err.message);
      throw err;
    }
    ctx.stdout(args.json ? `${JSON.stringify(scoreJson(result), null, 2)}\n` : scoreText(pack, result, input, args.lang));
    return 0;
  },
};
