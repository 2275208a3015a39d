/**
 * `tf-assessor pack validate|list|diff|import-oscal` — criteria pack tools.
 * Problems print as `file:line:col: message` with paths relative to the working directory.
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;
import { changedFields, MANIFEST_FILE, validatePackFileText, type LoadPackResult } from '../../core/criteria/load';
import { formatProblem, type Problem } from '../../core/criteria/problems';
import { packRef, type Pack } from '../../core/criteria/schema';
import { importOscalCatalog } from '../../core/interchange/oscal-catalog';
import { writeFileAtomic } from '../../core/node/atomic-file';
import { defaultPackRoots, discoverPacks, readPackDir, resolvePack } from '../../core/node/packs';
import { CliError, type CliCommand, type CliContext } from '../context';

const rel = (ctx: CliContext, file: string): string => relative(ctx.cwd, file) || file;
const printProblems = (ctx: CliContext, problems: Problem[], warnings: Problem[], quiet = false): void => {
  for (const p of problems) ctx.stdout(formatProblem(p, rel(ctx, p.file)) + '\n');
  if (!quiet) for (const w of warnings) ctx.stdout(formatProblem({ ...w, message: `warning: ${w.message}` }, rel(ctx, w.file)) + '\n');
};

function args<O extends ParseArgsOptionsConfig>(ctx: CliContext, options: O, usage: string): { values: { [K in keyof O]?: string | boolean }; positionals: string[] } {
  try {
    const r = parseArgs({ args: ctx.argv, options, allowPositionals: true, strict: true });
    return { values: r.values as { [K in keyof O]?: string | boolean }, positionals: r.positionals };
  } catch (e) {
    throw new CliError(`${e instanceof Error ? e.message : String(e)}; usage: tf-assessor ${usage}`, 2);
  }
}

/** The pack folder a validate argument names: a folder, its pack.yaml, or a file inside a pack. */
function packFolderOf(path: string): string | undefined {
  const st = statSync(path);
  if (st.isDirectory()) return existsSync(join(path, MANIFEST_FILE)) ? path : undefined;
  if (basename(path) === MANIFEST_FILE) return dirname(path);
  let d = dirname(path);
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(d, MANIFEST_FILE))) return d;
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  return undefined;
}

export const packValidate: CliCommand = {
  name: 'pack validate',
  usage: 'pack validate <dir-or-file>... [--quiet]',
  summary: 'validate criteria packs; problems as file:line:col: message (exit 1 if any pack is invalid)',
  async run(ctx) {
    const { values, positionals } = args(ctx, { quiet: { type: 'boolean', short: 'q' } }, this.usage);
    if (positionals.length === 0) throw new CliError(`name at least one pack folder or file; usage: tf-assessor ${this.usage}`, 2);
    const roots = defaultPackRoots(ctx.env);
    let invalid = 0;
    const seen = new Set<string>();
    for (const arg of positionals) {
      const abs = resolve(ctx.cwd, arg);
      if (!existsSync(abs)) throw new CliError(`${arg}: no such file or folder`);
      const folder = packFolderOf(abs);
      if (!folder) {
        if (statSync(abs).isDirectory()) {
          // A criteria root (criteria/): validate every pack under it.
          const packs = await discoverPacks([{ dir: abs, origin: 'user' }]);
          if (packs.length === 0) throw new CliError(`${arg}: no ${MANIFEST_FILE} here and no <id>/<version>/ pack folders under it`);
          for (const d of packs) if (!report(ctx, d.dir, d.result, values.quiet === true)) invalid++;
          continue;
        }
        const r = validatePackFileText(rel(ctx, abs), await readFile(abs));
        printProblems(ctx, r.problems, [], true);
        if (r.problems.length) invalid++;
        else ctx.stdout(`ok ${rel(ctx, abs)} (${r.kind ?? 'pack file'}, checked alone: not inside a pack folder)\n`);
        continue;
      }
      if (seen.has(folder)) continue;
      seen.add(folder);
      if (!report(ctx, folder, await readPackDir(folder, { roots }), values.quiet === true)) invalid++;
    }
    if (invalid) ctx.stderr(`tf-assessor pack validate: ${invalid} invalid\n`);
    return invalid ? 1 : 0;
  },
};

