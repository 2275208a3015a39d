/**
 * `tf-assessor answers import <assessment-dir> <file.csv|xlsx>`: fills an assessment's results,
 * justifications and notes from an answer sheet (the one `answers template` writes).
 *
 * All or nothing: if any row is bad (unknown criterion, unknown status, a not-applicable
 * without justification, a row answered twice…) every problem is listed with its row number and
 * nothing is applied. Otherwise each changed criterion becomes one `answer.set` change, all
 * written with one journal write (each its own journal entry with old and new values).
 *
 * What a row means: an empty status cell leaves the result as it is (a partly filled template
 * does not wipe other results); `not-assessed` written out clears it. Justification and notes
 * replace the recorded text when the cell has text; an empty cell leaves the text as it is.
 */
import { stat, readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Change } from '../../core/assessment/ops';
import { own } from '../../core/assessment/schema';
import { DEFAULT_SHEET_LIMITS, parseAnswerSheet } from '../../core/interchange/answers';
import { CliError, type CliCommand } from '../context';
import { openAssessmentDir, storageFailure } from './assessment-dir';

/** Problems listed before "and N more". */
const MAX_LISTED = 50;

export const answersImportCommand: CliCommand = {
  name: 'answers import',
  usage: 'answers import <assessment-dir> <file.csv|xlsx>',
  summary: "fill an assessment's results from an answer sheet (all rows valid, or nothing is changed)",
  async run(ctx) {
    let positionals: string[];
    try {
      ({ positionals } = parseArgs({ args: ctx.argv, allowPositionals: true, strict: true, options: {} }));
    } catch (e) {
      throw new CliError(`${e instanceof Error ? e.message : String(e)}; usage: tf-assessor ${this.usage}`, 2);
    }
    if (positionals.length !== 2) throw new CliError(`usage: tf-assessor ${this.usage}`, 2);
    const [dirArg, fileArg] = positionals as [string, string];
    const file = resolve(ctx.cwd, fileArg);
    const shownFile = relative(ctx.cwd, file) || file;

    // The sheet is read before the assessment is locked: a bad file never touches it.
    let size: number;
    try {
      const st = await stat(file);
      if (!st.isFile()) throw new CliError(`${shownFile} is not a file: give the answer sheet (.csv or .xlsx)`);
      size = st.size;
    } catch (e) {
      if (e instanceof CliError) throw e;
      throw new CliError(`cannot read ${shownFile}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : e instanceof Error ? e.message : String(e)}`);
    }
    if (size > DEFAULT_SHEET_LIMITS.maxBytes) {
      throw new CliError(`${shownFile} is ${(size / 1048576).toFixed(1)} MiB; answer sheets are limited to ${DEFAULT_SHEET_LIMITS.maxBytes / 1048576} MiB`);
    }
    const bytes = new Uint8Array(await readFile(file));

    const { dir, ws, pack } = await openAssessmentDir(dirArg, ctx, { readOnly: false });
    const shownDir = relative(ctx.cwd, dir) || dir;
    try {
      const { answers, problems, rows } = parseAnswerSheet(bytes, { pack });
      if (problems.length > 0) {
        for (const p of problems.slice(0, MAX_LISTED)) ctx.stderr(`${shownFile}${p.row > 0 ? `:${p.row}` : ''}: ${p.message}\n`);
        if (problems.length > MAX_LISTED) ctx.stderr(`… and ${problems.length - MAX_LISTED} more problems\n`);
        throw new CliError(`${shownFile}: ${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}; nothing was imported into ${shownDir}. Fix the rows above and run the import again`);
      }

      const doc = ws.assessment;
      const changes: Change[] = [];
      let blank = 0;
      let unchanged = 0;
      const counts = { set: 0, changed: 0, cleared: 0, text: 0 };
      // In sheet order, so the journal reads like the sheet.
      const ids = Object.keys(answers).sort((x, y) => rows[x]!.row - rows[y]!.row);
      for (const id of ids) {
        const answer = answers[id]!;
        const info = rows[id]!;
        const current = own(doc.criteria, id) ?? {};
        const set: { status?: typeof answer.status | null; justification?: string; notes?: string } = {};
        if (!info.statusBlank) {
          if (answer.status === 'not-assessed') {
            if (current.status !== undefined) set.status = null;
          } else if (answer.status !== current.status) set.status = answer.status;
        }
        if (answer.justification !== undefined && answer.justification !== current.justification) set.justification = answer.justification;
        if (answer.notes !== undefined && answer.notes !== current.notes) set.notes = answer.notes;
        if (Object.keys(set).length === 0) {
          if (info.statusBlank && answer.justification === undefined && answer.notes === undefined) blank += 1;
          else unchanged += 1;
          continue;
        }
        if (set.status === null) counts.cleared += 1;
        else if (set.status !== undefined) counts[current.status === undefined ? 'set' : 'changed'] += 1;
        else counts.text += 1;
        changes.push({ op: 'answer.set', criterion: id, set } as Change);
      }

      if (changes.length > 0) {
        const applied = await ws.applyAll(changes);
        if (!applied.ok) {
          await ws.close({ discardUnsaved: true });
          throw new CliError(`${shownDir}: ${applied.error.message.replace(/ \d+ changes? (is|are) kept in memory.*$/, '')} Nothing was imported.`);
        }
      }
      const closed = await ws.close();
      if (!closed.ok) throw storageFailure(closed.error, ctx, dir);
      const parts = [
        `${changes.length} ${changes.length === 1 ? 'criterion' : 'criteria'} updated (${counts.set} answered, ${counts.changed} changed, ${counts.cleared} cleared, ${counts.text} text only)`,
        `${unchanged} unchanged`,
        `${blank} empty ${blank === 1 ? 'row' : 'rows'} skipped`,
      ];
      ctx.stdout(`imported ${shownFile} into ${shownDir}: ${parts.join(', ')}; revision ${ws.assessment.revision}\n`);
      return 0;
    } finally {
      // Already closed on success; a failure above must still release the lock.
      if (!ws.status().closed) await ws.close({ discardUnsaved: true });
    }
  },
};
