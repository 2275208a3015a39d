/**
 * `tf-assessor export <assessment-dir> --out <dir>`: the reports, their signatures, the OSCAL
 * results and the submission package (core/node/export.ts does the work). The signing identity
 * is a .p12 whose passphrase comes from an environment variable or a prompt, never from an
 * argument.
 */
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultPackRoots } from '../../core/node/packs';
import { exportAssessment, ExportError, formatLevels, type ExportedFile } from '../../core/node/export';
import { readPkcs12File } from '../../core/node/signing-files';
import { formatFingerprint } from '../../core/signing/bytes';
import { SigningError } from '../../core/signing/errors';
import type { SigningIdentity } from '../../core/signing/keys';
import { CliError, type CliCommand, type CliContext } from '../context';
import { promptHidden } from './identity';

const USAGE = 'export <assessment-dir> --out <dir> [--sign <file.p12> [--passphrase-env VAR]] [--lang ja|en] [--template T] [--oscal] [--no-evidence]';

export interface ExportArgs {
  dir: string;
  out: string;
  sign?: string;
  passphraseEnv?: string;
  lang: 'ja' | 'en';
  template?: string;
  oscal: boolean;
  evidence: boolean;
}

/** Parses the command's arguments; usage errors exit 2. */
export function parseExportArgs(argv: readonly string[]): ExportArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        out: { type: 'string' },
        sign: { type: 'string' },
        'passphrase-env': { type: 'string' },
        passphrase: { type: 'string' },
        lang: { type: 'string' },
        template: { type: 'string' },
        oscal: { type: 'boolean' },
        'no-evidence': { type: 'boolean' },
      },
    });
  } catch (e) {
    throw new CliError(`${e instanceof Error ? e.message : String(e)}; usage: tf-assessor ${USAGE}`, 2);
  }
  const v = parsed.values;
  if (v.passphrase !== undefined) throw new CliError('a passphrase is never taken as an argument (other users can see it); use --passphrase-env VAR or answer the prompt', 2);
  if (parsed.positionals.length !== 1) throw new CliError(`give exactly one assessment folder; usage: tf-assessor ${USAGE}`, 2);
  if (!v.out) throw new CliError(`--out is required; usage: tf-assessor ${USAGE}`, 2);
  const lang = v.lang ?? 'ja';
  if (lang !== 'ja' && lang !== 'en') throw new CliError(`--lang must be ja or en, not "${lang}"`, 2);
  if (v['passphrase-env'] !== undefined && v.sign === undefined) throw new CliError('--passphrase-env is for the identity given with --sign <file.p12>', 2);
  const out: ExportArgs = { dir: parsed.positionals[0]!, out: v.out, lang, oscal: v.oscal ?? false, evidence: !(v['no-evidence'] ?? false) };
  if (v.sign !== undefined) out.sign = v.sign;
  if (v['passphrase-env'] !== undefined) out.passphraseEnv = v['passphrase-env'];
  if (v.template !== undefined) out.template = v.template;
  return out;
}

/** The passphrase of an existing .p12: from the named environment variable, or asked once on a terminal. */
async function passphraseFor(ctx: CliContext, envName: string | undefined, file: string): Promise<string> {
  if (envName !== undefined) {
    const v = ctx.env[envName];
    if (v === undefined) throw new CliError(`the environment variable ${envName} (named by --passphrase-env) is not set`, 2);
    return v;
  }
  if (!process.stdin.isTTY) throw new CliError('no passphrase: give --passphrase-env VAR (the name of an environment variable holding it) or run in a terminal to be asked', 2);
  return promptHidden(`Passphrase for ${file}: `);
}

function shown(ctx: CliContext, path: string): string {
  return relative(ctx.cwd, path) || path;
}

async function run(ctx: CliContext): Promise<number> {
  const args = parseExportArgs(ctx.argv);
  const signingTime = new Date();
  let identity: SigningIdentity | undefined;
  if (args.sign !== undefined) {
    const p12 = resolve(ctx.cwd, args.sign);
    const passphrase = await passphraseFor(ctx, args.passphraseEnv, args.sign);
    try {
      identity = await readPkcs12File(p12, passphrase, { at: signingTime, label: args.sign });
    } catch (e) {
      if (e instanceof SigningError) throw new CliError(e.message, 1);
      throw e;
    }
  }
  // A bare name is a built-in template; anything that looks like a path is a folder relative to where the command runs.
  const template = args.template === undefined ? undefined : /[\\/]/.test(args.template) || args.template.startsWith('.') ? resolve(ctx.cwd, args.template) : args.template;
  let result;
  try {
    result = await exportAssessment(resolve(ctx.cwd, args.dir), {
      outDir: resolve(ctx.cwd, args.out),
      lang: args.lang,
      ...(template !== undefined && { template }),
      ...(identity && { identity }),
      signingTime,
      include: { evidence: args.evidence, oscal: args.oscal },
      packRoots: defaultPackRoots(ctx.env),
    });
  } catch (e) {
    if (e instanceof ExportError) {
      const abs = resolve(ctx.cwd, args.dir);
      throw new CliError(e.message.split(abs).join(shown(ctx, abs)), 1);
    }
    throw e;
  }
  for (const w of result.warnings) ctx.stderr(`warning: ${w}\n`);
  const file = (label: string, f: ExportedFile) => `  ${label.padEnd(17)}${shown(ctx, f.path)}`;
  const lines = [
    `exported ${shown(ctx, resolve(ctx.cwd, args.dir))} to ${shown(ctx, result.outDir)}`,
    file('report (PDF):', result.reportPdf),
    file('report (XLSX):', result.reportXlsx),
    ...(result.xlsxSignature ? [file('XLSX signature:', result.xlsxSignature)] : []),
    ...(result.oscal ? [file('OSCAL:', result.oscal)] : []),
    file('package:', result.package),
    `  package SHA-256: ${result.package.sha256}`,
    result.signer
      ? `  signed by:       ${result.signer.subject} (certificate SHA-256 ${formatFingerprint(result.signer.fingerprintSha256)}) at ${result.signedAt}`
      : '  signed by:       nobody — unsigned export (give --sign <file.p12> to sign); verifiers will report the package as not signed',
    `  levels:          ${formatLevels(result.levels)}`,
    '',
  ];
  ctx.stdout(lines.join('\n'));
  return 0;
}

export const exportCommand: CliCommand = {
  name: 'export',
  usage: USAGE,
  summary: 'write report.pdf, report.xlsx, their signatures, OSCAL results and the submission package (.tfpkg)',
  run,
};