function report(ctx: CliContext, dir: string, r: LoadPackResult, quiet: boolean): boolean {
  printProblems(ctx, r.ok ? [] : r.problems, r.warnings, quiet);
  if (r.ok) {
    const w = r.warnings.length ? `, ${r.warnings.length} warning${r.warnings.length > 1 ? 's' : ''}` : '';
    ctx.stdout(`ok ${packRef(r.pack)} sha256:${r.pack.hash} (${r.pack.criteria.length} criteria${w})\n`);
  } else ctx.stdout(`invalid ${rel(ctx, dir)} (${r.problems.length} problem${r.problems.length > 1 ? 's' : ''})\n`);
  return r.ok;
}

export const packList: CliCommand = {
  name: 'pack list',
  usage: 'pack list [--lang ja|en] [--json]',
  summary: 'installed packs (built-in and user): id@version, sha256, origin, criteria, title',
  async run(ctx) {
    const { values } = args(ctx, { lang: { type: 'string', default: 'en' }, json: { type: 'boolean' } }, this.usage);
    const lang = values.lang === 'ja' ? 'ja' : values.lang === 'en' ? 'en' : undefined;
    if (!lang) throw new CliError('--lang must be ja or en', 2);
    const packs = await discoverPacks(defaultPackRoots(ctx.env));
    const valid = packs.filter((d) => d.result.ok);
    if (values.json) {
      ctx.stdout(
        JSON.stringify(
          packs.map((d) =>
            d.result.ok
              ? { ref: packRef(d.result.pack), hash: d.result.pack.hash, origin: d.origin, criteria: d.result.pack.criteria.length, title: d.result.pack.title[lang], dir: d.dir }
              : { ref: `${d.id}@${d.version}`, origin: d.origin, dir: d.dir, invalid: d.result.problems.length },
          ),
          null,
          2,
        ) + '\n',
      );
    } else {
      for (const d of valid) {
        if (!d.result.ok) continue;
        const p = d.result.pack;
        ctx.stdout(`${packRef(p)}  sha256:${p.hash}  ${d.origin}  ${p.criteria.length} criteria  ${p.title[lang]}\n`);
      }
      if (valid.length === 0) ctx.stdout('no packs installed\n');
    }
    for (const d of packs) {
      if (d.result.ok) continue;
      const first = d.result.problems[0];
      ctx.stderr(`invalid ${rel(ctx, d.dir)}: ${first ? formatProblem(first, rel(ctx, first.file)) : 'invalid'} (${d.result.problems.length} problem(s); run tf-assessor pack validate ${rel(ctx, d.dir)})\n`);
    }
    return 0;
  },
};

async function loadRef(ctx: CliContext, ref: string): Promise<Pack> {
  let r;
  try {
    r = await resolvePack(ref, { roots: defaultPackRoots(ctx.env), cwd: ctx.cwd });
  } catch (e) {
    throw new CliError(e instanceof Error ? e.message : String(e));
  }
  if (!r.result.ok) {
    const first = r.result.problems[0]!;
    throw new CliError(`${ref} is not a valid pack: ${formatProblem(first, rel(ctx, first.file))} (${r.result.problems.length} problem(s); run tf-assessor pack validate)`);
  }
  return r.result.pack;
}

export const packDiff: CliCommand = {
  name: 'pack diff',
  usage: 'pack diff <a> <b> [--json]',
  summary: 'criteria added, removed and changed between two packs (refs or folders), and the declared mapping',
  async run(ctx) {
    const { values, positionals } = args(ctx, { json: { type: 'boolean' } }, this.usage);
    if (positionals.length !== 2) throw new CliError(`give two packs; usage: tf-assessor ${this.usage}`, 2);
    const a = await loadRef(ctx, positionals[0]!);
    const b = await loadRef(ctx, positionals[1]!);
    const aIds = new Map(a.criteria.map((c) => [c.id, c]));
    const bIds = new Map(b.criteria.map((c) => [c.id, c]));
    const added = b.criteria.filter((c) => !aIds.has(c.id)).map((c) => c.id);
    const removed = a.criteria.filter((c) => !bIds.has(c.id)).map((c) => c.id);
    const changed = b.criteria.flatMap((c) => {
      const before = aIds.get(c.id);
      const fields = before ? changedFields(before, c) : [];
      return fields.length ? [{ id: c.id, fields }] : [];
    });
    const mapping = b.mapping && b.mapping.from === packRef(a) ? b.mapping : undefined;
    if (values.json) {
      ctx.stdout(JSON.stringify({ from: packRef(a), to: packRef(b), added, removed, changed, mapping: mapping?.entries ?? null }, null, 2) + '\n');
      return 0;
    }
    const out: string[] = [`${packRef(a)} → ${packRef(b)}`];
    out.push(`added (${added.length}):`, ...added.map((id) => `  + ${id}  ${bIds.get(id)!.title.en}`));
    out.push(`removed (${removed.length}):`, ...removed.map((id) => `  - ${id}  ${aIds.get(id)!.title.en}`));
    out.push(`changed (${changed.length}):`, ...changed.map((c) => `  ~ ${c.id}: ${c.fields.join(', ')}`));
    if (mapping) {
      out.push(`mapping declared by ${packRef(b)} (${mapping.entries.length} entries):`);
      for (const e of mapping.entries) out.push(`  ${e.kind.padEnd(8)} ${e.from.join(', ') || '—'} → ${e.to.join(', ') || '—'}`);
    } else out.push(`mapping: ${packRef(b)} declares none from ${packRef(a)}`);
    ctx.stdout(out.join('\n') + '\n');
    return 0;
  },
};

