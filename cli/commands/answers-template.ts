/** `tf-assessor answers template` — an empty answer sheet (CSV or XLSX) for a pack. */
import { extname, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatProblem } from '../../core/criteria/problems';
import { packRef } from '../../core/criteria/schema';
import { answersCsv, answersTemplate, answersXlsx } from '../../core/interchange/answers';
import { writeFileAtomic } from '../../core/node/atomic-file';
import { defaultPackRoots, resolvePack } from '../../core/node/packs';
import { CliError, type CliCommand } from '../context';

export const answersTemplateCommand: CliCommand = {
  name: 'answers template',
  usage: 'answers template --pack <id@version|dir> --out <file.csv|xlsx> [--lang ja|en]',
  summary: 'write an answer sheet: criterion_id, dimension, levels, title, status, justification, notes',
  async run(ctx) {
    let values;
    try {
      ({ values } = parseArgs({ args: ctx.argv, options: { pack: { type: 'string' }, out: { type: 'string' }, lang: { type: 'string', default: 'ja' } }, strict: true }));
    } catch (e) {
      throw new CliError(`${e instanceof Error ? e.message : String(e)}; usage: tf-assessor ${this.usage}`, 2);
    }
    if (!values.pack || !values.out) throw new CliError(`usage: tf-assessor ${this.usage}`, 2);
    const lang = values.lang;
    if (lang !== 'ja' && lang !== 'en') throw new CliError('--lang must be ja or en', 2);
    const out = resolve(ctx.cwd, values.out);
    const ext = extname(out).toLowerCase();
    if (ext !== '.csv' && ext !== '.xlsx') throw new CliError(`--out must end in .csv or .xlsx, not "${ext || values.out}"`, 2);
    let resolved;
    try {
      resolved = await resolvePack(values.pack, { roots: defaultPackRoots(ctx.env), cwd: ctx.cwd });
    } catch (e) {
      throw new CliError(e instanceof Error ? e.message : String(e));
    }
    if (!resolved.result.ok) {
      const first = resolved.result.problems[0]!;
      throw new CliError(`${values.pack} is not a valid pack: ${formatProblem(first, relative(ctx.cwd, first.file) || first.file)} (run tf-assessor pack validate)`);
    }
    const pack = resolved.result.pack;
    const t = answersTemplate(pack, lang);
    await writeFileAtomic(out, ext === '.csv' ? answersCsv(t) : answersXlsx(t, lang));
    ctx.stdout(`wrote ${relative(ctx.cwd, out) || out}: ${t.rows.length} criteria of ${packRef(pack)}\n`);
    return 0;
  },
};
