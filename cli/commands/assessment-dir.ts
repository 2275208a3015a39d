/**
 * Opening an assessment folder from the CLI: the workspace plus the exact pack it pins
 * (`id@version#hash`). A pack that is not installed, or installed with other content, is
 * refused with one line saying so — levels computed against another pack would be wrong.
 */
import { userInfo } from 'node:os';
import { relative, resolve } from 'node:path';
import { formatProblem } from '../../core/criteria/problems';
import type { Pack } from '../../core/criteria/schema';
import { StorageError } from '../../core/node/fs-port';
import { defaultPackRoots, resolvePack, type PackRoot } from '../../core/node/packs';
import { openWorkspace, type Workspace } from '../../core/node/workspace';
import { CliError, type CliContext } from '../context';

/** Who the journal records for CLI edits: `$TFA_ACTOR`, else the OS user. */
export function cliActor(env: NodeJS.ProcessEnv): string {
  const fromEnv = env.TFA_ACTOR?.trim();
  if (fromEnv) return fromEnv.slice(0, 200);
  try {
    return userInfo().username || 'tf-assessor';
  } catch {
    return 'tf-assessor';
  }
}

function display(ctx: CliContext, path: string): string {
  return relative(ctx.cwd, path) || path;
}

/** A StorageError (locked, not-found, corrupt…) as the CLI's one-line failure. */
export function storageFailure(err: unknown, ctx: CliContext, dir: string): unknown {
  if (!(err instanceof StorageError)) return err;
  const where = display(ctx, dir);
  return new CliError(err.message.includes(dir) ? err.message.split(dir).join(where) : `${where}: ${err.message}`);
}

/**
 * The pack an assessment pins, resolved among the installed packs by id, version and hash.
 * @throws CliError naming the assessment folder and what to install.
 */
export async function resolvePinnedPack(pin: { id: string; version: string; hash: string }, ctx: CliContext, dir: string, roots: PackRoot[] = defaultPackRoots(ctx.env)): Promise<Pack> {
  const ref = `${pin.id}@${pin.version}`;
  const where = display(ctx, dir);
  let resolved;
  try {
    resolved = await resolvePack(`${ref}#${pin.hash}`, { roots, cwd: ctx.cwd });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/has hash/.test(message)) {
      throw new CliError(`${where} was made with ${ref} (hash ${pin.hash.slice(0, 12)}…), but the installed ${ref} has different content: install the exact pack the assessment pins`);
    }
    throw new CliError(`${where} needs pack ${ref}, which is not installed: install it (pack list shows what is installed)`);
  }
  if (!resolved.result.ok) {
    const first = resolved.result.problems[0]!;
    throw new CliError(`the installed ${ref} is not a valid pack: ${formatProblem(first, display(ctx, first.file))} (run tf-assessor pack validate)`);
  }
  return resolved.result.pack;
}

export interface OpenedAssessment {
  dir: string;
  ws: Workspace;
  pack: Pack;
}

/**
 * Opens an assessment folder with its pinned pack. Read-only opens take no lock (scoring
 * while the app has it open is fine); writable opens lock it and check edits against the pack.
 * Recovery notes (a torn write repaired…) go to stderr as warnings.
 */
export async function openAssessmentDir(dirArg: string, ctx: CliContext, options: { readOnly: boolean }): Promise<OpenedAssessment> {
  const dir = resolve(ctx.cwd, dirArg);
  const actor = cliActor(ctx.env);
  let peek: Workspace;
  try {
    peek = await openWorkspace(dir, { actor, readOnly: true });
  } catch (err) {
    throw storageFailure(err, ctx, dir);
  }
  let pack: Pack;
  try {
    pack = await resolvePinnedPack(peek.assessment.pack, ctx, dir);
  } finally {
    if (!options.readOnly) await peek.close();
  }
  if (options.readOnly) {
    for (const issue of peek.recovery.issues) ctx.stderr(`warning: ${issue}\n`);
    return { dir, ws: peek, pack };
  }
  let ws: Workspace;
  try {
    ws = await openWorkspace(dir, { actor, pack });
  } catch (err) {
    throw storageFailure(err, ctx, dir);
  }
  if (ws.assessment.pack.hash !== pack.hash) {
    await ws.close();
    throw new CliError(`${display(ctx, dir)} changed while it was being opened; run the command again`);
  }
  for (const issue of ws.recovery.issues) ctx.stderr(`warning: ${issue}\n`);
  return { dir, ws, pack };
}