export const packImportOscal: CliCommand = {
  name: 'pack import-oscal',
  usage: 'pack import-oscal <catalog.json|yaml> --id <id> --version <semver> --out <dir> [--force]',
  summary: 'turn an OSCAL catalog (e.g. NIST 800-63-4 conformance criteria) into a pack folder, then validate it',
  async run(ctx) {
    const { values, positionals } = args(
      ctx,
      { id: { type: 'string' }, version: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean' }, released: { type: 'string' }, publisher: { type: 'string' } },
      this.usage,
    );
    if (positionals.length !== 1 || !values.id || !values.version || !values.out) throw new CliError(`usage: tf-assessor ${this.usage}`, 2);
    const src = resolve(ctx.cwd, positionals[0]!);
    const out = resolve(ctx.cwd, String(values.out));
    let st;
    try {
      st = statSync(src);
    } catch {
      throw new CliError(`${positionals[0]}: no such file`);
    }
    const maxBytes = 50 * 1024 * 1024;
    if (!st.isFile()) throw new CliError(`${positionals[0]}: not a file`);
    if (st.size > maxBytes) throw new CliError(`${positionals[0]}: ${(st.size / 1048576).toFixed(1)} MiB is over the ${maxBytes / 1048576} MiB limit for a catalog`);
    if (existsSync(out) && (await readdir(out)).length > 0 && !values.force) {
      throw new CliError(`${rel(ctx, out)} exists and is not empty: choose another --out or pass --force to overwrite`);
    }
    const result = importOscalCatalog(await readFile(src), {
      id: String(values.id),
      version: String(values.version),
      maxBytes,
      ...(values.released ? { released: String(values.released) } : {}),
      ...(values.publisher ? { publisher: String(values.publisher) } : {}),
    });
    const name = rel(ctx, src);
    if (!result.ok) {
      for (const p of result.problems) ctx.stdout(`${name}: ${p.path}: ${p.message}\n`);
      ctx.stderr(`tf-assessor pack import-oscal: ${result.problems.length} problem(s) in ${name}; nothing written\n`);
      return 1;
    }
    await mkdir(out, { recursive: true });
    for (const f of result.files) await writeFileAtomic(join(out, f.path), f.text);
    for (const w of result.warnings) ctx.stdout(`${name}: ${w.path}: warning: ${w.message}\n`);
    ctx.stdout(`wrote ${rel(ctx, out)}: ${result.files.map((f) => f.path).join(', ')}\n`);
    const loaded = await readPackDir(out, { roots: defaultPackRoots(ctx.env) });
    // Untranslated text is expected right after an import: count it instead of listing 1,000 lines.
    const untranslated = loaded.warnings.filter((w) => /untranslated/.test(w.message)).length;
    printProblems(ctx, loaded.ok ? [] : loaded.problems, loaded.warnings.filter((w) => !/untranslated/.test(w.message)));
    if (!loaded.ok) {
      ctx.stderr(`tf-assessor pack import-oscal: the written pack is invalid (${loaded.problems.length} problem(s))\n`);
      return 1;
    }
    ctx.stdout(`ok ${packRef(loaded.pack)} sha256:${loaded.pack.hash} (${loaded.pack.criteria.length} criteria, ${untranslated} untranslated: ja repeats en until translated)\n`);
    return 0;
  },
};

export const packCommands: CliCommand[] = [packValidate, packList, packDiff, packImportOscal];
